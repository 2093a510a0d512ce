package dev.nines.credits;

import static dev.nines.credits.CreditFixtures.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.Service;
import dev.nines.schema.SlaContract;
import dev.nines.schema.SlaCredit;
import dev.nines.uptime.Interval;
import dev.nines.uptime.MonthClosed;
import dev.nines.uptime.ServiceState;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A contract month decided from closed UTC months: time zones, notice, error rate, unobserved
 * time. Expectations worked out by hand in each test. The contract is {@link
 * CreditFixtures#contract()} (target 99.99; below 99.99 10 %, below 99.0 25 %; SMS fee 100,000).
 */
class MonthStatementTest {
  static final YearMonth FEB = YearMonth.of(2026, 2);
  static final YearMonth MAR = YearMonth.of(2026, 3);
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  static long t(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  static Interval iv(String from, String to) {
    return new Interval(t(from), t(to));
  }

  static MonthClosed.Down down(String from, String to, String incident) {
    return new MonthClosed.Down(iv(from, to), incident);
  }

  static MonthClosed.RegionMonth region(
      List<MonthClosed.Down> down,
      Map<String, List<ServiceState.Version>> windows,
      List<Interval> unobserved) {
    return new MonthClosed.RegionMonth(
        List.of(), List.of(), down, new TreeMap<>(windows), unobserved);
  }

  static MonthClosed closed(YearMonth m, Map<String, MonthClosed.RegionMonth> regions) {
    long closedAt =
        m.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli()
            + 3_600_000L;
    return new MonthClosed(Service.SMS, m, closedAt, new TreeMap<>(regions));
  }

  static Contract contract(SlaContract.Builder b) {
    return Contract.from(b.build());
  }

  static MonthStatement statement(
      Contract c, ContractMonth cm, Map<YearMonth, MonthClosed> months, List<Interval> rate) {
    long closedAt = months.values().stream().mapToLong(MonthClosed::closedAt).max().orElse(0);
    return MonthStatement.of(Service.SMS, cm, c, months, rate, closedAt).orElseThrow();
  }

  @Test
  void aBerlinMonthTakesItsOwnBoundariesAndTrueLengthFromTwoUtcMonths() {
    // Berlin March 2026 = [2026-02-28T23:00Z, 2026-03-31T22:00Z): 743 h = 2,674,800,000 ms.
    // Counted: us-east 23:30-23:40Z on 28 Feb (00:30 Berlin, 1 March; in UTC February) and
    // eu-west 10:00-10:05Z on 15 March: 15 min = 900,000 ms. Not counted: 22:00-22:20Z on 28 Feb
    // (23:00 Berlin, still February) and 22:30-22:50Z on 31 March (1 April in Berlin).
    // 100 * (2,674,800,000 - 900,000) / 2,674,800,000 = 99.96635262..., below 99.99: 10 %.
    Contract c = contract(CreditFixtures.contract().setTimeZone("Europe/Berlin"));
    MonthClosed feb =
        closed(
            FEB,
            Map.of(
                "us-east",
                region(
                    List.of(
                        down("2026-02-28T22:00:00Z", "2026-02-28T22:20:00Z", "inc-a"),
                        down("2026-02-28T23:30:00Z", "2026-02-28T23:40:00Z", "inc-b")),
                    Map.of(),
                    List.of())));
    MonthClosed mar =
        closed(
            MAR,
            Map.of(
                "us-east",
                region(
                    List.of(down("2026-03-31T22:30:00Z", "2026-03-31T22:50:00Z", "inc-d")),
                    Map.of(),
                    List.of()),
                "eu-west",
                region(
                    List.of(down("2026-03-15T10:00:00Z", "2026-03-15T10:05:00Z", "inc-c")),
                    Map.of(),
                    List.of())));
    ContractMonth cm = ContractMonth.endingIn(MAR, BERLIN);
    assertThat(cm).isEqualTo(new ContractMonth(MAR, BERLIN));
    assertThat(cm.utcMonths()).containsExactly(FEB, MAR);

    MonthStatement st = statement(c, cm, Map.of(FEB, feb, MAR, mar), List.of());

    assertThat(st.availability().monthLengthMs()).isEqualTo(2_674_800_000L);
    assertThat(st.availability().downtimeMs()).isEqualTo(900_000L);
    assertThat(st.availability().percentText()).isEqualTo("99.966352");
    assertThat(st.credit()).contains(new Credit(10, 10_000));
    assertThat(st.incidentIds()).containsExactly("inc-b", "inc-c");
    assertThat(st.closedAt()).isEqualTo(t("2026-04-01T01:00:00Z"));
    // the default dispute window, 60 days after the close
    assertThat(st.disputeUntil()).isEqualTo(t("2026-05-31T01:00:00Z"));

    SlaCredit credit =
        CreditCalculator.credit("acme", Service.SMS, c, st, st.incidentIds()).orElseThrow();
    assertThat(credit.getMonth()).isEqualTo("2026-03");
    assertThat(credit.getCreditId()).isEqualTo("credit-acme-SMS-2026-03");
    var statement = CreditCalculator.statement("acme", Service.SMS, c, st);
    assertThat(statement.getTimeZone()).isEqualTo("Europe/Berlin");
    assertThat(statement.getPeriodStart()).isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
    assertThat(statement.getPeriodEnd()).isEqualTo(Instant.parse("2026-03-31T22:00:00Z"));
    assertThat(statement.getCreditId()).isEqualTo("credit-acme-SMS-2026-03");
    assertThat(statement.getStatementId()).isEqualTo("statement-acme-SMS-2026-03");
  }

  @Test
  void aZoneWestOfUtcIsDecidedWhenTheFollowingUtcMonthCloses() {
    // New York March 2026 = [2026-03-01T05:00Z, 2026-04-01T04:00Z): it ends in UTC April
    ZoneId ny = ZoneId.of("America/New_York");
    assertThat(ContractMonth.endingIn(MAR, ny)).isEqualTo(new ContractMonth(FEB, ny));
    assertThat(ContractMonth.endingIn(YearMonth.of(2026, 4), ny))
        .isEqualTo(new ContractMonth(MAR, ny));
    assertThat(ContractMonth.endingIn(MAR, ZoneOffset.UTC)).isEqualTo(ContractMonth.utc(MAR));
  }

  @Test
  void maintenanceAnnouncedExactlyTheNoticeAheadExcusesAndOneMillisecondLessCharges() {
    // DOWN 02:00-03:00 on 10 March. w1 covers 02:00-02:30, announced 8 March 02:00 (exactly
    // P2D before its start); w2 covers 02:30-03:00, announced 8 March 02:30:00.001 (1 ms short).
    // With P2D: 30 min excused, 30 charged. With no notice asked: all 60 excused.
    Map<String, List<ServiceState.Version>> windows =
        Map.of(
            "w1",
            List.of(
                version("2026-03-08T02:00:00Z", "2026-03-10T02:00:00Z", "2026-03-10T02:30:00Z")),
            "w2",
            List.of(
                version(
                    "2026-03-08T02:30:00.001Z", "2026-03-10T02:30:00Z", "2026-03-10T03:00:00Z")));
    MonthClosed mar =
        closed(
            MAR,
            Map.of(
                "us-east",
                region(
                    List.of(down("2026-03-10T02:00:00Z", "2026-03-10T03:00:00Z", "inc-1")),
                    windows,
                    List.of())));
    Contract strict =
        contract(
            CreditFixtures.contract()
                .setRegions(new ArrayList<>(List.of("us-east")))
                .setMinMaintenanceNotice("P2D"));
    MonthStatement st = statement(strict, ContractMonth.utc(MAR), Map.of(MAR, mar), List.of());
    assertThat(st.availability().downtimeMs()).isEqualTo(30 * MINUTE);
    assertThat(st.maintenanceMs()).isEqualTo(30 * MINUTE);
    assertThat(st.downIntervals())
        .containsExactly(
            new MonthStatement.Down(
                iv("2026-03-10T02:30:00Z", "2026-03-10T03:00:00Z"),
                MonthStatement.Cause.PROBES,
                List.of("inc-1")));

    Contract any =
        contract(CreditFixtures.contract().setRegions(new ArrayList<>(List.of("us-east"))));
    MonthStatement lenient = statement(any, ContractMonth.utc(MAR), Map.of(MAR, mar), List.of());
    assertThat(lenient.availability().downtimeMs()).isZero();
    assertThat(lenient.maintenanceMs()).isEqualTo(60 * MINUTE);
    assertThat(lenient.credit()).isEmpty();
  }

  @Test
  void errorRatePeriodsAddToProbeDowntimeWithoutCountingTwice() {
    // probes DOWN 10:00-10:10; error-rate periods 10:05-10:15 and 11:00-11:05: charged 10 + 5 + 5
    MonthClosed mar =
        closed(
            MAR,
            Map.of(
                "us-east",
                region(
                    List.of(down("2026-03-05T10:00:00Z", "2026-03-05T10:10:00Z", "inc-1")),
                    Map.of(),
                    List.of())));
    Contract c =
        contract(CreditFixtures.contract().setRegions(new ArrayList<>(List.of("us-east"))));
    MonthStatement st =
        statement(
            c,
            ContractMonth.utc(MAR),
            Map.of(MAR, mar),
            List.of(
                iv("2026-03-05T10:05:00Z", "2026-03-05T10:15:00Z"),
                iv("2026-03-05T11:00:00Z", "2026-03-05T11:05:00Z")));
    assertThat(st.availability().downtimeMs()).isEqualTo(20 * MINUTE);
    assertThat(st.downIntervals())
        .containsExactly(
            new MonthStatement.Down(
                iv("2026-03-05T10:00:00Z", "2026-03-05T10:10:00Z"),
                MonthStatement.Cause.PROBES,
                List.of("inc-1")),
            new MonthStatement.Down(
                iv("2026-03-05T10:10:00Z", "2026-03-05T10:15:00Z"),
                MonthStatement.Cause.ERROR_RATE,
                List.of()),
            new MonthStatement.Down(
                iv("2026-03-05T11:00:00Z", "2026-03-05T11:05:00Z"),
                MonthStatement.Cause.ERROR_RATE,
                List.of()));
  }

  @Test
  void unobservedIsTheTimeNoCoveredRegionObserved() {
    // us-east saw nothing 00:00-01:00 on 2 March, eu-west nothing 00:30-02:00: 30 min unseen by
    // both. A contract of ap-south, which had no probe in March, observed none of its 31 days.
    MonthClosed mar =
        closed(
            MAR,
            Map.of(
                "us-east",
                region(
                    List.of(),
                    Map.of(),
                    List.of(iv("2026-03-02T00:00:00Z", "2026-03-02T01:00:00Z"))),
                "eu-west",
                region(
                    List.of(),
                    Map.of(),
                    List.of(iv("2026-03-02T00:30:00Z", "2026-03-02T02:00:00Z")))));
    Contract both = contract(CreditFixtures.contract());
    assertThat(statement(both, ContractMonth.utc(MAR), Map.of(MAR, mar), List.of()).unobservedMs())
        .isEqualTo(30 * MINUTE);
    Contract south =
        contract(CreditFixtures.contract().setRegions(new ArrayList<>(List.of("ap-south"))));
    MonthStatement st = statement(south, ContractMonth.utc(MAR), Map.of(MAR, mar), List.of());
    assertThat(st.unobservedMs()).isEqualTo(31 * CreditFixtures.DAY);
    assertThat(st.availability().downtimeMs()).isZero();
    assertThat(st.credit()).isEmpty();
  }

  static ServiceState.Version version(String announced, String from, String to) {
    return new ServiceState.Version(t(announced), "us-east", t(from), t(to), false);
  }
}
