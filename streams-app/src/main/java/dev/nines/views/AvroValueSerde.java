package dev.nines.views;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Store values as Avro single-object encoding (a fingerprint of the writer schema, then the
 * body): no schema registry is involved (a store's changelog is not a contract topic), and a
 * value of an unknown schema fails loudly instead of being misread.
 */
public final class AvroValueSerde {
  private AvroValueSerde() {}

  public static <T extends SpecificRecord> Serde<T> of(Class<T> type) {
    var schema = SpecificData.get().getSchema(type);
    BinaryMessageEncoder<T> encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
    BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema);
    return Serdes.serdeFrom(
        (topic, v) -> v == null ? null : encode(encoder, v),
        (topic, b) -> b == null ? null : decode(decoder, b));
  }

  static <T> byte[] encode(BinaryMessageEncoder<T> encoder, T v) {
    try {
      ByteBuffer buf = encoder.encode(v);
      byte[] out = new byte[buf.remaining()];
      buf.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T> T decode(BinaryMessageDecoder<T> decoder, byte[] b) {
    try {
      return decoder.decode(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
