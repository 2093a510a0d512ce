package dev.nines.uptime;

/**
 * A half-open interval {@code [start, end)} of epoch milliseconds: {@code start} is in it,
 * {@code end} is not, so that back-to-back intervals share no instant and lengths add up.
 * Empty when {@code start == end}.
 */
public record Interval(long start, long end) {
  public Interval {
    if (end < start) {
      throw new IllegalArgumentException("interval [" + start + ", " + end + "): end before start");
    }
    // the length must be a long, so that every total below is exact
    Math.subtractExact(end, start);
  }

  public static Interval of(long start, long end) {
    return new Interval(start, end);
  }

  public long length() {
    return end - start;
  }

  public boolean isEmpty() {
    return start == end;
  }

  public boolean contains(long instant) {
    return start <= instant && instant < end;
  }

  @Override
  public String toString() {
    return "[" + start + ", " + end + ")";
  }
}
