package dev.nines.uptime;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Downtime from receipts, as cloud and messaging SLAs define it: a period (e.g. a minute, or
 * five) in which more than {@code thresholdPercent} of an account's attempts failed for a
 * platform cause, with at least {@code minAttempts} attempts, is a period of downtime. "More
 * than" is strict and compared exactly: at 5%, 5 failures of 100 is not downtime, 6 is. Pure.
 *
 * @param thresholdPercent e.g. 5 (decimal, exact)
 * @param period the length of a period, whole minutes that divide an hour (PT1M, PT5M, PT15M,
 *     PT1H, ...): receipts are counted per minute of each UTC hour ({@link HourCounts}); periods
 *     are aligned to the epoch (a period of PT5M starts at :00, :05, ...)
 * @param minAttempts fewer attempts than this in a period say nothing about it
 */
public record ErrorRateDowntime(BigDecimal thresholdPercent, Duration period, int minAttempts) {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  public ErrorRateDowntime {
    Objects.requireNonNull(thresholdPercent, "thresholdPercent");
    Objects.requireNonNull(period, "period");
    if (thresholdPercent.signum() < 0 || thresholdPercent.compareTo(HUNDRED) >= 0) {
      throw new IllegalArgumentException(
          "thresholdPercent = " + thresholdPercent.toPlainString() + ": expected 0 to below 100");
    }
    if (period.isNegative()
        || period.isZero()
        || period.toMillis() % 60_000 != 0
        || Duration.ofHours(1).toMillis() % period.toMillis() != 0) {
      throw new IllegalArgumentException(
          "period = "
              + period
              + ": expected whole minutes that divide an hour, e.g. PT1M, PT5M or PT1H");
    }
    if (minAttempts < 1) {
      throw new IllegalArgumentException("minAttempts = " + minAttempts + ": expected at least 1");
    }
  }

  /** Attempts and platform-caused failures in one period. */
  public record Counts(long attempts, long platformFailures) {}

  /** Whether a period with these counts is downtime. */
  public boolean isDown(Counts c) {
    return c.attempts() >= minAttempts
        && BigDecimal.valueOf(c.platformFailures())
                .multiply(HUNDRED)
                .compareTo(thresholdPercent.multiply(BigDecimal.valueOf(c.attempts())))
            > 0;
  }

  /** The start of the period that holds the instant. */
  public long periodStart(long epochMs) {
    return Math.floorDiv(epochMs, period.toMillis()) * period.toMillis();
  }

  /** The down periods, merged, from the counts per period start. */
  public List<Interval> downtime(Map<Long, Counts> byPeriodStart) {
    List<Interval> down = new ArrayList<>();
    long len = period.toMillis();
    byPeriodStart.forEach(
        (start, c) -> {
          if (isDown(c)) {
            down.add(new Interval(start, start + len));
          }
        });
    return Intervals.union(down);
  }
}
