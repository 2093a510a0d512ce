package dev.nines.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.nines.TopicNames;
import dev.nines.schema.Channel;
import dev.nines.schema.CreditTier;
import dev.nines.schema.MaintenanceCategory;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.Service;
import dev.nines.schema.ServiceFee;
import dev.nines.schema.SlaContract;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedTest {

  static final Instant START = Instant.parse("2026-02-17T09:30:00Z");

  static final String YAML =
      """
      regions: [us-east, eu-west]
      routes:
        - country: US
          channel: SMS
          ratePerSecond: 1
          carriers:
            - {carrierId: a, baseWeight: 70}
            - {carrierId: b, baseWeight: 30, enabled: false}
        - {country: GB, channel: VOICE, ratePerSecond: 1, carriers: [{carrierId: g, baseWeight: 1}]}
      accounts:
        - accountId: acme
          tier: gold
          targetPercent: "99.95"
          regions: [eu-west]
          services: [{service: SMS, monthlyFeeMinor: 123456}, {service: VOICE, monthlyFeeMinor: 0}]
          currency: EUR
          creditSchedule:
            - {belowPercent: "99.95", creditPercent: 10}
            - {belowPercent: "99.0", creditPercent: 30}
        - accountId: initech
          tier: enterprise
          targetPercent: 99.99
          services: [{service: VERIFY, monthlyFeeMinor: 5000}]
          effectiveFrom: "2026-01-01T00:00:00Z"
          effectiveTo: P30D
      maintenance:
        - {id: mw-1, service: VOICE, region: eu-west, start: PT10M, end: PT40M}
        - {id: mw-0, service: SMS, region: us-east, start: -PT1H, end: PT1H}
      """;

  @Test
  void seedWritesRoutePlansContractsAndWindowsAtTheStart() {
    RecordingSink sink = new RecordingSink();
    Simulator simulator = new Simulator(Scenario.parse(YAML), 5);
    simulator.seed(sink, START);

    assertThat(sink.sent).allMatch(s -> s.timestampMs() == START.toEpochMilli());
    assertThat(sink.sent)
        .extracting(RecordingSink.Sent::topic, RecordingSink.Sent::key)
        .containsExactly(
            tuple(TopicNames.ROUTE_PLANS, "US:SMS"), tuple(TopicNames.ROUTE_PLANS, "GB:VOICE"),
            tuple(TopicNames.SLA_CONTRACTS, "acme"), tuple(TopicNames.SLA_CONTRACTS, "initech"),
            tuple(TopicNames.MAINTENANCE_WINDOWS, "mw-1"),
                tuple(TopicNames.MAINTENANCE_WINDOWS, "mw-0"));

    assertThat(sink.sent.get(0).value())
        .isEqualTo(
            new RoutePlan(
                "US",
                Channel.SMS,
                List.of(
                    new RouteCarrier("a", 70, true, 0, false),
                    new RouteCarrier("b", 30, false, 0, false)),
                null,
                START));

    assertThat(sink.sent.get(2).value())
        .isEqualTo(
            new SlaContract(
                "acme",
                "gold",
                "99.95",
                List.of("eu-west"),
                List.of(new ServiceFee(Service.SMS, 123456L), new ServiceFee(Service.VOICE, 0L)),
                "EUR",
                List.of(new CreditTier("99.95", 10), new CreditTier("99.0", 30)),
                Instant.parse("2026-02-01T00:00:00Z"),
                null, // no effectiveFrom: the start of the month
                null,
                null,
                null,
                null));
    SlaContract initech = (SlaContract) sink.sent.get(3).value();
    assertThat(initech.getTargetPercent()).isEqualTo("99.99"); // unquoted in YAML, still exact
    assertThat(initech.getRegions()).containsExactly("us-east", "eu-west");
    assertThat(initech.getCurrency()).isEqualTo("USD");
    assertThat(initech.getEffectiveFrom()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(initech.getEffectiveTo()).isEqualTo(Instant.parse("2026-03-19T09:30:00Z"));

    assertThat(sink.sent.get(4).value())
        .isEqualTo(
            new MaintenanceWindow(
                Service.VOICE,
                "eu-west",
                Instant.parse("2026-02-17T09:40:00Z"),
                Instant.parse("2026-02-17T10:10:00Z"),
                null,
                MaintenanceCategory.PLANNED));
    assertThat(sink.sent.get(5).value())
        .isEqualTo(
            new MaintenanceWindow(
                Service.SMS,
                "us-east",
                Instant.parse("2026-02-17T08:30:00Z"),
                Instant.parse("2026-02-17T10:30:00Z"),
                null,
                MaintenanceCategory.PLANNED));

    assertThat(simulator.stats().count(TopicNames.ROUTE_PLANS)).isEqualTo(2);
    assertThat(simulator.stats().count(TopicNames.SLA_CONTRACTS)).isEqualTo(2);
    assertThat(simulator.stats().count(TopicNames.MAINTENANCE_WINDOWS)).isEqualTo(2);
    assertThat(sink.flushes).isEqualTo(1);
  }

  @Test
  void theDefaultScenarioSeedsEverything() {
    RecordingSink sink = new RecordingSink();
    Scenario scenario = Scenario.loadDefault();
    new Simulator(scenario, 1).seed(sink, START);
    assertThat(sink.on(TopicNames.ROUTE_PLANS)).hasSize(scenario.routes().size());
    assertThat(sink.on(TopicNames.SLA_CONTRACTS)).hasSize(scenario.accounts().size());
    assertThat(sink.on(TopicNames.MAINTENANCE_WINDOWS)).hasSize(scenario.maintenance().size());
  }
}
