package dev.nines.replay;

import dev.nines.Topic;
import dev.nines.serde.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the committed records of an output topic stamped in [from, to), per partition in offset
 * order, decoded for the diff.
 *
 * <p>Output timestamps are event times and almost in order per partition, but not exactly (a
 * window is stamped with its latest record, which may be earlier than another key's window emitted
 * before it). Reading therefore starts at the first record stamped at or after {@code from} minus
 * {@link #LOOKBACK}, and keeps what is stamped in the range.
 */
public final class OutputReader {
  private OutputReader() {}

  /** How much earlier than {@code from} reading starts (see the class comment). */
  public static final Duration LOOKBACK = Duration.ofDays(1);

  public static List<OutputDiff.OutRec> read(
      Admin admin,
      Map<String, Object> clientProps,
      Topic<?> topic,
      String name,
      SchemaRegistryClient registry,
      Instant from,
      Instant to)
      throws ExecutionException, InterruptedException {
    List<TopicPartition> parts = new ArrayList<>();
    admin
        .describeTopics(List.of(name))
        .allTopicNames()
        .get()
        .get(name)
        .partitions()
        .forEach(p -> parts.add(new TopicPartition(name, p.partition())));
    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
    Map<TopicPartition, OffsetSpec> starts = new HashMap<>();
    long startStamp = Math.max(0, from.minus(LOOKBACK).toEpochMilli());
    parts.forEach(
        tp -> {
          ends.put(tp, OffsetSpec.latest());
          starts.put(tp, OffsetSpec.forTimestamp(startStamp));
        });
    var options = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
    Map<TopicPartition, Long> end = new HashMap<>();
    admin.listOffsets(ends, options).all().get().forEach((tp, i) -> end.put(tp, i.offset()));
    Map<TopicPartition, Long> start = new HashMap<>();
    admin
        .listOffsets(starts, options)
        .all()
        .get()
        .forEach((tp, i) -> start.put(tp, i.offset() < 0 ? end.get(tp) : i.offset()));

    var serde = topic.valueType() == null ? null : topic.valueSerde(registry);
    Map<String, Object> cc = new HashMap<>(clientProps);
    cc.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    cc.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    List<ConsumerRecord<byte[], byte[]>> raw = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> open = parts.stream().filter(tp -> start.get(tp) < end.get(tp)).toList();
      consumer.assign(open);
      open.forEach(tp -> consumer.seek(tp, start.get(tp)));
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      List<TopicPartition> left = new ArrayList<>(open);
      while (!left.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "reading " + name + " did not reach its end offsets " + "within 10 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            raw.add(r);
          }
        }
        left.removeIf(tp -> consumer.position(tp) >= end.get(tp));
      }
    }
    raw.sort(
        Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
            .thenComparingLong(ConsumerRecord::offset));
    List<OutputDiff.OutRec> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : raw) {
      if (r.timestamp() < from.toEpochMilli() || r.timestamp() >= to.toEpochMilli()) {
        continue;
      }
      Object decoded =
          serde == null || r.value() == null ? null : serde.deserialize(r.topic(), r.value());
      out.add(
          new OutputDiff.OutRec(
              r.partition(),
              r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
              r.value(),
              r.timestamp(),
              OutputDiff.light(decoded)));
    }
    return out;
  }
}
