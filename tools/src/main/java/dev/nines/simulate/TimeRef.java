package dev.nines.simulate;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A point in time in a scenario: either absolute ({@code 2026-01-01T00:00:00Z}) or an offset from
 * the scenario start ({@code -P30D}, {@code PT0S}). Offsets let a scenario file stay valid
 * whatever day the demo is started; absolute instants let a test pin a contract to a month.
 */
public record TimeRef(Instant instant, Duration offset) {

  public TimeRef {
    if ((instant == null) == (offset == null)) {
      throw new IllegalArgumentException("exactly one of instant and offset must be set");
    }
  }

  public static TimeRef at(Instant instant) {
    return new TimeRef(Objects.requireNonNull(instant), null);
  }

  public static TimeRef after(Duration offset) {
    return new TimeRef(null, Objects.requireNonNull(offset));
  }

  /**
   * Parses an ISO-8601 instant or an ISO-8601 duration.
   *
   * @throws IllegalArgumentException if the text is neither
   */
  public static TimeRef parseText(String text) {
    String t = text.trim();
    try {
      return t.startsWith("P") || t.startsWith("-P") || t.startsWith("+P")
          ? after(Duration.parse(t))
          : at(Instant.parse(t));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an ISO-8601 instant or duration: " + text, e);
    }
  }

  /** The instant this reference denotes for a scenario started at {@code start}. */
  public Instant resolve(Instant start) {
    return instant != null ? instant : start.plus(offset);
  }

  @Override
  public String toString() {
    return instant != null ? instant.toString() : offset.toString();
  }
}
