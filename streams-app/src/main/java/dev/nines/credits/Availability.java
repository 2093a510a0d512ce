package dev.nines.credits;

import dev.nines.uptime.Interval;
import dev.nines.uptime.Intervals;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A customer's availability of one service over one UTC month, kept exact as the two numbers it
 * is made of: availability = 100 * (monthLengthMs - downtimeMs) / monthLengthMs percent. A month
 * is 28 to 31 times 86,400,000 ms, so that quotient often has no finite decimal expansion: the
 * credit decision compares the rational itself ({@link #isBelow}); only the text is rounded.
 *
 * @param monthLengthMs the month's length, above 0
 * @param downtimeMs customer downtime in the month, 0 to monthLengthMs: the time in which the
 *     service was DOWN, outside that region's maintenance, in at least one covered region
 */
public record Availability(long monthLengthMs, long downtimeMs) {

  /** Decimals of {@link #percentText()}. */
  public static final int DISPLAY_SCALE = 6;

  public Availability {
    if (monthLengthMs <= 0) {
      throw new IllegalArgumentException(
          "availability: monthLengthMs = " + monthLengthMs + ", expected above 0");
    }
    if (downtimeMs < 0 || downtimeMs > monthLengthMs) {
      throw new IllegalArgumentException(
          "availability: downtimeMs = "
              + downtimeMs
              + ", expected 0 to monthLengthMs = "
              + monthLengthMs);
    }
  }

  /**
   * Customer downtime over a UTC month: for each covered region, its DOWN intervals minus its own
   * maintenance windows (maintenance in one region excuses nothing in another), then the union
   * over the covered regions, clipped to the month. Overlapping outages in two regions count
   * once: the customer was down once. Regions the contract does not cover count nothing; a
   * covered region missing from a map has no downtime, or no maintenance.
   *
   * @param downByRegion DOWN intervals of the one service, per region; may reach outside the month
   * @param maintenanceByRegion maintenance windows of the same service, per region
   * @param coveredRegions the regions the contract covers
   */
  public static Availability of(
      YearMonth month,
      Map<String, List<Interval>> downByRegion,
      Map<String, List<Interval>> maintenanceByRegion,
      Collection<String> coveredRegions) {
    Objects.requireNonNull(month, "month");
    Objects.requireNonNull(downByRegion, "downByRegion");
    Objects.requireNonNull(maintenanceByRegion, "maintenanceByRegion");
    long start = Months.startMs(month);
    long end = Months.endMs(month);
    List<Interval> charged = new ArrayList<>();
    for (String region : new TreeSet<>(coveredRegions)) {
      List<Interval> down = Intervals.union(listOf(downByRegion, region));
      List<Interval> maintenance = Intervals.union(listOf(maintenanceByRegion, region));
      charged.addAll(
          Intervals.clip(Intervals.subtract(down, maintenance), new Interval(start, end)));
    }
    return new Availability(end - start, Intervals.length(Intervals.union(charged)));
  }

  private static List<Interval> listOf(Map<String, List<Interval>> byRegion, String region) {
    List<Interval> l = byRegion.get(region);
    return l == null ? List.of() : l;
  }

  /**
   * Exactly whether the availability is strictly below {@code percent}:
   * {@code 100 * (len - down) / len < percent  <=>  100 * (len - down) < percent * len},
   * as BigDecimal products, which are exact. No rounding anywhere.
   */
  public boolean isBelow(BigDecimal percent) {
    BigDecimal up =
        BigDecimal.valueOf(monthLengthMs - downtimeMs).multiply(ContractValidator.HUNDRED);
    return up.compareTo(percent.multiply(BigDecimal.valueOf(monthLengthMs))) < 0;
  }

  /**
   * The availability for people, with {@value #DISPLAY_SCALE} decimals rounded DOWN, e.g.
   * "99.989999" for 259,201 ms in a 30-day month. Down, so that the text never shows more than
   * was delivered, and so that it agrees with the decision for any threshold of at most six
   * decimals: the availability is below such a threshold exactly when this text is. (Rounded
   * half up, 99.98999996 would show "99.990000" next to a credit for being below 99.99.)
   */
  public String percentText() {
    return BigDecimal.valueOf(monthLengthMs - downtimeMs)
        .multiply(ContractValidator.HUNDRED)
        .divide(BigDecimal.valueOf(monthLengthMs), DISPLAY_SCALE, RoundingMode.DOWN)
        .toPlainString();
  }
}
