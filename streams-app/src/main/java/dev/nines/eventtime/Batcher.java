package dev.nines.eventtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Upstream half of a batched repartition: the items an input task sends to the same partition
 * travel as one {@link Marked.Batch} record instead of one record each; downstream, {@link
 * Dedup} reads them one by one, as they would have arrived alone. The processor that would
 * forward the items batches them itself, with this batcher's {@link #buffers} ({@link
 * WatermarkEmitter#batching}): no forward per item to a processor of its own.
 *
 * <pre>
 * SELECT partition, LIST(key, timestamp, value) FROM items
 * GROUP BY partition = murmur2(key) % partitions   -- where each record would have gone
 * EMIT BEFORE every watermark, WHEN COUNT(*) = maxEntries OR SIZE >= maxBytes, BEFORE every commit
 * </pre>
 *
 * <p>Why: each record crossing a repartition costs a send, a fetch, a decode and Kafka Streams'
 * per-record work in two tasks (BENCHMARKS.md, "Throughput"); a batch pays that once for up to
 * {@code maxEntries} records. Why the outputs stay the same: a batch holds the records of one
 * input task in their order, and never spans a watermark, so downstream every record meets the
 * same last mark of its upstream partition it met alone. The batches are sent before the task
 * commits ({@link CommitHook}), so under exactly-once they are in the transaction that commits
 * their input; a dirty close drops the buffer, and the input is processed again.
 *
 * <p>{@code maxEntries} 1 sends every item alone, as versions without batches did: the first
 * step of a rolling upgrade, while some instances cannot read batches yet.
 */
public final class Batcher<V> {
  private final String hookName;
  private final int partitions;
  private final int maxEntries;
  private final ToIntFunction<V> size;
  private final int maxBytes;

  /**
   * @param hookName the name of the {@link CommitHook} that sends the buffers before a commit
   * @param partitions the partitions of the repartition topic (config; Kafka Streams creates the
   *     topic with this count)
   * @param maxEntries the most records in one batch; 1: no batches
   * @param size an upper bound of a value's size in the batch, in bytes
   * @param maxBytes a batch is sent once its values' sizes and keys add up to this
   */
  public Batcher(
      String hookName, int partitions, int maxEntries, ToIntFunction<V> size, int maxBytes) {
    if (partitions < 1 || maxEntries < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          partitions
              + " partitions, "
              + maxEntries
              + " entries and "
              + maxBytes
              + " bytes per batch: expected each >= 1");
    }
    this.hookName = hookName;
    this.partitions = partitions;
    this.maxEntries = maxEntries;
    this.size = size;
    this.maxBytes = maxBytes;
  }

  /** The stores the processor using this batcher must have: its commit hook. */
  public Set<StoreBuilder<?>> stores() {
    return Set.of(CommitHook.builder(hookName));
  }

  /** True if this batcher sends items alone ({@code maxEntries} 1): no buffers. */
  boolean single() {
    return maxEntries == 1;
  }

  /**
   * The buffers of the processor being initialised with {@code context}, bound to this batcher's
   * hook. It must {@link Buffers#sendAll} before it forwards anything that is not an item.
   */
  Buffers buffers(ProcessorContext<String, Marked<V>> context) {
    return new Buffers(context);
  }

  /** One task's items by destination partition, sent as batches. */
  final class Buffers {
    private final ProcessorContext<String, Marked<V>> context;
    private final CommitHook.Binding hook;

    @SuppressWarnings("unchecked")
    private final List<Marked.Entry<V>>[] buffers = new List[partitions];

    private final long[] lastTimestamp = new long[partitions];
    private final int[] bytes = new int[partitions];
    private Header upstream;
    private int buffered;

    private Buffers(ProcessorContext<String, Marked<V>> context) {
      this.context = context;
      for (int p = 0; p < partitions; p++) {
        buffers[p] = new ArrayList<>();
      }
      this.hook = CommitHook.bind(context, hookName, this::sendAll, this::drop);
    }

    /** Adds an item bound for {@code murmur2(key) % partitions}, from upstream {@code h}. */
    void add(String key, long timestamp, V value, Header h) {
      if (buffered > 0 && !sameUpstream(h)) {
        sendAll();
      }
      upstream = h;
      hook.seen();
      int p = MulticastPartitioner.partitionOf(key, partitions);
      List<Marked.Entry<V>> b = buffers[p];
      b.add(new Marked.Entry<>(key, timestamp, value));
      lastTimestamp[p] = timestamp;
      // the key's UTF-8 bytes at most 3 per char, plus the entry's lengths and timestamp
      bytes[p] += 16 + 3 * key.length() + size.applyAsInt(value);
      buffered++;
      if (b.size() >= maxEntries || bytes[p] >= maxBytes) {
        send(p);
      }
    }

    private boolean sameUpstream(Header h) {
      return h == null
          ? upstream == null
          : upstream != null && Arrays.equals(h.value(), upstream.value());
    }

    /** Sends every buffer that holds an item. */
    void sendAll() {
      if (buffered == 0) {
        return;
      }
      for (int p = 0; p < partitions; p++) {
        if (!buffers[p].isEmpty()) {
          send(p);
        }
      }
    }

    private void send(int p) {
      List<Marked.Entry<V>> b = buffers[p];
      RecordHeaders headers = new RecordHeaders();
      if (upstream != null) {
        headers.add(upstream);
      }
      context.forward(
          new Record<String, Marked<V>>(
              Marked.BATCH_KEY,
              new Marked.Batch<>(p, List.copyOf(b)),
              Math.max(0, lastTimestamp[p]),
              headers));
      buffered -= b.size();
      b.clear();
      bytes[p] = 0;
    }

    private void drop() {
      for (List<Marked.Entry<V>> b : buffers) {
        b.clear();
      }
      Arrays.fill(bytes, 0);
      buffered = 0;
    }
  }
}
