package dev.nines.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.schema.CarrierState;
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
 * The built-in scenario through the whole topology: in its first ten minutes carrier bluewave of
 * US:SMS delivers 40 % from minute 2 to 7. The route must eject bluewave and only bluewave, and
 * restore it after minute 7; the healthy carriers must not flap.
 */
class DefaultScenarioRoutingTest {
  static final Instant T0 = Instant.parse("2026-10-01T12:00:00Z");

  @Test
  void onlyTheDegradedCarrierLeavesAndComesBack() throws Exception {
    NinesConfig config = NinesConfig.defaults();
    TestRegistry registry = new TestRegistry();
    try (TopologyTestDriver driver = Drivers.start(config, registry)) {
      Map<String, TestInputTopic<String, SpecificRecord>> inputs = new HashMap<>();
      for (var t : List.of(Topics.DELIVERY_RECEIPTS, Topics.PROBE_RESULTS, Topics.ROUTE_PLANS)) {
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
      sim.history(sink, T0, T0.plus(Duration.ofMinutes(10)));
      List<RoutingWeights> us =
          driver
              .createOutputTopic(
                  Topics.ROUTING_WEIGHTS.name(),
                  Topics.ROUTING_WEIGHTS.keySerde().deserializer(),
                  Topics.ROUTING_WEIGHTS.valueSerde(registry).deserializer())
              .readValuesToList()
              .stream()
              .filter(w -> w.getRouteId().equals("US:SMS"))
              .toList();
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
}
