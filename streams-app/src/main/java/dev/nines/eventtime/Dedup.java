package dev.nines.eventtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a record whose id was already seen within the retention of event time: a repeated
 * messageId is a duplicate DLR and counts once.
 *
 * <pre>
 * SELECT * FROM input AS r
 * WHERE NOT EXISTS (SELECT 1 FROM passed AS s WHERE s.id = r.id AND |s.ts - r.ts| <= retention)
 * -- passed: the records forwarded before r, less the ids forgotten (below)
 * </pre>
 *
 * <p>An id is forgotten only once the frontier of the watermarks of upstream partitions {@code
 * from..to-1} ({@link OrderGate#frontier}) is more than twice the retention past it: a duplicate
 * within the retention of its first copy, and at most the retention behind its own partition's
 * stream time, is always caught, however far another partition has run ahead. A partition idle
 * for {@code health.partition.idle} is left out of the frontier until it sends again.
 *
 * <p>A record whose id is null is passed on unchecked (admission refuses items without an id).
 * A batch ({@link Batcher}) is read entry by entry, each passed on as the record it would have
 * been alone (its key, timestamp and value, the batch's headers). Single items and watermarks
 * pass as they are, so a topic written before batches, or by an instance that does not batch,
 * reads the same. As a processor ({@link #get}) it forwards what passes; {@link WindowsFanOut}
 * runs the same {@link Gate} in front of its windows, with no forward in between.
 * The store's layout, why it is a key-value store, and what a lookup costs:
 * docs/design/event-time.md.
 */
public final class Dedup<T> implements ProcessorSupplier<String, Marked<T>, String, Marked<T>> {
  private static final Logger log = LoggerFactory.getLogger(Dedup.class);
  private static final byte MARK = 2;
  private static final Bytes FORGET_BELOW_KEY = Bytes.wrap(new byte[] {3});

  /**
   * Expired ids deleted at most per batch, and items between two batches: two deletes per
   * item, while one item adds one id, so a bucket that came due drains within as many items as
   * it holds, and no record pays for more than one batch.
   */
  static final int EXPIRY_BATCH = 64;

  static final int ITEMS_PER_BATCH = EXPIRY_BATCH / 2;

  /**
   * The most heap one task's filters of new ids take ({@link IdFilter}, about 1.3 bytes per id):
   * beyond it a bucket's filter is dropped, and its ids are looked up in the store as before.
   */
  static final long FILTER_BUDGET_BYTES = 16L << 20;

  private final String storeName;
  private final Function<T, String> id;
  private final long retentionMs;
  private final int from;
  private final int to;
  private final int upstreams;
  private final long filterBudget;

  /**
   * @param storeName the store of seen ids and marks (a changelogged key-value store)
   * @param id the record's id; null: passed on unchecked
   * @param retention how far apart in event time two records of one id are the same record
   * @param from first upstream partition whose marks this input carries
   * @param to one past the last
   * @param upstreams the partition count the marks are for ({@link Watermark#partitions()}); a
   *     mark for another count (the layout changed) is ignored
   */
  public Dedup(
      String storeName,
      Function<T, String> id,
      Duration retention,
      int from,
      int to,
      int upstreams) {
    this(storeName, id, retention, from, to, upstreams, FILTER_BUDGET_BYTES);
  }

  /** @param filterBudget the most heap one task's {@link IdFilter}s take together */
  Dedup(
      String storeName,
      Function<T, String> id,
      Duration retention,
      int from,
      int to,
      int upstreams,
      long filterBudget) {
    if (retention.toMillis() <= 0 || retention.toMillis() > Long.MAX_VALUE / 4) {
      throw new IllegalArgumentException(
          "dedup retention must be > 0 and at most a few " + "million years, got " + retention);
    }
    if (from < 0 || to <= from || to > upstreams) {
      throw new IllegalArgumentException(
          "upstream partitions "
              + from
              + ".."
              + (to - 1)
              + " of "
              + upstreams
              + ": expected 0 <= from < to <= upstreams");
    }
    this.storeName = storeName;
    this.id = id;
    this.retentionMs = retention.toMillis();
    this.from = from;
    this.to = to;
    this.upstreams = upstreams;
    this.filterBudget = filterBudget;
  }

  public StoreBuilder<DedupStore> storeBuilder() {
    return DedupStore.builder(storeName);
  }

  /** The start of the bucket {@code ts} is in: buckets are one retention wide. */
  long bucket(long ts) {
    return Math.floorDiv(ts, retentionMs) * retentionMs;
  }

  static Bytes idKey(long bucket, String id) {
    return DedupStore.idKey(bucket, id.getBytes(StandardCharsets.UTF_8));
  }

  private static long saturatedPlus(long t, long d) {
    return t > Long.MAX_VALUE - d ? Long.MAX_VALUE : t + d;
  }

  static Bytes markKey(int upstream) {
    return Bytes.wrap(ByteBuffer.allocate(5).put(MARK).putInt(upstream).array());
  }

  @Override
  public Processor<String, Marked<T>, String, Marked<T>> get() {
    return new Processor<>() {
      private ProcessorContext<String, Marked<T>> context;
      private Gate gate;

      @Override
      public void init(ProcessorContext<String, Marked<T>> context) {
        this.context = context;
        gate = new Gate(context);
      }

      @Override
      public void process(Record<String, Marked<T>> record) {
        if (record.value() instanceof Marked.Mark<T> mark) {
          gate.mark(mark.watermark());
          context.forward(record);
        } else {
          // an item goes on as the record it came in; a batch entry as the record it would have
          // been alone: its own key and time, the batch's headers
          Marked<T> m = record.value();
          gate.pass(
              record,
              (key, value, ts) ->
                  context.forward(
                      m instanceof Marked.Item<T>
                          ? record
                          : new Record<>(key, Marked.item(value), ts, record.headers())));
        }
      }
    };
  }

  /** Where a {@link Gate} passes each item it lets through: its key, value and time. */
  @FunctionalInterface
  interface Passed<T> {
    void accept(String key, T value, long timestamp);
  }

  /**
   * One task's de-duplication, for a processor that passes what it lets through on itself
   * ({@link WindowsFanOut}) or forwards it ({@link #get}): the ids seen per time bucket, and the
   * marks of each upstream.
   */
  final class Gate {
    private final ProcessorContext<?, ?> context;
    private final DedupStore seen;
    private final TreeMap<Integer, Watermark> marks = new TreeMap<>();
    // ids in buckets starting below this are forgotten (not looked at, deleted when due)
    private long forgetBelow;
    // every id in a bucket below this is deleted (not kept: after a start, one scan finds out)
    private long deletedBelow;
    // where the next deletion of ids, and of the batches that logged them, starts
    private Bytes resumeIds;
    private Bytes resumeBatches;
    // the ids below forgetBelow are gone, their batches not yet
    private boolean deletingBatches;
    private int itemsSinceBatch;
    private boolean warnedMark;
    // bucket start -> what this task knows of it (this task is the store's only writer)
    private final Map<Long, Bucket> buckets = new HashMap<>();
    // the buckets looked at last, in front of the map (a lookup checks three in a row)
    private final Bucket[] recent = new Bucket[4];
    private int nextRecent;
    private long filterBytes;
    // the most ids a filter of this task took: the first size of the next bucket's
    private long filterHint;

    /** The gate of the task being initialised with {@code context}, from its store. */
    Gate(ProcessorContext<?, ?> context) {
      this.context = context;
      this.seen = context.getStateStore(storeName);
      marks.putAll(marksIn(seen));
      byte[] kept = seen.get(FORGET_BELOW_KEY);
      forgetBelow = kept == null ? Long.MIN_VALUE : ByteBuffer.wrap(kept).getLong();
      deletedBelow = Long.MIN_VALUE;
      advanceForgetting(false);
    }

    /**
     * Passes to {@code out} each item of {@code record} (an item, or a batch entry by entry, each
     * with its own key and time) whose id was not seen. The headers are {@code record}'s.
     */
    void pass(Record<String, Marked<T>> record, Passed<T> out) {
      Marked<T> value = record.value();
      if (value instanceof Marked.Batch<T> batch) {
        int own = context.taskId().partition();
        if (batch.partition() != own) {
          throw new IllegalStateException(
              "a batch for partition " + batch.partition() + " read by the task of " + own);
        }
        for (Marked.Entry<T> e : batch.entries()) {
          admit(e.key(), e.value(), e.timestamp(), out);
        }
      } else if (value instanceof Marked.Item<T> item) {
        admit(record.key(), item.value(), record.timestamp(), out);
      } else {
        throw new IllegalArgumentException("not an item or a batch: " + value);
      }
    }

    /** Passes an item on unless its id was seen. */
    private void admit(String key, T value, long ts, Passed<T> out) {
      String itemId = id.apply(value);
      if (itemId != null) {
        byte[] idBytes = itemId.getBytes(StandardCharsets.UTF_8); // once, for lookups and put
        long hash = IdFilter.hash(idBytes);
        if (isDuplicate(idBytes, hash, ts)) {
          return;
        }
        long bucket = bucket(ts);
        if (bucket >= forgetBelow) {
          // a bucket already forgotten is not kept: its deletion may be past
          seen.addId(bucket, idBytes, ts);
          Bucket known = bucketAt(bucket); // looked at by isDuplicate already
          if (!known.mayHoldIds) {
            // found empty, and its first id: every id it will hold is this task's to filter
            known.mayHoldIds = true;
            long first = IdFilter.bytesFor(IdFilter.firstCapacity(filterHint));
            if (filterBytes + first <= filterBudget) {
              known.filter = new IdFilter(filterHint);
              filterBytes += known.filter.bytes();
            }
          }
          if (known.filter != null) {
            addToFilter(known, hash);
          }
        }
      }
      // no Record per item: a Record copies its headers, and a batch's entries share them
      out.accept(key, value, ts);
      if (itemId != null && forgetBelow > deletedBelow && ++itemsSinceBatch >= ITEMS_PER_BATCH) {
        deleteForgotten();
      }
    }

    private boolean isDuplicate(byte[] idBytes, long hash, long ts) {
      // by bucket number, with saturated bounds: no overflow at extreme timestamps
      long first =
          Math.floorDiv(
              Math.max(OrderGate.saturatedMinus(ts, retentionMs), forgetBelow), retentionMs);
      long last = Math.floorDiv(saturatedPlus(ts, retentionMs), retentionMs);
      // stops at last, not past it: with last = Long.MAX_VALUE, n <= last would never fail
      for (long n = first; ; n++) {
        Bucket b = bucketAt(n * retentionMs);
        boolean skip = !b.mayHoldIds || b.filter != null && !b.filter.mightContain(hash);
        byte[] v = skip ? null : seen.get(DedupStore.idKey(n * retentionMs, idBytes));
        if (v != null && Math.abs(ByteBuffer.wrap(v).getLong() - ts) <= retentionMs) {
          return true;
        }
        if (n >= last) {
          return false;
        }
      }
    }

    /**
     * What this task knows of bucket {@code start}: at the first look, one seek tells whether it
     * holds an id. One found empty gets a filter at its first id, of the ids this task adds to
     * it: then every id it holds.
     */
    private Bucket bucketAt(long start) {
      // the few buckets around the current time first: a map lookup boxes, hashes and misses
      for (Bucket r : recent) {
        if (r != null && r.start == start) {
          return r;
        }
      }
      Bucket known = buckets.get(start);
      if (known == null) {
        known = new Bucket(start);
        // the first key from the bucket's prefix on (the marks' keys sort after every id)
        try (var it = seen.range(idKey(start, ""), markKey(0))) {
          Bytes next = it.hasNext() ? it.peekNextKey() : null;
          known.mayHoldIds =
              next != null && next.get()[0] == DedupStore.ID && DedupStore.bucketOf(next) == start;
        }
        buckets.put(start, known);
      }
      recent[nextRecent] = known;
      nextRecent = (nextRecent + 1) % recent.length;
      return known;
    }

    /** Adds to a bucket's filter; drops the filter (reads again) if it would outgrow the budget. */
    private void addToFilter(Bucket b, long hash) {
      long more = b.filter.bytesOfNextAdd();
      if (more > 0 && filterBytes + more > filterBudget) {
        filterBytes -= b.filter.bytes();
        b.filter = null;
        return;
      }
      b.filter.add(hash);
      filterBytes += more;
      filterHint = Math.max(filterHint, b.filter.added());
    }

    /** Takes {@code w} into account for forgetting ids, if it is one of this input's marks. */
    void mark(Watermark w) {
      if (w.partitions() != upstreams) {
        if (!warnedMark) {
          warnedMark = true;
          log.warn(
              "{} (task {}): watermark of upstream {} of {} ignored: this topology "
                  + "expects {} upstream partitions",
              storeName,
              context.taskId(),
              w.partition(),
              w.partitions(),
              upstreams);
        }
        return;
      }
      if (w.partition() < from || w.partition() >= to) {
        return;
      }
      Watermark before = marks.get(w.partition());
      // the larger value, as ClosingWindows keeps; a mark of an earlier layout is replaced
      Watermark next =
          before != null && before.partitions() == upstreams ? Watermark.max(before, w) : w;
      if (!next.equals(before)) {
        marks.put(w.partition(), next);
        seen.putLogged(markKey(w.partition()), next.toStoreBytes());
      }
      advanceForgetting(true);
      if (forgetBelow > deletedBelow) {
        deleteForgotten();
      }
    }

    /** Ids in buckets ending by {@code F - 2 retention} are forgotten; never moves back. */
    /** @param persist false in init, where no record is being processed to log it with */
    private void advanceForgetting(boolean persist) {
      long f = OrderGate.frontierOfLayout(marks, from, to, upstreams);
      if (f == Long.MIN_VALUE) {
        return;
      }
      long horizon = OrderGate.saturatedMinus(f, 2 * retentionMs);
      if (horizon != Long.MIN_VALUE && bucket(horizon) > forgetBelow) {
        forgetBelow = bucket(horizon);
        // never looked at again
        for (var it = buckets.entrySet().iterator(); it.hasNext(); ) {
          var e = it.next();
          if (e.getKey() < forgetBelow) {
            if (e.getValue().filter != null) {
              filterBytes -= e.getValue().filter.bytes();
            }
            it.remove();
          }
        }
        Arrays.fill(recent, null);
        if (persist) {
          seen.putLogged(FORGET_BELOW_KEY, ByteBuffer.allocate(8).putLong(forgetBelow).array());
        }
      }
    }

    /**
     * Deletes up to {@link #EXPIRY_BATCH} forgotten ids, oldest bucket first, and once none is
     * left below {@code forgetBelow}, the batches that logged them (a tombstone each).
     */
    private void deleteForgotten() {
      itemsSinceBatch = 0;
      int budget = EXPIRY_BATCH;
      while (budget > 0 && forgetBelow > deletedBelow) {
        budget -= deleteSome(budget);
      }
    }

    /** Deletes up to {@code max} keys of the current phase; returns how many (or 1 if none). */
    private int deleteSome(int max) {
      boolean ids = !deletingBatches;
      Bytes start;
      Bytes end;
      if (ids) {
        start = resumeIds != null ? resumeIds : idKey(Long.MIN_VALUE, "");
        // the bound is inclusive, and the bare prefix of bucket forgetBelow sorts before its ids
        end = idKey(forgetBelow, "");
      } else {
        start = resumeBatches != null ? resumeBatches : DedupStore.batchKey(Long.MIN_VALUE, 0);
        end = DedupStore.batchKey(forgetBelow, 0);
      }
      List<Bytes> due = new ArrayList<>(max);
      try (var it = seen.range(start, end)) {
        while (it.hasNext() && due.size() < max) {
          Bytes k = it.next().key;
          if (DedupStore.bucketOf(k) >= forgetBelow) {
            break;
          }
          due.add(k);
        }
      }
      for (Bytes k : due) {
        if (ids) {
          seen.deleteId(k);
        } else {
          seen.putLogged(k, null);
        }
      }
      if (due.size() == max) {
        if (ids) {
          resumeIds = due.get(due.size() - 1);
        } else {
          resumeBatches = due.get(due.size() - 1);
        }
      } else if (ids) {
        resumeIds = end;
        deletingBatches = true;
      } else {
        resumeBatches = end;
        deletingBatches = false;
        deletedBelow = forgetBelow;
      }
      return Math.max(1, due.size());
    }
  }

  /**
   * A bucket as one task knows it. {@code mayHoldIds} is false only when a seek found no id in it
   * and none was added since; {@code filter}, if any, holds every id added since the task found
   * it empty, so a "no" from it is certain and costs no store read.
   */
  private static final class Bucket {
    final long start;
    boolean mayHoldIds;
    IdFilter filter;

    Bucket(long start) {
      this.start = start;
    }
  }

  /** The marks a store holds, by upstream partition. */
  static Map<Integer, Watermark> marksIn(DedupStore store) {
    Map<Integer, Watermark> m = new TreeMap<>();
    try (var it = store.range(markKey(0), markKey(Integer.MAX_VALUE))) {
      while (it.hasNext()) {
        var kv = it.next();
        int upstream = ByteBuffer.wrap(kv.key.get(), 1, 4).getInt();
        m.put(upstream, Watermark.fromStoreBytes(upstream, kv.value));
      }
    }
    return m;
  }
}
