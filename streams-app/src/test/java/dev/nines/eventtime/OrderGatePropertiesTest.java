package dev.nines.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The gate without Kafka: random per-partition histories (with the watermarks an emitter would
 * send, computed here by a few lines of their own), ending either with an end-of-input mark or,
 * as a finite input really ends, with an idle mark; merged in random interleavings, through one
 * or several gates (as if the repartition topic had that many partitions), with the gate rebuilt
 * over its store at random points (a restart). Whatever the interleaving, the same items are
 * released in the same order, and it is the order and the set worked out from each partition's
 * history alone.
 */
class OrderGatePropertiesTest {
  static final long GRACE = 30_000;
  static final long INTERVAL = 60_000;
  static final long END = Long.MAX_VALUE / 4;

  /** One record of a partition's history, as the repartition topic carries it. */
  record Event(int partition, Item item, Watermark mark) {}

  record Item(long time, String id, String key) {}

  /**
   * The history of partition {@code p}: items with times wandering forward and, now and then,
   * back (sometimes by more than the grace); after each item that moves the partition's stream
   * time across a multiple of {@link #INTERVAL}, a watermark with that stream time; at the end
   * an end-of-input watermark ({@link #END}), or the idle mark the emitter sends when the input
   * stops (the last boundary value, and the stream time as {@code latest}): either way
   * everything not late is released.
   */
  static List<Event> history(int p, int n, int items, Random r, boolean endIdle) {
    List<Event> out = new ArrayList<>();
    long streamTime = Long.MIN_VALUE;
    long t = 1_000_000L + r.nextInt(300_000);
    for (int i = 0; i < items; i++) {
      t += r.nextInt(40_000);
      long time = r.nextInt(8) == 0 ? t - r.nextInt(90_000) : t; // some out of order, some late
      String id = "p" + i; // unique within a partition; the same ids recur across partitions
      String key = "k" + r.nextInt(5);
      out.add(new Event(p, new Item(time, id, key), null));
      long before = streamTime;
      streamTime = Math.max(streamTime, time);
      if (streamTime != before
          && (before == Long.MIN_VALUE
              || Math.floorDiv(streamTime, INTERVAL) > Math.floorDiv(before, INTERVAL))) {
        out.add(new Event(p, null, new Watermark(p, n, streamTime, false)));
      }
    }
    long marked =
        out.stream()
            .filter(e -> e.mark() != null)
            .mapToLong(e -> e.mark().streamTime())
            .max()
            .orElse(Long.MIN_VALUE);
    out.add(
        new Event(
            p,
            null,
            endIdle
                ? new Watermark(p, n, marked, true, streamTime)
                : new Watermark(p, n, END, false)));
    return out;
  }

  /** A random merge that keeps each partition's order. */
  static List<Event> interleave(List<List<Event>> histories, Random r) {
    List<Event> out = new ArrayList<>();
    int[] next = new int[histories.size()];
    int left = histories.stream().mapToInt(List::size).sum();
    while (left > 0) {
      int p = r.nextInt(histories.size());
      if (next[p] < histories.get(p).size()) {
        // bursts: a partition runs ahead for a while, as a task does in a catch-up
        int burst = 1 + r.nextInt(20);
        for (int k = 0; k < burst && next[p] < histories.get(p).size(); k++) {
          out.add(histories.get(p).get(next[p]++));
          left--;
        }
      }
    }
    return out;
  }

  record Outcome(List<String> released, List<String> late) {}

  /**
   * Runs the merged stream through {@code gates} gates (items by key hash, watermarks to
   * every gate), rebuilding a gate over its store with probability 1/50 per record.
   */
  static Outcome run(List<Event> merged, int gates, Random r) {
    List<OrderGate.InMemory<Item>> stores = new ArrayList<>();
    List<OrderGate<Item>> gs = new ArrayList<>();
    for (int g = 0; g < gates; g++) {
      stores.add(new OrderGate.InMemory<>());
      gs.add(new OrderGate<>(stores.get(g), GRACE));
    }
    Map<Integer, List<String>> releasedByGate = new TreeMap<>();
    List<String> late = new ArrayList<>();
    for (Event e : merged) {
      if (r.nextInt(50) == 0) {
        int g = r.nextInt(gates);
        gs.set(g, new OrderGate<>(stores.get(g), GRACE)); // a restart: only the store is kept
      }
      if (e.item() != null) {
        int g = Math.floorMod(e.item().key().hashCode(), gates);
        Optional<OrderGate.Late> verdict =
            gs.get(g).offer(e.partition(), e.item().time(), e.item().id(), e.item());
        verdict.ifPresent(v -> late.add(describe(e.partition(), e.item()) + " " + v));
      } else {
        for (int g = 0; g < gates; g++) {
          for (OrderGate.Released<Item> x : gs.get(g).onMark(e.mark())) {
            releasedByGate
                .computeIfAbsent(g, k -> new ArrayList<>())
                .add(describe(x.slot().upstream(), x.value()));
          }
        }
      }
    }
    late.sort(Comparator.naturalOrder());
    // what a key's consumer sees does not depend on which gate it went through; compare per key
    List<String> perKey = new ArrayList<>();
    releasedByGate.values().forEach(perKey::addAll);
    perKey.sort(Comparator.comparing((String s) -> s.substring(s.lastIndexOf(' ') + 1)));
    return new Outcome(perKey, late);
  }

  static String describe(int partition, Item i) {
    return String.format("%015d %s u%d %s", i.time(), i.id(), partition, i.key());
  }

  /**
   * The expectation from the histories alone: an item is late when it is at or more than the
   * grace behind the last watermark its own partition sent before it; the others come out
   * sorted by time, id, partition (a stable sort per key keeps that order).
   */
  static Outcome expected(List<List<Event>> histories) {
    List<String> late = new ArrayList<>();
    List<Object[]> sortable = new ArrayList<>();
    for (List<Event> h : histories) {
      long lastMark = Long.MIN_VALUE;
      for (Event e : h) {
        if (e.mark() != null) {
          lastMark = Math.max(lastMark, e.mark().streamTime());
        } else if (lastMark != Long.MIN_VALUE && e.item().time() <= lastMark - GRACE) {
          late.add(describe(e.partition(), e.item()) + " " + OrderGate.Late.BEHIND_OWN_PARTITION);
        } else {
          sortable.add(new Object[] {e.item(), e.partition()});
        }
      }
    }
    sortable.sort(
        Comparator.comparing(
            (Object[] o) ->
                new OrderGate.Slot(((Item) o[0]).time(), ((Item) o[0]).id(), (Integer) o[1])));
    List<String> released = new ArrayList<>();
    for (Object[] o : sortable) {
      released.add(describe((Integer) o[1], (Item) o[0]));
    }
    released.sort(Comparator.comparing((String s) -> s.substring(s.lastIndexOf(' ') + 1)));
    late.sort(Comparator.naturalOrder());
    return new Outcome(released, late);
  }

  @Property(tries = 200)
  void anyInterleavingReleasesTheSameSequence(
      @ForAll @IntRange(min = 1, max = 4) int n,
      @ForAll @IntRange(min = 1, max = 3) int gates,
      @ForAll @IntRange(min = 0, max = 120) int items,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed,
      @ForAll boolean endIdle) {
    Random r = new Random(seed);
    List<List<Event>> histories = new ArrayList<>();
    for (int p = 0; p < n; p++) {
      histories.add(history(p, n, items, r, endIdle));
    }
    Outcome a = run(interleave(histories, r), gates, r);
    Outcome b = run(interleave(histories, r), 1 + r.nextInt(3), r);
    assertThat(b).isEqualTo(a);
    Outcome e = expected(histories);
    assertThat(a.late()).isEqualTo(e.late());
    assertThat(a.released()).isEqualTo(e.released());
  }
}
