package dev.nines.routing.stream;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** Every record to every partition (KIP-837): reference data that every task needs. */
final class EveryPartition<V> implements StreamPartitioner<String, V> {
  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
    return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
  }
}
