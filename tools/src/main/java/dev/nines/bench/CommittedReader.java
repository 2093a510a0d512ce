package dev.nines.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/** A consumer of a topic's committed records (read_committed), every partition, from the start. */
final class CommittedReader {
  private CommittedReader() {}

  /** @param clients bootstrap servers and the platform's client settings */
  static <K> KafkaConsumer<K, byte[]> fromBeginning(
      Map<String, Object> clients, String topic, Deserializer<K> keys) {
    Map<String, Object> c = new HashMap<>(clients);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<K, byte[]> consumer = new KafkaConsumer<>(c, keys, new ByteArrayDeserializer());
    List<TopicPartition> parts =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    return consumer;
  }
}
