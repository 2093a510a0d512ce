package dev.nines.uptime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * When a region's probes have stopped: the NO_DATA alert and the unobserved time of the ledger.
 *
 * <ul>
 *   <li>A region is <b>silent</b> once the service's stream time (its latest probe in any region)
 *       is more than {@code after} past the region's latest probe: other regions' probes advance,
 *       this one's do not. The alert fires at {@code latest + after}; it is decided when the
 *       service's stream time shows it, so it comes from data, never from the wall clock. A
 *       service whose every region is silent has no stream time moving and raises nothing: there
 *       is nothing to compare with (its ledger still counts the gaps once probes return). When
 *       the service's probes resume after such a gap, a region's silence counts from the
 *       resumption, so that the regions that report a little later than the first raise nothing.
 *   <li>The alert resolves at the region's next probe; {@code resolvedAt} is its observedAt.
 *   <li>A <b>gap</b> is the time between two consecutive probes of the region (any check, any
 *       vantage) when it is longer than {@code after}: the whole of it is <b>unobserved</b>, since
 *       no probe covered it. A gap still open (the alert firing) counts up to the line's
 *       observedUntil.
 * </ul>
 *
 * <p>Only probes later than the region's latest can end a gap: an earlier one is held or late in
 * the reorder buffer, and {@code after} is longer than the reorder grace (the configuration
 * checks it), so it could not have filled the gap. Pure; the memory is passed in and handed back.
 */
public final class NoDataRule {
  private final long afterMs;

  public NoDataRule(Duration after) {
    Objects.requireNonNull(after, "after");
    if (after.isNegative() || after.isZero()) {
      throw new IllegalArgumentException("no-data limit = " + after + ": expected more than 0");
    }
    this.afterMs = after.toMillis();
  }

  /**
   * A NO_DATA alert in force.
   *
   * @param since the region's latest probe before the silence
   * @param firedAt {@code since + after}
   */
  public record Silence(long since, long firedAt) {}

  /**
   * What a probe arriving at {@code observedAt} changes.
   *
   * @param gaps the closed gaps, with the one this probe ends if it ends one
   * @param silence the alert in force after it: null once the probe resolved it
   * @param resolved the alert it resolved, or null
   */
  public record Arrival(List<Interval> gaps, Silence silence, Silence resolved) {}

  /**
   * @param latest the region's latest probe time before this one ({@link Long#MIN_VALUE}: none)
   */
  public Arrival arrive(List<Interval> gaps, Silence silence, long latest, long observedAt) {
    if (latest == Long.MIN_VALUE || observedAt <= latest) {
      return new Arrival(gaps, silence, null);
    }
    List<Interval> out = gaps;
    if (observedAt - latest > afterMs) {
      out = new ArrayList<>(gaps);
      out.add(new Interval(latest, observedAt));
    }
    return new Arrival(out, null, silence);
  }

  /**
   * The alert that fires now, or null: the region's latest probe (or the service's resumption
   * after a gap of the whole service, if later) is more than {@code after} behind the service's
   * stream time and none is in force. The silence is dated from the region's latest probe.
   *
   * @param resumedAt when the service's probes resumed after a gap of all its regions, or {@link
   *     Long#MIN_VALUE}
   */
  public Silence evaluate(Silence silence, long latest, long resumedAt, long serviceTime) {
    if (silence != null || latest == Long.MIN_VALUE) {
      return null;
    }
    long from = Math.max(latest, resumedAt);
    if (serviceTime - from <= afterMs) {
      return null;
    }
    return new Silence(latest, from + afterMs);
  }

  /** The stream time step beyond which the whole service was silent. */
  public long afterMs() {
    return afterMs;
  }

  /** Unobserved time within {@code period}: the closed gaps, and the open one up to observedUntil. */
  public static long unobservedMs(
      List<Interval> gaps, Silence open, Interval period, long observedUntil) {
    return Intervals.length(unobserved(gaps, open, period, observedUntil));
  }

  /** The unobserved intervals within {@code period}, merged. */
  public static List<Interval> unobserved(
      List<Interval> gaps, Silence open, Interval period, long observedUntil) {
    List<Interval> all = new ArrayList<>(gaps);
    if (open != null && observedUntil > open.since()) {
      all.add(new Interval(open.since(), observedUntil));
    }
    return Intervals.clip(Intervals.union(all), period);
  }
}
