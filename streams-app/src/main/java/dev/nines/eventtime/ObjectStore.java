package dev.nines.eventtime;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A key-value store of objects by string key whose values are decoded once, changed in place,
 * and encoded once per commit (see {@link WriteBackStore}).
 *
 * <pre>
 * get(k) = dirty[k] ?: decode(stored[k]);  put(k, v): dirty[k] = v;  commit: stored += encode(dirty)
 * </pre>
 *
 * <p>Keys are stored as UTF-8 and values in {@code serde}, the same bytes as a {@code
 * Stores.keyValueStoreBuilder(persistentKeyValueStore(name), Serdes.String(), serde)}: such a
 * store's changelog is read by this one unchanged. After a commit the values it wrote stay in the
 * cache as objects while their encodings add up to at most {@link #KEEP_AFTER_COMMIT_BYTES}
 * (beyond that the kept ones are dropped), so that the next record of a key does not decode it
 * again. A dirty close empties the cache.
 *
 * <p>The object {@link #get} returns is the cached one: a caller that changes it must {@link #put}
 * it before the commit, as the processors here do within one record.
 */
public final class ObjectStore<V> extends WriteBackStore {
  /**
   * Encoded bytes of the values kept as objects across a commit, per store (a task's): the
   * benchmark's routes (100 of 5 carriers, two minutes of buckets each) take about half of it; a
   * value decoded takes a few times its encoding on the heap.
   */
  static final int KEEP_AFTER_COMMIT_BYTES = 1 << 20;

  private final Serde<V> serde;
  private final int keepBytes;
  // insertion order: a commit writes the changelog in the order the keys were first changed
  private final Map<String, V> dirty = new LinkedHashMap<>();
  // values as written at the last commits (not changed since), as objects, with their sizes
  private final Map<String, Kept<V>> clean = new HashMap<>();
  private long cleanBytes;

  private record Kept<V>(V value, int bytes) {}

  private ObjectStore(KeyValueStore<Bytes, byte[]> inner, Serde<V> serde, int keepBytes) {
    super(inner);
    this.serde = serde;
    this.keepBytes = keepBytes;
  }

  /** A builder of a changelogged store named {@code name}, values in {@code serde}. */
  public static <V> StoreBuilder<ObjectStore<V>> builder(String name, Serde<V> serde) {
    return builder(name, serde, KEEP_AFTER_COMMIT_BYTES);
  }

  /** As {@link #builder(String, Serde)}, keeping up to {@code keepBytes} across a commit. */
  static <V> StoreBuilder<ObjectStore<V>> builder(String name, Serde<V> serde, int keepBytes) {
    return WriteBackStore.builder(name, inner -> new ObjectStore<>(inner, serde, keepBytes));
  }

  /** The value of {@code key}, or null. */
  public V get(String key) {
    V v = dirty.get(key);
    if (v != null) {
      return v;
    }
    Kept<V> kept = clean.get(key);
    if (kept != null) {
      return kept.value();
    }
    byte[] stored = inner.get(bytes(key));
    return stored == null ? null : serde.deserializer().deserialize(null, stored);
  }

  /** Sets the value of {@code key}; written to the store and its changelog at the next commit. */
  public void put(String key, V value) {
    if (value == null) {
      throw new IllegalArgumentException("null value for " + key + ": this store does not delete");
    }
    dirty.put(key, value);
  }

  /**
   * The keys that start with {@code prefix}, stored or written since the last commit, in order
   * (for ASCII keys, the order of the stored bytes).
   */
  public SortedSet<String> keys(String prefix) {
    TreeSet<String> out = new TreeSet<>();
    try (KeyValueIterator<Bytes, byte[]> it = inner.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(kv -> out.add(new String(kv.key.get(), StandardCharsets.UTF_8)));
    }
    for (String k : dirty.keySet()) {
      if (k.startsWith(prefix)) {
        out.add(k);
      }
    }
    return out;
  }

  /** Keys written since the last commit, not yet in the store; for tests. */
  public int pending() {
    return dirty.size();
  }

  /** Keys kept as objects since a commit; for tests. */
  int kept() {
    return clean.size();
  }

  private static Bytes bytes(String key) {
    return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void flushCache() {
    for (Map.Entry<String, V> e : dirty.entrySet()) {
      byte[] b = serde.serializer().serialize(null, e.getValue());
      inner.put(bytes(e.getKey()), b);
      Kept<V> before = clean.put(e.getKey(), new Kept<>(e.getValue(), b.length));
      cleanBytes += b.length - (before == null ? 0 : before.bytes());
    }
    dirty.clear();
    if (cleanBytes > keepBytes) {
      clean.clear();
      cleanBytes = 0;
    }
  }

  @Override
  public void clearCache() {
    dirty.clear();
    clean.clear();
    cleanBytes = 0;
  }
}
