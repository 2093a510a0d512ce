package dev.nines.reliability;

import static dev.nines.testing.Records.delivered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.config.NinesConfig;
import dev.nines.platform.PortCheck;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.TestTopics;
import dev.nines.testing.TopicRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Input deleted while the app runs, before it read it (retention, or an operator's
 * deleteRecords), stops the app with one line instead of being skipped. The app is held back
 * the way an outage holds it: its schema registry does not answer, so every stream thread fails
 * and resumes from the last commit. Meanwhile the first 10 of 20 waiting receipts are deleted.
 */
@ExtendWith(KafkaPlatformExtension.class)
class InputDeletedWhileRunningIT {
  static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");

  @Test
  void inputDeletedBeforeItWasReadStopsTheAppWithOneLine() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("deleted") + ".";
    NinesConfig config = KafkaPlatformExtension.config(prefix, 1);
    String appId = config.streams().applicationId();
    String receipts = config.topics().name(Topics.DELIVERY_RECEIPTS);
    TopicPartition p0 = new TopicPartition(receipts, 0);
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    // nothing answers here: the app reads nothing while the test deletes
    var unreachable = new RestSchemaRegistryClient("http://127.0.0.1:" + PortCheck.freePort());
    try (Admin admin = platform.kafka().admin()) {
      TestTopics.ensure(admin, config.topics());
      try (var producer =
          new KafkaProducer<String, Object>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
              new StringSerializer(),
              new AnyAvroSerializer(registry))) {
        for (int i = 0; i < 20; i++) {
          Instant t = T0.plusSeconds(i);
          producer.send(
              new ProducerRecord<>(
                  receipts, null, t.toEpochMilli(), "r" + i, delivered("r" + i, "a", t, 100)));
        }
      }
      try (NinesApp app = NinesApp.start(config, platform, unreachable)) {
        // a new app starts at the first record: its offsets were set before it started
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get();
        assertThat(committed.get(p0)).isNotNull();
        assertThat(committed.get(p0).offset()).isZero();
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(200))
            .dontCatchUncaughtExceptions()
            .alias("a stream thread failed on the registry")
            .until(() -> app.faults().counts().getOrDefault("schema-registry", 0L) >= 1);
        admin.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(10))).all().get();

        String line = app.stopped().get(2, TimeUnit.MINUTES);
        assertThat(line)
            .isEqualTo(
                "input of application '"
                    + appId
                    + "' was deleted while it ran, before it was read: 1 partition(s), e.g. "
                    + receipts
                    + "-0 was to be read from offset 0, which is no longer kept; raise"
                    + " topics.retention (retention.ms) and restore the input, or accept the loss"
                    + " with kafka-streams-application-reset --application-id "
                    + appId);
        await()
            .atMost(Duration.ofMinutes(1))
            .until(
                () ->
                    app.streams().state() == KafkaStreams.State.ERROR
                        || app.streams().state() == KafkaStreams.State.NOT_RUNNING);
        assertThat(app.deadLetters().counts()).as("nothing was taken for bad input").isEmpty();
      }
      // the offset was not moved past the gap: a restart refuses too (OffsetGuard.check)
      assertThat(
              admin
                  .listConsumerGroupOffsets(appId)
                  .partitionsToOffsetAndMetadata()
                  .get()
                  .get(p0)
                  .offset())
          .isZero();
    }
    assertThat(TopicRecords.readAll(platform, config.topics().name(Topics.DEAD_LETTERS))).isEmpty();
  }
}
