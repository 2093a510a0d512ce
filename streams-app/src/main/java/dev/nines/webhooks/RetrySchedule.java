package dev.nines.webhooks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When a failed delivery is tried again: the first retry after {@code initial}, each next one
 * after twice the wait before, never more than {@code max}, for {@code attempts} attempts in
 * all (the first one included). Pure.
 */
public record RetrySchedule(int attempts, Duration initial, Duration max) {
  public RetrySchedule {
    if (attempts < 1 || initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("attempts >= 1 and 0 <= initial <= max");
    }
  }

  /** The wait before attempt {@code n} (2 = the first retry); zero before the first. */
  public Duration delayBefore(int n) {
    if (n <= 1) {
      return Duration.ZERO;
    }
    Duration d = initial;
    for (int i = 2; i < n && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  /** The waits before each retry, in order. */
  public List<Duration> delays() {
    List<Duration> out = new ArrayList<>();
    for (int n = 2; n <= attempts; n++) {
      out.add(delayBefore(n));
    }
    return out;
  }

  /** The longest one delivery can take, with each attempt taking {@code timeout}. */
  public Duration worstCase(Duration timeout) {
    Duration d = timeout.multipliedBy(attempts);
    for (Duration w : delays()) {
      d = d.plus(w);
    }
    return d;
  }
}
