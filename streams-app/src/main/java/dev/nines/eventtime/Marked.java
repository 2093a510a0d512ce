package dev.nines.eventtime;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** A value of a watermarked repartition topic: a record of the stream, or a watermark. */
public sealed interface Marked<V> permits Marked.Item, Marked.Mark {

  /** The key watermarks are written with (the partitioner, not the key, places them). */
  String MARK_KEY = "~watermark";

  /** Header carrying the upstream partition of an item, as a 4-byte big-endian int. */
  String UPSTREAM_HEADER = "nines.upstream.partition";

  static <V> Marked<V> item(V value) {
    return new Item<>(value);
  }

  static <V> Marked<V> mark(Watermark watermark) {
    return new Mark<>(watermark);
  }

  /** An item with {@code f} applied to its value; a watermark as it is. */
  @SuppressWarnings("unchecked")
  static <V, W> Marked<W> map(Marked<V> m, Function<V, W> f) {
    return m instanceof Item<V> i ? new Item<>(f.apply(i.value())) : (Marked<W>) m;
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
}
