package dev.nines.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.serialization.Serde;
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
 * <p>The results are those of Kafka Streams' {@code windowedBy(TimeWindows.ofSizeAndGrace(size,
 * grace)).emitStrategy(EmitStrategy.onWindowClose()).aggregate(...)} with the emit interval set
 * to 0, which nines used before:
 * <ul>
 *   <li>stream time is the highest record timestamp seen; a record joins its window
 *       {@code [s, s + size)} unless {@code s + size <= streamTime - grace} (the window has
 *       closed): then it is dropped, logged and counted;</li>
 *   <li>after each record, every window with {@code end <= streamTime - grace} is forwarded,
 *       ordered by start and then key bytes, stamped with its newest record's timestamp and with
 *       the triggering record's headers, and forgotten.</li>
 * </ul>
 *
 * <p>Why not the DSL: its first emission with no emit metadata (every new application id: first
 * start, replay, benchmark) walked the caching window store from time 0 one window at a time,
 * ~8 s per task, which outlasted the transaction timeout and got the thread fenced in a loop
 * (BENCHMARKS.md, "Profile"). Here closed windows are found by one range scan of the open
 * ones, which are all the store holds. Two further differences, both for issue #9:
 * <ul>
 *   <li>stream time is kept in the store, so after a restart a record that was late before is
 *       still late (the DSL forgot stream time and silently kept such a record in a window it
 *       never emitted);</li>
 *   <li>a window stays until it is emitted (the DSL's store dropped unemitted windows by
 *       retention when event time jumped).</li>
 * </ul>
 */
public final class ClosingWindows<V, A>
    implements ProcessorSupplier<String, V, String, ClosingWindows.Window<A>> {
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

  /**
   * @param storeName the store of open windows (a changelogged key-value store)
   * @param aggregates how an aggregate is stored
   * @param initial a new, empty aggregate
   * @param add adds a value to an aggregate and returns it (it may update it in place)
   */
  public ClosingWindows(String storeName, Serde<A> aggregates, Duration size, Duration grace,
      Supplier<A> initial, BiFunction<V, A, A> add) {
    if (size.toMillis() <= 0 || grace.isNegative()) {
      throw new IllegalArgumentException("window size must be > 0 and grace >= 0, got "
          + size + " and " + grace);
    }
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
  public Processor<String, V, String, Window<A>> get() {
    return new Processor<>() {
      private ProcessorContext<String, Window<A>> context;
      private OpenWindowStore<A> open;
      private Sensor late;
      private boolean warned;
      // windows starting below this were already looked for (not kept: one scan after a start)
      private long scannedBelow = Long.MIN_VALUE;

      @Override
      public void init(ProcessorContext<String, Window<A>> context) {
        this.context = context;
        this.open = context.getStateStore(store.name());
        this.scannedBelow = Long.MIN_VALUE;
        this.warned = false;
        late = context.metrics().addSensor("nines-windows-late-" + store.name() + "-"
            + context.taskId(), Sensor.RecordingLevel.INFO);
        late.add(new MetricName(LATE_METRIC, METRIC_GROUP, "Records dropped because their "
            + "window had closed", Map.of("task-id", context.taskId().toString(),
            "store", store.name())), new CumulativeCount());
      }

      @Override
      public void close() {
        context.metrics().removeSensor(late);
      }

      @Override
      public void process(Record<String, V> record) {
        long ts = record.timestamp();
        if (record.key() == null || ts < 0) {
          dropLate(record, NO_WINDOW);
          return;
        }
        open.advanceStreamTime(ts);
        long closeTime = open.streamTime() - graceMs;
        long start = ts - ts % sizeMs;
        if (start + sizeMs > closeTime) {
          OpenWindowStore.Open<A> o = open.get(start, record.key());
          A agg = add.apply(record.value(), o == null ? initial.get() : o.value());
          open.put(start, record.key(), agg, o == null ? ts : Math.max(ts, o.timestamp()));
        } else {
          dropLate(record, start);
        }
        // windows starting at or before lastClosed have end <= closeTime
        long lastClosed = closeTime - sizeMs;
        if (lastClosed >= scannedBelow) {
          for (OpenWindowStore.Closed<A> c : open.close(lastClosed)) {
            context.forward(record.withKey(c.key())
                .withValue(new Window<>(c.start(), c.start() + sizeMs, c.value()))
                .withTimestamp(c.timestamp()));
          }
          scannedBelow = lastClosed < 0 ? 0 : lastClosed - lastClosed % sizeMs + sizeMs;
        }
      }

      private void dropLate(Record<String, V> record, long start) {
        late.record();
        // One WARN per task, then DEBUG: a catch-up over several partitions can drop a large
        // share of records as late (BENCHMARKS.md: 5.9 M lines, 1.4 GB of log in one run), and
        // the metric already counts every one of them.
        if (!warned) {
          warned = true;
          log.warn("{} (task {}): record for key '{}' at {} dropped: {}. Further late records "
              + "of this task are counted in {} {} and logged at DEBUG", store.name(),
              context.taskId(), record.key(), Instant.ofEpochMilli(record.timestamp()),
              why(start), METRIC_GROUP, LATE_METRIC);
        } else if (log.isDebugEnabled()) {
          log.debug("{}: record for key '{}' at {} dropped: {}", store.name(), record.key(),
              Instant.ofEpochMilli(record.timestamp()), why(start));
        }
      }

      private String why(long start) {
        return start == NO_WINDOW ? "no key or no timestamp"
            : "window [" + Instant.ofEpochMilli(start) + ", " + Instant.ofEpochMilli(start + sizeMs)
                + ") closed at stream time " + Instant.ofEpochMilli(open.streamTime());
      }
    };
  }
}
