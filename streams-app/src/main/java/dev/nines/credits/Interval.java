package dev.nines.credits;

import java.time.Instant;
import java.util.Objects;

/**
 * A half-open span of event time {@code [startMs, endMs)} in epoch milliseconds: a DOWN period of
 * one service in one region, or a maintenance window. Half-open, so that two spans that touch
 * ({@code [a, b)} and {@code [b, c)}) neither overlap nor leave a gap, and the length is simply
 * {@code endMs - startMs}. An empty span ({@code startMs == endMs}) is allowed and counts nothing.
 */
public record Interval(long startMs, long endMs) {
  public Interval {
    if (endMs < startMs) {
      throw new IllegalArgumentException(
          "interval: endMs = " + endMs + " is before startMs = " + startMs);
    }
  }

  public static Interval of(Instant start, Instant end) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    return new Interval(start.toEpochMilli(), end.toEpochMilli());
  }

  /** The length in ms; throws if it does not fit a long (only spans beyond any real month do). */
  public long lengthMs() {
    return Math.subtractExact(endMs, startMs);
  }
}
