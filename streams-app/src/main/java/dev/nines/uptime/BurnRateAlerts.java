package dev.nines.uptime;

import dev.nines.uptime.AlertState.Firing;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Multi-window, multi-burn-rate alerts on the platform objective for one (service, region),
 * evaluated at instants the caller chooses (e.g. every minute of stream time).
 *
 * <p>The <b>burn rate</b> over a window {@code W} ending at {@code now} is the fraction of
 * {@code [now - W, now)} that was charged DOWN time (outages known up to {@code now}, an open one
 * running to {@code now}, minus maintenance windows, since those do not spend the budget), divided
 * by the allowed fraction {@code 1 - target / 100}. It is compared exactly, as
 * {@code downtimeMs * 100 > rate * W * (100 - target)}, so a boundary is never decided by
 * floating point.
 *
 * <p>A rule <b>fires</b> at the first evaluation where both its long and its short window burn
 * strictly faster than its rate (the workbook's {@code >}), and <b>resolves</b> at the first
 * evaluation after that where the short window no longer does. The short window alone decides
 * the end because that is its purpose in the workbook: it lets the alert reset within minutes of
 * the problem stopping, while the long window still remembers it for hours. A rule that keeps
 * burning over the short window stays one alert, even if the long window dips. Each alert fires
 * once and resolves once; while it is on nothing is repeated.
 *
 * <p>An evaluation at or before the previous one changes nothing (a replayed tick). A firing
 * rule that is no longer configured resolves at the next evaluation.
 */
public final class BurnRateAlerts {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private final BigDecimal targetPercent;
  private final List<BurnRule> rules;

  /**
   * @param targetPercent the platform objective, e.g. 99.99
   * @param rules evaluated in this order; no two with the same {@link BurnRule#id()}
   */
  public BurnRateAlerts(BigDecimal targetPercent, List<BurnRule> rules) {
    this.targetPercent = MonthLedger.requireTarget(targetPercent);
    this.rules = List.copyOf(rules);
    Set<String> ids = new HashSet<>();
    for (BurnRule r : this.rules) {
      if (!ids.add(r.id())) {
        throw new IllegalArgumentException("burn-rate alerts: rule " + r.id() + " given twice");
      }
    }
  }

  /** Objective 99.99%, {@link BurnRule#defaults()}. */
  public static BurnRateAlerts defaults() {
    return new BurnRateAlerts(MonthLedger.DEFAULT_TARGET_PERCENT, BurnRule.defaults());
  }

  /** The new state and the alerts that fired or resolved at this evaluation, in rule order. */
  public record Step(AlertState state, List<AlertEvent> events) {
    public Step {
      Objects.requireNonNull(state, "state");
      events = List.copyOf(events);
    }
  }

  /**
   * @param now the evaluation instant (event time)
   * @param outages the DOWN periods known at {@code now}; those ending before the longest window
   *     may be left out
   * @param maintenance the maintenance windows of the same (service, region)
   */
  public Step evaluate(
      AlertState state, long now, Collection<Outage> outages, Collection<Interval> maintenance) {
    if (now <= state.evaluatedAt()) {
      return new Step(state, List.of());
    }
    List<Interval> down = new ArrayList<>();
    for (Outage o : outages) {
      down.add(o.knownUntil(now));
    }
    List<Interval> charged = Intervals.subtract(down, maintenance);

    Map<BurnRule, Long> firing = new LinkedHashMap<>();
    for (Firing f : state.firing()) {
      firing.put(f.rule(), f.firedAt());
    }
    List<AlertEvent> events = new ArrayList<>();
    for (BurnRule rule : rules) {
      boolean shortBurning = burning(charged, now, rule.shortWindow().toMillis(), rule);
      Long firedAt = firing.get(rule);
      if (firedAt == null) {
        if (shortBurning && burning(charged, now, rule.longWindow().toMillis(), rule)) {
          firing.put(rule, now);
          events.add(new AlertEvent.Fired(rule, now));
        }
      } else if (!shortBurning) {
        firing.remove(rule);
        events.add(new AlertEvent.Resolved(rule, firedAt, now));
      }
    }
    for (Firing f : state.firing()) {
      if (!rules.contains(f.rule())) {
        firing.remove(f.rule());
        events.add(new AlertEvent.Resolved(f.rule(), f.firedAt(), now));
      }
    }
    List<Firing> next = new ArrayList<>();
    firing.forEach((rule, at) -> next.add(new Firing(rule, at)));
    return new Step(new AlertState(now, next), events);
  }

  /** downtime / W / (1 - target/100) > rate, cross-multiplied to stay exact. */
  private boolean burning(List<Interval> charged, long now, long windowMs, BurnRule rule) {
    BigDecimal spent = BigDecimal.valueOf(downtimeIn(charged, now, windowMs)).multiply(HUNDRED);
    BigDecimal limit =
        rule.burnRate()
            .multiply(BigDecimal.valueOf(windowMs))
            .multiply(HUNDRED.subtract(targetPercent));
    return spent.compareTo(limit) > 0;
  }

  private static long downtimeIn(List<Interval> charged, long now, long windowMs) {
    long from = now < Long.MIN_VALUE + windowMs ? Long.MIN_VALUE : now - windowMs;
    return Intervals.length(Intervals.clip(charged, new Interval(from, now)));
  }
}
