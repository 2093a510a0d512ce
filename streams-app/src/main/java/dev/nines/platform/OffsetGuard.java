package dev.nines.platform;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

/**
 * Input deleted before it was read stops the app, at start and while it runs.
 *
 * <pre>
 * at start:      committed(p) &lt; logStart(p)                  -&gt; refuse, one line
 *                no committed(p)                              -&gt; commit logStart(p)
 * while running: fetch position of p out of range (reset none) -&gt; stop the app, one line
 * </pre>
 *
 * <p>Kafka Streams would reset an out-of-range offset with {@code auto.offset.reset} and go on:
 * the deleted records skipped with one INFO line, and incidents, ledger lines and credits built
 * from them silently missing. So the inputs are read with reset policy none ({@link
 * dev.nines.Topics#INPUT_OFFSET_RESET}), and a partition the group has no offset for yet gets its
 * log start committed before the app starts (what {@code earliest} would do). The operator then
 * either restores the data or accepts the loss by resetting the application (both are named in
 * the message).
 */
public final class OffsetGuard {
  private OffsetGuard() {}

  /** One partition whose committed position lies before the oldest record still kept. */
  public record Gap(TopicPartition partition, long committed, long logStart) {
    public long lost() {
      return logStart - committed;
    }
  }

  /** The gaps, ordered by topic and partition; partitions with no committed offset have none. */
  public static List<Gap> gaps(
      Map<TopicPartition, Long> committed, Map<TopicPartition, Long> logStart) {
    List<Gap> gaps = new ArrayList<>();
    committed.forEach(
        (tp, c) -> {
          Long start = logStart.get(tp);
          if (start != null && c < start) {
            gaps.add(new Gap(tp, c, start));
          }
        });
    gaps.sort(
        Comparator.comparing((Gap g) -> g.partition().topic())
            .thenComparingInt(g -> g.partition().partition()));
    return gaps;
  }

  /** The one-line refusal for these gaps. */
  public static String message(String groupId, List<Gap> gaps) {
    long lost = gaps.stream().mapToLong(Gap::lost).sum();
    Gap first = gaps.get(0);
    return "input of application '"
        + groupId
        + "' was deleted before it was read: "
        + lost
        + " record(s) in "
        + gaps.size()
        + " partition(s), e.g. "
        + first.partition()
        + " committed at offset "
        + first.committed()
        + " but the log starts at "
        + first.logStart()
        + "; raise topics.retention (retention.ms) and restore the input, "
        + "or accept the loss with kafka-streams-application-reset --application-id "
        + groupId;
  }

  /**
   * Commits the log start of every input partition the group has no offset for, so that a new
   * app (or new partitions) start at their first record under reset policy none. Nothing is
   * written while the group has members: the running instances seeded it when they started.
   *
   * @return the offsets committed, by partition
   */
  public static Map<TopicPartition, Long> seedMissing(
      Admin admin, String groupId, Collection<String> inputTopics) {
    try {
      Set<TopicPartition> committed = committed(admin, groupId, inputTopics).keySet();
      Map<TopicPartition, OffsetSpec> missing = new HashMap<>();
      admin
          .describeTopics(inputTopics)
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .forEach(
              (topic, d) ->
                  d.partitions().stream()
                      .map(p -> new TopicPartition(topic, p.partition()))
                      .filter(tp -> !committed.contains(tp))
                      .forEach(tp -> missing.put(tp, OffsetSpec.earliest())));
      if (missing.isEmpty()) {
        return Map.of();
      }
      Map<TopicPartition, Long> seeded = new TreeMap<>(BY_TOPIC_AND_PARTITION);
      admin
          .listOffsets(missing)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> seeded.put(tp, info.offset()));
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      seeded.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
      try {
        admin.alterConsumerGroupOffsets(groupId, offsets).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof GroupNotEmptyException
            || e.getCause() instanceof UnknownMemberIdException) {
          return Map.of(); // another instance runs: it seeded them when it started
        }
        throw e;
      }
      return seeded;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while setting the first offsets", e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException(
          "cannot set the first offsets of application '" + groupId + "': " + cause, cause);
    }
  }

  /**
   * The one line that stops a running app when {@code failure} is the consumer finding input
   * gone (or without an offset) under reset policy none; empty for any other failure.
   */
  public static Optional<String> unreadable(
      String groupId, Collection<String> inputTopics, Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof OffsetOutOfRangeException oor) {
        Map<TopicPartition, Long> at = new TreeMap<>(BY_TOPIC_AND_PARTITION);
        oor.offsetOutOfRangePartitions().forEach((tp, o) -> at.put(tp, o == null ? -1L : o));
        at.keySet().removeIf(tp -> !inputTopics.contains(tp.topic()));
        if (at.isEmpty()) {
          return Optional.empty();
        }
        var first = at.entrySet().iterator().next();
        return Optional.of(
            "input of application '"
                + groupId
                + "' was deleted while it ran, before it was read: "
                + at.size()
                + " partition(s), e.g. "
                + first.getKey()
                + " was to be read from offset "
                + first.getValue()
                + ", which is no longer kept; raise topics.retention (retention.ms) and restore"
                + " the input, or accept the loss with kafka-streams-application-reset"
                + " --application-id "
                + groupId);
      }
      if (c instanceof NoOffsetForPartitionException none) {
        List<String> parts =
            none.partitions().stream()
                .filter(tp -> inputTopics.contains(tp.topic()))
                .sorted(BY_TOPIC_AND_PARTITION)
                .map(TopicPartition::toString)
                .toList();
        if (parts.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(
            "input partition(s) "
                + parts
                + " of application '"
                + groupId
                + "' have no committed offset (added while it ran?): restart nines, which"
                + " starts them at their first record");
      }
    }
    return Optional.empty();
  }

  /** The group's committed offsets of {@code inputTopics}' partitions. */
  private static Map<TopicPartition, Long> committed(
      Admin admin, String groupId, Collection<String> inputTopics)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, Long> committed = new HashMap<>();
    admin
        .listConsumerGroupOffsets(groupId)
        .partitionsToOffsetAndMetadata()
        .get(30, TimeUnit.SECONDS)
        .forEach(
            (tp, om) -> {
              if (om != null && inputTopics.contains(tp.topic())) {
                committed.put(tp, om.offset());
              }
            });
    return committed;
  }

  private static final Comparator<TopicPartition> BY_TOPIC_AND_PARTITION =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  /**
   * Throws {@link IllegalStateException} with {@link #message} when committed input of the group
   * was deleted. A group that has committed nothing passes: it starts from the earliest record.
   */
  public static void check(Admin admin, String groupId, Collection<String> inputTopics) {
    try {
      Map<TopicPartition, Long> committed = committed(admin, groupId, inputTopics);
      if (committed.isEmpty()) {
        return;
      }
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      committed.keySet().forEach(tp -> specs.put(tp, OffsetSpec.earliest()));
      Map<TopicPartition, Long> logStart = new HashMap<>();
      admin
          .listOffsets(specs)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> logStart.put(tp, info.offset()));
      List<Gap> gaps = gaps(committed, logStart);
      if (!gaps.isEmpty()) {
        throw new IllegalStateException(message(groupId, gaps));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking committed offsets", e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException(
          "cannot check the committed offsets of application '" + groupId + "': " + cause, cause);
    }
  }
}
