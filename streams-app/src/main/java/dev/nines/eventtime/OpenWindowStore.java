package dev.nines.eventtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The windows {@link ClosingWindows} has not emitted yet, and its stream time: a changelogged
 * RocksDB key-value store with an object cache in front ({@link WriteBackStore}). An open window
 * is decoded once, updated as an object, and encoded once per commit. After a commit the written
 * windows stay in the cache as objects, up to {@link #KEEP_AFTER_COMMIT} of them (beyond that the
 * cache is emptied), so that the next record of a window finds it without reading and decoding
 * it again. The caller must {@link #put} every window it changes, as {@link ClosingWindows} does
 * within one record.
 *
 * <p>Keys sort by (window start, key bytes), the order Kafka Streams' time-ordered window store
 * emits in. The layout, and why a cache of objects: docs/design/event-time.md.
 */
public final class OpenWindowStore<A> extends WriteBackStore {
  private static final byte WINDOW = 1;
  private static final byte MARK = 2;
  private static final Bytes STREAM_TIME_KEY = Bytes.wrap(new byte[] {0});

  /** Stream time before any record: nothing is late, nothing has closed. */
  public static final long NO_TIME = Long.MIN_VALUE;

  /** An open window's aggregate and the newest record timestamp in it. */
  public record Open<A>(A value, long timestamp) {}

  /** A window leaving the store, in emission order. */
  public record Closed<A>(String key, long start, A value, long timestamp) {}

  /**
   * Open windows kept as objects across a commit, per store (a task's): the benchmark's 500
   * carriers keep about 1,000 open windows and buckets per task; at 50,000 carrier paths the
   * cache is emptied at each commit instead, which bounds the heap.
   */
  static final int KEEP_AFTER_COMMIT = 4096;

  /** A window's place in the cache: cheaper to hash than its stored key is to compare. */
  private record Slot(long start, String key) {
    // written out: a record's generated hashCode and equals go through a method handle chain,
    // and these run several times per receipt
    @Override
    public int hashCode() {
      return 31 * Long.hashCode(start) + key.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Slot s && s.start == start && s.key.equals(key);
    }
  }

  private final Serde<A> serde;
  // windows changed since the last commit, as objects
  private final HashMap<Slot, Open<A>> dirty = new HashMap<>();
  // windows as written at the last commits (not changed since), as objects
  private final HashMap<Slot, Open<A>> clean = new HashMap<>();
  private long streamTime = NO_TIME;
  private boolean streamTimeLoaded;
  private boolean streamTimeDirty;
  // the watermarks by upstream partition; null until read from the store
  private TreeMap<Integer, Watermark> marks;
  private final TreeMap<Integer, Watermark> dirtyMarks = new TreeMap<>();

  private OpenWindowStore(KeyValueStore<Bytes, byte[]> inner, Serde<A> serde) {
    super(inner);
    this.serde = serde;
  }

  /** A builder for a store named {@code name}, changelogged, with aggregates in {@code serde}. */
  public static <A> StoreBuilder<OpenWindowStore<A>> builder(String name, Serde<A> serde) {
    return WriteBackStore.builder(name, inner -> new OpenWindowStore<>(inner, serde));
  }

  /** The highest record timestamp seen, or {@link #NO_TIME}; survives restarts. */
  public long streamTime() {
    if (!streamTimeLoaded) {
      byte[] b = inner.get(STREAM_TIME_KEY);
      streamTime = b == null ? NO_TIME : ByteBuffer.wrap(b).getLong();
      streamTimeLoaded = true;
    }
    return streamTime;
  }

  public void advanceStreamTime(long time) {
    if (time > streamTime()) {
      streamTime = time;
      streamTimeDirty = true;
    }
  }

  /** The last watermark of each upstream partition, by partition; survives restarts. */
  public Map<Integer, Watermark> marks() {
    if (marks == null) {
      marks = new TreeMap<>();
      try (var it = inner.range(Bytes.wrap(new byte[] {MARK}), Bytes.wrap(new byte[] {MARK + 1}))) {
        while (it.hasNext()) {
          var kv = it.next();
          ByteBuffer k = ByteBuffer.wrap(kv.key.get());
          if (k.remaining() != 5 || k.get() != MARK) {
            continue; // the range's upper bound is inclusive
          }
          int partition = k.getInt();
          marks.put(partition, Watermark.fromStoreBytes(partition, kv.value));
        }
      }
    }
    return Collections.unmodifiableMap(marks);
  }

  public void putMark(Watermark mark) {
    marks();
    marks.put(mark.partition(), mark);
    dirtyMarks.put(mark.partition(), mark);
  }

  /** The open window of {@code key} starting at {@code start}, or null. */
  public Open<A> get(long start, String key) {
    Slot slot = new Slot(start, key);
    Open<A> open = dirty.get(slot);
    if (open == null) {
      open = clean.get(slot);
    }
    if (open != null) {
      return open;
    }
    byte[] stored = inner.get(windowKey(start, key));
    return stored == null ? null : decode(stored);
  }

  public void put(long start, String key, A value, long timestamp) {
    dirty.put(new Slot(start, key), new Open<>(value, timestamp));
  }

  /**
   * Removes and returns every window starting at or before {@code lastStart}, ordered by start,
   * then key bytes.
   */
  public List<Closed<A>> close(long lastStart) {
    if (lastStart < 0) {
      return List.of();
    }
    Bytes from = Bytes.wrap(new byte[] {WINDOW});
    Bytes to = windowKey(lastStart + 1, "");
    TreeMap<Bytes, Open<A>> closing = new TreeMap<>();
    List<Bytes> stored = new ArrayList<>();
    try (var it = inner.range(from, to)) {
      while (it.hasNext()) {
        var kv = it.next();
        if (kv.key.compareTo(to) < 0) {
          stored.add(kv.key);
          closing.put(kv.key, decode(kv.value));
        }
      }
    }
    // the cache's copy is newer than the stored one
    for (var it = dirty.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().start() <= lastStart) {
        closing.put(windowKey(e.getKey().start(), e.getKey().key()), e.getValue());
        it.remove();
      }
    }
    clean.keySet().removeIf(slot -> slot.start() <= lastStart);
    stored.forEach(inner::delete);
    List<Closed<A>> out = new ArrayList<>(closing.size());
    closing.forEach(
        (k, open) -> {
          ByteBuffer b = ByteBuffer.wrap(k.get());
          b.get();
          long start = b.getLong();
          String key = new String(k.get(), 9, k.get().length - 9, StandardCharsets.UTF_8);
          out.add(new Closed<>(key, start, open.value(), open.timestamp()));
        });
    return out;
  }

  private static Bytes windowKey(long start, String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(9 + k.length).put(WINDOW).putLong(start).put(k).array());
  }

  private Open<A> decode(byte[] stored) {
    long timestamp = ByteBuffer.wrap(stored).getLong();
    return new Open<>(
        serde
            .deserializer()
            .deserialize(null, Arrays.copyOfRange(stored, Long.BYTES, stored.length)),
        timestamp);
  }

  private byte[] encode(Open<A> open) {
    byte[] value = serde.serializer().serialize(null, open.value());
    return ByteBuffer.allocate(Long.BYTES + value.length)
        .putLong(open.timestamp())
        .put(value)
        .array();
  }

  // --- the cache: written through at every commit ---

  @Override
  public void flushCache() {
    // in key order, as the changelog was written when the cache was a sorted map
    TreeMap<Bytes, Open<A>> ordered = new TreeMap<>();
    dirty.forEach((slot, open) -> ordered.put(windowKey(slot.start(), slot.key()), open));
    for (Map.Entry<Bytes, Open<A>> e : ordered.entrySet()) {
      inner.put(e.getKey(), encode(e.getValue()));
    }
    if (clean.size() + dirty.size() > KEEP_AFTER_COMMIT) {
      clean.clear();
    }
    if (dirty.size() <= KEEP_AFTER_COMMIT) {
      clean.putAll(dirty);
    }
    dirty.clear();
    if (streamTimeDirty) {
      inner.put(STREAM_TIME_KEY, ByteBuffer.allocate(Long.BYTES).putLong(streamTime).array());
      streamTimeDirty = false;
    }
    for (Watermark m : dirtyMarks.values()) {
      inner.put(
          Bytes.wrap(ByteBuffer.allocate(5).put(MARK).putInt(m.partition()).array()),
          m.toStoreBytes());
    }
    dirtyMarks.clear();
  }

  @Override
  public void clearCache() {
    // a dirty close: the store is restored from the changelog, the uncommitted work is redone
    dirty.clear();
    clean.clear();
    streamTimeLoaded = false;
    streamTimeDirty = false;
    marks = null;
    dirtyMarks.clear();
  }
}
