package dev.nines.replay;

import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.config.NinesConfig.TopicLayout;
import dev.nines.platform.TopicManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

/**
 * The topics a replay owns: the shadow copies of every contract topic (inputs it fills, outputs
 * its app writes) and the app's internal topics (repartition and changelog), named after its own
 * application id. Nothing here touches a live topic.
 */
public final class ShadowTopics {
  private ShadowTopics() {}

  /** The internal topics of a topology run under {@code applicationId}. */
  public record Internal(List<String> repartition, List<String> changelog) {
    public List<String> all() {
      List<String> l = new ArrayList<>(repartition);
      l.addAll(changelog);
      return l;
    }
  }

  /**
   * From the topology's description: its repartition sources and the changelogs of its stores
   * (exact names, so a replay never mistakes another app's topics for its own).
   */
  public static Internal internal(Topology topology, String applicationId, Set<String> external) {
    Set<String> repartition = new TreeSet<>();
    Set<String> changelog = new TreeSet<>();
    for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
      for (TopologyDescription.Node n : s.nodes()) {
        if (n instanceof TopologyDescription.Source src && src.topicSet() != null) {
          src.topicSet().stream()
              .filter(t -> !external.contains(t))
              .forEach(t -> repartition.add(applicationId + "-" + t));
        }
        if (n instanceof TopologyDescription.Processor p) {
          p.stores().forEach(st -> changelog.add(applicationId + "-" + st + "-changelog"));
        }
      }
    }
    return new Internal(List.copyOf(repartition), List.copyOf(changelog));
  }

  /** The contract topic names of a layout. */
  public static List<String> contractTopics(TopicLayout layout) {
    return Topics.ALL.stream().map(layout::name).toList();
  }

  /** Which of the replay's topics exist now. */
  public static List<String> existing(Admin admin, TopicLayout shadow, Internal internal)
      throws ExecutionException, InterruptedException {
    Set<String> names = admin.listTopics().names().get();
    List<String> mine = new ArrayList<>(contractTopics(shadow));
    mine.addAll(internal.all());
    return mine.stream().filter(names::contains).toList();
  }

  /** Whether the replay's consumer group has committed offsets (an earlier replay ran). */
  public static boolean groupHasOffsets(Admin admin, String applicationId)
      throws ExecutionException, InterruptedException {
    return !admin
        .listConsumerGroupOffsets(applicationId)
        .partitionsToOffsetAndMetadata()
        .get()
        .isEmpty();
  }

  /** How long --replace waits for members of a killed replay to leave its group. */
  static final Duration GROUP_WAIT = Duration.ofSeconds(90);

  /**
   * Deletes these topics and the group, and waits until the broker no longer lists them. A group
   * that still has members (a replay killed less than a session timeout ago) is retried for up
   * to {@link #GROUP_WAIT}.
   */
  public static void delete(Admin admin, List<String> topics, String applicationId)
      throws ExecutionException, InterruptedException {
    if (!topics.isEmpty()) {
      try {
        admin.deleteTopics(topics).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
    }
    // a member of a replay that was killed stays in the group until its session times out
    long groupDeadline = System.nanoTime() + GROUP_WAIT.toNanos();
    while (true) {
      try {
        admin.deleteConsumerGroups(List.of(applicationId)).all().get();
        break;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof GroupIdNotFoundException) {
          break;
        }
        if (!(e.getCause() instanceof GroupNotEmptyException)
            || System.nanoTime() > groupDeadline) {
          throw new IllegalStateException(
              "cannot delete the replay's consumer group '"
                  + applicationId
                  + "' (is an earlier replay still running?): "
                  + e.getCause().getMessage(),
              e.getCause());
        }
        Thread.sleep(1000);
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (admin.listTopics().names().get().stream().anyMatch(topics::contains)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the broker still lists deleted topics of the replay " + "after 60 s: " + topics);
      }
      Thread.sleep(200);
    }
  }

  /**
   * {@code segment.ms} of the compacted shadow topics: a century, so the broker never rolls them
   * by time. The broker rolls a segment once a record's timestamp is {@code segment.ms} (7 days
   * by default) past the segment's first; with event-time stamps of last month and a transaction
   * marker stamped now, that happens right after the first transaction, and the cleaner then
   * compacts that segment: superseded route-plan and contract versions in the shadow inputs
   * (which the replay still needs, as of their event times) and superseded decisions and ledger
   * lines in the shadow outputs (which the comparison wants to see). A replay's topics are a
   * bounded, short-lived copy; they keep everything.
   */
  static final String SEGMENT_MS = Long.toString(Duration.ofDays(36_500).toMillis());

  /**
   * Creates the shadow topics: each input with the partition count of the live topic it copies
   * (records keep their partition), each output with the layout's count, as the live app's
   * outputs are created; compacted ones never roll by time ({@link #SEGMENT_MS}). Retries while
   * a topic of the same name is still being deleted.
   */
  public static void create(Admin admin, TopicLayout live, TopicLayout shadow)
      throws ExecutionException, InterruptedException {
    Map<String, Integer> livePartitions = new HashMap<>();
    List<String> inputs = Topics.INPUTS.stream().map(live::name).toList();
    admin
        .describeTopics(inputs)
        .allTopicNames()
        .get()
        .forEach((name, d) -> livePartitions.put(name, d.partitions().size()));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        TopicManager.ensure(
            admin,
            Topics.ALL,
            shadow,
            (Topic<?> t) ->
                Topics.INPUTS.contains(t) ? livePartitions.get(live.name(t)) : shadow.partitions(),
            t -> t.compacted() ? Map.of("segment.ms", SEGMENT_MS) : Map.of());
        return;
      } catch (IllegalStateException e) {
        // "marked for deletion" after --replace: the broker needs a moment
        if (System.nanoTime() > deadline
            || e.getMessage() == null
            || !e.getMessage().contains("marked for deletion")) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }
}
