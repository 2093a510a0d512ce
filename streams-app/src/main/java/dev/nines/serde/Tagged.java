package dev.nines.serde;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A reference-data record together with its original key, for an internal topic that is keyed by
 * something else: a maintenance window re-keyed by service still needs its window id, and a
 * tombstone (value null) still needs to say which id it removes.
 *
 * @param id the record's key on its contract topic
 * @param value the value, or null for a tombstone
 */
public record Tagged<V>(String id, V value) {
  public Tagged {
    Objects.requireNonNull(id, "id");
  }

  /**
   * Internal topics only: {@code int idLength, id (UTF-8), byte present, value bytes of the
   * inner serde}.
   */
  public static <V> Serde<Tagged<V>> serde(Serde<V> inner) {
    Serializer<Tagged<V>> ser =
        (topic, t) -> {
          if (t == null) {
            return null;
          }
          byte[] id = t.id().getBytes(StandardCharsets.UTF_8);
          byte[] v =
              t.value() == null ? new byte[0] : inner.serializer().serialize(topic, t.value());
          return ByteBuffer.allocate(4 + id.length + 1 + v.length)
              .putInt(id.length)
              .put(id)
              .put((byte) (t.value() == null ? 0 : 1))
              .put(v)
              .array();
        };
    Deserializer<Tagged<V>> de =
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          ByteBuffer b = ByteBuffer.wrap(data);
          byte[] id = new byte[b.getInt()];
          b.get(id);
          boolean present = b.get() == 1;
          byte[] v = new byte[b.remaining()];
          b.get(v);
          return new Tagged<>(
              new String(id, StandardCharsets.UTF_8),
              present ? inner.deserializer().deserialize(topic, v) : null);
        };
    return Serdes.serdeFrom(ser, de);
  }
}
