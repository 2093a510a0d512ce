package dev.nines.eventtime;

import dev.nines.serde.SerdeException;
import java.nio.ByteBuffer;
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
 * (version 1, without {@code latest}, is still read: {@code latest = streamTime}).
 *
 * <p>Only for inner serdes whose output never starts with {@link #MARK} (checked on write).
 */
public final class MarkedSerde {
  private MarkedSerde() {}

  /** Leading byte of a watermark ('W'). */
  public static final byte MARK = 0x57;

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
          byte[] b = inner.serializer().serialize(topic, ((Marked.Item<V>) m).value());
          if (b != null && b.length > 0 && b[0] == MARK) {
            throw new SerdeException(
                topic,
                null,
                "the inner serde wrote a record starting with the "
                    + "watermark byte 0x57; it cannot share a topic with watermarks",
                null);
          }
          return b;
        };
    Deserializer<Marked<V>> de =
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          if (data.length > 0 && data[0] == MARK) {
            return Marked.mark(decode(topic, data));
          }
          return Marked.item(inner.deserializer().deserialize(topic, data));
        };
    return Serdes.serdeFrom(ser, de);
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
