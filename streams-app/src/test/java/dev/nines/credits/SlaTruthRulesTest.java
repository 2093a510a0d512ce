package dev.nines.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.credits.MaintenanceNotice.Version;
import dev.nines.uptime.ErrorRateDowntime;
import dev.nines.uptime.Interval;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The pure rules of SLA truth, each expectation worked out by hand in its comment. */
class SlaTruthRulesTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final long H = 3_600_000L;
  static final long MIN = 60_000L;

  static long t(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  // ---- contract months ---------------------------------------------------------------------

  @Test
  void berlinMonthsAroundTheDaylightSavingChangesHaveTheirTrueLength() {
    // 2026: summer time from Sun 29 March 02:00 (+01:00 -> +02:00) to Sun 25 October 03:00
    ContractMonth march = new ContractMonth(YearMonth.of(2026, 3), BERLIN);
    // 1 March 00:00 +01:00 = 28 Feb 23:00Z; 1 April 00:00 +02:00 = 31 March 22:00Z
    assertThat(march.startMs()).isEqualTo(t("2026-02-28T23:00:00Z"));
    assertThat(march.endMs()).isEqualTo(t("2026-03-31T22:00:00Z"));
    assertThat(march.lengthMs()).isEqualTo(743 * H); // 31 x 24 - 1
    ContractMonth october = new ContractMonth(YearMonth.of(2026, 10), BERLIN);
    assertThat(october.lengthMs()).isEqualTo(745 * H); // 31 x 24 + 1
    assertThat(new ContractMonth(YearMonth.of(2026, 4), BERLIN).lengthMs()).isEqualTo(720 * H);
    // it spans the end of February and March in UTC: decidable once both have closed
    assertThat(march.utcMonths()).containsExactly(YearMonth.of(2026, 2), YearMonth.of(2026, 3));
    assertThat(ContractMonth.utc(YearMonth.of(2026, 3)).utcMonths())
        .containsExactly(YearMonth.of(2026, 3));
    // an instant late on 31 March UTC is already April in Berlin
    assertThat(ContractMonth.of(t("2026-03-31T22:30:00Z"), BERLIN).month())
        .isEqualTo(YearMonth.of(2026, 4));
  }

  // ---- maintenance notice -------------------------------------------------------------------

  static final Duration TEN_DAYS = Duration.ofDays(10);
  static final long START = t("2026-05-20T02:00:00Z");
  static final Interval WINDOW = new Interval(START, START + 2 * H);

  @Test
  void aWindowAnnouncedExactlyAtTheNoticeExcusesAndOneMsLaterDoesNot() {
    long atLimit = START - TEN_DAYS.toMillis();
    assertThat(MaintenanceNotice.excused(List.of(new Version(atLimit, WINDOW)), TEN_DAYS))
        .containsExactly(WINDOW);
    assertThat(MaintenanceNotice.excused(List.of(new Version(atLimit + 1, WINDOW)), TEN_DAYS))
        .isEmpty();
    // a contract without a notice requirement: any announcement excuses, even a late one
    assertThat(MaintenanceNotice.excused(List.of(new Version(START + H, WINDOW)), null))
        .containsExactly(WINDOW);
  }

  @Test
  void anEditAfterTheStartKeepsTheOriginalForWhatItPromisedAndChargesTheExtension() {
    // announced 20 days ahead for 02:00-04:00; at 03:00 extended to 05:00: 02:00-04:00 stays
    // excused (promised in time without a break), 04:00-05:00 was announced at 03:00 and is not
    List<Version> versions =
        List.of(
            new Version(START - Duration.ofDays(20).toMillis(), WINDOW),
            new Version(START + H, new Interval(START, START + 3 * H)));
    assertThat(MaintenanceNotice.excused(versions, TEN_DAYS)).containsExactly(WINDOW);
    // shortened at 03:00 to end at 03:30: excused 02:00-03:30
    List<Version> shorter =
        List.of(
            new Version(START - Duration.ofDays(20).toMillis(), WINDOW),
            new Version(START + H, new Interval(START, START + H + 30 * MIN)));
    assertThat(MaintenanceNotice.excused(shorter, TEN_DAYS))
        .containsExactly(new Interval(START, START + H + 30 * MIN));
    // removed at 03:00: 02:00-03:00 was excused while it lasted, nothing after
    List<Version> removed =
        List.of(
            new Version(START - Duration.ofDays(20).toMillis(), WINDOW),
            new Version(START + H, null));
    assertThat(MaintenanceNotice.excused(removed, TEN_DAYS))
        .containsExactly(new Interval(START, START + H));
  }

  @Test
  void aWindowMovedWithNoticeIsAnnouncedInTimeAndMovedAtShortNoticeIsNot() {
    // moved, 5 days before its first time, to 30 days later: 35 days of notice, in time; the
    // first time is no longer promised when it comes
    long later = START + Duration.ofDays(30).toMillis();
    Interval moved = new Interval(later, later + 2 * H);
    assertThat(
            MaintenanceNotice.excused(
                List.of(
                    new Version(START - Duration.ofDays(20).toMillis(), WINDOW),
                    new Version(START - Duration.ofDays(5).toMillis(), moved)),
                TEN_DAYS))
        .containsExactly(moved);
    // moved, 7 days before its first time, to 2 days earlier: 5 days of notice, too short;
    // nothing is excused
    long earlier = START - Duration.ofDays(2).toMillis();
    assertThat(
            MaintenanceNotice.excused(
                List.of(
                    new Version(START - Duration.ofDays(20).toMillis(), WINDOW),
                    new Version(
                        START - Duration.ofDays(7).toMillis(),
                        new Interval(earlier, earlier + 2 * H))),
                TEN_DAYS))
        .isEmpty();
    // moved after the first time had passed: that time was excused while it was in force
    assertThat(
            MaintenanceNotice.excused(
                List.of(
                    new Version(START - Duration.ofDays(20).toMillis(), WINDOW),
                    new Version(START + Duration.ofDays(15).toMillis(), moved)),
                TEN_DAYS))
        .containsExactly(WINDOW, moved);
  }

  // ---- error-rate downtime ------------------------------------------------------------------

  @Test
  void aPeriodIsDownAboveTheThresholdWithEnoughAttemptsAndNotAtIt() {
    ErrorRateDowntime rule = new ErrorRateDowntime(new BigDecimal("5"), Duration.ofMinutes(1), 100);
    // 5 of 100 is exactly 5%: not more than the threshold; 6 of 100 is
    assertThat(rule.isDown(new ErrorRateDowntime.Counts(100, 5))).isFalse();
    assertThat(rule.isDown(new ErrorRateDowntime.Counts(100, 6))).isTrue();
    // 99 attempts say nothing, even all failed; 101 with 6 failures (5.94%) is down
    assertThat(rule.isDown(new ErrorRateDowntime.Counts(99, 99))).isFalse();
    assertThat(rule.isDown(new ErrorRateDowntime.Counts(101, 6))).isTrue();
    // 101 with 5 failures is 4.95%: not down
    assertThat(rule.isDown(new ErrorRateDowntime.Counts(101, 5))).isFalse();
    // a fractional threshold is exact: 0.1% of 1000 is 1 failure; 2 is above
    ErrorRateDowntime fine = new ErrorRateDowntime(new BigDecimal("0.1"), Duration.ofMinutes(5), 1);
    assertThat(fine.isDown(new ErrorRateDowntime.Counts(1000, 1))).isFalse();
    assertThat(fine.isDown(new ErrorRateDowntime.Counts(1000, 2))).isTrue();
  }

  @Test
  void downPeriodsAreMergedIntoIntervalsAlignedToThePeriod() {
    ErrorRateDowntime rule = new ErrorRateDowntime(new BigDecimal("5"), Duration.ofMinutes(5), 10);
    long p = t("2026-05-01T10:00:00Z");
    assertThat(rule.periodStart(p + 7 * MIN + 1)).isEqualTo(p + 5 * MIN);
    Map<Long, ErrorRateDowntime.Counts> counts = new TreeMap<>();
    counts.put(p, new ErrorRateDowntime.Counts(20, 2)); // 10%: down
    counts.put(p + 5 * MIN, new ErrorRateDowntime.Counts(20, 3)); // 15%: down
    counts.put(p + 10 * MIN, new ErrorRateDowntime.Counts(20, 1)); // 5%: not
    counts.put(p + 15 * MIN, new ErrorRateDowntime.Counts(9, 9)); // too few attempts
    counts.put(p + 20 * MIN, new ErrorRateDowntime.Counts(10, 1)); // 10%: down
    assertThat(rule.downtime(counts))
        .containsExactly(new Interval(p, p + 10 * MIN), new Interval(p + 20 * MIN, p + 25 * MIN));
  }

  @Test
  void anErrorRateRuleOutsideItsRangeIsRefused() {
    assertThatThrownBy(() -> new ErrorRateDowntime(new BigDecimal("5"), Duration.ofMinutes(7), 1))
        .hasMessageContaining("divide an hour");
    assertThatThrownBy(() -> new ErrorRateDowntime(new BigDecimal("100"), Duration.ofMinutes(1), 1))
        .hasMessageContaining("expected 0 to below 100");
    assertThatThrownBy(() -> new ErrorRateDowntime(new BigDecimal("5"), Duration.ofMinutes(1), 0))
        .hasMessageContaining("at least 1");
  }

  // ---- adjustments --------------------------------------------------------------------------

  @Test
  void anAdjustmentCountsInsideTheDisputeWindowAndNotOneMsAfter() {
    // April closed at 1 May 01:00; 60 days later is 30 June 01:00
    long closed = t("2026-05-01T01:00:00Z");
    long until = Adjustments.disputeUntil(closed, null);
    assertThat(until).isEqualTo(t("2026-06-30T01:00:00Z"));
    assertThat(Adjustments.problems(until, closed, until, 10, null, null, "EUR")).isEmpty();
    assertThat(Adjustments.problems(until + 1, closed, until, 10, null, null, "EUR"))
        .containsExactly("written after the month's dispute window ended (2026-06-30T01:00:00Z)");
    assertThat(Adjustments.disputeUntil(closed, Duration.ofDays(30)))
        .isEqualTo(t("2026-05-31T01:00:00Z"));
  }

  @Test
  void anAdjustmentOfAnOpenMonthOrWithAWrongAmountIsRefusedWithEveryReason() {
    assertThat(Adjustments.problems(0, null, 0, null, null, null, "EUR"))
        .containsExactly(
            "its month has not closed: an adjustment settles a dispute about a closed month",
            "expected either creditPercent or amountMinor, not both and not neither");
    assertThat(Adjustments.problems(0, 0L, 10, null, 500L, "USD", "EUR"))
        .containsExactly("currency = USD: expected the contract's currency, EUR");
    assertThat(Adjustments.problems(0, 0L, 10, 0, null, null, "EUR"))
        .containsExactly("creditPercent = 0: expected 1 to 100");
    assertThat(Adjustments.creditId("disp-42")).isEqualTo("adjustment-disp-42");
  }
}
