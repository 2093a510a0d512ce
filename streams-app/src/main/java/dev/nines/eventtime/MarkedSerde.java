package dev.nines.eventtime;

import dev.nines.serde.SerdeException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value format of a watermarked internal topic. An item is written by the inner serde,
 * unchanged: for Avro values that is Confluent's wire format, whose first byte is the magic byte
 * {@code 0x00}, so records this topic carried before watermarks existed still read as items. A
 * watermark starts with {@link #MARK} instead, which no Confluent-framed record does:
 * {@code 'W', version 2, int partition, int partitions, long streamTime, byte idle, long latest}
 * (version 1, without {@code latest}, is still read: {@code latest = streamTime}). A batch
 * starts with {@link #BATCH}: {@code 'B', version 1, int partition, int count}, then per entry
 * {@code int keyLength, key (UTF-8), long timestamp, int valueLength, value (the inner serde)}.
 *
 * <p>Only for inner serdes whose output never starts with {@link #MARK} or {@link #BATCH}
 * (checked on write).
 */
public final class MarkedSerde {
  private MarkedSerde() {}

  /** Leading byte of a watermark ('W'). */
  public static final byte MARK = 0x57;

  /** Leading byte of a batch ('B'). */
  public static final byte BATCH = 0x42;

  static final byte BATCH_VERSION = 1;
  static final int BATCH_HEADER = 1 + 1 + 4 + 4;

  static final byte VERSION = 2;
  static final int MARK_SIZE = 1 + 1 + 4 + 4 + 8 + 1 + 8;
  static final int V1_SIZE = MARK_SIZE - 8;

  public static <V> Serde<Marked<V>> of(Serde<V> inner) {
    Serializer<Marked<V>> ser =
        (topic, m) -> {
          if (m == null) {
            return null;
          }
          if (m instanceof Marked.Mark<V> mark) {
            return encode(mark.watermark());
          }
          if (m instanceof Marked.Batch<V> batch) {
            return encodeBatch(topic, batch, inner.serializer());
          }
          return item(topic, inner.serializer(), ((Marked.Item<V>) m).value());
        };
    Deserializer<Marked<V>> de =
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          if (data.length > 0 && data[0] == MARK) {
            return Marked.mark(decode(topic, data));
          }
          if (data.length > 0 && data[0] == BATCH) {
            return decodeBatch(topic, data, inner.deserializer());
          }
          return Marked.item(inner.deserializer().deserialize(topic, data));
        };
    return Serdes.serdeFrom(ser, de);
  }

  private static <V> byte[] item(String topic, Serializer<V> inner, V value) {
    byte[] b = inner.serialize(topic, value);
    if (b != null && b.length > 0 && (b[0] == MARK || b[0] == BATCH)) {
      throw new SerdeException(
          topic,
          null,
          "the inner serde wrote a record starting with the watermark byte 0x57 or the batch "
              + "byte 0x42; it cannot share a topic with watermarks and batches",
          null);
    }
    return b;
  }

  static <V> byte[] encodeBatch(String topic, Marked.Batch<V> batch, Serializer<V> inner) {
    int n = batch.entries().size();
    byte[][] keys = new byte[n][];
    byte[][] values = new byte[n][];
    int size = BATCH_HEADER;
    for (int i = 0; i < n; i++) {
      Marked.Entry<V> e = batch.entries().get(i);
      keys[i] = e.key().getBytes(StandardCharsets.UTF_8);
      values[i] = item(topic, inner, e.value());
      if (values[i] == null) {
        throw new SerdeException(topic, null, "the inner serde wrote null for " + e, null);
      }
      size += 4 + keys[i].length + 8 + 4 + values[i].length;
    }
    ByteBuffer b =
        ByteBuffer.allocate(size).put(BATCH).put(BATCH_VERSION).putInt(batch.partition()).putInt(n);
    for (int i = 0; i < n; i++) {
      b.putInt(keys[i].length)
          .put(keys[i])
          .putLong(batch.entries().get(i).timestamp())
          .putInt(values[i].length)
          .put(values[i]);
    }
    return b.array();
  }

  static <V> Marked.Batch<V> decodeBatch(String topic, byte[] data, Deserializer<V> inner) {
    if (data.length < BATCH_HEADER || data[1] != BATCH_VERSION) {
      throw new SerdeException(
          topic,
          null,
          "batch of "
              + data.length
              + " bytes, version "
              + (data.length > 1 ? data[1] : -1)
              + ": expected version "
              + BATCH_VERSION
              + " and at least "
              + BATCH_HEADER
              + " bytes",
          null);
    }
    ByteBuffer b = ByteBuffer.wrap(data, 2, data.length - 2);
    try {
      int partition = b.getInt();
      int n = b.getInt();
      if (n < 0 || n > data.length) {
        throw new IllegalArgumentException(n + " entries in " + data.length + " bytes");
      }
      List<Marked.Entry<V>> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        byte[] key = new byte[length(b)];
        b.get(key);
        long timestamp = b.getLong();
        byte[] value = new byte[length(b)];
        b.get(value);
        entries.add(
            new Marked.Entry<>(
                new String(key, StandardCharsets.UTF_8),
                timestamp,
                inner.deserialize(topic, value)));
      }
      if (b.hasRemaining()) {
        throw new IllegalArgumentException(b.remaining() + " bytes after the last entry");
      }
      return new Marked.Batch<>(partition, entries);
    } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new SerdeException(topic, null, "invalid batch: " + e, e);
    }
  }

  private static int length(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("length " + n + " with " + b.remaining() + " bytes left");
    }
    return n;
  }

  static byte[] encode(Watermark w) {
    return ByteBuffer.allocate(MARK_SIZE)
        .put(MARK)
        .put(VERSION)
        .putInt(w.partition())
        .putInt(w.partitions())
        .putLong(w.streamTime())
        .put((byte) (w.idle() ? 1 : 0))
        .putLong(w.latest())
        .array();
  }

  static Watermark decode(String topic, byte[] data) {
    boolean v1 = data.length == V1_SIZE && data[1] == 1;
    if (!v1 && (data.length != MARK_SIZE || data[1] != VERSION)) {
      throw new SerdeException(
          topic,
          null,
          "watermark of "
              + data.length
              + " bytes, version "
              + (data.length > 1 ? data[1] : -1)
              + ": expected "
              + MARK_SIZE
              + " bytes, version "
              + VERSION
              + " (or "
              + V1_SIZE
              + " bytes, version 1)",
          null);
    }
    ByteBuffer b = ByteBuffer.wrap(data, 2, data.length - 2);
    try {
      int partition = b.getInt();
      int partitions = b.getInt();
      long streamTime = b.getLong();
      boolean idle = b.get() == 1;
      return new Watermark(partition, partitions, streamTime, idle, v1 ? streamTime : b.getLong());
    } catch (IllegalArgumentException e) {
      throw new SerdeException(topic, null, "invalid watermark: " + e.getMessage(), e);
    }
  }
}
