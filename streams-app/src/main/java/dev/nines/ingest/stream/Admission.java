package dev.nines.ingest.stream;

import dev.nines.eventtime.CommitHook;
import dev.nines.ingest.InputBounds;
import dev.nines.ingest.InvalidInputException;
import dev.nines.ingest.Problem;
import dev.nines.ingest.TextLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The gate right after an input source: a record passes with its event time as its timestamp, or
 * is thrown out as {@link InvalidInputException} (to dead-letters, with its original bytes).
 *
 * <pre>
 * SELECT value, eventTime(value) AS timestamp FROM source
 * WHERE problems(value) IS EMPTY
 *   AND recordTimestamp - eventTime &lt;= maxRecordSkew AND eventTime - recordTimestamp &lt;= maxAhead
 *   AND partitionEventTime - eventTime &lt;= maxBehind
 *   AND reference(value) IS NULL      -- receipts: route and carrier in the plans (PlanCheck)
 * </pre>
 *
 * <p>The source reads the record's own timestamp (producer or broker time), not the event time:
 * a receipt dated 2099 must not move stream time before this gate has looked at it, or every
 * window after it would close at once. "Stream time" here is the largest event time admitted
 * so far on the record's input partition; rejected records never move it. It is kept in a
 * changelogged store, so a restarted or replayed app makes the same decisions. All bounds are
 * relative to data, never to the wall clock: last year's history is judged like today's.
 *
 * <p>Why no bound on how far ahead of the partition's stream time a record may be: a jump
 * forward is what a quiet partition, or live traffic after a replayed prelude, looks like, and
 * a rule that rejects it would reject every record after it too. The future is bounded instead
 * by the record's own timestamp ({@code maxAhead}), which the broker itself keeps within
 * {@code message.timestamp.after.max.ms} (1 h by default in Kafka 4) of its clock when the
 * record is written.
 */
public final class Admission<V> implements FixedKeyProcessorSupplier<String, V, V> {

  private final String topic;
  private final String storeName;
  private final Function<V, List<Problem>> check;
  private final Function<V, String> describe;
  private final ToLongFunction<V> eventTime;
  private final InputBounds bounds;
  private final long maxSkewMs;
  private final long maxAheadMs;
  private final long maxBehindMs;
  private final Function<Map<String, Object>, Function<V, Problem>> reference;

  /**
   * @param topic contract name of the source topic, for messages
   * @param describe names the record in messages, e.g. "receipt 'm-1'"
   * @param eventTime the record's event time; called only when {@code check} found nothing
   */
  public Admission(
      String topic,
      String storeName,
      Function<V, List<Problem>> check,
      Function<V, String> describe,
      ToLongFunction<V> eventTime,
      InputBounds bounds) {
    this(topic, storeName, check, describe, eventTime, bounds, null);
  }

  /**
   * As above, with a check against reference data, built at start from the app's Streams
   * configs (where the app put its route plans) and run last, on records that passed the rest:
   * it may wait for the plans (see {@link PlanReader}), the rest never does.
   *
   * @param reference null: none
   */
  public Admission(
      String topic,
      String storeName,
      Function<V, List<Problem>> check,
      Function<V, String> describe,
      ToLongFunction<V> eventTime,
      InputBounds bounds,
      Function<Map<String, Object>, Function<V, Problem>> reference) {
    this.reference = reference;
    this.topic = topic;
    this.storeName = storeName;
    this.check = check;
    this.describe = describe;
    this.eventTime = eventTime;
    this.bounds = bounds;
    // once, not per record
    this.maxSkewMs = bounds.maxRecordSkew().toMillis();
    this.maxAheadMs = bounds.maxAhead().toMillis();
    this.maxBehindMs = bounds.maxBehind().toMillis();
  }

  /**
   * Per input partition: the largest event time admitted. Held by the processor and written
   * once per commit (through {@link #hookName}), not per record: the same bytes as when it was
   * a cached store.
   */
  public StoreBuilder<KeyValueStore<Integer, Long>> storeBuilder() {
    return Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(storeName), Serdes.Integer(), Serdes.Long())
        .withCachingDisabled();
  }

  /** The {@link CommitHook} the stream time is written back through. */
  String hookName() {
    return CommitHook.nameFor(storeName);
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    // in this order, so that the topology's description is always the same
    return new LinkedHashSet<>(List.of(storeBuilder(), CommitHook.builder(hookName())));
  }

  /** No event time admitted yet. */
  private static final long NONE = Long.MIN_VALUE;

  @Override
  public FixedKeyProcessor<String, V, V> get() {
    return new FixedKeyProcessor<>() {
      private FixedKeyProcessorContext<String, V> context;
      private KeyValueStore<Integer, Long> admitted;
      private Function<V, Problem> against;
      private CommitHook.Binding hook;
      // the task's partition and its largest admitted event time, as read from the store or
      // since changed (a task reads partition p of each of its topics); written at commit
      private int partition;
      private long highest = NONE;
      private boolean highRead;
      private boolean changed;

      @Override
      public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
        this.admitted = context.getStateStore(storeName);
        this.against = reference == null ? null : reference.apply(context.appConfigs());
        partition = context.taskId().partition();
        drop();
        hook = CommitHook.bind(context, hookName(), this::writeBack, this::drop);
      }

      private void writeBack() {
        if (changed) {
          admitted.put(partition, highest);
          changed = false;
        }
      }

      private void drop() {
        highRead = false; // read again from the store, which holds what was committed
        highest = NONE;
        changed = false;
      }

      /** The largest event time admitted, or {@link #NONE}. */
      private long high() {
        if (!highRead) {
          Long stored = admitted.get(partition);
          highest = stored == null ? NONE : stored;
          highRead = true;
        }
        return highest;
      }

      @Override
      public void process(FixedKeyRecord<String, V> record) {
        V v = record.value();
        if (v == null) {
          throw new InvalidInputException(
              Problem.TOMBSTONE, topic + ": tombstone; expected a record");
        }
        checkFields(v);
        long event = eventTime.applyAsLong(v);
        long own = record.timestamp();
        if (own - event > maxSkewMs) {
          throw new InvalidInputException(
              Problem.RECORD_SKEW,
              topic
                  + ": "
                  + describe.apply(v)
                  + " rejected: event time "
                  + Instant.ofEpochMilli(event)
                  + " is "
                  + Duration.ofMillis(own - event)
                  + " before the record's own timestamp "
                  + Instant.ofEpochMilli(own)
                  + ": expected at most ingest.max.record.skew = "
                  + bounds.maxRecordSkew());
        }
        if (event - own > maxAheadMs) {
          throw new InvalidInputException(
              Problem.AHEAD,
              topic
                  + ": "
                  + describe.apply(v)
                  + " rejected: event time "
                  + Instant.ofEpochMilli(event)
                  + " is "
                  + Duration.ofMillis(event - own)
                  + " after the record's own timestamp "
                  + Instant.ofEpochMilli(own)
                  + ": expected at most ingest.max.ahead = "
                  + bounds.maxAhead());
        }
        long high = high();
        if (high != NONE && high - event > maxBehindMs) {
          throw new InvalidInputException(
              Problem.BEHIND,
              topic
                  + ": "
                  + describe.apply(v)
                  + " rejected: event time "
                  + Instant.ofEpochMilli(event)
                  + " is "
                  + Duration.ofMillis(high - event)
                  + " behind this partition's stream time "
                  + Instant.ofEpochMilli(high)
                  + ": expected at most ingest.max.behind = "
                  + bounds.maxBehind());
        }
        if (against != null) {
          Problem p = against.apply(v);
          if (p != null) {
            throw rejected(topic + ": " + describe.apply(v), List.of(p));
          }
        }
        if (high == NONE || event > high) {
          highest = event;
          changed = true;
          hook.seen();
        }
        context.forward(record.withTimestamp(event));
      }
    };
  }

  /** Throws, naming every problem, if {@code v}'s fields break the contract or a text bound. */
  private void checkFields(V v) {
    List<Problem> problems = check.apply(v);
    var tooLong =
        v instanceof IndexedRecord r
            ? TextLimit.check(r, bounds.maxTextLength())
            : Optional.<Problem>empty();
    if (!problems.isEmpty() || tooLong.isPresent()) {
      // a list of its own: the check's may be immutable
      List<Problem> all = new ArrayList<>(problems);
      tooLong.ifPresent(all::add);
      throw rejected(topic + ": " + describe.apply(v), all);
    }
  }

  /** One exception naming every problem, tagged with the first one's reason. */
  static InvalidInputException rejected(String what, List<Problem> problems) {
    return new InvalidInputException(
        problems.get(0).reason(),
        what + " rejected: " + String.join("; ", problems.stream().map(Problem::text).toList()));
  }

  /** The record's own timestamp (producer or broker time); partition time if it has none. */
  public static final class RecordTime implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
      return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
    }
  }
}
