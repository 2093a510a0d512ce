package dev.nines.platform;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Refuses to start an app whose committed input was deleted before it was read.
 *
 * <p>Kafka Streams resets an out-of-range offset with {@code auto.offset.reset} and goes on: the
 * deleted records are skipped with one INFO line, and incidents, ledger lines and credits built
 * from them are silently missing. {@code auto.offset.reset=none} does not help, as it also stops
 * a new app that has no offsets yet. So before the app starts, this compares each committed
 * offset of its group with the partition's log start: committed &lt; log start means records
 * were deleted unread. The operator then either restores the data or accepts the loss by
 * resetting the application (both are named in the message).
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
   * Throws {@link IllegalStateException} with {@link #message} when committed input of the group
   * was deleted. A group that has committed nothing passes: it starts from the earliest record.
   */
  public static void check(Admin admin, String groupId, Collection<String> inputTopics) {
    try {
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
