package dev.nines.health.stream;

import dev.nines.health.HealthSample;
import dev.nines.health.Outcome;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.serde.SerdeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What carrier health needs of an admitted receipt, as it crosses the by-carrier repartition:
 * the id it is de-duplicated by, its event time, its outcome and its latency.
 *
 * <p>Why not the receipt itself: the repartition carried the whole Avro receipt (88 bytes), so
 * every receipt was Avro-encoded once more and decoded once more, in the two busiest tasks (about
 * 9% of the stream thread in the profile of BENCHMARKS.md). This format is about 40
 * bytes and costs a few buffer writes.
 *
 * <p>Format: {@code 'R', version 1, completedAt(8), latencyMs(8), outcome(1), messageId(UTF-8,
 * the rest)}. The leading byte is neither Confluent's magic byte {@code 0x00} nor the watermark
 * byte {@code 'W'}, so the topic can carry both formats and marks: records an older version
 * wrote (Confluent-framed Avro receipts) are still read, through {@code legacy}.
 */
public record CarrierReceipt(String messageId, long completedAt, Outcome outcome, long latencyMs) {
  static final byte TAG = 'R';
  static final byte VERSION = 1;
  static final int FIXED = 1 + 1 + 8 + 8 + 1;
  // the outcome's byte in the format: fixed here, never the enum's ordinal
  private static final Outcome[] OUTCOMES = {
    Outcome.DELIVERED, Outcome.CARRIER_FAILURE, Outcome.OTHER_FAILURE
  };

  public static CarrierReceipt of(DeliveryReceipt r) {
    long completed = r.getCompletedAt().toEpochMilli();
    return new CarrierReceipt(
        r.getMessageId(),
        completed,
        Outcome.of(r.getStatus(), r.getFailureCause()),
        completed - r.getSubmittedAt().toEpochMilli());
  }

  public HealthSample sample() {
    return new HealthSample.Receipt(outcome, latencyMs);
  }

  /** This format; Confluent-framed receipts (what the topic carried before) are read too. */
  public static Serde<CarrierReceipt> serde(Deserializer<DeliveryReceipt> legacy) {
    Serializer<CarrierReceipt> ser =
        (topic, c) -> {
          if (c == null) {
            return null;
          }
          byte[] id = c.messageId().getBytes(StandardCharsets.UTF_8);
          return ByteBuffer.allocate(FIXED + id.length)
              .put(TAG)
              .put(VERSION)
              .putLong(c.completedAt())
              .putLong(c.latencyMs())
              .put(code(c.outcome()))
              .put(id)
              .array();
        };
    Deserializer<CarrierReceipt> de =
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          if (data.length > 0 && data[0] == 0) {
            return of(legacy.deserialize(topic, data));
          }
          if (data.length < FIXED || data[0] != TAG || data[1] != VERSION) {
            throw new SerdeException(
                topic,
                null,
                "not a carrier receipt: "
                    + data.length
                    + " bytes, expected 'R' version 1 and at least "
                    + FIXED
                    + " bytes",
                null);
          }
          ByteBuffer b = ByteBuffer.wrap(data, 2, data.length - 2);
          long completedAt = b.getLong();
          long latency = b.getLong();
          int outcome = b.get();
          if (outcome < 0 || outcome >= OUTCOMES.length) {
            throw new SerdeException(
                topic, null, "carrier receipt with unknown outcome " + outcome, null);
          }
          return new CarrierReceipt(
              new String(data, FIXED, data.length - FIXED, StandardCharsets.UTF_8),
              completedAt,
              OUTCOMES[outcome],
              latency);
        };
    return Serdes.serdeFrom(ser, de);
  }

  private static byte code(Outcome o) {
    for (byte i = 0; i < OUTCOMES.length; i++) {
      if (OUTCOMES[i] == o) {
        return i;
      }
    }
    throw new IllegalArgumentException("no code for outcome " + o);
  }
}
