package dev.nines.platform;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Asks the broker, with a read_committed consumer, whether committed records are left between
 * a group's committed offsets and the ends of some partitions.
 *
 * <p>Why offsets alone cannot tell: a topic written in transactions has a commit marker after
 * each transaction's records, one per writer (instance, stream thread) whose transaction touched
 * the partition. A Streams app commits the offset after the last record it processed, which can
 * be before several such markers, and it commits nothing more until new records come. So
 * "committed = end - 1 is done" holds for one writer and fails for two; a read_committed
 * consumer skips the markers and aborted records and sees only what is left to process.
 */
public final class ReadCommitted {
  private ReadCommitted() {}

  /** How long a check may take to reach the ends: a read of a few markers on a live broker. */
  public static final Duration PATIENCE = Duration.ofSeconds(5);

  /**
   * True if any committed record lies in {@code [from, end)} of a partition of {@code ends}, or
   * if the consumer could not reach every end within {@code patience} (then nothing is
   * promised). False when it reached every end and found no record.
   *
   * @param clientConfig bootstrap servers and security settings for the consumer
   * @param from per partition, the first offset not yet processed (absent: 0)
   */
  public static boolean anyRecordLeft(
      Map<String, Object> clientConfig,
      Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> ends,
      Duration patience) {
    List<TopicPartition> behind =
        ends.entrySet().stream()
            .filter(e -> from.getOrDefault(e.getKey(), 0L) < e.getValue())
            .map(Map.Entry::getKey)
            .toList();
    if (behind.isEmpty()) {
      return false;
    }
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (var consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(behind);
      behind.forEach(tp -> consumer.seek(tp, from.getOrDefault(tp, 0L)));
      long deadline = System.nanoTime() + patience.toNanos();
      while (System.nanoTime() < deadline) {
        if (!consumer.poll(Duration.ofMillis(200)).isEmpty()) {
          return true;
        }
        if (behind.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))) {
          return false;
        }
      }
      return true;
    }
  }
}
