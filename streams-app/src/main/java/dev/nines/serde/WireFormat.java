package dev.nines.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format, as {@code KafkaAvroSerializer} writes it: byte 0 is the magic byte
 * {@code 0x00}, bytes 1..4 the schema id as a big-endian int, then the Avro binary body.
 */
public final class WireFormat {
  private WireFormat() {}

  public static final byte MAGIC = 0x0;
  public static final int HEADER_SIZE = 5;

  /** The header bytes and the body, framed. */
  public static byte[] frame(int schemaId, byte[] body, int bodyLength) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE + bodyLength);
    b.put(MAGIC).putInt(schemaId).put(body, 0, bodyLength);
    return b.array();
  }

  /** The schema id of a framed record; checks the magic byte and the length first. */
  public static int schemaId(String topic, byte[] data) {
    if (data.length < HEADER_SIZE) {
      throw new SerdeException(
          topic,
          null,
          "record of "
              + data.length
              + " bytes is shorter than the 5-byte Confluent header (magic byte + schema id)",
          null);
    }
    if (data[0] != MAGIC) {
      throw new SerdeException(
          topic,
          null,
          String.format(
              "unknown magic byte 0x%02x (expected 0x00: Confluent wire format)", data[0]),
          null);
    }
    return ByteBuffer.wrap(data, 1, 4).getInt();
  }
}
