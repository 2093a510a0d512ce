package dev.nines.app;

import java.util.Locale;

/**
 * The JVM's default locale for formatting, set to en-US where nines runs.
 *
 * <p>Why: Kafka Streams 4.4 formats a message with {@code String.format} for every empty input
 * partition of a task each time it asks the task whether it can process, whether the message is
 * logged or not (KAFKA-19682); nines' tasks read reference data that is nearly always empty, so
 * that is thousands of calls a second per stream thread. JDK 17's {@code Formatter} builds a new
 * {@code DecimalFormatSymbols} for every call unless the locale is en-US, which makes each call
 * about two and a half times as costly (BENCHMARKS.md). What nines writes to topics and serves
 * formats numbers with {@code Locale.ROOT}, so it reads the same either way; the command line's
 * tables read numbers the en-US way.
 */
public final class FormatLocale {
  private FormatLocale() {}

  /** Sets the default format locale to en-US; the display locale is left as it is. */
  public static void useUs() {
    Locale.setDefault(Locale.Category.FORMAT, Locale.US);
  }
}
