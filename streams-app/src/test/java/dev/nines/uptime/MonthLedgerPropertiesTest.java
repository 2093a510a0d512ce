package dev.nines.uptime;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Ledger invariants over random histories: up to 6 outages (a quarter of them open) of up to 20
 * days, up to 4 maintenance windows of up to 3 days, all from 20 Oct 2024 to 10 Jan 2025 (so that
 * they straddle month ends, including a 31-day, a 30-day and a year boundary), observed up to a
 * random instant, under a random objective.
 */
class MonthLedgerPropertiesTest {
  private static final long FROM = Instant.parse("2024-10-20T00:00:00Z").toEpochMilli();
  private static final long SPAN = Instant.parse("2025-01-10T00:00:00Z").toEpochMilli() - FROM;
  private static final long DAY = 86_400_000L;

  /** Every month anything can fall in: an open outage runs to observedUntil, up to 9 Feb. */
  private static final List<YearMonth> MONTHS =
      List.of(
          YearMonth.of(2024, 10),
          YearMonth.of(2024, 11),
          YearMonth.of(2024, 12),
          YearMonth.of(2025, 1),
          YearMonth.of(2025, 2));

  record History(
      List<Outage> outages, List<Interval> maintenance, long observedUntil, BigDecimal target) {

    List<Interval> known() {
      return outages.stream().map(o -> o.knownUntil(observedUntil)).toList();
    }
  }

  @Provide
  Arbitrary<History> histories() {
    Arbitrary<Long> start = Arbitraries.longs().between(FROM, FROM + SPAN);
    Arbitrary<Outage> outage =
        Combinators.combine(
                start,
                Arbitraries.longs().between(0, 20 * DAY),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 999))
            .as(
                (s, length, kind, n) ->
                    kind == 0 ? Outage.open("i" + n, s) : Outage.resolved("i" + n, s, s + length));
    Arbitrary<Interval> window =
        Combinators.combine(start, Arbitraries.longs().between(0, 3 * DAY))
            .as((s, length) -> Interval.of(s, s + length));
    Arbitrary<BigDecimal> target =
        Arbitraries.of("99.99", "99.9", "99.95", "99.999", "99", "100", "0", "99.9999")
            .map(BigDecimal::new);
    return Combinators.combine(
            outage.list().ofMaxSize(6),
            window.list().ofMaxSize(4),
            Arbitraries.longs().between(FROM, FROM + SPAN + 30 * DAY),
            target)
        .as(History::new);
  }

  private static List<MonthBalance> balances(History h) {
    MonthLedger ledger = new MonthLedger(h.target());
    List<MonthBalance> out = new ArrayList<>();
    for (YearMonth m : MONTHS) {
      out.add(ledger.balance(m, h.outages(), h.maintenance(), h.observedUntil()));
    }
    return out;
  }

  @Property(tries = 500)
  void downtimeNeverExceedsTheMonthAndWithMaintenanceIsAllDownTimeInIt(
      @ForAll("histories") History h) {
    for (MonthBalance b : balances(h)) {
      long monthMs = b.periodEnd() - b.periodStart();
      Interval observed =
          Interval.of(
              b.periodStart(),
              Math.max(b.periodStart(), Math.min(b.periodEnd(), h.observedUntil())));
      assertThat(b.downtimeMs()).isBetween(0L, monthMs);
      assertThat(b.maintenanceMs()).isNotNegative();
      assertThat(b.downtimeMs() + b.maintenanceMs())
          .isEqualTo(Intervals.length(Intervals.clip(h.known(), observed)))
          .isLessThanOrEqualTo(observed.length());
    }
  }

  @Property(tries = 500)
  void splittingAcrossMonthsLosesNothing(@ForAll("histories") History h) {
    List<MonthBalance> months = balances(h);

    assertThat(months.stream().mapToLong(MonthBalance::downtimeMs).sum())
        .isEqualTo(Intervals.length(Intervals.subtract(h.known(), h.maintenance())));
    assertThat(months.stream().mapToLong(MonthBalance::maintenanceMs).sum())
        .isEqualTo(Intervals.length(Intervals.intersection(h.known(), h.maintenance())));
  }

  @Property(tries = 500)
  void availabilityIsTheDowntimeRoundedDownToSixDecimals(@ForAll("histories") History h) {
    BigDecimal hundred = BigDecimal.valueOf(100);
    BigDecimal step = new BigDecimal("0.000001");
    for (MonthBalance b : balances(h)) {
      BigDecimal month = BigDecimal.valueOf(b.periodEnd() - b.periodStart());
      BigDecimal exact =
          BigDecimal.valueOf(b.periodEnd() - b.periodStart() - b.downtimeMs())
              .multiply(hundred); // = availability * month, exactly
      BigDecimal shown = new BigDecimal(b.availabilityPercent());

      assertThat(shown.scale()).isEqualTo(6);
      assertThat(shown.multiply(month)).isLessThanOrEqualTo(exact);
      assertThat(shown.add(step).multiply(month)).isGreaterThan(exact);
    }
  }

  @Property(tries = 500)
  void theBudgetIsTheFlooredAllowanceAndWhatIsLeftIsItMinusDowntime(
      @ForAll("histories") History h) {
    BigDecimal hundred = BigDecimal.valueOf(100);
    for (MonthBalance b : balances(h)) {
      // budget * 100 <= month * (100 - target) < (budget + 1) * 100
      BigDecimal allowance =
          BigDecimal.valueOf(b.periodEnd() - b.periodStart())
              .multiply(hundred.subtract(h.target()));
      assertThat(BigDecimal.valueOf(b.errorBudgetMs()).multiply(hundred))
          .isLessThanOrEqualTo(allowance);
      assertThat(BigDecimal.valueOf(b.errorBudgetMs() + 1).multiply(hundred))
          .isGreaterThan(allowance);
      assertThat(b.errorBudgetRemainingMs()).isEqualTo(b.errorBudgetMs() - b.downtimeMs());
    }
  }

  @Property(tries = 500)
  void theIncidentsListedAreThoseWithDownTimeInTheMonth(@ForAll("histories") History h) {
    for (MonthBalance b : balances(h)) {
      Interval period = Interval.of(b.periodStart(), b.periodEnd());
      List<String> expected =
          h.outages().stream()
              .filter(
                  o ->
                      Intervals.length(
                              Intervals.clip(List.of(o.knownUntil(h.observedUntil())), period))
                          > 0)
              .map(Outage::incidentId)
              .distinct()
              .toList();
      assertThat(b.incidentIds()).containsExactlyInAnyOrderElementsOf(expected);
    }
  }
}
