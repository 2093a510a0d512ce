package dev.nines.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.platform.local.LocalPlatform;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Whole topics read back as plain records, for tests that compare two runs record for record
 * (key, value bytes, timestamp, per partition in offset order).
 */
public final class TopicRecords {
  private TopicRecords() {}

  /** One record; equal when partition, key, value bytes and timestamp are. */
  public record Rec(int partition, String key, byte[] value, long timestamp) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Rec r
          && partition == r.partition
          && key.equals(r.key)
          && Arrays.equals(value, r.value)
          && timestamp == r.timestamp;
    }

    @Override
    public int hashCode() {
      return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "p"
          + partition
          + " "
          + key
          + " @"
          + Instant.ofEpochMilli(timestamp)
          + " "
          + HexFormat.of().formatHex(value);
    }
  }

  /** The records as sorted strings: equal lists mean the same records in any order. */
  public static List<String> sorted(List<Rec> records) {
    return records.stream().map(Rec::toString).sorted().toList();
  }

  /** A consumer assigned to every partition of the topic, at the beginning. */
  public static KafkaConsumer<String, byte[]> consumer(
      LocalPlatform platform, String topic, IsolationLevel isolation) {
    KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString()),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> parts =
        c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  /** Every committed record of the topic, per partition in offset order. */
  public static List<Rec> readAll(LocalPlatform platform, String topic) {
    return readAll(platform, topic, IsolationLevel.READ_COMMITTED);
  }

  /**
   * Every record of the topic, per partition in offset order; read_uncommitted also returns the
   * records of transactions that were aborted.
   */
  public static List<Rec> readAll(LocalPlatform platform, String topic, IsolationLevel isolation) {
    try (var c = consumer(platform, topic, isolation)) {
      Set<TopicPartition> parts = c.assignment();
      // the LSO under read_committed, the high watermark under read_uncommitted
      Map<TopicPartition, Long> end =
          isolation == IsolationLevel.READ_COMMITTED
              ? settledEnds(platform, topic, c)
              : c.endOffsets(parts);
      List<Rec> out = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        assertThat(System.nanoTime()).as("reading %s to its end", topic).isLessThan(deadline);
        c.poll(Duration.ofMillis(200))
            .forEach(r -> out.add(new Rec(r.partition(), r.key(), r.value(), r.timestamp())));
      }
      out.sort(Comparator.comparingInt(Rec::partition)); // stable: offset order kept
      return out;
    }
  }

  /**
   * The last stable offsets once they have reached the high watermarks seen now. A transaction's
   * commit markers reach its partitions one by one, after the producer has been told it
   * committed (and after the group's offsets are visible): an app that has just caught up and
   * closed can leave its last outputs behind the LSO for a moment. A transaction left open by a
   * killed writer ends by its timeout; after a minute the LSO then is taken as it is.
   */
  public static Map<TopicPartition, Long> settledEnds(
      LocalPlatform platform, String topic, KafkaConsumer<String, byte[]> committed) {
    Map<TopicPartition, Long> high;
    try (var uncommitted = consumer(platform, topic, IsolationLevel.READ_UNCOMMITTED)) {
      high = uncommitted.endOffsets(uncommitted.assignment());
    }
    Map<TopicPartition, Long> stable = new HashMap<>(committed.endOffsets(high.keySet()));
    try {
      Awaitility.await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                stable.putAll(committed.endOffsets(high.keySet()));
                return high.entrySet().stream()
                    .allMatch(e -> stable.get(e.getKey()) >= e.getValue());
              });
    } catch (ConditionTimeoutException openTransaction) {
      // left open by a killed writer: what is stable now is what a reader sees
    }
    return stable;
  }
}
