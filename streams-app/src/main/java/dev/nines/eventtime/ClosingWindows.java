package dev.nines.eventtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tumbling event-time windows per key, each emitted once, when it closes.
 *
 * <pre>
 * SELECT key, window, AGGREGATE(value), MAX(timestamp)
 * FROM input GROUP BY key, TUMBLING(timestamp, size, grace) EMIT ON WINDOW CLOSE
 * </pre>
 *
 * <ul>
 *   <li><b>By stream time</b> ({@code upstreams == 0}): stream time is the highest record
 *       timestamp seen, kept in the store; a record joins its window {@code [s, s + size)} unless
 *       {@code s + size <= streamTime - grace}: then it is dropped, logged and counted. After each
 *       record every window with {@code end <= streamTime - grace} is forwarded, ordered by start
 *       and then key bytes, stamped with its newest record's timestamp, and forgotten.
 *   <li><b>By watermarks</b> ({@code upstreams > 0}): the input also carries the {@link
 *       Watermark}s of each upstream partition; windows close once {@code end <= R - grace},
 *       {@code R} the frontier of {@link OrderGate}. A record of upstream {@code u} is late if its
 *       window has {@code end <= W_u - grace}, {@code W_u} being {@code u}'s last mark: so a
 *       window's content does not depend on how the upstream tasks interleaved.
 *   <li><b>Relaying</b> ({@code relayPartitions > 0}): after the windows a frontier advance
 *       closed, the task of partition {@code p} forwards {@code Watermark(p, relayPartitions, E)},
 *       {@code E} the largest window end {@code <= R - grace}, once per window size, for the next
 *       repartition.
 * </ul>
 *
 * <p>Why not the DSL's windows, and the proofs: docs/design/event-time.md.
 */
public final class ClosingWindows<V, A>
    implements ProcessorSupplier<String, Marked<V>, String, Marked<ClosingWindows.Window<A>>> {
  private static final Logger log = LoggerFactory.getLogger(ClosingWindows.class);

  public static final String LATE_METRIC = "late-records-total";
  public static final String METRIC_GROUP = "nines-windows";

  private static final long NO_WINDOW = Long.MIN_VALUE;

  /** A closed window of one key. */
  public record Window<A>(long start, long end, A value) {}

  private final StoreBuilder<OpenWindowStore<A>> store;
  private final long sizeMs;
  private final long graceMs;
  private final Supplier<A> initial;
  private final BiFunction<V, A, A> add;
  private final int upstreams;
  private final int relayPartitions;

  /** Windows closed by stream time: see the class doc. The input carries no watermarks. */
  public ClosingWindows(
      String storeName,
      Serde<A> aggregates,
      Duration size,
      Duration grace,
      Supplier<A> initial,
      BiFunction<V, A, A> add) {
    this(storeName, aggregates, size, grace, initial, add, 0, 0);
  }

  /** Windows closed by the watermarks of upstream partitions 0..upstreams-1, not relayed. */
  public ClosingWindows(
      String storeName,
      Serde<A> aggregates,
      Duration size,
      Duration grace,
      Supplier<A> initial,
      BiFunction<V, A, A> add,
      int upstreams) {
    this(storeName, aggregates, size, grace, initial, add, upstreams, 0);
  }

  /**
   * @param storeName the store of open windows (a changelogged key-value store)
   * @param aggregates how an aggregate is stored
   * @param initial a new, empty aggregate
   * @param add adds a value to an aggregate and returns it (it may update it in place)
   * @param upstreams 0: close by stream time; n: close by the watermarks of upstream partitions
   *     0..n-1, which the input carries (see the class doc)
   * @param relayPartitions 0: forward windows only; m: also forward this task's closing
   *     frontier as a watermark of partition p of m (the input's partition count; see the class
   *     doc). Only with {@code upstreams > 0}
   */
  public ClosingWindows(
      String storeName,
      Serde<A> aggregates,
      Duration size,
      Duration grace,
      Supplier<A> initial,
      BiFunction<V, A, A> add,
      int upstreams,
      int relayPartitions) {
    if (size.toMillis() <= 0 || grace.isNegative()) {
      throw new IllegalArgumentException(
          "window size must be > 0 and grace >= 0, got " + size + " and " + grace);
    }
    if (upstreams < 0) {
      throw new IllegalArgumentException("upstream partitions must be >= 0, got " + upstreams);
    }
    if (relayPartitions < 0 || relayPartitions > 0 && upstreams == 0) {
      throw new IllegalArgumentException(
          "relay partitions "
              + relayPartitions
              + " with "
              + upstreams
              + " upstream partitions: expected 0, or > 0 with upstream partitions");
    }
    this.upstreams = upstreams;
    this.relayPartitions = relayPartitions;
    this.store = OpenWindowStore.builder(storeName, aggregates);
    this.sizeMs = size.toMillis();
    this.graceMs = grace.toMillis();
    this.initial = initial;
    this.add = add;
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(store);
  }

  @Override
  public Processor<String, Marked<V>, String, Marked<Window<A>>> get() {
    return new WindowProcessor();
  }

  /** One task's windows as a processor of their own. */
  private final class WindowProcessor
      implements Processor<String, Marked<V>, String, Marked<Window<A>>> {
    private Windows windows;

    @Override
    public void init(ProcessorContext<String, Marked<Window<A>>> context) {
      this.windows = new Windows(context, context::forward);
    }

    @Override
    public void close() {
      windows.close();
    }

    @Override
    public void process(Record<String, Marked<V>> record) {
      if (record.value() instanceof Marked.Mark<V> mark) {
        windows.mark(mark.watermark(), record);
      } else {
        windows.add(record.key(), ((Marked.Item<V>) record.value()).value(), record);
      }
    }
  }

  /**
   * One task's windows: open ones in the store, closed and passed to {@code out} as time passes
   * them. A processor holds one ({@link #get}), or several that see the same records ({@link
   * WindowsFanOut}).
   */
  public final class Windows {
    private final ProcessingContext context;
    private final Consumer<Record<String, Marked<Window<A>>>> out;
    private final OpenWindowStore<A> open;
    private final Sensor late;
    private boolean warned;
    private boolean warnedMark;
    // windows starting below this were already looked for (not kept: one scan after a start)
    private long scannedBelow = Long.MIN_VALUE;
    // the last window end relayed; not kept: after a restart the same value may go again,
    // which a downstream frontier (a maximum per upstream) ignores
    private long relayed = Long.MIN_VALUE;

    /** For the processor being initialised with {@code context}, in its {@code init}. */
    public Windows(ProcessingContext context, Consumer<Record<String, Marked<Window<A>>>> out) {
      this.context = context;
      this.out = out;
      if (relayPartitions > 0 && context.taskId().partition() >= relayPartitions) {
        throw new IllegalStateException(
            store.name()
                + ": task of partition "
                + context.taskId().partition()
                + ", but "
                + relayPartitions
                + " partitions to "
                + "relay watermarks for: the input topic has more partitions than configured");
      }
      this.open = context.getStateStore(store.name());
      late =
          context
              .metrics()
              .addSensor(
                  "nines-windows-late-" + store.name() + "-" + context.taskId(),
                  Sensor.RecordingLevel.INFO);
      late.add(
          new MetricName(
              LATE_METRIC,
              METRIC_GROUP,
              "Records dropped because their " + "window had closed",
              Map.of("task-id", context.taskId().toString(), "store", store.name())),
          new CumulativeCount());
    }

    /** From the processor's {@code close}. */
    public void close() {
      context.metrics().removeSensor(late);
    }

    /**
     * Adds {@code value} under {@code key} to its window, at {@code record}'s timestamp, from the
     * upstream partition in its headers (unless it is late).
     */
    public void add(String key, V value, Record<String, ?> record) {
      add(
          key,
          value,
          record.timestamp(),
          record,
          upstreams > 0 ? Marked.upstream(record.headers()) : -1);
    }

    /**
     * Adds {@code value} under {@code key} to its window at {@code ts}, from partition {@code
     * upstream} of the upstream (unless it is late). {@code in}: the record it came in, whose
     * headers windows closed by it carry; a batch's entries share their batch's.
     */
    public void add(String key, V value, long ts, Record<String, ?> in, int upstream) {
      if (key == null || ts < 0) {
        dropLate(key, ts, NO_WINDOW);
        return;
      }
      if (upstreams == 0) {
        open.advanceStreamTime(ts);
      }
      long closeTime = saturatedMinus(open.streamTime(), graceMs);
      long start = ts - ts % sizeMs;
      boolean late = start + sizeMs <= closeTime;
      if (!late && upstreams > 0) {
        Watermark own = open.mark(upstream);
        late = own != null && start + sizeMs <= saturatedMinus(own.streamTime(), graceMs);
      }
      if (!late) {
        open.add(start, key, value, ts, add, initial);
      } else {
        dropLate(key, ts, start);
      }
      if (upstreams == 0) {
        closeUpTo(closeTime, in);
      }
    }

    /** Takes in watermark {@code w}, which came in {@code record}, and closes what it passed. */
    public void mark(Watermark w, Record<String, ?> record) {
      if (upstreams == 0 || w.partitions() != upstreams) {
        // a mark of another layout (topics.partitions changed): it says nothing about this one
        if (!warnedMark) {
          warnedMark = true;
          log.warn(
              "{} (task {}): watermark of upstream {} of {} ignored: this topology "
                  + "expects {} upstream partitions",
              store.name(),
              context.taskId(),
              w.partition(),
              w.partitions(),
              upstreams);
        }
        return;
      }
      Watermark before = open.marks().get(w.partition());
      // the larger value, as OrderGate keeps; a mark of an earlier layout is replaced
      open.putMark(
          before != null && before.partitions() == w.partitions() ? Watermark.max(before, w) : w);
      long frontier = frontier(open.marks());
      if (frontier != OpenWindowStore.NO_TIME && frontier > open.streamTime()) {
        open.advanceStreamTime(frontier);
        long closeTime = saturatedMinus(frontier, graceMs);
        closeUpTo(closeTime, record);
        relay(closeTime, frontier);
      }
    }

    /**
     * Forwards the largest window end {@code <= closeTime}, once it grew (class doc), stamped
     * with the frontier: later than the window end by the grace, so that a task reading it
     * beside a topic of event-time records (such as the route plans) has, in timestamp order,
     * processed those up to the window end first.
     */
    private void relay(long closeTime, long frontier) {
      if (relayPartitions == 0 || closeTime == Long.MIN_VALUE) {
        return;
      }
      long end = closeTime - Math.floorMod(closeTime, sizeMs);
      if (end > relayed) {
        relayed = end;
        // no headers: which record moved the frontier depends on the interleaving
        out.accept(
            new Record<>(
                Marked.MARK_KEY,
                Marked.<Window<A>>mark(
                    new Watermark(context.taskId().partition(), relayPartitions, end, false)),
                Math.max(0, frontier)));
      }
    }

    /** min(W_u) over the partitions not idle; the largest latest if all are idle. */
    private long frontier(Map<Integer, Watermark> marks) {
      // grace 0 here: the windows apply their own grace to the frontier when they close
      return OrderGate.frontierOfLayout(marks, 0, upstreams, upstreams);
    }

    /** Forwards and forgets every window with {@code end <= closeTime}. */
    private void closeUpTo(long closeTime, Record<String, ?> record) {
      // windows starting at or before lastClosed have end <= closeTime
      long lastClosed = saturatedMinus(closeTime, sizeMs);
      if (lastClosed >= scannedBelow) {
        for (OpenWindowStore.Closed<A> c : open.close(lastClosed)) {
          out.accept(
              record
                  .withKey(c.key())
                  .withValue(
                      Marked.<Window<A>>item(
                          new Window<>(c.start(), c.start() + sizeMs, c.value())))
                  .withTimestamp(c.timestamp()));
        }
        scannedBelow = lastClosed < 0 ? 0 : lastClosed - lastClosed % sizeMs + sizeMs;
      }
    }

    private void dropLate(String key, long ts, long start) {
      late.record();
      // One WARN per task, then DEBUG: a catch-up over several partitions can drop a large
      // share of records as late (BENCHMARKS.md: 5.9 M lines, 1.4 GB of log in one run), and
      // the metric already counts every one of them.
      if (!warned) {
        warned = true;
        log.warn(
            "{} (task {}): record for key '{}' at {} dropped: {}. Further late records "
                + "of this task are counted in {} {} and logged at DEBUG",
            store.name(),
            context.taskId(),
            key,
            Instant.ofEpochMilli(ts),
            why(start),
            METRIC_GROUP,
            LATE_METRIC);
      } else if (log.isDebugEnabled()) {
        log.debug(
            "{}: record for key '{}' at {} dropped: {}",
            store.name(),
            key,
            Instant.ofEpochMilli(ts),
            why(start));
      }
    }

    private String why(long start) {
      return start == NO_WINDOW
          ? "no key or no timestamp"
          : "window ["
              + Instant.ofEpochMilli(start)
              + ", "
              + Instant.ofEpochMilli(start + sizeMs)
              + ") closed "
              + (upstreams == 0
                  ? "at stream time " + Instant.ofEpochMilli(open.streamTime())
                  : "by the watermarks (released up to "
                      + time(open.streamTime())
                      + ", this record's upstream partition at its last mark)");
    }
  }

  private static String time(long t) {
    return t == OpenWindowStore.NO_TIME ? "nothing" : Instant.ofEpochMilli(t).toString();
  }

  private static long saturatedMinus(long t, long d) {
    return OrderGate.saturatedMinus(t, d);
  }
}
