package dev.nines.credits;

import static dev.nines.credits.CreditFixtures.DAY;
import static dev.nines.credits.CreditFixtures.HOUR;
import static dev.nines.credits.CreditFixtures.at;
import static dev.nines.credits.CreditFixtures.byRegion;
import static dev.nines.credits.CreditFixtures.contract;
import static dev.nines.credits.CreditFixtures.fee;
import static dev.nines.credits.CreditFixtures.from;
import static dev.nines.credits.CreditFixtures.history;
import static dev.nines.credits.CreditFixtures.tier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.schema.Service;
import dev.nines.schema.SlaCredit;
import dev.nines.uptime.Interval;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The credit table. Unless a case says otherwise: account acme under the typical contract
 * (covers us-east and eu-west; SMS 100000 minor units a month; below 99.99 -> 10%, below 99.0 ->
 * 25%, below 95.0 -> 100%), April 2025 (30 days = 2,592,000,000 ms, so 99.99% is 259,200 ms of
 * downtime, 99.0% is 25,920,000 ms and 95.0% is 129,600,000 ms), service SMS.
 */
class CreditCalculatorTest {

  private static final ContractHistory TYPICAL = history(contract().build());
  private static final String T0 = "2025-04-10T00:00:00Z";
  private static final Instant CLOSED = at("2025-05-01T00:00:00Z");

  /**
   * @param downtimeMs expected customer downtime under the governing contract; null to skip (no
   *     contract governs)
   * @param percent expected credit percent; null for no credit
   */
  record Case(
      String name,
      YearMonth month,
      ContractHistory history,
      Service service,
      Map<String, List<Interval>> down,
      Map<String, List<Interval>> maintenance,
      Long downtimeMs,
      Integer percent,
      Long amount) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final YearMonth APRIL = YearMonth.of(2025, 4);

  /** Typical contract, April, SMS, one us-east outage of this length, no maintenance. */
  private static Case down(String name, long downMs, Integer percent, Long amount) {
    return down(name, APRIL, downMs, percent, amount);
  }

  private static Case down(
      String name, YearMonth month, long downMs, Integer percent, Long amount) {
    String start = month.atDay(1).atStartOfDay() + ":00Z";
    return new Case(
        name,
        month,
        TYPICAL,
        Service.SMS,
        byRegion("us-east", from(start, downMs)),
        Map.of(),
        downMs,
        percent,
        amount);
  }

  private static Case none(
      String name, ContractHistory history, Service service, Map<String, List<Interval>> down) {
    return new Case(name, APRIL, history, service, down, Map.of(), null, null, null);
  }

  private static final Map<String, List<Interval>> ALL_APRIL_DOWN =
      byRegion("us-east", from("2025-04-01T00:00:00Z", 30 * DAY));

  static Stream<Case> cases() {
    return Stream.of(
        down("no downtime", 0, null, null),
        down("exactly 99.99%", 259_200, null, null),
        down("1 ms under 99.99%", 259_201, 10, 10_000L),
        down("exactly 99.0%", 25_920_000, 10, 10_000L),
        down("1 ms under 99.0%", 25_920_001, 25, 25_000L),
        down("exactly 95.0%", 129_600_000, 25, 25_000L),
        down("1 ms under 95.0%: below every tier", 129_600_001, 100, 100_000L),
        down("all month down", 30 * DAY, 100, 100_000L),
        down("28-day month, exactly 99.99%", YearMonth.of(2025, 2), 241_920, null, null),
        down("28-day month, 1 ms under", YearMonth.of(2025, 2), 241_921, 10, 10_000L),
        down("29-day month, exactly 99.99%", YearMonth.of(2024, 2), 250_560, null, null),
        down("29-day month, 1 ms under", YearMonth.of(2024, 2), 250_561, 10, 10_000L),
        down("31-day month, exactly 99.99%", YearMonth.of(2025, 1), 267_840, null, null),
        down("31-day month, 1 ms under", YearMonth.of(2025, 1), 267_841, 10, 10_000L),
        down("31-day month, exactly 99.0%", YearMonth.of(2025, 1), 26_784_000, 10, 10_000L),
        down("31-day month, 1 ms under 99.0%", YearMonth.of(2025, 1), 26_784_001, 25, 25_000L),
        new Case(
            "two regions overlapping count once (sum would credit)",
            APRIL,
            TYPICAL,
            Service.SMS,
            byRegion(
                "us-east", from(T0, 150_000),
                "eu-west", from("2025-04-10T00:00:50Z", 150_000)),
            Map.of(),
            200_000L,
            null,
            null),
        new Case(
            "two regions overlapping, union over the line",
            APRIL,
            TYPICAL,
            Service.SMS,
            byRegion(
                "us-east", from(T0, 200_000),
                "eu-west", from("2025-04-10T00:01:40Z", 200_000)),
            Map.of(),
            300_000L,
            10,
            10_000L),
        new Case(
            "two regions disjoint add up",
            APRIL,
            TYPICAL,
            Service.SMS,
            byRegion(
                "us-east", from(T0, 150_000),
                "eu-west", from("2025-04-20T00:00:00Z", 150_000)),
            Map.of(),
            300_000L,
            10,
            10_000L),
        new Case(
            "maintenance covers part of the outage",
            APRIL,
            TYPICAL,
            Service.SMS,
            byRegion("us-east", from(T0, 400_000)),
            byRegion("us-east", from(T0, 200_000)),
            200_000L,
            null,
            null),
        new Case(
            "maintenance of another region excuses nothing",
            APRIL,
            TYPICAL,
            Service.SMS,
            byRegion("us-east", from(T0, 400_000)),
            byRegion("eu-west", from(T0, 400_000)),
            400_000L,
            10,
            10_000L),
        new Case(
            "region not covered by the contract",
            APRIL,
            TYPICAL,
            Service.SMS,
            byRegion("ap-south", from(T0, 10 * DAY)),
            Map.of(),
            0L,
            null,
            null),
        new Case(
            "outage into the next month is clipped",
            APRIL,
            TYPICAL,
            Service.SMS,
            byRegion("us-east", from("2025-04-30T23:58:00Z", HOUR)),
            Map.of(),
            120_000L,
            null,
            null),
        new Case(
            "contract changed mid-month: the month end's governs",
            APRIL,
            history(
                contract().build(),
                contract()
                    .setEffectiveFrom(at("2025-04-15T00:00:00Z"))
                    .setServices(List.of(fee(Service.SMS, 50_000)))
                    .setCreditSchedule(List.of(tier("99.99", 20)))
                    .build()),
            Service.SMS,
            byRegion("us-east", from(T0, 259_201)),
            Map.of(),
            259_201L,
            20,
            10_000L),
        new Case(
            "contract changing at the next month's start does not govern",
            APRIL,
            history(
                contract().build(),
                contract()
                    .setEffectiveFrom(at("2025-05-01T00:00:00Z"))
                    .setCreditSchedule(List.of(tier("99.99", 20)))
                    .build()),
            Service.SMS,
            byRegion("us-east", from(T0, 259_201)),
            Map.of(),
            259_201L,
            10,
            10_000L),
        new Case(
            "the governing contract's regions count, not the earlier one's",
            APRIL,
            history(
                contract().build(),
                contract()
                    .setEffectiveFrom(at("2025-04-15T00:00:00Z"))
                    .setRegions(List.of("ap-south"))
                    .build()),
            Service.SMS,
            byRegion("us-east", from(T0, 10 * DAY)),
            Map.of(),
            0L,
            null,
            null),
        none(
            "contract ended before the month end",
            history(contract().setEffectiveTo(at("2025-04-20T00:00:00Z")).build()),
            Service.SMS,
            ALL_APRIL_DOWN),
        none(
            "contract ended at the month's last millisecond",
            history(contract().setEffectiveTo(at("2025-04-30T23:59:59.999Z")).build()),
            Service.SMS,
            ALL_APRIL_DOWN),
        new Case(
            "contract ending at the next month's start governs",
            APRIL,
            history(contract().setEffectiveTo(at("2025-05-01T00:00:00Z")).build()),
            Service.SMS,
            ALL_APRIL_DOWN,
            Map.of(),
            30 * DAY,
            100,
            100_000L),
        none(
            "contract starting next month",
            history(contract().setEffectiveFrom(at("2025-05-01T00:00:00Z")).build()),
            Service.SMS,
            ALL_APRIL_DOWN),
        none("no contract at all", ContractHistory.empty(), Service.SMS, ALL_APRIL_DOWN),
        none("service not in the contract", TYPICAL, Service.VERIFY, ALL_APRIL_DOWN),
        none("unknown service", TYPICAL, Service.UNKNOWN, ALL_APRIL_DOWN),
        new Case(
            "fee 333 at 10% = 33.3 -> 33",
            APRIL,
            TYPICAL,
            Service.VOICE,
            byRegion("us-east", from(T0, 259_201)),
            Map.of(),
            259_201L,
            10,
            33L),
        new Case(
            "fee 335 at 10% = 33.5 -> 34",
            APRIL,
            history(contract().setServices(List.of(fee(Service.VOICE, 335))).build()),
            Service.VOICE,
            byRegion("us-east", from(T0, 259_201)),
            Map.of(),
            259_201L,
            10,
            34L),
        new Case(
            "fee 3 at 10% rounds to 0: no credit",
            APRIL,
            history(contract().setServices(List.of(fee(Service.SMS, 3))).build()),
            Service.SMS,
            byRegion("us-east", from(T0, 259_201)),
            Map.of(),
            259_201L,
            null,
            null),
        new Case(
            "fee 0: no credit",
            APRIL,
            history(contract().setServices(List.of(fee(Service.SMS, 0))).build()),
            Service.SMS,
            ALL_APRIL_DOWN,
            Map.of(),
            30 * DAY,
            null,
            null),
        new Case(
            "a 0% row: no credit",
            APRIL,
            history(
                contract().setCreditSchedule(List.of(tier("99.99", 0), tier("99", 25))).build()),
            Service.SMS,
            byRegion("us-east", from(T0, 259_201)),
            Map.of(),
            259_201L,
            null,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void creditTable(Case c) {
    Optional<SlaCredit> credit =
        CreditCalculator.credit(
            "acme",
            c.service(),
            c.month(),
            c.history(),
            c.down(),
            c.maintenance(),
            List.of(),
            CLOSED);
    if (c.downtimeMs() != null) {
      Contract governing = c.history().governing(c.month()).orElseThrow();
      assertThat(
              Availability.of(c.month(), c.down(), c.maintenance(), governing.regions())
                  .downtimeMs())
          .as("downtime")
          .isEqualTo(c.downtimeMs());
    }
    if (c.percent() == null) {
      assertThat(credit).isEmpty();
    } else {
      assertThat(credit).isPresent();
      assertThat(credit.get().getCreditPercent()).as("percent").isEqualTo(c.percent());
      assertThat(credit.get().getCreditAmountMinor()).as("amount").isEqualTo(c.amount());
      assertThat(credit.get().getDowntimeMs()).as("downtime").isEqualTo(c.downtimeMs());
    }
  }

  @Test
  void theRecordCarriesEveryField() {
    SlaCredit credit =
        CreditCalculator.credit(
                "acme",
                Service.SMS,
                APRIL,
                TYPICAL,
                byRegion("us-east", from(T0, 259_201)),
                Map.of(),
                List.of("inc-b", "inc-a", "inc-b"),
                CLOSED)
            .orElseThrow();
    assertThat(credit)
        .isEqualTo(
            SlaCredit.newBuilder()
                .setCreditId("credit-acme-SMS-2025-04")
                .setAccountId("acme")
                .setService(Service.SMS)
                .setMonth("2025-04")
                .setAvailabilityPercent("99.989999")
                .setTargetPercent("99.99")
                .setDowntimeMs(259_201)
                .setCreditPercent(10)
                .setCreditAmountMinor(10_000)
                .setCurrency("USD")
                .setIncidentIds(List.of("inc-a", "inc-b"))
                .setIssuedAt(CLOSED)
                .build());
  }

  @Test
  void allMonthDownReadsZeroPercent() {
    SlaCredit credit =
        CreditCalculator.credit(
                "acme", Service.SMS, APRIL, TYPICAL, ALL_APRIL_DOWN, Map.of(), List.of(), CLOSED)
            .orElseThrow();
    assertThat(credit.getAvailabilityPercent()).isEqualTo("0.000000");
    assertThat(credit.getDowntimeMs()).isEqualTo(30 * DAY);
  }

  @Test
  void aHistoryOfAnotherAccountIsAMistake() {
    assertThatThrownBy(
            () ->
                CreditCalculator.credit(
                    "globex",
                    Service.SMS,
                    APRIL,
                    TYPICAL,
                    ALL_APRIL_DOWN,
                    Map.of(),
                    List.of(),
                    CLOSED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("globex")
        .hasMessageContaining("acme");
  }
}
