package dev.nines.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.testing.KafkaPlatformExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two transactional writers on one partition leave two commit markers after the last record,
 * where "one short of the end is done" is wrong; {@link ReadCommitted} asks the broker instead.
 */
@ExtendWith(KafkaPlatformExtension.class)
class ReadCommittedIT {
  static final Duration PATIENCE = Duration.ofSeconds(10);

  @Test
  void twoWritersMarkersAndAnAbortedRecordAreNotRecordsLeft() throws Exception {
    String topic = KafkaPlatformExtension.unique("two-writers");
    TopicPartition tp = new TopicPartition(topic, 0);
    Map<String, Object> clients =
        Map.of("bootstrap.servers", KafkaPlatformExtension.platform().bootstrapServers());
    try (Admin admin = KafkaPlatformExtension.platform().kafka().admin();
        KafkaProducer<String, String> a = producer(topic + "-a");
        KafkaProducer<String, String> b = producer(topic + "-b");
        KafkaProducer<String, String> c = producer(topic + "-c")) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      // offsets: 0 record (a), 1 record (b), 2 marker (a), 3 marker (b)
      a.beginTransaction();
      b.beginTransaction();
      a.send(new ProducerRecord<>(topic, 0, "k", "from a")).get();
      b.send(new ProducerRecord<>(topic, 0, "k", "from b")).get();
      a.commitTransaction();
      b.commitTransaction();
      // 4 record (c, aborted), 5 abort marker
      c.beginTransaction();
      c.send(new ProducerRecord<>(topic, 0, "k", "aborted")).get();
      c.abortTransaction();

      // the coordinator writes the markers after commit/abort returns: wait for the last one
      long end =
          Awaitility.await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () ->
                      admin
                          .listOffsets(
                              Map.of(tp, OffsetSpec.latest()),
                              new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                          .all()
                          .get()
                          .get(tp)
                          .offset(),
                  e -> e == 6);
      Map<TopicPartition, Long> ends = Map.of(tp, end);

      // a consumer that processed both records commits offset 2: four short of the end
      assertThat(ReadCommitted.anyRecordLeft(clients, Map.of(tp, 2L), ends, PATIENCE)).isFalse();
      // one that processed only a's record has b's left
      assertThat(ReadCommitted.anyRecordLeft(clients, Map.of(tp, 1L), ends, PATIENCE)).isTrue();
      // nothing committed yet: both records left
      assertThat(ReadCommitted.anyRecordLeft(clients, Map.of(), ends, PATIENCE)).isTrue();
      // at the end: nothing to ask
      assertThat(ReadCommitted.anyRecordLeft(clients, Map.of(tp, 6L), ends, PATIENCE)).isFalse();
    }
  }

  static KafkaProducer<String, String> producer(String transactionalId) {
    KafkaProducer<String, String> p =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaPlatformExtension.platform().bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                transactionalId),
            new StringSerializer(),
            new StringSerializer());
    p.initTransactions();
    return p;
  }
}
