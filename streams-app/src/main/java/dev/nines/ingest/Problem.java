package dev.nines.ingest;

import java.util.List;

/** One thing wrong with an input record: a stable reason code and what would be right. */
public record Problem(String reason, String text) {
  public static final String MISSING = "missing-field";
  public static final String UNKNOWN_SYMBOL = "unknown-symbol";
  public static final String OUT_OF_ORDER = "completed-before-submitted";
  public static final String NEGATIVE = "negative-latency";
  public static final String TOMBSTONE = "tombstone";
  public static final String RECORD_SKEW = "record-time-skew";
  public static final String AHEAD = "ahead-of-record-time";
  public static final String BEHIND = "behind-stream-time";

  static void requireText(List<Problem> problems, String field, String value) {
    if (value == null || value.isBlank()) {
      problems.add(new Problem(MISSING, field + " is blank: expected a non-blank id"));
    }
  }
}
