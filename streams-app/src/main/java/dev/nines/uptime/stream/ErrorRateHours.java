package dev.nines.uptime.stream;

import dev.nines.eventtime.Watermark;
import dev.nines.uptime.HourCounts;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The error-rate hours a task reads from {@link ErrorRateTopology}, in a bytes store, with the
 * by-carrier tasks' relayed frontier. Each by-carrier task sends its share of an hour (one
 * account's receipts go through several carriers); the shares add up under {@code "U:<hour>:"}
 * until the frontier has passed the hour, and so every share is in. Then the hour is kept under
 * its own key if something in it failed for a platform cause (else no period of it can be
 * downtime), and forgotten otherwise. The caller's keys start with {@code "H:"} and end with the
 * hour as 16 hex digits or carry it so; {@code "M:<partition>"} holds each task's last mark.
 */
public final class ErrorRateHours {
  private final KeyValueStore<String, byte[]> store;
  private final int upstreams;
  private long frontier;

  /** @param upstreams how many by-carrier tasks relay their frontier (topics.partitions) */
  public ErrorRateHours(KeyValueStore<String, byte[]> store, int upstreams) {
    this.store = store;
    this.upstreams = upstreams;
    this.frontier = stored();
  }

  /** Every hour ending at or before this has all its shares in; Long.MIN_VALUE before. */
  public long frontier() {
    return frontier;
  }

  public static String hex(long t) {
    String h = Long.toHexString(t);
    return "0".repeat(16 - h.length()) + h;
  }

  /** Adds a task's share of the hour starting at {@code hourStart}, kept later as {@code key}. */
  public void add(String key, long hourStart, HourCounts share) {
    String pending = "U:" + hex(hourStart) + ":" + key;
    byte[] old = store.get(pending);
    store.put(pending, (old == null ? share : HourCounts.fromBytes(old).addAll(share)).toBytes());
  }

  /**
   * A by-carrier task's mark; true if the frontier advanced (the hours it passed are settled).
   * A mark of another layout (topics.partitions changed) is ignored: false.
   */
  public boolean onMark(Watermark w) {
    if (w.partitions() != upstreams || w.partition() < 0 || w.partition() >= upstreams) {
      return false;
    }
    byte[] old = store.get("M:" + w.partition());
    if (old != null && ByteBuffer.wrap(old).getLong() >= w.streamTime()) {
      return false;
    }
    store.put("M:" + w.partition(), ByteBuffer.allocate(8).putLong(w.streamTime()).array());
    long f = stored();
    if (f <= frontier) {
      return false;
    }
    frontier = f;
    settle();
    return true;
  }

  /** The kept hours with keys in [from, to], in key order. */
  public void forEach(String from, String to, BiConsumer<String, HourCounts> action) {
    try (KeyValueIterator<String, byte[]> it = store.range(from, to)) {
      it.forEachRemaining(kv -> action.accept(kv.key, HourCounts.fromBytes(kv.value)));
    }
  }

  /**
   * Deletes the kept hours whose keys start with {@code prefix} and whose hour, read from the
   * key by {@code hourOf}, starts before {@code before}: no month still to decide can use them.
   */
  public void forget(String prefix, long before, ToLongFunction<String> hourOf) {
    List<String> gone = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(
          kv -> {
            if (hourOf.applyAsLong(kv.key) < before) {
              gone.add(kv.key);
            }
          });
    }
    gone.forEach(store::delete);
  }

  private void settle() {
    List<KeyValue<String, byte[]>> done = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.range("U:", "U:" + hex(frontier))) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        long hour = Long.parseUnsignedLong(kv.key.substring(2, 18), 16);
        if (hour + HourCounts.HOUR_MS <= frontier) {
          done.add(kv);
        }
      }
    }
    for (KeyValue<String, byte[]> kv : done) {
      store.delete(kv.key);
      if (HourCounts.fromBytes(kv.value).anyFailure()) {
        store.put(kv.key.substring(19), kv.value);
      }
    }
  }

  /** The smallest mark of the by-carrier tasks, or Long.MIN_VALUE before each sent one. */
  private long stored() {
    if (upstreams == 0) {
      return Long.MIN_VALUE;
    }
    long min = Long.MAX_VALUE;
    for (int u = 0; u < upstreams; u++) {
      byte[] b = store.get("M:" + u);
      if (b == null) {
        return Long.MIN_VALUE;
      }
      min = Math.min(min, ByteBuffer.wrap(b).getLong());
    }
    return min;
  }
}
