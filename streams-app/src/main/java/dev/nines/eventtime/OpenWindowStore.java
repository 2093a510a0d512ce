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
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The windows {@link ClosingWindows} has not emitted yet, and its stream time: a changelogged
 * RocksDB key-value store with an object cache in front ({@link WriteBackStore}). An open window
 * is decoded once, updated as an object, and encoded once per commit. After a commit the written
 * windows stay in the cache as objects, up to {@link #KEEP_AFTER_COMMIT} of them (beyond that only
 * the windows the commit wrote stay, or none if they alone are more), so that the next record of
 * a window finds it without reading and decoding it again. A window changes only through {@link
 * #add}, one cache lookup.
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

  /** A cached window: aggregate, newest timestamp, and whether it changed since the last commit. */
  private static final class Cached<A> {
    A value;
    long timestamp;
    boolean dirty;
  }

  private final Serde<A> serde;
  // windows changed since the last commit (dirty) and as written at the last commits, as
  // objects: one map, so that adding to a window is one lookup
  private final HashMap<Slot, Cached<A>> cache = new HashMap<>();
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
    return Collections.unmodifiableMap(loadedMarks());
  }

  /** The last watermark of upstream partition {@code upstream}; null if none, or if negative. */
  public Watermark mark(int upstream) {
    return upstream < 0 ? null : loadedMarks().get(upstream);
  }

  public void putMark(Watermark mark) {
    loadedMarks().put(mark.partition(), mark);
    dirtyMarks.put(mark.partition(), mark);
  }

  /** The marks, read from the store at the first use after a start or a dirty close. */
  private TreeMap<Integer, Watermark> loadedMarks() {
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
    return marks;
  }

  /**
   * Adds {@code value} to the open window of {@code key} starting at {@code start} ({@code add}
   * of it and the window's aggregate, or {@code initial} for a new window), and {@code timestamp}
   * to its newest.
   */
  public <V> void add(
      long start,
      String key,
      V value,
      long timestamp,
      BiFunction<? super V, A, A> add,
      Supplier<A> initial) {
    Slot slot = new Slot(start, key);
    Cached<A> c = cache.get(slot);
    if (c == null) {
      c = new Cached<>();
      byte[] stored = inner.get(windowKey(start, key));
      if (stored == null) {
        c.value = initial.get();
        c.timestamp = timestamp;
      } else {
        Open<A> o = decode(stored);
        c.value = o.value();
        c.timestamp = o.timestamp();
      }
      cache.put(slot, c);
    }
    c.value = add.apply(value, c.value);
    c.timestamp = Math.max(timestamp, c.timestamp);
    c.dirty = true;
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
    // a changed window's copy in the cache is newer than the stored one
    for (var it = cache.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().start() <= lastStart) {
        Cached<A> c = e.getValue();
        if (c.dirty) {
          closing.put(
              windowKey(e.getKey().start(), e.getKey().key()), new Open<>(c.value, c.timestamp));
        }
        it.remove();
      }
    }
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

  private byte[] encode(Cached<A> window) {
    byte[] value = serde.serializer().serialize(null, window.value);
    return ByteBuffer.allocate(Long.BYTES + value.length)
        .putLong(window.timestamp)
        .put(value)
        .array();
  }

  // --- the cache: written through at every commit ---

  @Override
  public void flushCache() {
    // in key order, as the changelog was written when the cache was a sorted map
    TreeMap<Bytes, Cached<A>> ordered = new TreeMap<>();
    cache.forEach(
        (slot, c) -> {
          if (c.dirty) {
            ordered.put(windowKey(slot.start(), slot.key()), c);
          }
        });
    for (Map.Entry<Bytes, Cached<A>> e : ordered.entrySet()) {
      inner.put(e.getKey(), encode(e.getValue()));
    }
    if (cache.size() > KEEP_AFTER_COMMIT) {
      if (ordered.size() <= KEEP_AFTER_COMMIT) {
        cache.values().removeIf(c -> !c.dirty);
      } else {
        cache.clear();
      }
    }
    cache.values().forEach(c -> c.dirty = false);
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
    cache.clear();
    streamTimeLoaded = false;
    streamTimeDirty = false;
    marks = null;
    dirtyMarks.clear();
  }
}
