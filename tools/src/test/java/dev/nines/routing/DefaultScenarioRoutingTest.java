package dev.nines.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.schema.CarrierState;
import dev.nines.schema.CarrierWeight;
import dev.nines.schema.RoutingWeights;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.SimSink;
import dev.nines.simulate.Simulator;
import dev.nines.testing.Drivers;
import dev.nines.testing.TestRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The built-in scenario through the whole topology, its first 15 minutes: carrier bluewave of
 * US:SMS delivers 40 % from minute 2 to 7. The route must eject bluewave and only bluewave, and
 * restore it after minute 7; the healthy carriers must not flap. On GB:SMS, thames-mobile fails
 * from minute 8 to 12: the standby severn-backup takes the primary tier's spill and nothing
 * before or after. On DE:SMS, elbe-connect joins at minute 3: a canary at the trickle, then its
 * full share.
 */
class DefaultScenarioRoutingTest {
  static final Instant T0 = Instant.parse("2026-10-01T12:00:00Z");

  List<RoutingWeights> all;

  List<RoutingWeights> route(String id) {
    return all.stream().filter(w -> w.getRouteId().equals(id)).toList();
  }

  static CarrierWeight carrier(RoutingWeights w, String id) {
    return w.getCarriers().stream()
        .filter(c -> c.getCarrierId().equals(id))
        .findFirst()
        .orElse(null);
  }

  @Test
  void theScenarioPlaysOutOnTheRoutes() throws Exception {
    run();
    onlyTheDegradedCarrierLeavesAndComesBack();
    aStandbyTakesTheSpillWhileThePrimaryTierIsShort();
    aNewCarrierStartsAsACanaryAndReachesItsShare();
  }

  void aStandbyTakesTheSpillWhileThePrimaryTierIsShort() {
    List<RoutingWeights> gb = route("GB:SMS");
    String log = gb.stream().map(DefaultScenarioRoutingTest::line).reduce("", String::concat);
    Instant outage = T0.plus(Duration.ofMinutes(8));
    assertThat(gb.stream().filter(w -> !w.getEffectiveAt().isAfter(outage)))
        .as(log)
        .isNotEmpty()
        .allMatch(w -> carrier(w, "severn-backup").getWeight() == 0);
    RoutingWeights spill =
        gb.stream()
            .filter(w -> carrier(w, "thames-mobile").getState() == CarrierState.EJECTED)
            .findFirst()
            .orElseThrow(() -> new AssertionError("thames-mobile never ejected:\n" + log));
    // the primary tier is 40 % healthy (< 70 %): it carries 4/7 of the 9900 beyond the
    // trickle, 5657.1; the standby 4242.9, and the unit left over as the larger remainder
    assertThat(spill.getCarriers())
        .as(log)
        .extracting(c -> c.getCarrierId() + "=" + c.getWeight() + "/" + c.getPriority())
        .containsExactly("thames-mobile=100/0", "pennine-tel=5657/0", "severn-backup=4243/1");
    assertThat(carrier(gb.get(gb.size() - 1), "severn-backup").getWeight())
        .as("the standby idle again once thames-mobile is back:\n" + log)
        .isZero();
  }

  void aNewCarrierStartsAsACanaryAndReachesItsShare() {
    List<RoutingWeights> de = route("DE:SMS");
    String log = de.stream().map(DefaultScenarioRoutingTest::line).reduce("", String::concat);
    RoutingWeights joined =
        de.stream()
            .filter(w -> carrier(w, "elbe-connect") != null)
            .findFirst()
            .orElseThrow(() -> new AssertionError("elbe-connect never in a decision:\n" + log));
    assertThat(joined.getEffectiveAt()).as(log).isEqualTo(T0.plus(Duration.ofMinutes(3)));
    assertThat(carrier(joined, "elbe-connect").getCanary()).as(log).isTrue();
    assertThat(carrier(joined, "elbe-connect").getWeight()).as(log).isEqualTo(100);
    // 20 of 120 base weight: 1666.7 of 10000
    assertThat(de)
        .as(log)
        .anyMatch(
            w ->
                carrier(w, "elbe-connect") != null
                    && carrier(w, "elbe-connect").getState() == CarrierState.HEALTHY
                    && carrier(w, "elbe-connect").getWeight() >= 1666);
  }

  static String line(RoutingWeights w) {
    StringBuilder b =
        new StringBuilder().append(w.getEffectiveAt()).append(' ').append(w.getMode());
    w.getCarriers()
        .forEach(
            c ->
                b.append(" | ")
                    .append(c.getCarrierId())
                    .append('=')
                    .append(c.getWeight())
                    .append(' ')
                    .append(c.getState())
                    .append(c.getCanary() ? " canary" : ""));
    return b.append('\n').toString();
  }

  void run() throws Exception {
    NinesConfig config = NinesConfig.defaults();
    TestRegistry registry = new TestRegistry();
    try (TopologyTestDriver driver = Drivers.start(config, registry)) {
      Map<String, TestInputTopic<String, SpecificRecord>> inputs = new HashMap<>();
      for (var t :
          List.of(
              Topics.DELIVERY_RECEIPTS,
              Topics.PROBE_RESULTS,
              Topics.ROUTE_PLANS,
              Topics.ROUTING_POLICIES)) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        var serializer = (Serializer) t.valueSerde(registry).serializer();
        @SuppressWarnings("unchecked")
        TestInputTopic<String, SpecificRecord> in =
            driver.createInputTopic(t.name(), t.keySerde().serializer(), serializer);
        inputs.put(t.name(), in);
      }
      // 30 % of the scenario's receipt rate (about 45/s, 7/s for bluewave): enough samples per
      // window for every decision below, at a third of the cost
      Simulator sim = new Simulator(Scenario.loadDefault(), 20260101L, 0.3);
      // contracts and maintenance windows are not read by the topology yet
      SimSink sink =
          (topic, key, value, ts) -> {
            if (inputs.containsKey(topic)) {
              inputs.get(topic).pipeInput(key, value, Instant.ofEpochMilli(ts));
            }
          };
      sim.seed(sink, T0);
      sim.history(sink, T0, T0.plus(Duration.ofMinutes(15)));
      all =
          driver
              .createOutputTopic(
                  Topics.ROUTING_WEIGHTS.name(),
                  Topics.ROUTING_WEIGHTS.keySerde().deserializer(),
                  Topics.ROUTING_WEIGHTS.valueSerde(registry).deserializer())
              .readValuesToList();
    }
  }

  void onlyTheDegradedCarrierLeavesAndComesBack() {
    List<RoutingWeights> us = route("US:SMS");
    StringBuilder log = new StringBuilder();
    us.forEach(
        w -> {
          log.append(w.getVersion())
              .append(' ')
              .append(w.getEffectiveAt())
              .append(' ')
              .append(w.getMode());
          w.getCarriers()
              .forEach(
                  c ->
                      log.append(" | ")
                          .append(c.getCarrierId())
                          .append('=')
                          .append(c.getWeight())
                          .append(' ')
                          .append(c.getState())
                          .append(": ")
                          .append(c.getReason()));
          log.append('\n');
        });
    assertThat(us)
        .as(log.toString())
        .allSatisfy(
            w ->
                w.getCarriers().stream()
                    .filter(c -> !c.getCarrierId().equals("bluewave"))
                    .forEach(
                        c ->
                            assertThat(c.getState())
                                .as(log.toString())
                                .isEqualTo(CarrierState.HEALTHY)));
    assertThat(us)
        .as(log.toString())
        .anyMatch(
            w ->
                w.getCarriers().stream()
                    .anyMatch(
                        c ->
                            c.getCarrierId().equals("bluewave")
                                && c.getState() == CarrierState.EJECTED));
    RoutingWeights last = us.get(us.size() - 1);
    assertThat(last.getCarriers())
        .as(log.toString())
        .extracting(c -> c.getWeight())
        .containsExactly(5000, 3000, 2000);
  }
}
