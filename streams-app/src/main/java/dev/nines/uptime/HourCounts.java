package dev.nines.uptime;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * One key's receipts in one UTC hour, per minute: attempts and platform-caused failures. The
 * unit error-rate downtime is counted in: a contract's period (whole minutes dividing an hour,
 * see {@link ErrorRateDowntime}) is a sum of minutes of one hour. Mutable while counted; pure.
 *
 * <p>Bytes: {@code version 1, n (1 byte), n × (minute (1), attempts (4), failures (4))}, the
 * minutes with attempts in ascending order.
 */
public final class HourCounts {
  public static final int MINUTES = 60;
  public static final long HOUR_MS = 3_600_000L;
  private static final long MINUTE_MS = 60_000L;
  private static final byte VERSION = 1;

  private final int[] attempts = new int[MINUTES];
  // allocated at the first platform failure: most hours of most accounts have none, and an open
  // hour of every active account is held in memory
  private int[] failures;

  /** Counts one attempt at {@code epochMs} (its minute of the hour). */
  public HourCounts add(long epochMs, boolean platformFailure) {
    int m = (int) (Math.floorMod(epochMs, HOUR_MS) / MINUTE_MS);
    attempts[m]++;
    if (platformFailure) {
      failures()[m]++;
    }
    return this;
  }

  /** Adds another count of the same hour (another carrier's share, say) into this one. */
  public HourCounts addAll(HourCounts other) {
    for (int m = 0; m < MINUTES; m++) {
      attempts[m] += other.attempts[m];
    }
    if (other.failures != null) {
      int[] f = failures();
      for (int m = 0; m < MINUTES; m++) {
        f[m] += other.failures[m];
      }
    }
    return this;
  }

  public int attempts(int minute) {
    return attempts[minute];
  }

  public int failures(int minute) {
    return failures == null ? 0 : failures[minute];
  }

  private int[] failures() {
    if (failures == null) {
      failures = new int[MINUTES];
    }
    return failures;
  }

  /** Whether any attempt of the hour failed for a platform cause: else it can be no downtime. */
  public boolean anyFailure() {
    if (failures != null) {
      for (int f : failures) {
        if (f > 0) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Adds this hour's counts, starting at {@code hourStart}, to the periods of {@code rule} that
   * hold them (by period start).
   */
  public void addTo(
      long hourStart, ErrorRateDowntime rule, Map<Long, ErrorRateDowntime.Counts> byPeriod) {
    for (int m = 0; m < MINUTES; m++) {
      if (attempts[m] > 0) {
        long start = rule.periodStart(hourStart + m * MINUTE_MS);
        ErrorRateDowntime.Counts c = byPeriod.get(start);
        byPeriod.put(
            start,
            c == null
                ? new ErrorRateDowntime.Counts(attempts[m], failures(m))
                : new ErrorRateDowntime.Counts(
                    c.attempts() + attempts[m], c.platformFailures() + failures(m)));
      }
    }
  }

  public byte[] toBytes() {
    int n = 0;
    for (int a : attempts) {
      n += a > 0 ? 1 : 0;
    }
    ByteBuffer b = ByteBuffer.allocate(2 + 9 * n).put(VERSION).put((byte) n);
    for (int m = 0; m < MINUTES; m++) {
      if (attempts[m] > 0) {
        b.put((byte) m).putInt(attempts[m]).putInt(failures(m));
      }
    }
    return b.array();
  }

  public static HourCounts fromBytes(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.get() != VERSION) {
        throw new IllegalArgumentException("hour counts: unknown version " + bytes[0]);
      }
      int n = b.get();
      HourCounts c = new HourCounts();
      for (int i = 0; i < n; i++) {
        int m = b.get();
        if (m < 0 || m >= MINUTES) {
          throw new IllegalArgumentException("hour counts: minute " + m);
        }
        c.attempts[m] = b.getInt();
        int f = b.getInt();
        if (f != 0) {
          c.failures()[m] = f;
        }
      }
      return c;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("hour counts: truncated", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof HourCounts h) || !Arrays.equals(attempts, h.attempts)) {
      return false;
    }
    for (int m = 0; m < MINUTES; m++) {
      if (failures(m) != h.failures(m)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(attempts);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("HourCounts[");
    for (int m = 0; m < MINUTES; m++) {
      if (attempts[m] > 0) {
        s.append(m).append(':').append(failures(m)).append('/').append(attempts[m]).append(' ');
      }
    }
    return s.append(']').toString();
  }
}
