package dev.nines.eventtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Downstream half of the watermarks, as plain logic over a {@link Store}: holds items and
 * releases them in (event time, id, upstream partition) order once the frontier has passed
 * them.
 *
 * <p><b>The frontier.</b> {@code W_u} is the largest watermark value received from upstream
 * partition {@code u}. Nothing is released until a mark from every partition {@code 0..n-1} has
 * arrived. Then {@code F = min(W_u over the partitions that are not idle) - grace}, and the
 * released frontier {@code R} is the largest {@code F} so far (kept in the store). Every held item with event time {@code <= R}
 * is released, in order.
 *
 * <p><b>Late items, and why the rule is deterministic.</b> An item of time {@code t} from
 * partition {@code u} is late, and dropped, when {@code t <= W_u - grace}, with {@code W_u} the
 * value held when the item arrives. The records of one upstream task reach each partition of
 * the repartition topic in the order that task wrote them (one producer, and under exactly-once
 * only committed records are read), and every watermark goes to every partition. So the
 * {@code W_u} held when an item of {@code u} arrives is the last boundary value {@code u} wrote
 * before that item: a function of {@code u}'s own input alone, whatever the other partitions did
 * and however the tasks interleaved (idle marks repeat the last boundary value, so the wall clock
 * does not move {@code W_u}). Conversely, no item that passes this rule is behind the frontier:
 * {@code R} was set, at some earlier point, to {@code min W_v - grace <= W_u' - grace} over
 * partitions including {@code u} (while {@code u} is not idle), and {@code W_u' <= W_u} since
 * watermarks only grow; so {@code R <= W_u - grace < t}. Every item is therefore either dropped
 * by its own partition's history, or held and later released, and each release hands out items
 * at or below {@code R} while every item still to come is above it: the released sequence is
 * the sorted sequence of all items that are not late, up to the final {@code R}, whatever the
 * interleaving, the partition count of the repartition topic, or restarts (the state lives in
 * the store).
 *
 * <p><b>Idleness</b> is the exception, and only it depends on the wall clock: while {@code u} is
 * idle it is left out of the minimum, so {@code R} may pass {@code W_u - grace}. When every
 * partition is idle, {@code F} is the largest {@code latest} (the partitions' stream times when
 * they went idle): each partition's idle mark came after all of its items, so every item sent
 * has arrived, and the tail of a finite input (a replay, a test, traffic that stopped) is
 * released instead of waiting for data that may never come. If {@code u} later sends an item at or below {@code R}, it cannot be released in its place; it is dropped
 * as {@link Late#BEHIND_RELEASED} (and logged as such). Data after an idle spell that is newer
 * than what was released (live traffic) is unaffected. Items without an upstream partition
 * (written before watermarks existed) are judged by {@code R} alone.
 */
public final class OrderGate<V> {

  /** Why an item was not held. */
  public enum Late {
    /** More than the grace behind its own partition's watermark: decided by that partition. */
    BEHIND_OWN_PARTITION,
    /** At or below the released frontier, after its partition was idle (or without one). */
    BEHIND_RELEASED
  }

  /** Where an item waits; ordered by time, then the id's UTF-8 bytes, then the partition. */
  public record Slot(long time, String id, int upstream) implements Comparable<Slot> {
    @Override
    public int compareTo(Slot o) {
      int c = Long.compare(time, o.time);
      if (c != 0) {
        return c;
      }
      c =
          Arrays.compareUnsigned(
              id.getBytes(StandardCharsets.UTF_8), o.id.getBytes(StandardCharsets.UTF_8));
      return c != 0 ? c : Integer.compare(upstream, o.upstream);
    }
  }

  /** A released item. */
  public record Released<V>(Slot slot, V value) {}

  /** The gate's state. Implementations: in memory (tests) and a Kafka Streams store. */
  public interface Store<V> {
    Map<Integer, Watermark> marks();

    void putMark(Watermark mark);

    void removeMark(int partition);

    /** The released frontier; {@link Long#MIN_VALUE} if nothing was released. */
    long released();

    void setReleased(long frontier);

    void hold(Slot slot, V value);

    /**
     * Removes and returns, in slot order, every held item with {@code after < time <= upTo}.
     * No item at or below {@code after} (the previous released frontier) is held, since {@link
     * #offer} drops them; a key-value store must not scan there, or every release steps over the
     * tombstones of everything released before it (quadratic in the history's length).
     */
    List<Released<V>> take(long after, long upTo);
  }

  private final Store<V> store;
  private final long graceMs;

  public OrderGate(Store<V> store, long graceMs) {
    this.store = store;
    this.graceMs = graceMs;
  }

  /**
   * An item from upstream partition {@code upstream} (-1: unknown): held, or late.
   *
   * @return empty if held, else why it was dropped
   */
  public Optional<Late> offer(int upstream, long time, String id, V value) {
    Watermark own = upstream < 0 ? null : store.marks().get(upstream);
    if (own != null
        && own.streamTime() != Long.MIN_VALUE
        && time <= saturatedMinus(own.streamTime(), graceMs)) {
      return Optional.of(Late.BEHIND_OWN_PARTITION);
    }
    if (time <= store.released()) {
      return Optional.of(Late.BEHIND_RELEASED);
    }
    store.hold(new Slot(time, id, upstream), value);
    return Optional.empty();
  }

  /** A watermark: records it and returns what it releases, in order. */
  public List<Released<V>> onMark(Watermark w) {
    Map<Integer, Watermark> marks = store.marks();
    for (int p : List.copyOf(marks.keySet())) {
      if (p >= w.partitions()) {
        store.removeMark(p); // the upstream topic has fewer partitions now
      }
    }
    store.putMark(Watermark.max(marks.get(w.partition()), w));
    return release(w.partitions());
  }

  /** The frontier the marks give now; {@link Long#MIN_VALUE} if not every partition has one. */
  public long frontier(int partitions) {
    return frontier(store.marks(), partitions, graceMs);
  }

  /**
   * {@code min(W_u) - grace} over partitions {@code 0..partitions-1} that are not idle, or the
   * largest {@code latest} if all are idle; {@link Long#MIN_VALUE} if one has no mark yet.
   */
  public static long frontier(Map<Integer, Watermark> marks, int partitions, long graceMs) {
    return frontier(marks, 0, partitions, graceMs);
  }

  /**
   * {@link #frontier(Map, int, int, long)} with no grace, or {@link Long#MIN_VALUE} while a mark
   * of partitions {@code from..to-1} is of another layout than {@code partitions} (kept from
   * before {@code topics.partitions} changed: it says nothing about this one).
   */
  public static long frontierOfLayout(
      Map<Integer, Watermark> marks, int from, int to, int partitions) {
    for (int u = from; u < to; u++) {
      Watermark m = marks.get(u);
      if (m != null && m.partitions() != partitions) {
        return Long.MIN_VALUE;
      }
    }
    return frontier(marks, from, to, 0);
  }

  /** {@link #frontier(Map, int, long)} over partitions {@code from..to-1}. */
  public static long frontier(Map<Integer, Watermark> marks, int from, int to, long graceMs) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    boolean anyActive = false;
    for (int p = from; p < to; p++) {
      Watermark m = marks.get(p);
      if (m == null) {
        return Long.MIN_VALUE;
      }
      max = Math.max(max, m.latest());
      if (!m.idle()) {
        anyActive = true;
        min = Math.min(min, m.streamTime());
      }
    }
    return anyActive ? saturatedMinus(min, graceMs) : max;
  }

  private List<Released<V>> release(int partitions) {
    long f = frontier(partitions);
    long before = store.released();
    if (f == Long.MIN_VALUE || f <= before) {
      return List.of();
    }
    store.setReleased(f);
    return new ArrayList<>(store.take(before, f));
  }

  public static long saturatedMinus(long t, long d) {
    return t < Long.MIN_VALUE + d ? Long.MIN_VALUE : t - d;
  }

  /** The store in memory: for tests and for reasoning. */
  public static final class InMemory<V> implements Store<V> {
    private final TreeMap<Integer, Watermark> marks = new TreeMap<>();
    private final TreeMap<Slot, V> held = new TreeMap<>();
    private long released = Long.MIN_VALUE;

    @Override
    public Map<Integer, Watermark> marks() {
      return Collections.unmodifiableMap(marks);
    }

    @Override
    public void putMark(Watermark mark) {
      marks.put(mark.partition(), mark);
    }

    @Override
    public void removeMark(int partition) {
      marks.remove(partition);
    }

    @Override
    public long released() {
      return released;
    }

    @Override
    public void setReleased(long frontier) {
      released = frontier;
    }

    @Override
    public void hold(Slot slot, V value) {
      held.put(slot, value);
    }

    @Override
    public List<Released<V>> take(long after, long upTo) {
      List<Released<V>> out = new ArrayList<>();
      var it = held.entrySet().iterator();
      while (it.hasNext()) {
        var e = it.next();
        if (e.getKey().time() <= after) {
          throw new IllegalStateException("held " + e.getKey() + " at or below " + after);
        }
        if (e.getKey().time() > upTo) {
          break;
        }
        out.add(new Released<>(e.getKey(), e.getValue()));
        it.remove();
      }
      return out;
    }

    /** Items still held. */
    public int held() {
      return held.size();
    }
  }
}
