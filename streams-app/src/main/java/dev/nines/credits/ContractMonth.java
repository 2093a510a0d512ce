package dev.nines.credits;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A calendar month in a contract's time zone, as the instants it spans: {@code [first instant of
 * the 1st, first instant of the next month's 1st)}, local midnight in {@code zone}. Its length is
 * the true one: a month with a daylight-saving change is an hour shorter or longer (Europe/Berlin:
 * March 743 h, October 745 h). UTC when the contract names no zone. Pure.
 */
public record ContractMonth(YearMonth month, ZoneId zone) {
  public ContractMonth {
    Objects.requireNonNull(month, "month");
    Objects.requireNonNull(zone, "zone");
  }

  public static ContractMonth utc(YearMonth month) {
    return new ContractMonth(month, ZoneOffset.UTC);
  }

  /** The contract month that holds the instant. */
  public static ContractMonth of(long epochMs, ZoneId zone) {
    return new ContractMonth(YearMonth.from(Instant.ofEpochMilli(epochMs).atZone(zone)), zone);
  }

  public long startMs() {
    return month.atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
  }

  public long endMs() {
    return month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
  }

  public long lengthMs() {
    return endMs() - startMs();
  }

  public ContractMonth previous() {
    return new ContractMonth(month.minusMonths(1), zone);
  }

  /**
   * The contract month in {@code zone} that ends within the UTC month {@code utc} (after its
   * first instant, at or before its end): the one that can be decided when {@code utc} closes.
   */
  public static ContractMonth endingIn(YearMonth utc, ZoneId zone) {
    long utcEnd =
        utc.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    ContractMonth m = of(utcEnd - 1, zone);
    return m.endMs() > utcEnd ? m.previous() : m;
  }

  public ContractMonth next() {
    return new ContractMonth(month.plusMonths(1), zone);
  }

  /**
   * The UTC months it has time in, in order: the platform closes UTC months, and a contract
   * month can be decided once all of these are closed.
   */
  public List<YearMonth> utcMonths() {
    List<YearMonth> out = new ArrayList<>();
    YearMonth m = YearMonth.from(Instant.ofEpochMilli(startMs()).atOffset(ZoneOffset.UTC));
    long end = endMs();
    while (m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() < end) {
      out.add(m);
      m = m.plusMonths(1);
    }
    return out;
  }

  /** {@code yyyy-MM}, the month as the contract's calendar names it. */
  public String key() {
    return month.toString();
  }
}
