package dev.nines.uptime;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The arithmetic of an {@code uptime-ledger} line: from the DOWN periods of one (service, region)
 * and its maintenance windows to the month's downtime, availability and error budget.
 *
 * <ul>
 *   <li>The month is the UTC calendar month {@code [periodStart, periodEnd)}; an outage that spans
 *       months is split at the boundary simply by clipping it to each month.
 *   <li>DOWN time is the union of the outages (overlaps count once), each known up to
 *       {@code observedUntil} (an open one runs to it), clipped to the month.
 *   <li>{@code maintenanceMs} is the DOWN time inside maintenance windows, {@code downtimeMs} the
 *       rest: the two add up to all DOWN time in the month. Maintenance without DOWN costs
 *       nothing.
 *   <li>{@code availabilityPercent = 100 * (1 - downtimeMs / monthLengthMs)} as an exact decimal
 *       with {@value #AVAILABILITY_SCALE} decimals, rounded <b>down</b>, so that availability is
 *       never overstated (99.99999 with one ms too much downtime shows as 99.999999, not 100).
 *       The denominator is always the whole month, also before the month is over: the line shows
 *       the balance so far, which can only go down as the month goes on.
 *   <li>{@code unobservedMs} is the time of the month that no probe covered (see {@link
 *       NoDataRule}); it is shown apart and changes neither availability nor budget.
 *   <li>{@code errorBudgetMs = floor(monthLengthMs * (100 - target) / 100)} computed exactly with
 *       BigDecimal (a 30-day month at 99.99 gives 259200 ms), and {@code errorBudgetRemainingMs =
 *       errorBudgetMs - downtimeMs}, negative once overspent.
 * </ul>
 *
 * Whether a month is <em>finalized</em> is the caller's decision (it depends on how long late data
 * is waited for), not part of the arithmetic.
 */
public final class MonthLedger {
  /** The platform objective when none is configured. */
  public static final BigDecimal DEFAULT_TARGET_PERCENT = new BigDecimal("99.99");

  static final int AVAILABILITY_SCALE = 6;
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private final BigDecimal targetPercent;

  /** @param targetPercent the platform objective in percent, from 0 to 100, e.g. 99.99 */
  public MonthLedger(BigDecimal targetPercent) {
    this.targetPercent = requireTarget(targetPercent);
  }

  public static MonthLedger defaults() {
    return new MonthLedger(DEFAULT_TARGET_PERCENT);
  }

  public BigDecimal targetPercent() {
    return targetPercent;
  }

  /**
   * The line for {@code month}.
   *
   * @param outages the DOWN periods of the (service, region); any months, any order
   * @param maintenance announced windows of the same (service, region); any months, any order
   * @param observedUntil stream time: nothing after it is counted
   */
  public MonthBalance balance(
      YearMonth month,
      Collection<Outage> outages,
      Collection<Interval> maintenance,
      long observedUntil) {
    return balance(month, outages, maintenance, observedUntil, List.of(), null);
  }

  /**
   * The line for {@code month}, with its unobserved time.
   *
   * @param gaps closed gaps in the probes (counted in full: they are known)
   * @param silence the gap still open, counted up to {@code observedUntil}; null if none
   */
  public MonthBalance balance(
      YearMonth month,
      Collection<Outage> outages,
      Collection<Interval> maintenance,
      long observedUntil,
      List<Interval> gaps,
      NoDataRule.Silence silence) {
    Interval period = period(month);
    long observedEnd = Math.max(period.start(), Math.min(period.end(), observedUntil));
    Interval observed = new Interval(period.start(), observedEnd);

    List<Interval> down = new ArrayList<>();
    List<Outage> touching = new ArrayList<>();
    for (Outage o : outages) {
      Interval known = o.knownUntil(observedUntil);
      down.add(known);
      if (!Intervals.clip(List.of(known), period).isEmpty()) {
        touching.add(o);
      }
    }
    List<Interval> downInMonth = Intervals.clip(down, observed);
    long maintenanceMs = Intervals.length(Intervals.intersection(downInMonth, maintenance));
    long downtimeMs = Intervals.length(Intervals.subtract(downInMonth, maintenance));

    long monthMs = period.length();
    long budgetMs = errorBudgetMs(monthMs, targetPercent);
    touching.sort(Comparator.comparingLong(Outage::startedAt).thenComparing(Outage::incidentId));
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    touching.forEach(o -> ids.add(o.incidentId()));
    return new MonthBalance(
        month,
        period.start(),
        period.end(),
        observedUntil,
        downtimeMs,
        maintenanceMs,
        availabilityPercent(downtimeMs, monthMs),
        targetPercent.toPlainString(),
        budgetMs,
        budgetMs - downtimeMs,
        List.copyOf(ids),
        NoDataRule.unobservedMs(gaps, silence, period, observedUntil));
  }

  /** The UTC month as {@code [first instant, first instant of the next month)}. */
  public static Interval period(YearMonth month) {
    return new Interval(startOf(month), startOf(month.plusMonths(1)));
  }

  /** Every UTC month that {@code interval} has time in, in order; none if it is empty. */
  public static List<YearMonth> monthsOf(Interval interval) {
    List<YearMonth> months = new ArrayList<>();
    if (interval.isEmpty()) {
      return months;
    }
    YearMonth m = YearMonth.from(Instant.ofEpochMilli(interval.start()).atOffset(ZoneOffset.UTC));
    while (startOf(m) < interval.end()) {
      months.add(m);
      m = m.plusMonths(1);
    }
    return months;
  }

  /** {@code floor(monthMs * (100 - target) / 100)}, exactly. */
  static long errorBudgetMs(long monthMs, BigDecimal targetPercent) {
    return BigDecimal.valueOf(monthMs)
        .multiply(HUNDRED.subtract(targetPercent))
        .divide(HUNDRED)
        .setScale(0, RoundingMode.FLOOR)
        .longValueExact();
  }

  /** {@code 100 * (monthMs - downtimeMs) / monthMs}, 6 decimals, rounded down. */
  static String availabilityPercent(long downtimeMs, long monthMs) {
    if (downtimeMs < 0 || downtimeMs > monthMs) {
      throw new IllegalArgumentException(
          "downtime " + downtimeMs + " ms outside a month of " + monthMs + " ms");
    }
    return BigDecimal.valueOf(monthMs - downtimeMs)
        .multiply(HUNDRED)
        .divide(BigDecimal.valueOf(monthMs), AVAILABILITY_SCALE, RoundingMode.DOWN)
        .toPlainString();
  }

  static BigDecimal requireTarget(BigDecimal targetPercent) {
    Objects.requireNonNull(targetPercent, "targetPercent");
    if (targetPercent.signum() < 0 || targetPercent.compareTo(HUNDRED) > 0) {
      throw new IllegalArgumentException(
          "target = " + targetPercent.toPlainString() + "%: expected 0 to 100");
    }
    return targetPercent;
  }

  private static long startOf(YearMonth month) {
    return month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
  }
}
