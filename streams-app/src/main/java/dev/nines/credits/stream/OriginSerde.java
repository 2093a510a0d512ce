package dev.nines.credits.stream;

import dev.nines.ingest.OriginalRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An input record with its place, on an internal topic: {@code topic (int length, UTF-8), int
 * partition, long offset, key and value (int length, -1 for null, bytes)}.
 */
final class OriginSerde {
  private OriginSerde() {}

  static Serde<OriginalRecord> serde() {
    Serializer<OriginalRecord> ser =
        (topic, o) -> {
          if (o == null) {
            return null;
          }
          byte[] t = o.topic().getBytes(StandardCharsets.UTF_8);
          int size = 4 + t.length + 4 + 8 + 4 + len(o.key()) + 4 + len(o.value());
          ByteBuffer b = ByteBuffer.allocate(size).putInt(t.length).put(t);
          b.putInt(o.partition()).putLong(o.offset());
          put(b, o.key());
          put(b, o.value());
          return b.array();
        };
    Deserializer<OriginalRecord> de =
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          ByteBuffer b = ByteBuffer.wrap(data);
          byte[] t = new byte[b.getInt()];
          b.get(t);
          int partition = b.getInt();
          long offset = b.getLong();
          return new OriginalRecord(
              new String(t, StandardCharsets.UTF_8), partition, offset, get(b), get(b));
        };
    return Serdes.serdeFrom(ser, de);
  }

  private static int len(byte[] a) {
    return a == null ? 0 : a.length;
  }

  private static void put(ByteBuffer b, byte[] a) {
    if (a == null) {
      b.putInt(-1);
    } else {
      b.putInt(a.length).put(a);
    }
  }

  private static byte[] get(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0) {
      return null;
    }
    byte[] a = new byte[n];
    b.get(a);
    return a;
  }
}
