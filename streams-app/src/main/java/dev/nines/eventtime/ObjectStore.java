package dev.nines.eventtime;

import java.nio.charset.StandardCharsets;
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
 * store's changelog is read by this one unchanged. The cache holds the keys written since the
 * last commit only; it is emptied at every commit.
 *
 * <p>The object {@link #get} returns is the cached one: a caller that changes it must {@link #put}
 * it before the commit, as the processors here do within one record.
 */
public final class ObjectStore<V> extends WriteBackStore {
  private final Serde<V> serde;
  // insertion order: a commit writes the changelog in the order the keys were first changed
  private final Map<String, V> dirty = new LinkedHashMap<>();

  private ObjectStore(KeyValueStore<Bytes, byte[]> inner, Serde<V> serde) {
    super(inner);
    this.serde = serde;
  }

  /** A builder of a changelogged store named {@code name}, values in {@code serde}. */
  public static <V> StoreBuilder<ObjectStore<V>> builder(String name, Serde<V> serde) {
    return WriteBackStore.builder(name, inner -> new ObjectStore<>(inner, serde));
  }

  /** The value of {@code key}, or null. */
  public V get(String key) {
    V v = dirty.get(key);
    if (v != null) {
      return v;
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

  private static Bytes bytes(String key) {
    return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void flushCache() {
    for (Map.Entry<String, V> e : dirty.entrySet()) {
      inner.put(bytes(e.getKey()), serde.serializer().serialize(null, e.getValue()));
    }
    dirty.clear();
  }

  @Override
  public void clearCache() {
    dirty.clear();
  }
}
