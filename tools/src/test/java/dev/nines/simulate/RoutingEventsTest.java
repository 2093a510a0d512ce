package dev.nines.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.TopicNames;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.RoutingPolicyProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scenario's routing parts: standby carriers, a carrier added, a profile changed. */
class RoutingEventsTest {
  static final String YAML =
      """
      name: routing
      regions: [eu-west]
      routes:
        - country: GB
          channel: SMS
          ratePerSecond: 200
          policy: otp
          carriers:
            - {carrierId: thames, baseWeight: 60}
            - {carrierId: pennine, baseWeight: 40}
            - {carrierId: severn, baseWeight: 100, priority: 1}
      policies:
        - name: otp
          settings: {routing.eject.success.below: "0.9"}
      events:
        - name: joins
          start: PT10S
          end: PT20S
          carrierAdded: {route: "GB:SMS", carrierId: elbe, baseWeight: 50}
        - name: stricter
          start: PT15S
          end: PT25S
          policyChange:
            name: otp
            settings: {routing.eject.success.below: "0.95"}
      """;
  static final Instant START = Instant.parse("2026-06-01T12:00:00Z");

  static List<RecordingSink.Sent> run() {
    Simulator sim = new Simulator(Scenario.parse(YAML), 7, 1.0);
    RecordingSink sink = new RecordingSink();
    sim.seed(sink, START);
    sim.history(sink, START, START.plus(Duration.ofSeconds(30)));
    return sink.sent;
  }

  static List<String> carriers(RoutePlan p) {
    return p.getCarriers().stream().map(c -> c.getCarrierId() + "/" + c.getPriority()).toList();
  }

  @Test
  void plansCarryTiersAndTheirPolicyAndAnAddedCarrierComesAndGoes() {
    List<RecordingSink.Sent> sent = run();
    List<RecordingSink.Sent> plans =
        sent.stream().filter(s -> s.topic().equals(TopicNames.ROUTE_PLANS)).toList();
    assertThat(plans)
        .extracting(s -> Instant.ofEpochMilli(s.timestampMs()))
        .containsExactly(START, START.plusSeconds(10), START.plusSeconds(20));
    assertThat(plans)
        .extracting(s -> carriers((RoutePlan) s.value()))
        .containsExactly(
            List.of("thames/0", "pennine/0", "severn/1"),
            List.of("thames/0", "pennine/0", "severn/1", "elbe/0"),
            List.of("thames/0", "pennine/0", "severn/1"));
    RoutePlan added = (RoutePlan) plans.get(1).value();
    assertThat(added.getUpdatedAt()).isEqualTo(START.plusSeconds(10));
    assertThat(added.getPolicy()).isEqualTo("otp");
    RouteCarrier elbe = added.getCarriers().get(3);
    assertThat(elbe.getWarm()).isFalse();
    assertThat(elbe.getBaseWeight()).isEqualTo(50);
  }

  @Test
  void theStandbyGetsNoTrafficAndTheAddedCarrierOnlyWhileInThePlan() {
    List<DeliveryReceipt> receipts =
        run().stream()
            .filter(s -> s.topic().equals(TopicNames.DELIVERY_RECEIPTS))
            .map(s -> (DeliveryReceipt) s.value())
            .toList();
    assertThat(receipts).hasSizeGreaterThan(3000);
    assertThat(receipts).noneMatch(r -> r.getCarrierId().equals("severn"));
    List<DeliveryReceipt> elbe =
        receipts.stream().filter(r -> r.getCarrierId().equals("elbe")).toList();
    // 50 of 150 base weight for 10 s at 200/s: about 667
    assertThat(elbe).hasSizeBetween(500, 850);
    assertThat(elbe)
        .allSatisfy(
            r ->
                assertThat(r.getCompletedAt())
                    .isBetween(START.plusSeconds(10), START.plusMillis(19_999)));
  }

  @Test
  void aProfileChangeWritesItsVersionAndThenTheScenariosAgain() {
    List<RecordingSink.Sent> profiles =
        run().stream().filter(s -> s.topic().equals(TopicNames.ROUTING_POLICIES)).toList();
    assertThat(profiles)
        .extracting(
            s -> {
              RoutingPolicyProfile p = (RoutingPolicyProfile) s.value();
              return s.key() + " " + p.getUpdatedAt() + " " + p.getSettings();
            })
        .containsExactly(
            "otp " + START + " " + Map.of("routing.eject.success.below", "0.9"),
            "otp " + START.plusSeconds(15) + " " + Map.of("routing.eject.success.below", "0.95"),
            "otp " + START.plusSeconds(25) + " " + Map.of("routing.eject.success.below", "0.9"));
  }

  @Test
  void theBuiltInScenarioHasAStandbyAndBothNewEvents() {
    Scenario s = Scenario.loadDefault();
    assertThat(s.routes())
        .anySatisfy(
            r -> assertThat(r.carriers()).anySatisfy(c -> assertThat(c.priority()).isEqualTo(1)));
    assertThat(s.events()).anySatisfy(e -> assertThat(e.carrierAdded()).isNotNull());
    assertThat(s.events()).anySatisfy(e -> assertThat(e.policyChange()).isNotNull());
  }
}
