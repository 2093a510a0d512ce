package dev.nines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.app.NinesTopology;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.testing.TestRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * Outputs must not depend on how a producer partitioned the inputs (Java's murmur2, librdkafka's
 * CRC32, random, explicit partitions). In Kafka Streams a task meets the records of all topics
 * of its sub-topology that share one partition number; so a sub-topology that reads an input
 * topic may read nothing else: whatever has to meet other records is re-keyed by nines first,
 * into an internal topic it partitions itself. (Route plans were read next to the by-route
 * buckets, and a plan written by a CRC32 producer was never found.)
 */
class CoPartitioningTest {

  @Test
  void aSubTopologyThatReadsAnInputTopicReadsNothingElse() {
    NinesConfig config =
        ConfigLoader.load(Optional.empty(), Map.of(), Map.of("topics.partitions", "3"));
    TopologyDescription d = NinesTopology.build(config, new TestRegistry()).describe();
    Set<String> inputs = new TreeSet<>(Topics.INPUTS.stream().map(config.topics()::name).toList());
    List<String> mixed = new ArrayList<>();
    Set<String> read = new TreeSet<>();
    for (TopologyDescription.Subtopology s : d.subtopologies()) {
      Set<String> topics = new TreeSet<>();
      s.nodes().stream()
          .filter(n -> n instanceof TopologyDescription.Source)
          .forEach(n -> topics.addAll(((TopologyDescription.Source) n).topicSet()));
      read.addAll(topics);
      if (topics.size() > 1 && topics.stream().anyMatch(inputs::contains)) {
        mixed.add("sub-topology " + s.id() + " reads " + topics);
      }
    }
    assertThat(read).as("every input topic is read").containsAll(inputs);
    assertThat(mixed)
        .as("sub-topologies that meet an input topic's partitions with another " + "topic's")
        .isEmpty();
    assertThat(d.globalStores()).as("no global store either way").isEmpty();
  }
}
