package dev.nines.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.platform.local.LocalPlatform;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link LogForensics} reads what the broker stored: records, and which marker ended them. */
@ExtendWith(KafkaPlatformExtension.class)
class LogForensicsIT {

  @Test
  void showsCommittedAndAbortedTransactionsWithTheirMarkers() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String topic = KafkaPlatformExtension.unique("forensics");
    try (Admin admin = platform.kafka().admin()) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                topic + "-txn"),
            new StringSerializer(),
            new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, 0, 1000L, "kept-1", "v"));
      producer.send(new ProducerRecord<>(topic, 0, 2000L, "kept-2", "v"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, 0, 3000L, "dropped", "v"));
      producer.flush();
      producer.abortTransaction();
    }
    List<String> lines = LogForensics.batches(platform, topic, 0);
    // the producer may send the two records of the first transaction in one batch or two
    String all = String.join("\n", lines.stream().filter(l -> l.startsWith("offsets")).toList());
    assertThat(all)
        .containsSubsequence(
            "txn=true",
            "kept-1@1970-01-01T00:00:01Z",
            "kept-2@1970-01-01T00:00:02Z",
            "CONTROL COMMIT",
            "dropped@1970-01-01T00:00:03Z",
            "CONTROL ABORT");
    assertThat(all).containsOnlyOnce("CONTROL COMMIT").containsOnlyOnce("CONTROL ABORT");
  }
}
