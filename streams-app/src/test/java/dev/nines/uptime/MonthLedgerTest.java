package dev.nines.uptime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonthLedgerTest {
  private static final YearMonth OCT = YearMonth.of(2024, 10);
  private static final YearMonth NOV = YearMonth.of(2024, 11);
  private static final long DAY = 86_400_000L;
  private static final long LATER = t("2024-12-15T00:00:00Z");
  private final MonthLedger ledger = MonthLedger.defaults();

  private static long t(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void anIncidentAcrossMonthsIsSplitAtTheBoundary() {
    Outage o =
        Outage.resolved(
            "SMS-us-east-20241031T235800000Z",
            t("2024-10-31T23:58:00Z"),
            t("2024-11-01T00:07:00Z"));

    MonthBalance oct = ledger.balance(OCT, List.of(o), List.of(), LATER);
    MonthBalance nov = ledger.balance(NOV, List.of(o), List.of(), LATER);

    // October: 31 days = 2_678_400_000 ms; 2 minutes down.
    // 100 * (1 - 120_000 / 2_678_400_000) = 100 - 0.004480286... = 99.995519713... -> 99.995519
    // budget = 2_678_400_000 * 0.01 / 100 = 267_840 ms; 267_840 - 120_000 = 147_840 left
    assertThat(oct.downtimeMs()).isEqualTo(120_000);
    assertThat(oct.availabilityPercent()).isEqualTo("99.995519");
    assertThat(oct.errorBudgetMs()).isEqualTo(267_840);
    assertThat(oct.errorBudgetRemainingMs()).isEqualTo(147_840);
    assertThat(oct.incidentIds()).containsExactly(o.incidentId());
    assertThat(oct.periodStart()).isEqualTo(t("2024-10-01T00:00:00Z"));
    assertThat(oct.periodEnd()).isEqualTo(t("2024-11-01T00:00:00Z"));

    // November: 30 days = 2_592_000_000 ms; 7 minutes down.
    // 100 * (1 - 420_000 / 2_592_000_000) = 100 - 0.016203703... = 99.983796296... -> 99.983796
    // budget 259_200 ms, overspent: 259_200 - 420_000 = -160_800
    assertThat(nov.downtimeMs()).isEqualTo(420_000);
    assertThat(nov.availabilityPercent()).isEqualTo("99.983796");
    assertThat(nov.errorBudgetRemainingMs()).isEqualTo(-160_800);
    assertThat(nov.incidentIds()).containsExactly(o.incidentId());

    assertThat(oct.downtimeMs() + nov.downtimeMs()).isEqualTo(9 * 60_000);
    assertThat(MonthLedger.monthsOf(o.knownUntil(LATER))).containsExactly(OCT, NOV);
  }

  @Test
  void aMonthWithoutDowntimeIsAHundredPercentWithTheWholeBudgetLeft() {
    MonthBalance b = ledger.balance(NOV, List.of(), List.of(), LATER);

    assertThat(b.availabilityPercent()).isEqualTo("100.000000");
    assertThat(b.downtimeMs()).isZero();
    assertThat(b.maintenanceMs()).isZero();
    assertThat(b.errorBudgetRemainingMs()).isEqualTo(b.errorBudgetMs());
    assertThat(b.incidentIds()).isEmpty();
    assertThat(b.targetPercent()).isEqualTo("99.99");
  }

  @Test
  void theErrorBudgetOfAThirtyDayMonthAtFourNinesIs259200Ms() {
    // 30 * 86_400_000 = 2_592_000_000 ms; * (100 - 99.99) / 100 = * 0.0001 = 259_200
    assertThat(ledger.balance(NOV, List.of(), List.of(), LATER).errorBudgetMs()).isEqualTo(259_200);
    assertThat(MonthLedger.period(NOV).length()).isEqualTo(30 * DAY);
  }

  @Test
  void theErrorBudgetIsExactAndFloored() {
    // February 2023: 28 days = 2_419_200_000 ms; at 99.9999: * 0.000001 = 2419.2 -> 2419
    MonthLedger sixNines = new MonthLedger(new BigDecimal("99.9999"));
    assertThat(sixNines.balance(YearMonth.of(2023, 2), List.of(), List.of(), LATER).errorBudgetMs())
        .isEqualTo(2_419);
    // February 2024 (leap): 29 days = 2_505_600_000 ms; at 99.9: * 0.001 = 2_505_600
    MonthLedger threeNines = new MonthLedger(new BigDecimal("99.9"));
    assertThat(
            threeNines.balance(YearMonth.of(2024, 2), List.of(), List.of(), LATER).errorBudgetMs())
        .isEqualTo(2_505_600);
  }

  @Test
  void maintenanceCoveringAnIncidentWhollyChargesNothingButIsShown() {
    Outage o =
        Outage.resolved(
            "SMS-eu-20241105T100000000Z", t("2024-11-05T10:00:00Z"), t("2024-11-05T10:30:00Z"));
    Interval window = Interval.of(t("2024-11-05T09:00:00Z"), t("2024-11-05T12:00:00Z"));

    MonthBalance b = ledger.balance(NOV, List.of(o), List.of(window), LATER);

    assertThat(b.downtimeMs()).isZero();
    assertThat(b.maintenanceMs()).isEqualTo(1_800_000);
    assertThat(b.availabilityPercent()).isEqualTo("100.000000");
    assertThat(b.errorBudgetRemainingMs()).isEqualTo(259_200);
    assertThat(b.incidentIds()).containsExactly(o.incidentId());
  }

  @Test
  void maintenanceCoveringAnIncidentPartlyChargesTheRest() {
    Outage o =
        Outage.resolved(
            "SMS-eu-20241105T100000000Z", t("2024-11-05T10:00:00Z"), t("2024-11-05T10:30:00Z"));
    Interval window = Interval.of(t("2024-11-05T10:20:00Z"), t("2024-11-05T11:00:00Z"));

    MonthBalance b = ledger.balance(NOV, List.of(o), List.of(window), LATER);

    // 10:00-10:20 charged, 10:20-10:30 in maintenance
    // 100 * (1 - 1_200_000 / 2_592_000_000) = 100 - 0.046296296... = 99.953703703... -> 99.953703
    assertThat(b.downtimeMs()).isEqualTo(1_200_000);
    assertThat(b.maintenanceMs()).isEqualTo(600_000);
    assertThat(b.availabilityPercent()).isEqualTo("99.953703");
    assertThat(b.errorBudgetRemainingMs()).isEqualTo(259_200 - 1_200_000);
  }

  @Test
  void anOpenIncidentCountsUpToObservedUntil() {
    Outage open = Outage.open("VOICE-eu-20241105T100000000Z", t("2024-11-05T10:00:00Z"));

    assertThat(
            ledger.balance(NOV, List.of(open), List.of(), t("2024-11-05T10:15:00Z")).downtimeMs())
        .isEqualTo(900_000);
    assertThat(
            ledger.balance(NOV, List.of(open), List.of(), t("2024-11-05T10:45:00Z")).downtimeMs())
        .isEqualTo(2_700_000);
    // an open incident that started last month: this month from its first instant
    assertThat(
            ledger
                .balance(
                    YearMonth.of(2024, 12), List.of(open), List.of(), t("2024-12-01T01:00:00Z"))
                .downtimeMs())
        .isEqualTo(3_600_000);
  }

  @Test
  void nothingAfterObservedUntilCountsEvenForAResolvedIncident() {
    Outage o = Outage.resolved("a", t("2024-11-05T10:00:00Z"), t("2024-11-05T11:00:00Z"));

    assertThat(ledger.balance(NOV, List.of(o), List.of(), t("2024-11-05T10:10:00Z")).downtimeMs())
        .isEqualTo(600_000);
    MonthBalance before = ledger.balance(NOV, List.of(o), List.of(), t("2024-11-05T09:00:00Z"));
    assertThat(before.downtimeMs()).isZero();
    assertThat(before.incidentIds()).isEmpty();
  }

  @Test
  void overlappingIncidentsCountOnceAndAreListedByStart() {
    Outage first = Outage.resolved("b", t("2024-11-05T10:00:00Z"), t("2024-11-05T10:10:00Z"));
    Outage second = Outage.resolved("a", t("2024-11-05T10:05:00Z"), t("2024-11-05T10:20:00Z"));

    MonthBalance b = ledger.balance(NOV, List.of(second, first), List.of(), LATER);

    assertThat(b.downtimeMs()).isEqualTo(1_200_000);
    assertThat(b.incidentIds()).containsExactly("b", "a");
  }

  @Test
  void availabilityIsRoundedDownNeverOverstated() {
    Outage o = Outage.resolved("a", t("2024-11-05T10:00:00Z"), t("2024-11-05T10:00:00.001Z"));

    // 100 * (1 - 1 / 2_592_000_000) = 99.99999996... : rounding half-up would say 100.000000
    assertThat(ledger.balance(NOV, List.of(o), List.of(), LATER).availabilityPercent())
        .isEqualTo("99.999999");
    // a whole month down is exactly zero
    Outage all = Outage.resolved("b", t("2024-11-01T00:00:00Z"), t("2024-12-01T00:00:00Z"));
    assertThat(ledger.balance(NOV, List.of(all), List.of(), LATER).availabilityPercent())
        .isEqualTo("0.000000");
  }

  @Test
  void theTargetIsAPercentFromZeroToAHundred() {
    assertThatThrownBy(() -> new MonthLedger(new BigDecimal("100.01")))
        .hasMessageContaining("expected 0 to 100");
    assertThatThrownBy(() -> new MonthLedger(new BigDecimal("-1")))
        .hasMessageContaining("expected 0 to 100");
    assertThat(
            new MonthLedger(BigDecimal.valueOf(100))
                .balance(NOV, List.of(), List.of(), LATER)
                .errorBudgetMs())
        .isZero();
  }

  @Test
  void monthsOfAnIntervalAreTheMonthsItHasTimeIn() {
    assertThat(
            MonthLedger.monthsOf(Interval.of(t("2024-10-31T23:00:00Z"), t("2024-11-01T00:00:00Z"))))
        .containsExactly(OCT);
    assertThat(
            MonthLedger.monthsOf(Interval.of(t("2024-12-31T23:00:00Z"), t("2025-02-01T00:00:01Z"))))
        .containsExactly(YearMonth.of(2024, 12), YearMonth.of(2025, 1), YearMonth.of(2025, 2));
    assertThat(MonthLedger.monthsOf(Interval.of(5, 5))).isEmpty();
  }
}
