package dev.nines.eventtime;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A value of a watermarked repartition topic: a record of the stream, a watermark, or a batch of
 * records bound for one partition (see {@link Batcher}).
 */
public sealed interface Marked<V> permits Marked.Item, Marked.Mark, Marked.Batch {

  /** The key watermarks are written with (the partitioner, not the key, places them). */
  String MARK_KEY = "~watermark";

  /** The key batches are written with (the partitioner, not the key, places them). */
  String BATCH_KEY = "~batch";

  /** Header carrying the upstream partition of an item, as a 4-byte big-endian int. */
  String UPSTREAM_HEADER = "nines.upstream.partition";

  static <V> Marked<V> item(V value) {
    return new Item<>(value);
  }

  static <V> Marked<V> mark(Watermark watermark) {
    return new Mark<>(watermark);
  }

  /** The item's value alone, or nothing for a watermark (for {@code flatMapValues}). */
  static <V> List<V> items(Marked<V> m) {
    return m instanceof Item<V> i ? List.of(i.value()) : List.of();
  }

  /** The upstream partition an item's header names ({@link #UPSTREAM_HEADER}), or -1. */
  static int upstream(Headers headers) {
    Header h = headers.lastHeader(UPSTREAM_HEADER);
    return h == null || h.value() == null || h.value().length != 4
        ? -1
        : ByteBuffer.wrap(h.value()).getInt();
  }

  /** A record of the stream. */
  record Item<V>(V value) implements Marked<V> {
    public Item {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A watermark. */
  record Mark<V>(Watermark watermark) implements Marked<V> {
    public Mark {
      Objects.requireNonNull(watermark, "watermark");
    }
  }

  /**
   * Records of one upstream task bound for one partition of the repartition topic, in the order
   * they were passed: each as it would have crossed alone (key, timestamp, value; the headers are
   * the batch record's own).
   *
   * @param partition the partition of the repartition topic: where each entry's key would go
   */
  record Batch<V>(int partition, List<Entry<V>> entries) implements Marked<V> {
    public Batch {
      Objects.requireNonNull(entries, "entries");
      if (partition < 0) {
        throw new IllegalArgumentException("partition " + partition + ": expected >= 0");
      }
    }
  }

  /** One record of a {@link Batch}. */
  record Entry<V>(String key, long timestamp, V value) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }
}
