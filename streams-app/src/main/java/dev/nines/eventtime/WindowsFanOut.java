package dev.nines.eventtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Several sets of {@link ClosingWindows} over one stream, in one processor: each record is added
 * to every set under the keys that set gives it, each watermark goes to every set in turn, and
 * what a set closes goes to its own child processor.
 *
 * <pre>
 * FOR EACH tap: INSERT INTO tap.child
 *   SELECT k, window, AGGREGATE(value) FROM input, tap.keys(key, value) AS k
 *   GROUP BY k, TUMBLING(timestamp, tap.size, tap.grace) EMIT ON WINDOW CLOSE
 * </pre>
 *
 * <p>Why one processor: carrier health, the routing buckets and the error-rate hours all count
 * the de-duplicated receipts of a by-carrier task. As processors of their own, behind a mapping,
 * two merges and a re-keying step, each receipt took seven forwards to reach them (Kafka Streams'
 * per-record work each time); here it is one method call per set. The sets behave as they did as
 * processors: the same stores, the same rules ({@link ClosingWindows}), marks taken in the order
 * of the taps.
 *
 * <p>The items pass their type's de-duplication ({@link Gate}, a {@link Dedup} with its store)
 * here too, a batch entry by entry: as a processor of its own in front, it forwarded every
 * receipt, and a merge forwarded it again. What a gate lets through, and what it remembers, is
 * what the processor did ({@link Dedup#get} and the gate are one code).
 *
 * <p>In the DSL the children are named: the first node a feature attaches to {@link #output} must
 * be named {@link Tap#child()}, since a set's windows are forwarded to that child only.
 *
 * @param <T> the values of the input
 */
public final class WindowsFanOut<T>
    implements ProcessorSupplier<String, Marked<T>, String, Object> {

  /** The keys a set counts a record under: none, one or several ({@code each} per key). */
  @FunctionalInterface
  public interface Keys<T> {
    void of(String key, T value, Consumer<String> each);

    /** The record's own key. */
    static <T> Keys<T> same() {
      return (key, value, each) -> each.accept(key);
    }
  }

  /**
   * One set of windows: what it counts, under which keys, and the child processor its closed
   * windows (and relayed marks) go to.
   */
  public record Tap<T, A>(ClosingWindows<? super T, A> windows, Keys<T> keys, String child) {
    public Tap {
      Objects.requireNonNull(windows, "windows");
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(child, "child");
    }
  }

  /**
   * The de-duplication the items of one type pass before any set counts them. A batch is read by
   * its gate entry by entry; a mark goes to every gate (each takes its own upstreams' marks).
   */
  public record Gate<X>(Dedup<X> dedup, Class<X> type) {
    public Gate {
      Objects.requireNonNull(dedup, "dedup");
      Objects.requireNonNull(type, "type");
    }
  }

  private final List<Gate<?>> gates;
  private final List<Tap<T, ?>> taps;

  /** Windows over items that pass no de-duplication (batches are read entry by entry). */
  public WindowsFanOut(List<Tap<T, ?>> taps) {
    this(List.of(), taps);
  }

  /**
   * @param gates the de-duplication of each type of item, one gate per type; an item of no
   *     gate's type is counted as it is
   */
  public WindowsFanOut(List<Gate<?>> gates, List<Tap<T, ?>> taps) {
    if (taps.isEmpty()) {
      throw new IllegalArgumentException("no window sets");
    }
    if (taps.stream().map(Tap::child).distinct().count() != taps.size()) {
      throw new IllegalArgumentException("two window sets with one child: " + taps);
    }
    if (gates.stream().map(Gate::type).distinct().count() != gates.size()) {
      throw new IllegalArgumentException("two gates for one type: " + gates);
    }
    this.gates = List.copyOf(gates);
    this.taps = List.copyOf(taps);
  }

  /**
   * The output of {@code tap}'s windows, out of the stream {@code fanOut} this processor returns:
   * attach the tap's child to it (no node of its own: a typed view of the same stream).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static <A> KStream<String, Marked<ClosingWindows.Window<A>>> output(
      KStream<String, Object> fanOut, Tap<?, A> tap) {
    return (KStream) fanOut;
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    Set<StoreBuilder<?>> stores = new LinkedHashSet<>();
    gates.forEach(g -> stores.add(g.dedup().storeBuilder()));
    taps.forEach(t -> stores.addAll(t.windows().stores()));
    return stores;
  }

  @Override
  public Processor<String, Marked<T>, String, Object> get() {
    return new Processor<>() {
      private final List<TapWindows<T, ?>> sets = new ArrayList<>();
      private final List<TypedGate<T>> typed = new ArrayList<>();
      private final Dedup.Passed<T> count = this::count;
      // the record being processed, and the upstream partition in its headers: read once for
      // all of a batch's entries
      private Record<String, Marked<T>> in;
      private int upstream;

      @Override
      public void init(ProcessorContext<String, Object> context) {
        typed.clear();
        for (Gate<?> g : gates) {
          typed.add(TypedGate.of(g, context));
        }
        sets.clear();
        for (Tap<T, ?> tap : taps) {
          sets.add(TapWindows.of(tap, context));
        }
      }

      @Override
      public void close() {
        sets.forEach(s -> s.windows.close());
      }

      @Override
      public void process(Record<String, Marked<T>> record) {
        Marked<T> m = record.value();
        if (m instanceof Marked.Mark<T> mark) {
          for (TypedGate<T> g : typed) {
            g.gate.mark(mark.watermark());
          }
          for (TapWindows<T, ?> s : sets) {
            s.windows.mark(mark.watermark(), record);
          }
          return;
        }
        in = record;
        upstream = Marked.upstream(record.headers());
        Object sample =
            m instanceof Marked.Batch<T> b
                ? (b.entries().isEmpty() ? null : b.entries().get(0).value())
                : ((Marked.Item<T>) m).value();
        for (TypedGate<T> g : typed) {
          if (g.type.isInstance(sample)) {
            g.pass(record, count);
            return;
          }
        }
        if (m instanceof Marked.Batch<T> b) {
          for (Marked.Entry<T> e : b.entries()) {
            count(e.key(), e.value(), e.timestamp());
          }
        } else {
          count(record.key(), ((Marked.Item<T>) m).value(), record.timestamp());
        }
      }

      private void count(String key, T value, long ts) {
        for (TapWindows<T, ?> s : sets) {
          s.add(key, value, ts, in, upstream);
        }
      }
    };
  }

  /** One task's gate of one type. */
  private static final class TypedGate<T> {
    private final Class<?> type;
    private final Dedup<?>.Gate gate;

    private TypedGate(Class<?> type, Dedup<?>.Gate gate) {
      this.type = type;
      this.gate = gate;
    }

    static <T> TypedGate<T> of(Gate<?> g, ProcessorContext<String, Object> context) {
      return new TypedGate<>(g.type(), g.dedup().new Gate(context));
    }

    /** The record's items of this gate's type, those not seen before, to {@code out}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void pass(Record<String, Marked<T>> record, Dedup.Passed<T> out) {
      ((Dedup.Gate) gate).pass(record, out);
    }
  }

  /** One task's windows of one tap. */
  private static final class TapWindows<T, A> {
    private final Keys<T> keys;
    private final ClosingWindows<? super T, A>.Windows windows;
    // the item being added, for the one callback made here rather than one per item
    private T current;
    private long currentTs;
    private Record<String, ?> currentIn;
    private int currentUpstream;
    private final Consumer<String> each;

    private TapWindows(Keys<T> keys, ClosingWindows<? super T, A>.Windows windows) {
      this.keys = keys;
      this.windows = windows;
      this.each = k -> windows.add(k, current, currentTs, currentIn, currentUpstream);
    }

    static <T, A> TapWindows<T, A> of(Tap<T, A> tap, ProcessorContext<String, Object> context) {
      String child = tap.child();
      return new TapWindows<>(
          tap.keys(), tap.windows().new Windows(context, r -> context.forward(r, child)));
    }

    void add(String key, T value, long ts, Record<String, ?> in, int upstream) {
      current = value;
      currentTs = ts;
      currentIn = in;
      currentUpstream = upstream;
      keys.of(key, value, each);
      current = null;
      currentIn = null;
    }
  }
}
