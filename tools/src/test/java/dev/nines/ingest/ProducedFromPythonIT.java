package dev.nines.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.config.NinesConfig;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.CarrierState;
import dev.nines.schema.RoutingWeights;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.TestTopics;
import dev.nines.testing.TopicRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real librdkafka producer, every setting at its default (Python's confluent-kafka, as Debian
 * ships it), writes a route plan, three minutes of receipts and a plan edit into the topics of a
 * nines with three partitions per topic, which then reads them: the example of {@code
 * docs/producing.md}, run as it stands.
 *
 * <p>Expected from the script alone: US:SMS is decided; bluewave, failing 60 % of its messages
 * in the second minute, is EJECTED; corvid is not DISABLED before the plan edit's time, 10:02:00;
 * nothing is dead-lettered. When the edit takes effect is asserted by {@link AnyPartitionerIT}:
 * here, with three minutes of event time in 3,600 receipts, the routing decides every interval
 * of the history before the edit's one hop has reached it (docs/producing.md, "Plan edits"). The plan lands on the partition CRC32 gives
 * its key, not the one murmur2 gives (checked), which left routing silent before the app re-keyed
 * plans itself.
 */
@ExtendWith(KafkaPlatformExtension.class)
class ProducedFromPythonIT {
  static final Path SCRIPT = Path.of("../docs/examples/produce_from_python.py");
  static final Path SCHEMAS = Path.of("../schemas/src/main/avro");
  static final Instant EDIT = Instant.parse("2026-10-01T10:02:00Z");
  static final String INSTALL =
      "apt-get install python3-confluent-kafka python3-avro python3-requests";

  /** A Python 3 that has confluent-kafka and avro, or empty. */
  static Optional<String> python() throws Exception {
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      try {
        Process p =
            new ProcessBuilder(candidate, "-c", "import confluent_kafka, avro, requests")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return Optional.of(candidate);
        }
      } catch (IOException notThere) {
        // try the next one
      }
    }
    return Optional.empty();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aLibrdkafkaProducerWithDefaultSettingsGetsRoutingDecisions() throws Exception {
    Optional<String> python = python();
    Assumptions.assumeTrue(python.isPresent(), "no Python 3 with confluent-kafka: " + INSTALL);
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("python") + ".";
    NinesConfig config = KafkaPlatformExtension.config(prefix, 3);
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    try (Admin admin = platform.kafka().admin()) {
      TestTopics.ensure(admin, config.topics());
    }
    String weightsTopic = config.topics().name(Topics.ROUTING_WEIGHTS);
    Path log = Files.createTempFile("produce-from-python-", ".log");
    Process p =
        new ProcessBuilder(
                python.get(),
                SCRIPT.toString(),
                platform.bootstrapServers(),
                platform.schemaRegistryUrl(),
                SCHEMAS.toString(),
                prefix)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("the script finished").isTrue();
    assertThat(p.exitValue())
        .as("the script's exit code; it printed:%n%s", Files.readString(log))
        .isZero();
    Files.delete(log);

    try (NinesApp app = NinesApp.start(config, platform, registry)) {
      var plan =
          TopicRecords.readAll(platform, config.topics().name(Topics.ROUTE_PLANS)).stream()
              .filter(r -> r.key().equals("US:SMS"))
              .findFirst()
              .orElseThrow();
      assertThat(plan.partition())
          .as("librdkafka put the plan elsewhere than murmur2 would")
          .isNotEqualTo(
              Utils.toPositive(Utils.murmur2("US:SMS".getBytes(StandardCharsets.UTF_8))) % 3);

      try {
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofSeconds(1))
            .alias("routing-weights of US:SMS with bluewave ejected")
            .until(
                () ->
                    weights(platform, weightsTopic, registry).stream()
                        .anyMatch(
                            w -> AnyPartitionerIT.state(w, "bluewave") == CarrierState.EJECTED));
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            "no decision ejects bluewave; carrier-health records: "
                + TopicRecords.readAll(platform, config.topics().name(Topics.CARRIER_HEALTH)).size()
                + "; US:SMS decisions: "
                + weights(platform, weightsTopic, registry)
                + "; dead letters: "
                + app.deadLetters().counts(),
            e);
      }
    }
    List<RoutingWeights> us = weights(platform, weightsTopic, registry);
    assertThat(us)
        .as("US:SMS decisions")
        .isNotEmpty()
        .allSatisfy(
            w ->
                assertThat(w.getCarriers().stream().mapToInt(c -> c.getWeight()).sum())
                    .isEqualTo(10_000));
    assertThat(us.stream().filter(w -> w.getEffectiveAt().isBefore(EDIT)))
        .as("decisions before the edit")
        .isNotEmpty()
        .noneMatch(w -> AnyPartitionerIT.state(w, "corvid") == CarrierState.DISABLED);
    assertThat(TopicRecords.readAll(platform, config.topics().name(Topics.DEAD_LETTERS)))
        .as("dead letters")
        .isEmpty();
  }

  static List<RoutingWeights> weights(
      LocalPlatform platform, String topic, RestSchemaRegistryClient registry) {
    var serde = Topics.ROUTING_WEIGHTS.valueSerde(registry);
    return TopicRecords.readAll(platform, topic).stream()
        .filter(r -> r.key().equals("US:SMS"))
        .map(r -> serde.deserializer().deserialize(topic, r.value()))
        .sorted(Comparator.comparing(RoutingWeights::getVersion))
        .toList();
  }
}
