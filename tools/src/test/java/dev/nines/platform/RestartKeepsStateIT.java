package dev.nines.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.cli.TestClients;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.routing.stream.RoutingTopology;
import dev.nines.schema.RoutingWeights;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.simulate.KafkaSimSink;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.SimSink;
import dev.nines.simulate.Simulator;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.RestoreCounts;
import dev.nines.testing.TestTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #9, upgrades: the app is stopped and started again with the current code, three times,
 * on a real broker. Every store and internal topic has an explicit name, so the restarted app
 * finds its state: after a clean stop it reuses the local RocksDB state (nothing restored from
 * the changelog), and after its state directory is lost it restores the state from the
 * changelog. Either way the routing decisions go on where they stopped: their version numbers
 * run 1, 2, 3, ... without a gap or a repeat across all runs (a route rebuilt from scratch
 * would start again at version 1).
 */
@ExtendWith(KafkaPlatformExtension.class)
class RestartKeepsStateIT {
  static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
  static final String SCENARIO =
      """
      name: restart
      seed: 11
      regions: [us-east]
      routes:
        - country: FR
          channel: SMS
          ratePerSecond: 100
          carriers:
            - {carrierId: alpha, baseWeight: 5000}
            - {carrierId: beta, baseWeight: 5000}
      failureMix: {delivered: 0.99, carrier: 0.005, recipient: 0.005}
      events:
        - name: beta-degraded-1
          start: PT1M
          end: PT2M
          carrierDegradation: {route: "FR:SMS", carrierId: beta, successRate: 0.40}
        - name: beta-degraded-2
          start: PT4M
          end: PT5M
          carrierDegradation: {route: "FR:SMS", carrierId: beta, successRate: 0.40}
        - name: beta-degraded-3
          start: PT7M
          end: PT8M
          carrierDegradation: {route: "FR:SMS", carrierId: beta, successRate: 0.40}
      """;

  @Test
  void aRestartedAppGoesOnFromItsStateLocalOrRestoredFromTheChangelog() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("restart") + ".";
    Path stateDir = Files.createTempDirectory("nines-restart-it-");
    NinesConfig config =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(),
            Map.of(
                "topics.prefix",
                prefix,
                "application.id",
                prefix + "app",
                "state.dir",
                stateDir.toString(),
                "topics.partitions",
                "1"));
    try (Admin admin = platform.kafka().admin()) {
      TestTopics.ensure(admin, config.topics());
    }
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    Simulator sim = new Simulator(Scenario.parse(SCENARIO), 11L);
    String topic = config.topics().name(Topics.ROUTING_WEIGHTS);
    var serde = Topics.ROUTING_WEIGHTS.valueSerde(registry);
    String changelog =
        config.streams().applicationId() + "-" + RoutingTopology.STATE_STORE + "-changelog";
    List<RoutingWeights> seen = new ArrayList<>();
    List<Long> restoredPerRun = new ArrayList<>();

    try (var producer =
            new KafkaProducer<String, Object>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    platform.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG,
                    20),
                new StringSerializer(),
                new AnyAvroSerializer(registry));
        var consumer = TestClients.committedConsumer(platform.bootstrapServers(), topic)) {
      SimSink sink = SimSink.withTopicPrefix(new KafkaSimSink(producer), prefix);
      sim.seed(sink, T0);
      for (int run = 0; run < 3; run++) {
        Instant from = T0.plus(Duration.ofMinutes(3L * run));
        Instant to = from.plus(Duration.ofMinutes(3));
        sim.history(sink, T0, from, to);
        sink.flush();
        if (run == 2) {
          // the state directory is lost: the state must come back from the changelog
          Directories.deleteRecursively(stateDir);
        }
        AtomicLong restored = new AtomicLong();
        Map<String, Long> restoredByStore = new ConcurrentHashMap<>();
        try (NinesApp app =
            NinesApp.start(
                config,
                platform,
                registry,
                s ->
                    s.setGlobalStateRestoreListener(
                        RestoreCounts.counting(restored, restoredByStore)))) {
          // done with this chunk once beta's degradation in it was seen and lifted again
          Instant degradationEnd = from.plus(Duration.ofMinutes(2));
          await()
              .atMost(Duration.ofSeconds(180))
              .pollInterval(Duration.ofMillis(200))
              .until(
                  () -> {
                    consumer
                        .poll(Duration.ofMillis(300))
                        .forEach(r -> seen.add(serde.deserialize(topic, r.value())));
                    return seen.stream().anyMatch(w -> w.getEffectiveAt().isAfter(degradationEnd));
                  });
        }
        restoredPerRun.add(restoredByStore.getOrDefault(RoutingTopology.STATE_STORE, 0L));
        System.out.printf(
            "restart IT run %d: %d routing decisions so far, restored from " + "changelogs: %s%n",
            run + 1, seen.size(), restoredByStore);
      }
    } finally {
      Directories.deleteRecursively(stateDir);
    }

    // a clean stop leaves a checkpoint: the second run reuses the local state, restoring
    // nothing of the routing state; the third, without its directory, restores it
    assertThat(restoredPerRun.get(1)).as("routing state restored after a clean stop").isZero();
    assertThat(restoredPerRun.get(2))
        .as("routing state restored after losing the directory")
        .isPositive();
    // one sequence of decisions across the three runs: versions 1..n, no gap, no repeat
    assertThat(seen)
        .extracting(RoutingWeights::getVersion)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, seen.size()).boxed().toList());
    // and decisions were made in every run (three degradations, each ejecting beta)
    assertThat(
            seen.stream()
                .filter(
                    w ->
                        w.getCarriers().stream()
                            .anyMatch(
                                c ->
                                    c.getCarrierId().equals("beta")
                                        && c.getState().name().equals("EJECTED")))
                .map(w -> (w.getEffectiveAt().toEpochMilli() - T0.toEpochMilli()) / 180_000)
                .distinct())
        .containsExactly(0L, 1L, 2L);
    assertThat(changelog).isNotBlank();
  }
}
