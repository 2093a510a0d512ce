package dev.nines.eventtime;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KeyValueMapper;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Upstream half of the watermarks: in the task of input partition {@code u} of {@code n}, passes
 * every record on (as an item, with {@code u} in the header {@link Marked#UPSTREAM_HEADER}) and
 * tracks the partition's stream time {@code S_u} = the largest event time passed so far. Whenever
 * {@code S_u} crosses a boundary of {@code interval}, it sends {@code Watermark(u, n, S_u)},
 * after the record that moved it, to every partition of the repartition topic (with {@link
 * MulticastPartitioner}).
 *
 * <p>Idleness: a wall-clock punctuator sends a mark with {@code idle = true} when the task has
 * passed no record for {@code idleAfter}, so that an input partition without data does not stop
 * the gate; the next record sends a mark with {@code idle = false}, and so does the first record
 * after the task (re)starts, since the gate may still hold an idle mark from before. Both repeat
 * the last boundary value as {@code streamTime}, not {@code S_u}: where in the partition's
 * sequence they fall depends on the wall clock, and the value the gate judges lateness by must
 * not (see {@link OrderGate}). Every mark also carries {@code S_u} as {@code latest}, which the
 * gate uses only once every partition is idle, to release the tail of a finite input. This is
 * the only use of the wall clock, and it affects only when the gate releases, not what.
 *
 * <p>{@code S_u} and the last boundary value are kept in a changelogged store, so a restarted or
 * moved task goes on with the same boundaries (under exactly-once, consistent with what it sent).
 *
 * <p>Made with {@link #batching}, it also re-keys each record on its way in and batches the
 * items with a {@link Batcher}'s buffers, sending them before every mark: what a re-keying
 * processor, this one and a batching one did in a row, in one processor (Kafka Streams' forward
 * between processors is per-record work, paid for every receipt).
 *
 * @param <I> the records coming in
 * @param <V> the items going out
 */
public final class WatermarkEmitter<I, V>
    implements ProcessorSupplier<String, I, String, Marked<V>> {
  private final String storeName;
  private final int partitions;
  private final long intervalMs;
  private final Duration idleAfter;
  private final ToLongFunction<V> eventTime;
  private final int first;
  private final int total;
  // null: each record passes as it is
  private final KeyValueMapper<String, I, KeyValue<String, V>> rekey;
  // null: items are forwarded one by one
  private final Batcher<V> batcher;

  /** Upstream partitions numbered 0..partitions-1, all of them one input. */
  public static <V> WatermarkEmitter<V, V> of(
      String storeName,
      int partitions,
      Duration interval,
      Duration idleAfter,
      ToLongFunction<V> eventTime) {
    return of(storeName, partitions, interval, idleAfter, eventTime, 0, partitions);
  }

  /**
   * Each record passed on as it is.
   *
   * @param partitions the number of input partitions (config; checked against the topic at
   *     start-up)
   * @param interval a watermark is sent whenever the stream time crosses a multiple of this
   * @param idleAfter wall-clock time without a record after which the partition is idle
   * @param first the upstream number of input partition 0: when several inputs meet behind
   *     repartitions (receipts and probes), each numbers its partitions from its own offset
   * @param total how many upstream partitions the downstream waits for, over all inputs
   */
  public static <V> WatermarkEmitter<V, V> of(
      String storeName,
      int partitions,
      Duration interval,
      Duration idleAfter,
      ToLongFunction<V> eventTime,
      int first,
      int total) {
    return new WatermarkEmitter<>(
        storeName, partitions, interval, idleAfter, eventTime, first, total, null, null);
  }

  /**
   * As {@link #of(String, int, Duration, Duration, ToLongFunction, int, int)}, each record
   * first re-keyed with {@code rekey}, and the items sent in {@code batcher}'s batches (one by one
   * if it sends items alone).
   */
  public static <I, V> WatermarkEmitter<I, V> batching(
      String storeName,
      int partitions,
      Duration interval,
      Duration idleAfter,
      KeyValueMapper<String, I, KeyValue<String, V>> rekey,
      ToLongFunction<V> eventTime,
      int first,
      int total,
      Batcher<V> batcher) {
    return new WatermarkEmitter<>(
        storeName,
        partitions,
        interval,
        idleAfter,
        eventTime,
        first,
        total,
        Objects.requireNonNull(rekey, "rekey"),
        Objects.requireNonNull(batcher, "batcher"));
  }

  private WatermarkEmitter(
      String storeName,
      int partitions,
      Duration interval,
      Duration idleAfter,
      ToLongFunction<V> eventTime,
      int first,
      int total,
      KeyValueMapper<String, I, KeyValue<String, V>> rekey,
      Batcher<V> batcher) {
    if (first < 0 || first + partitions > total) {
      throw new IllegalArgumentException(
          "upstream partitions "
              + first
              + ".."
              + (first + partitions - 1)
              + " of "
              + total
              + ": expected within 0.."
              + (total - 1));
    }
    this.first = first;
    this.total = total;
    if (interval.isNegative()
        || interval.isZero()
        || idleAfter.isNegative()
        || idleAfter.isZero()) {
      throw new IllegalArgumentException(
          "watermark interval "
              + interval
              + " and idle time "
              + idleAfter
              + ": expected both positive");
    }
    this.storeName = storeName;
    this.partitions = partitions;
    this.intervalMs = interval.toMillis();
    this.idleAfter = idleAfter;
    this.eventTime = eventTime;
    this.rekey = rekey;
    this.batcher = batcher;
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    // per input partition: S_u and the last boundary value; held by the processor and written
    // once per commit through the hook (the same bytes as when the store was cached)
    // in this order, so that the topology's description is always the same
    Set<StoreBuilder<?>> stores =
        new LinkedHashSet<>(
            List.of(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(storeName),
                        Serdes.Integer(),
                        Serdes.ByteArray())
                    .withCachingDisabled(),
                CommitHook.builder(hookName())));
    if (batcher != null) {
      stores.addAll(batcher.stores());
    }
    return stores;
  }

  private String hookName() {
    return CommitHook.nameFor(storeName);
  }

  @Override
  public Processor<String, I, String, Marked<V>> get() {
    return new Processor<>() {
      private ProcessorContext<String, Marked<V>> context;
      private KeyValueStore<Integer, byte[]> store;
      private int partition;
      private long streamTime;
      private long marked;
      private long lastRecordWallMs;
      private boolean idle;
      private boolean announced;
      private boolean changed;
      private byte[] upstream;
      private CommitHook.Binding hook;
      private Header upstreamHeader;
      // null: items forwarded one by one
      private Batcher<V>.Buffers buffers;

      @Override
      public void init(ProcessorContext<String, Marked<V>> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.partition = context.taskId().partition();
        if (partition >= partitions) {
          throw new IllegalStateException(
              "task of input partition "
                  + partition
                  + ", but "
                  + "topics.partitions = "
                  + partitions
                  + ": the input topic has more partitions");
        }
        byte[] b = store.get(partition);
        ByteBuffer s = b == null ? null : ByteBuffer.wrap(b);
        streamTime = s == null ? Long.MIN_VALUE : s.getLong();
        marked = s == null ? Long.MIN_VALUE : s.getLong();
        lastRecordWallMs = context.currentSystemTimeMs();
        idle = false;
        announced = false;
        changed = false;
        upstream = ByteBuffer.allocate(4).putInt(first + partition).array();
        upstreamHeader = new RecordHeader(Marked.UPSTREAM_HEADER, upstream);
        buffers = batcher == null || batcher.single() ? null : batcher.buffers(context);
        hook = CommitHook.bind(context, hookName(), this::writeBack, () -> changed = false);
        long every = Math.max(100, Math.min(1_000, idleAfter.toMillis() / 2));
        context.schedule(
            Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, this::checkIdle);
      }

      @Override
      @SuppressWarnings("unchecked")
      public void process(Record<String, I> record) {
        String key;
        V value;
        if (rekey == null) {
          key = record.key();
          value = (V) record.value(); // I is V: made by of()
        } else {
          KeyValue<String, V> kv = rekey.apply(record.key(), record.value());
          key = kv.key;
          value = kv.value;
        }
        long t = eventTime.applyAsLong(value);
        if (buffers != null) {
          buffers.add(key, record.timestamp(), value, upstreamHeader);
        } else {
          RecordHeaders headers = new RecordHeaders(record.headers().toArray());
          headers.remove(Marked.UPSTREAM_HEADER);
          headers.add(upstreamHeader);
          context.forward(new Record<>(key, Marked.item(value), record.timestamp(), headers));
        }
        lastRecordWallMs = context.currentSystemTimeMs();
        long before = streamTime;
        streamTime = Math.max(streamTime, t);
        boolean crossed =
            streamTime != before
                && (before == Long.MIN_VALUE
                    || Math.floorDiv(streamTime, intervalMs) > Math.floorDiv(before, intervalMs));
        if (crossed) {
          marked = streamTime;
        }
        if (crossed || idle || !announced) {
          idle = false;
          announced = true;
          send(false, record.timestamp());
        }
        if (streamTime != before) {
          changed = true;
          hook.seen();
        }
      }

      private void writeBack() {
        if (changed) {
          store.put(partition, ByteBuffer.allocate(16).putLong(streamTime).putLong(marked).array());
          changed = false;
        }
      }

      private void checkIdle(long nowMs) {
        if (!idle && nowMs - lastRecordWallMs >= idleAfter.toMillis()) {
          idle = true;
          send(true, Math.max(0, marked));
        }
      }

      private void send(boolean idleMark, long timestamp) {
        if (buffers != null) {
          buffers.sendAll(); // no batch spans a mark
        }
        context.forward(
            new Record<>(
                Marked.MARK_KEY,
                Marked.mark(new Watermark(first + partition, total, marked, idleMark, streamTime)),
                Math.max(0, timestamp)));
      }
    };
  }
}
