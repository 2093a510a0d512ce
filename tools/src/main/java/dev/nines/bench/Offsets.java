package dev.nines.bench;

import dev.nines.platform.ReadCommitted;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Where an application stands, read from the broker: its committed offsets against the
 * read-committed end (last stable offset) of every topic it reads.
 *
 * <p>With exactly-once, a committed input offset means that everything the input record caused
 * (output records, repartition records, changelog writes) is committed too. So an app is
 * through a set of records when its committed offsets cover them on its input topics and, for
 * what it wrote to its own repartition topics on the way, on those as well. A transactional
 * topic ends with a commit marker that the app's consumer may not have stepped over yet: one
 * short of the end is through.
 */
final class Offsets {
  private final Admin admin;

  Offsets(Admin admin) {
    this.admin = admin;
  }

  /** One snapshot: committed offsets of the group and last stable offsets of the topics. */
  record Snapshot(long nanos, Map<TopicPartition, Long> committed, Map<TopicPartition, Long> ends) {

    /** True when the group's committed offsets reach {@code targets} on every partition. */
    boolean covers(Map<TopicPartition, Long> targets, boolean transactional) {
      for (var e : targets.entrySet()) {
        long target = transactional && e.getValue() > 0 ? e.getValue() - 1 : e.getValue();
        if (committed.getOrDefault(e.getKey(), 0L) < target) {
          return false;
        }
      }
      return true;
    }

    Map<TopicPartition, Long> endsOf(Collection<String> topics) {
      Map<TopicPartition, Long> m = new HashMap<>();
      ends.forEach(
          (tp, o) -> {
            if (topics.contains(tp.topic())) {
              m.put(tp, o);
            }
          });
      return m;
    }

    long committedSum(Collection<String> topics) {
      return committed.entrySet().stream()
          .filter(e -> topics.contains(e.getKey().topic()))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }
  }

  Snapshot snapshot(String groupId, Collection<String> topics) throws InterruptedException {
    try {
      Map<TopicPartition, Long> committed = new HashMap<>();
      Map<TopicPartition, OffsetAndMetadata> c =
          admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
      c.forEach(
          (tp, o) -> {
            if (o != null) {
              committed.put(tp, o.offset());
            }
          });
      return new Snapshot(System.nanoTime(), committed, ends(topics));
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot read the offsets of " + groupId + ": " + e.getCause().getMessage(), e);
    }
  }

  /** Last stable offsets (read_committed ends) of every partition of {@code topics}. */
  Map<TopicPartition, Long> ends(Collection<String> topics) throws InterruptedException {
    try {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (var d : admin.describeTopics(topics).allTopicNames().get().values()) {
        d.partitions()
            .forEach(
                p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
      }
      Map<TopicPartition, Long> out = new HashMap<>();
      admin
          .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
          .all()
          .get()
          .forEach((tp, i) -> out.put(tp, i.offset()));
      return out;
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot read the end offsets of " + topics + ": " + e.getCause().getMessage(), e);
    }
  }

  /** Records in {@code topics} (end offsets summed; exact for non-transactional topics). */
  long count(List<String> topics) throws InterruptedException {
    return ends(topics).values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * True when the group has consumed every committed record of {@code topics}. Offsets alone
   * cannot tell when several writers left several markers at the end: see
   * {@link ReadCommitted}.
   */
  boolean through(String groupId, List<String> topics, Map<String, Object> clientConfig)
      throws InterruptedException {
    Snapshot s = snapshot(groupId, topics);
    return !ReadCommitted.anyRecordLeft(
        clientConfig, s.committed(), s.ends(), ReadCommitted.PATIENCE);
  }

  /** The app's internal topics that it reads back (repartition topics), by name. */
  List<String> repartitionTopics(String applicationId) throws InterruptedException {
    try {
      return admin.listTopics().names().get().stream()
          .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-repartition"))
          .sorted()
          .toList();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e);
    }
  }
}
