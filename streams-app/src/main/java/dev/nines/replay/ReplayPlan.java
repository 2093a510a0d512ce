package dev.nines.replay;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * What a replay covers and what it is called: the half-open range [from, to) of record
 * timestamps, the suffix of its shadow topics and its own application id. Pure; the checks here
 * are the ones {@code nines replay} reports in one line.
 *
 * @param from first record timestamp replayed (inclusive)
 * @param to end of the range (exclusive)
 * @param suffix appended to every contract topic name, e.g. {@code .replay-2026-10}
 * @param applicationId the replay's Kafka Streams application id: the live one plus the suffix
 */
public record ReplayPlan(Instant from, Instant to, String suffix, String applicationId) {
  /** Topic-name characters; also exactly those an application id may contain. */
  private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9._-]+");

  public ReplayPlan {
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException(
          "--to "
              + to
              + " is not after --from "
              + from
              + ": the range is [from, to), so --to must be later, e.g. --from 2026-10 --to 2026-11");
    }
    if (suffix.isEmpty()) {
      throw new IllegalArgumentException(
          "--suffix is empty: the replay would write into the "
              + "live topics; give one such as .replay-2026-10");
    }
    if (!SUFFIX.matcher(suffix).matches()) {
      throw new IllegalArgumentException(
          "--suffix '"
              + suffix
              + "': expected only letters, "
              + "digits, '.', '_' and '-' (it becomes part of topic names), e.g. .replay-2026-10");
    }
  }

  /**
   * The plan for these option values.
   *
   * @param suffixOrNull null: {@link #defaultSuffix}
   * @param liveApplicationId the live app's id; the replay's is this plus the suffix
   */
  public static ReplayPlan of(
      String fromText, String toText, String suffixOrNull, String liveApplicationId) {
    Instant from = instant("--from", fromText);
    Instant to = instant("--to", toText);
    String suffix = suffixOrNull == null ? defaultSuffix(from) : suffixOrNull;
    return new ReplayPlan(from, to, suffix, liveApplicationId + suffix);
  }

  /** {@code .replay-<yyyy-MM of from, UTC>}. */
  public static String defaultSuffix(Instant from) {
    return ".replay-" + YearMonth.from(from.atZone(ZoneOffset.UTC));
  }

  /**
   * An ISO-8601 instant ({@code 2026-10-01T00:00:00Z}), or a UTC date ({@code 2026-10-01},
   * its midnight) or month ({@code 2026-10}, its first midnight).
   */
  public static Instant instant(String option, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          option
              + " is missing: expected an ISO-8601 instant "
              + "such as 2026-10-01T00:00:00Z, a date 2026-10-01 or a month 2026-10 (UTC)");
    }
    String t = text.trim();
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      // try the shorter forms
    }
    try {
      return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      // try a month
    }
    try {
      return YearMonth.parse(t).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          option
              + " '"
              + text
              + "' is not a time: expected an "
              + "ISO-8601 instant such as 2026-10-01T00:00:00Z, a date 2026-10-01 or a month 2026-10 "
              + "(UTC)");
    }
  }
}
