package dev.nines.eventtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OrderGate} in a Kafka Streams task, after a watermarked repartition topic: items are
 * held in a persistent, changelogged store (with the watermarks and the released frontier, so a
 * restarted or moved task goes on exactly where it was) and forwarded in order, with their event
 * time as timestamp; watermarks go no further. Late items are dropped with a WARN and counted
 * ({@value #METRIC_GROUP}/{@value #LATE_METRIC}, per task and reason).
 *
 * <p>Store keys: {@code 'M' int partition} a watermark (value: long streamTime, byte idle, int
 * partitions, long latest), {@code 'R'} the released frontier, {@code 'B' long time (sign-flipped, big-endian) id (UTF-8) 0x00 int partition} a held item
 * (so the store's byte order is the release order). A held value keeps the record's key and the
 * value as the inner serde writes it for the repartition topic (no new schema subject).
 */
public final class OrderGateProcessor<V>
    implements ProcessorSupplier<String, Marked<V>, String, V> {
  private static final Logger log = LoggerFactory.getLogger(OrderGateProcessor.class);

  public static final String LATE_METRIC = "late-records-total";
  public static final String METRIC_GROUP = "nines-watermark";

  private final String storeName;
  private final Serde<V> inner;
  private final ToLongFunction<V> eventTime;
  private final Function<V, String> id;
  private final long graceMs;

  /**
   * @param id the tie-breaker after event time (e.g. the probe id)
   * @param grace how far behind its partition's watermark an item may be
   */
  public OrderGateProcessor(
      String storeName,
      Serde<V> inner,
      ToLongFunction<V> eventTime,
      Function<V, String> id,
      Duration grace) {
    this.storeName = storeName;
    this.inner = inner;
    this.eventTime = eventTime;
    this.id = id;
    this.graceMs = grace.toMillis();
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    // cached: an item held and released within one commit never reaches RocksDB or the changelog
    return Set.of(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(storeName), Serdes.Bytes(), Serdes.ByteArray())
            .withCachingEnabled());
  }

  @Override
  public Processor<String, Marked<V>, String, V> get() {
    return new Processor<>() {
      private ProcessorContext<String, V> context;
      private KvStore store;
      private OrderGate<KeyValue<String, V>> gate;
      private final Map<OrderGate.Late, Sensor> late = new EnumMap<>(OrderGate.Late.class);

      @Override
      public void init(ProcessorContext<String, V> context) {
        this.context = context;
        this.store = new KvStore(context.getStateStore(storeName), context);
        this.gate = new OrderGate<>(store, graceMs);
        for (OrderGate.Late reason : OrderGate.Late.values()) {
          String r = reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
          Sensor s =
              context
                  .metrics()
                  .addSensor(
                      "nines-watermark-late-" + storeName + "-" + r + "-" + context.taskId(),
                      Sensor.RecordingLevel.INFO);
          s.add(
              new MetricName(
                  LATE_METRIC,
                  METRIC_GROUP,
                  "Records dropped by the order gate " + "as late",
                  Map.of("task-id", context.taskId().toString(), "gate", storeName, "reason", r)),
              new CumulativeCount());
          late.put(reason, s);
        }
      }

      @Override
      public void close() {
        late.values().forEach(s -> context.metrics().removeSensor(s));
        late.clear();
      }

      @Override
      public void process(Record<String, Marked<V>> record) {
        if (record.value() instanceof Marked.Mark<V> m) {
          emit(gate.onMark(m.watermark()));
          return;
        }
        V v = ((Marked.Item<V>) record.value()).value();
        int upstream = Marked.upstream(record.headers());
        long t = eventTime.applyAsLong(v);
        Optional<OrderGate.Late> verdict =
            gate.offer(upstream, t, id.apply(v), KeyValue.pair(record.key(), v));
        verdict.ifPresent(
            reason -> {
              late.get(reason).record();
              if (reason == OrderGate.Late.BEHIND_OWN_PARTITION) {
                log.warn(
                    "{}: record '{}' at {} from upstream partition {} is more than {} ms behind "
                        + "that partition's watermark {}; dropped",
                    storeName,
                    id.apply(v),
                    Instant.ofEpochMilli(t),
                    upstream,
                    graceMs,
                    Instant.ofEpochMilli(store.marks().get(upstream).streamTime()));
              } else {
                log.warn(
                    "{}: record '{}' at {} from upstream partition {} is at or below the "
                        + "released frontier {} (its partition was idle, or it has none); dropped",
                    storeName,
                    id.apply(v),
                    Instant.ofEpochMilli(t),
                    upstream,
                    Instant.ofEpochMilli(store.released()));
              }
            });
      }

      private void emit(List<OrderGate.Released<KeyValue<String, V>>> released) {
        for (OrderGate.Released<KeyValue<String, V>> r : released) {
          context.forward(new Record<>(r.value().key, r.value().value, r.slot().time()));
        }
      }
    };
  }

  /** The gate's state in the task's store; marks and frontier also kept decoded in memory. */
  private final class KvStore implements OrderGate.Store<KeyValue<String, V>> {
    private static final Bytes RELEASED = Bytes.wrap(new byte[] {'R'});
    private final KeyValueStore<Bytes, byte[]> kv;
    private final ProcessorContext<String, V> context;
    private final Map<Integer, Watermark> marks = new HashMap<>();
    private long released;

    KvStore(KeyValueStore<Bytes, byte[]> kv, ProcessorContext<String, V> context) {
      this.kv = kv;
      this.context = context;
      try (KeyValueIterator<Bytes, byte[]> it =
          kv.range(
              Bytes.wrap(new byte[] {'M'}),
              Bytes.wrap(new byte[] {'M', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}))) {
        it.forEachRemaining(
            e -> {
              ByteBuffer b = ByteBuffer.wrap(e.value);
              int p = ByteBuffer.wrap(e.key.get(), 1, 4).getInt();
              long w = b.getLong();
              boolean idle = b.get() == 1;
              int partitions = b.getInt();
              // 13 bytes: written before marks carried 'latest'
              marks.put(
                  p, new Watermark(p, partitions, w, idle, b.hasRemaining() ? b.getLong() : w));
            });
      }
      byte[] r = kv.get(RELEASED);
      released = r == null ? Long.MIN_VALUE : ByteBuffer.wrap(r).getLong();
    }

    @Override
    public Map<Integer, Watermark> marks() {
      return Collections.unmodifiableMap(marks);
    }

    @Override
    public void putMark(Watermark m) {
      kv.put(
          markKey(m.partition()),
          ByteBuffer.allocate(21)
              .putLong(m.streamTime())
              .put((byte) (m.idle() ? 1 : 0))
              .putInt(m.partitions())
              .putLong(m.latest())
              .array());
      marks.put(m.partition(), m);
    }

    @Override
    public void removeMark(int partition) {
      kv.delete(markKey(partition));
      marks.remove(partition);
    }

    @Override
    public long released() {
      return released;
    }

    @Override
    public void setReleased(long frontier) {
      kv.put(RELEASED, ByteBuffer.allocate(8).putLong(frontier).array());
      released = frontier;
    }

    @Override
    public void hold(OrderGate.Slot slot, KeyValue<String, V> value) {
      String topic = context.recordMetadata().map(m -> m.topic()).orElse(storeName);
      byte[] k = value.key == null ? new byte[0] : value.key.getBytes(StandardCharsets.UTF_8);
      byte[] v = inner.serializer().serialize(topic, value.value);
      kv.put(
          heldKey(slot),
          ByteBuffer.allocate(4 + k.length + v.length).putInt(k.length).put(k).put(v).array());
    }

    @Override
    public List<OrderGate.Released<KeyValue<String, V>>> take(long after, long upTo) {
      List<KeyValue<Bytes, byte[]>> found = new ArrayList<>();
      // every key of a time in (after, upTo] is in ['B' + (after + 1), 'B' + (upTo + 1)): held
      // keys are longer than 9 bytes. Starting at 'B' instead would make RocksDB step over the
      // tombstone of every item released so far, on every release.
      Bytes from = after == Long.MIN_VALUE ? Bytes.wrap(new byte[] {'B'}) : timeKey(after + 1);
      Bytes to = upTo == Long.MAX_VALUE ? Bytes.wrap(new byte[] {'C'}) : timeKey(upTo + 1);
      try (KeyValueIterator<Bytes, byte[]> it = kv.range(from, to)) {
        it.forEachRemaining(found::add);
      }
      List<OrderGate.Released<KeyValue<String, V>>> out = new ArrayList<>(found.size());
      for (KeyValue<Bytes, byte[]> e : found) {
        kv.delete(e.key);
        ByteBuffer b = ByteBuffer.wrap(e.value);
        byte[] k = new byte[b.getInt()];
        b.get(k);
        byte[] v = new byte[b.remaining()];
        b.get(v);
        V value = inner.deserializer().deserialize(storeName, v);
        out.add(
            new OrderGate.Released<>(
                slotOf(e.key.get()), KeyValue.pair(new String(k, StandardCharsets.UTF_8), value)));
      }
      return out;
    }
  }

  static Bytes timeKey(long time) {
    return Bytes.wrap(
        ByteBuffer.allocate(9).put((byte) 'B').putLong(time ^ Long.MIN_VALUE).array());
  }

  static Bytes markKey(int partition) {
    return Bytes.wrap(ByteBuffer.allocate(5).put((byte) 'M').putInt(partition).array());
  }

  static Bytes heldKey(OrderGate.Slot s) {
    byte[] id = s.id().getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(
        ByteBuffer.allocate(1 + 8 + id.length + 1 + 4)
            .put((byte) 'B')
            .putLong(s.time() ^ Long.MIN_VALUE)
            .put(id)
            .put((byte) 0)
            .putInt(s.upstream() ^ Integer.MIN_VALUE)
            .array());
  }

  static OrderGate.Slot slotOf(byte[] key) {
    ByteBuffer b = ByteBuffer.wrap(key);
    b.get();
    long time = b.getLong() ^ Long.MIN_VALUE;
    int idLength = key.length - 1 - 8 - 1 - 4;
    String id = new String(key, 9, idLength, StandardCharsets.UTF_8);
    int upstream = ByteBuffer.wrap(key, key.length - 4, 4).getInt() ^ Integer.MIN_VALUE;
    return new OrderGate.Slot(time, id, upstream);
  }
}
