package dev.nines.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.cli.TestClients;
import dev.nines.config.NinesConfig;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.CarrierState;
import dev.nines.schema.RoutingWeights;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.simulate.KafkaSimSink;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.SimSink;
import dev.nines.simulate.Simulator;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.TestTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A scripted degradation on the real broker: the simulator writes 8 minutes of history in which
 * carrier "beta" of FR:SMS delivers 40 % from minute 2 to minute 4; the app runs for real; the
 * routing-weights records are read back through the Avro serde. Expectations come from the
 * scenario's own times and the policy defaults, not from the app's output.
 */
@ExtendWith(KafkaPlatformExtension.class)
class RoutingEndToEndIT {
  static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
  static final String SCENARIO =
      """
      name: e2e-routing
      seed: 7
      regions: [us-east]
      routes:
        - country: FR
          channel: SMS
          ratePerSecond: 120
          carriers:
            - {carrierId: alpha, baseWeight: 5000}
            - {carrierId: beta, baseWeight: 3000}
            - {carrierId: gamma, baseWeight: 2000}
      failureMix: {delivered: 0.99, carrier: 0.005, recipient: 0.005}
      duplicates: {fraction: 0.01}
      events:
        - name: beta-degraded
          start: PT2M
          end: PT4M
          carrierDegradation: {route: "FR:SMS", carrierId: beta, successRate: 0.40}
      """;

  @Test
  void carrierIsEjectedWithinOneIntervalAndRestoredAfterRecovery() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("e2e") + ".";
    NinesConfig config =
        KafkaPlatformExtension.config(
            // one partition: the history is produced as fast as the broker takes it, and with
            // several partitions their event times drift apart by more than the 1 s routing
            // grace
            // (deterministic closing under any skew is the watermark work of the replay issue)
            prefix, 1);
    try (Admin admin = platform.kafka().admin()) {
      TestTopics.ensure(admin, config.topics());
    }
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    Simulator sim = new Simulator(Scenario.parse(SCENARIO), 7L);
    try (var producer =
        new KafkaProducer<String, Object>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG,
                20),
            new StringSerializer(),
            new AnyAvroSerializer(registry))) {
      SimSink sink = SimSink.withTopicPrefix(new KafkaSimSink(producer), prefix);
      sim.seed(sink, T0);
      sim.history(sink, T0, T0.plus(Duration.ofMinutes(8)));
      sink.flush();
    }

    List<RoutingWeights> seen = new ArrayList<>();
    String topic = config.topics().name(Topics.ROUTING_WEIGHTS);
    var serde = Topics.ROUTING_WEIGHTS.valueSerde(registry);
    try (NinesApp app = NinesApp.start(config, platform, registry);
        var consumer = TestClients.committedConsumer(platform.bootstrapServers(), topic)) {
      try {
        await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  consumer
                      .poll(Duration.ofMillis(300))
                      .forEach(r -> seen.add(serde.deserialize(topic, r.value())));
                  // done once beta is back at full share after the degradation
                  return seen.stream()
                      .anyMatch(
                          w ->
                              w.getEffectiveAt().isAfter(T0.plusSeconds(240))
                                  && weightOf(w, "beta") == 3000
                                  && stateOf(w, "beta") == CarrierState.HEALTHY);
                });
      } catch (ConditionTimeoutException e) {
        throw new AssertionError("beta not restored; decisions seen:\n" + describe(seen), e);
      }
    }

    // versions count up from 1 without gaps, and every decision sums to 10000
    for (int i = 0; i < seen.size(); i++) {
      assertThat(seen.get(i).getVersion()).isEqualTo(i + 1L);
      assertThat(seen.get(i).getCarriers().stream().mapToInt(c -> c.getWeight()).sum())
          .isEqualTo(10_000);
    }
    assertThat(seen.get(0).getCarriers())
        .extracting(c -> c.getWeight())
        .containsExactly(5000, 3000, 2000);
    // ejected: the first decision after 2:00 that ejects beta is at most two 5 s intervals in
    RoutingWeights eject =
        seen.stream()
            .filter(w -> stateOf(w, "beta") == CarrierState.EJECTED)
            .findFirst()
            .orElseThrow();
    assertThat(eject.getEffectiveAt()).isBetween(T0.plusSeconds(120), T0.plusSeconds(130));
    assertThat(weightOf(eject, "beta")).isEqualTo(100); // the trickle
    // no decision restores beta's full share before the degradation ends at 4:00
    assertThat(seen)
        .filteredOn(
            w ->
                w.getEffectiveAt().isAfter(eject.getEffectiveAt())
                    && w.getEffectiveAt().isBefore(T0.plusSeconds(240)))
        .allSatisfy(w -> assertThat(stateOf(w, "beta")).isEqualTo(CarrierState.EJECTED));
    // back through RECOVERING (slow start) to HEALTHY within a minute of the end
    assertThat(seen).anyMatch(w -> stateOf(w, "beta") == CarrierState.RECOVERING);
    RoutingWeights restored = seen.get(seen.size() - 1);
    assertThat(restored.getEffectiveAt()).isBetween(T0.plusSeconds(240), T0.plusSeconds(300));
    assertThat(restored.getCarriers())
        .extracting(c -> c.getWeight())
        .containsExactly(5000, 3000, 2000);
  }

  static String describe(List<RoutingWeights> seen) {
    StringBuilder b = new StringBuilder();
    for (RoutingWeights w : seen) {
      b.append(w.getVersion())
          .append(' ')
          .append(w.getEffectiveAt())
          .append(' ')
          .append(w.getMode())
          .append(' ');
      w.getCarriers()
          .forEach(
              c ->
                  b.append(c.getCarrierId())
                      .append('=')
                      .append(c.getWeight())
                      .append(' ')
                      .append(c.getState())
                      .append(" (")
                      .append(c.getReason())
                      .append(") "));
      b.append('\n');
    }
    return b.toString();
  }

  static int weightOf(RoutingWeights w, String carrier) {
    return w.getCarriers().stream()
        .filter(c -> c.getCarrierId().equals(carrier))
        .findFirst()
        .orElseThrow()
        .getWeight();
  }

  static CarrierState stateOf(RoutingWeights w, String carrier) {
    return w.getCarriers().stream()
        .filter(c -> c.getCarrierId().equals(carrier))
        .findFirst()
        .orElseThrow()
        .getState();
  }
}
