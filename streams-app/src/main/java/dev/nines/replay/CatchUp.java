package dev.nines.replay;

import dev.nines.platform.ReadCommitted;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a Streams app has processed its input: its committed offsets against the end offsets
 * of its source topics and of its own repartition topics.
 *
 * <p>"Done" means every record of every source topic, and every record the app itself wrote
 * into its repartition topics, has been processed and committed. With exactly-once, the outputs
 * those records caused are committed in the same transactions, so nothing more will come out of
 * this input.
 *
 * <p>The committed offsets are read before the end offsets: a transaction that commits between
 * the two reads can only make the ends larger (not done yet), never hide records written into a
 * repartition topic. Where the offsets alone say "not done", a read_committed consumer looks
 * between the committed offsets and the ends ({@link ReadCommitted}): transaction markers of
 * several writers can stand there without any record left to process.
 */
public final class CatchUp {
  private CatchUp() {}

  /**
   * @param processed source records committed
   * @param total source records
   * @param internalLeft records of the app's repartition topics not yet committed (about: each
   *     transaction marker counts one)
   */
  public record Status(long processed, long total, long internalLeft, boolean done) {}

  /**
   * The status of group {@code applicationId} on {@code sources} and on its repartition topics
   * (those not created yet are skipped: nothing has been written into them).
   */
  public static Status status(
      Admin admin,
      Map<String, Object> clientConfig,
      String applicationId,
      Collection<String> sources,
      Collection<String> repartition)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
    Set<String> all = admin.listTopics().names().get();
    List<String> topics = new ArrayList<>(sources);
    repartition.stream().filter(all::contains).forEach(topics::add);
    Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
    admin
        .describeTopics(topics)
        .allTopicNames()
        .get()
        .forEach(
            (name, d) ->
                d.partitions()
                    .forEach(
                        p ->
                            ask.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin
        .listOffsets(ask, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
        .all()
        .get()
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    // A transaction's markers reach its partitions one by one: the group's offsets can be
    // visible while a repartition partition still holds the same transaction's records behind
    // its last stable offset. Those records are then in no end above, yet not processed.
    Map<TopicPartition, OffsetSpec> internal = new HashMap<>();
    ask.keySet().stream()
        .filter(tp -> !sources.contains(tp.topic()))
        .forEach(tp -> internal.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, Long> highWatermarks = new HashMap<>();
    admin
        .listOffsets(internal, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
        .all()
        .get()
        .forEach((tp, info) -> highWatermarks.put(tp, info.offset()));
    Map<TopicPartition, Long> at = new HashMap<>();
    committed.forEach(
        (tp, om) -> {
          if (om != null) {
            at.put(tp, om.offset());
          }
        });
    Status s = evaluate(ends, at, Set.copyOf(sources), highWatermarks);
    // Only the repartition topics' ends are ambiguous (sources are written without
    // transactions), so the consumer is asked only once the sources are done: not on every poll
    // of a long replay.
    if (s.done()
        || s.processed() < s.total()
        || ReadCommitted.anyRecordLeft(clientConfig, at, ends, ReadCommitted.PATIENCE)) {
      return s;
    }
    return new Status(s.total(), s.total(), 0, true);
  }

  /**
   * Pure: source partitions are done when committed = end (they are written without
   * transactions here); repartition partitions, written in transactions, end with a commit
   * marker, so committed = end - 1 is done there.
   */
  static Status evaluate(
      Map<TopicPartition, Long> ends, Map<TopicPartition, Long> committed, Set<String> sources) {
    return evaluate(ends, committed, sources, Map.of());
  }

  /**
   * As above; a repartition partition whose high watermark is above its last stable offset
   * ({@code ends}) holds records of a transaction still open or not yet marked: not done.
   */
  static Status evaluate(
      Map<TopicPartition, Long> ends,
      Map<TopicPartition, Long> committed,
      Set<String> sources,
      Map<TopicPartition, Long> highWatermarks) {
    long processed = 0;
    long total = 0;
    long internalLeft = 0;
    boolean done = true;
    for (var e : ends.entrySet()) {
      long end = e.getValue();
      long at = committed.getOrDefault(e.getKey(), 0L);
      if (sources.contains(e.getKey().topic())) {
        total += end;
        processed += Math.min(at, end);
        done &= at >= end;
      } else {
        long unstable = Math.max(0, highWatermarks.getOrDefault(e.getKey(), end) - end);
        internalLeft += unstable;
        done &= unstable == 0;
        if (end > 0) {
          internalLeft += Math.max(0, end - 1 - at);
          done &= at >= end - 1;
        }
      }
    }
    return new Status(processed, total, internalLeft, done);
  }
}
