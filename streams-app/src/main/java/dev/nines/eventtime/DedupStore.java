package dev.nines.eventtime;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The store of {@link Dedup}: every seen id under its own key in RocksDB, but written to the
 * changelog once per commit, one record per time bucket holding the ids the bucket gained.
 *
 * <pre>
 * put(id):  local[1|bucket|id] = ts;  added[bucket] += (id, ts)
 * commit:   for each bucket: log[4|bucket|seq++] = added[bucket]   -- restored into 1|bucket|id
 * </pre>
 *
 * <p>Why: with one changelog record per id, the changelog's sends were a ninth of the stream
 * thread in the throughput benchmark, more than the de-duplication itself, and each id cost a
 * second record when its bucket expired. Now an expired bucket costs one tombstone per batch.
 *
 * <p>Keys, locally and in the changelog ({@code bucket} big-endian with its sign bit flipped, so
 * that keys sort by time):
 *
 * <ul>
 *   <li>{@code 1 | bucket | id -> ts}: a seen id. Local only, except in buckets up to the legacy
 *       bound, whose ids an earlier version logged one by one (they get a tombstone each when
 *       they expire, as they did).
 *   <li>{@code 2 | upstream}, {@code 3}: the marks and the forgetting point of {@link Dedup};
 *       logged as written.
 *   <li>{@code 4 | bucket | seq -> (length(2) id ts(8))*}: the ids one commit added to a bucket
 *       (split at {@link #BATCH_BYTES}); logged. A restore writes each of its ids under its own
 *       key, so a restored store is the store that was logged.
 *   <li>{@code 5 -> seq}: the next batch number; {@code 6 -> bucket}: the legacy bound.
 * </ul>
 *
 * <p>A store an earlier version wrote (ids logged one by one) is read as it is; its newest
 * bucket at the first start becomes the legacy bound. A restore reads both kinds of record.
 */
public final class DedupStore extends WriteBackStore {
  static final byte ID = 1;
  static final byte BATCH = 4;
  static final Bytes SEQ_KEY = Bytes.wrap(new byte[] {5});
  static final Bytes LEGACY_KEY = Bytes.wrap(new byte[] {6});

  /** A bucket's batch is logged once it holds this many bytes, well below a record's limit. */
  static final int BATCH_BYTES = 256 * 1024;

  // RocksDB itself, under the logging and metering layers of inner: ids go here unlogged
  private KeyValueStore<Bytes, byte[]> raw;
  private final Map<Long, ByteBuffer> added = new HashMap<>();
  // Both read from the store when first needed after a commit or a start: a standby task that
  // becomes active keeps its store (no new init), and its restore has moved them on.
  private long seq;
  private boolean seqRead;
  private long legacyBound;
  private boolean legacyRead;
  private long reads;

  private DedupStore(KeyValueStore<Bytes, byte[]> inner) {
    super(inner);
  }

  /** A builder of a changelogged store named {@code name}. */
  public static StoreBuilder<DedupStore> builder(String name) {
    return WriteBackStore.builder(name, DedupStore::new);
  }

  static Bytes idKey(long bucket, byte[] id) {
    return Bytes.wrap(
        ByteBuffer.allocate(9 + id.length)
            .put(ID)
            .putLong(bucket ^ Long.MIN_VALUE)
            .put(id)
            .array());
  }

  static Bytes batchKey(long bucket, long seq) {
    return Bytes.wrap(
        ByteBuffer.allocate(17).put(BATCH).putLong(bucket ^ Long.MIN_VALUE).putLong(seq).array());
  }

  static long bucketOf(Bytes key) {
    return ByteBuffer.wrap(key.get(), 1, 8).getLong() ^ Long.MIN_VALUE;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    clearCache();
    inner.init(expandingBatches(context), root);
    StateStore s = inner;
    while (s instanceof WrappedStateStore<?, ?, ?> w) {
      s = w.wrapped();
    }
    @SuppressWarnings("unchecked")
    KeyValueStore<Bytes, byte[]> rocks = (KeyValueStore<Bytes, byte[]>) s;
    raw = rocks;
    seqRead = false;
    legacyRead = false;
  }

  /**
   * Ids in buckets up to this were logged one by one (by an earlier version): when first needed,
   * the logged bound, or else the newest bucket of an id now in the store, logged then. It is
   * needed before this version adds its first id, so only an earlier version's ids count.
   */
  private long legacyBound() {
    if (!legacyRead) {
      byte[] logged = raw.get(LEGACY_KEY);
      if (logged != null) {
        legacyBound = ByteBuffer.wrap(logged).getLong();
      } else {
        legacyBound = Long.MIN_VALUE;
        try (KeyValueIterator<Bytes, byte[]> it =
            raw.reverseRange(
                idKey(Long.MIN_VALUE, new byte[0]), idKey(Long.MAX_VALUE, new byte[0]))) {
          if (it.hasNext()) {
            legacyBound = bucketOf(it.next().key);
          }
        }
        inner.put(LEGACY_KEY, ByteBuffer.allocate(8).putLong(legacyBound).array());
      }
      legacyRead = true;
    }
    return legacyBound;
  }

  private long nextSeq() {
    if (!seqRead) {
      byte[] next = raw.get(SEQ_KEY);
      seq = next == null ? 0 : ByteBuffer.wrap(next).getLong();
      seqRead = true;
    }
    return seq++;
  }

  /** The stored value of {@code key}, ids added since the last commit included. */
  public byte[] get(Bytes key) {
    reads++;
    return raw.get(key);
  }

  /** Reads by {@link #get} since the store was made; for tests. */
  long reads() {
    return reads;
  }

  /** Keys from {@code from} to {@code to}, both included, in order. */
  public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
    return raw.range(from, to);
  }

  /** Every key, in order; for tests. */
  KeyValueIterator<Bytes, byte[]> all() {
    return raw.all();
  }

  /** Writes {@code key} (null: deletes it) and logs it at once: marks and the like. */
  public void putLogged(Bytes key, byte[] value) {
    inner.put(key, value);
  }

  /** Adds {@code id} seen at {@code ts} to {@code bucket}; logged with the bucket's batch. */
  public void addId(long bucket, byte[] id, long ts) {
    if (id.length > Short.MAX_VALUE) {
      throw new IllegalArgumentException("id of " + id.length + " bytes: at most 32767");
    }
    legacyBound(); // before the first id of this version is in the store
    raw.put(idKey(bucket, id), ByteBuffer.allocate(8).putLong(ts).array());
    int need = 2 + id.length + 8;
    ByteBuffer b = added.get(bucket);
    if (b == null || b.remaining() < need) {
      b = room(bucket, b, need);
    }
    b.putShort((short) id.length).put(id).putLong(ts);
  }

  /** A buffer for the bucket with {@code need} bytes free: grown, or logged and started anew. */
  private ByteBuffer room(long bucket, ByteBuffer b, int need) {
    if (b != null && b.position() + need > BATCH_BYTES && b.position() > 0) {
      logBatch(bucket, b);
      b = null;
    }
    int size = Math.max(b == null ? 4096 : 2 * b.capacity(), need + (b == null ? 0 : b.position()));
    ByteBuffer grown = ByteBuffer.allocate(size);
    if (b != null) {
      grown.put(b.array(), 0, b.position());
    }
    added.put(bucket, grown);
    return grown;
  }

  /** Deletes an expired id: with a tombstone in the changelog if it was logged by itself. */
  public void deleteId(Bytes idKey) {
    if (bucketOf(idKey) <= legacyBound()) {
      inner.put(idKey, null);
    } else {
      raw.delete(idKey);
    }
  }

  private void logBatch(long bucket, ByteBuffer b) {
    byte[] value = new byte[b.position()];
    System.arraycopy(b.array(), 0, value, 0, value.length);
    inner.put(batchKey(bucket, nextSeq()), value);
  }

  @Override
  public void flushCache() {
    if (added.isEmpty()) {
      return; // nothing added since the last commit (a standby task adds nothing)
    }
    // in bucket order, so that a replay of the same input logs the same records
    List<Long> buckets = new ArrayList<>(added.keySet());
    buckets.sort(null);
    for (long bucket : buckets) {
      ByteBuffer b = added.get(bucket);
      if (b.position() > 0) {
        logBatch(bucket, b);
      }
    }
    added.clear();
    inner.put(SEQ_KEY, ByteBuffer.allocate(8).putLong(seq).array());
    seqRead = false;
  }

  @Override
  public void clearCache() {
    // a dirty close: the ids stay in RocksDB, which exactly-once wipes and restores from the log
    added.clear();
  }

  /** The ids of a batch's value, as (id, ts) pairs; a clear error if it is not one. */
  static List<Map.Entry<byte[], Long>> idsOf(byte[] value) {
    List<Map.Entry<byte[], Long>> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(value);
    try {
      while (b.hasRemaining()) {
        int n = b.getShort();
        if (n < 0 || n > b.remaining()) {
          throw new IllegalArgumentException(
              "id of " + n + " bytes with " + b.remaining() + " left");
        }
        byte[] id = new byte[n];
        b.get(id);
        out.add(Map.entry(id, b.getLong()));
      }
    } catch (BufferUnderflowException e) {
      throw new IllegalStateException(
          "truncated de-duplication batch of " + value.length + " bytes", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("invalid de-duplication batch: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * A changelog record as RocksDB's restore takes it: a batch, followed by each of its ids under
   * its own key (same offset and headers); any other record as it is.
   */
  static List<ConsumerRecord<byte[], byte[]>> expand(ConsumerRecord<byte[], byte[]> r) {
    byte[] k = r.key();
    if (k == null || k.length != 17 || k[0] != BATCH || r.value() == null) {
      return List.of(r);
    }
    long bucket = bucketOf(Bytes.wrap(k));
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    out.add(r);
    for (Map.Entry<byte[], Long> e : idsOf(r.value())) {
      out.add(
          new ConsumerRecord<>(
              r.topic(),
              r.partition(),
              r.offset(),
              r.timestamp(),
              r.timestampType(),
              -1,
              -1,
              idKey(bucket, e.getKey()).get(),
              ByteBuffer.allocate(8).putLong(e.getValue()).array(),
              r.headers(),
              r.leaderEpoch()));
    }
    return out;
  }

  /**
   * The store's context for the layers below it, with one change: the restore callback RocksDB
   * registers gets the changelog's batches expanded into their ids ({@link #expand}). A proxy,
   * because the changelogging layer needs Kafka Streams' internal context interface.
   */
  private static StateStoreContext expandingBatches(StateStoreContext context) {
    if (!(context instanceof InternalProcessorContext<?, ?>)) {
      return context; // a test's mock context: nothing is restored through it
    }
    InvocationHandler h =
        (proxy, method, args) -> {
          // RocksDB asks for it at every put (its position for interactive queries): called
          // directly, not through reflection
          if (args == null && method.getName().equals("recordMetadata")) {
            return context.recordMetadata();
          }
          if (method.getName().equals("register")
              && args != null
              && args.length >= 2
              && args[1] instanceof StateRestoreCallback cb) {
            args = args.clone();
            args[1] = expanding(cb);
          }
          try {
            return method.invoke(context, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (StateStoreContext)
        Proxy.newProxyInstance(
            DedupStore.class.getClassLoader(), new Class<?>[] {InternalProcessorContext.class}, h);
  }

  private static StateRestoreCallback expanding(StateRestoreCallback cb) {
    if (!(cb instanceof RecordBatchingStateRestoreCallback batching)) {
      throw new IllegalStateException(
          "the de-duplication store expects RocksDB's batching restore, got " + cb.getClass());
    }
    return (RecordBatchingStateRestoreCallback)
        records -> {
          Collection<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>(records.size());
          for (ConsumerRecord<byte[], byte[]> r : records) {
            all.addAll(expand(r));
          }
          batching.restoreBatch(all);
        };
  }
}
