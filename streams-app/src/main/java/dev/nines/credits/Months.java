package dev.nines.credits;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** UTC calendar months as epoch-millisecond spans: every credit is computed per UTC month. */
final class Months {
  private Months() {}

  private static final DateTimeFormatter KEY = DateTimeFormatter.ofPattern("uuuu-MM");

  /** The first millisecond of the month, UTC (inclusive). */
  static long startMs(YearMonth month) {
    return month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** The first millisecond of the next month, UTC: the month is {@code [startMs, endMs)}. */
  static long endMs(YearMonth month) {
    return startMs(month.plusMonths(1));
  }

  static long lengthMs(YearMonth month) {
    return endMs(month) - startMs(month);
  }

  /**
   * The month's last millisecond, {@code endMs - 1}: the instant at which the contract that
   * governs the month is looked up. Not {@code endMs} itself, which already belongs to the next
   * month: a contract that takes effect at the next month's first instant must not govern this one.
   */
  static Instant lastMillisecond(YearMonth month) {
    return Instant.ofEpochMilli(endMs(month) - 1);
  }

  /** {@code yyyy-MM}, as in the ledger keys and the credit's {@code month}. */
  static String key(YearMonth month) {
    return KEY.format(month);
  }
}
