package dev.nines.eventtime;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Watermarks to every partition (KIP-837), a batch to the partition it was made for, items by key exactly as without this partitioner (an
 * empty answer means Kafka's default: murmur2 of the serialized key), so that a key's records
 * land where they always did.
 */
public final class MulticastPartitioner<V> implements StreamPartitioner<String, Marked<V>> {

  /** The partition Kafka's default partitioner gives a record with this String key. */
  public static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  @Override
  public Optional<Set<Integer>> partitions(
      String topic, String key, Marked<V> value, int numPartitions) {
    if (value instanceof Marked.Mark<V>) {
      return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
    }
    if (value instanceof Marked.Batch<V> b) {
      if (b.partition() >= numPartitions) {
        throw new IllegalStateException(
            "a batch for partition " + b.partition() + " of a topic with " + numPartitions);
      }
      return Optional.of(Set.of(b.partition()));
    }
    return Optional.empty();
  }
}
