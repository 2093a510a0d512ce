package dev.nines.views;

import dev.nines.eventtime.MulticastPartitioner;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Where an uptime or credit view key lives: the uptime and credit tasks read topics keyed by
 * service, so {@code SMS:us-east:2026-10} is held by the task of partition
 * murmur2("SMS") mod n (Kafka's default partitioner for a String key), not by the partition its
 * own bytes hash to. For {@code KafkaStreams.queryMetadataForKey}.
 */
public final class ServicePartitioner implements StreamPartitioner<String, Object> {
  public static final ServicePartitioner INSTANCE = new ServicePartitioner();

  /** The service part of a view key: everything before the first ':'. */
  public static String serviceOf(String key) {
    int i = key.indexOf(':');
    return i < 0 ? key : key.substring(0, i);
  }

  public static int partition(String service, int numPartitions) {
    return MulticastPartitioner.partitionOf(service, numPartitions);
  }

  @Override
  public Optional<Set<Integer>> partitions(
      String topic, String key, Object value, int numPartitions) {
    return Optional.of(Set.of(partition(serviceOf(key), numPartitions)));
  }
}
