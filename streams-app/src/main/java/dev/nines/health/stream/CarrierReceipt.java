package dev.nines.health.stream;

import dev.nines.health.Outcome;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;
import dev.nines.serde.SerdeException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What carrier health and the error-rate counts need of an admitted receipt, as it crosses the
 * by-carrier repartition: the id it is de-duplicated by, its event time, its outcome and its
 * latency; the account and region, and whether it failed for a platform cause (error-rate
 * downtime, see {@code dev.nines.uptime.stream.ErrorRateTopology}).
 *
 * <p>Why not the receipt itself: the repartition carried the whole Avro receipt (88 bytes), so
 * every receipt was Avro-encoded once more and decoded once more, in the two busiest tasks (about
 * 9% of the stream thread in the profile of BENCHMARKS.md). This format is about 40
 * bytes and costs a few buffer writes.
 *
 * <p>Format: {@code 'R', version 2, completedAt(8), latencyMs(8), outcome(1),
 * platformFailure(1), accountId(2-byte length, -1 for null; UTF-8), region(the same),
 * messageId(UTF-8, the rest)}. The leading byte is neither Confluent's magic byte {@code 0x00}
 * nor the watermark byte {@code 'W'}, so the topic can carry both formats and marks: records an
 * older version wrote are still read, Confluent-framed Avro receipts through {@code legacy} and
 * version 1 (without account, region and platform flag: null, null, false).
 *
 * @param accountId null for a record an older version wrote (version 1)
 * @param region null for a record an older version wrote (version 1)
 * @param platformFailure not delivered, with failure cause PLATFORM
 */
public record CarrierReceipt(
    String messageId,
    long completedAt,
    Outcome outcome,
    long latencyMs,
    String accountId,
    String region,
    boolean platformFailure) {
  static final byte TAG = 'R';
  static final byte VERSION = 2;
  static final byte VERSION_1 = 1;
  static final int FIXED_1 = 1 + 1 + 8 + 8 + 1;
  static final int FIXED = FIXED_1 + 1 + 2 + 2;
  // the outcome's byte in the format: fixed here, never the enum's ordinal
  private static final Outcome[] OUTCOMES = {
    Outcome.DELIVERED, Outcome.CARRIER_FAILURE, Outcome.OTHER_FAILURE
  };

  /** What a version 1 record held: no account, region or platform flag. */
  public CarrierReceipt(String messageId, long completedAt, Outcome outcome, long latencyMs) {
    this(messageId, completedAt, outcome, latencyMs, null, null, false);
  }

  public static CarrierReceipt of(DeliveryReceipt r) {
    long completed = r.getCompletedAt().toEpochMilli();
    return new CarrierReceipt(
        r.getMessageId(),
        completed,
        Outcome.of(r.getStatus(), r.getFailureCause()),
        completed - r.getSubmittedAt().toEpochMilli(),
        r.getAccountId(),
        r.getRegion(),
        r.getStatus() != DeliveryStatus.DELIVERED && r.getFailureCause() == FailureCause.PLATFORM);
  }

  /** At least the bytes of this record in its format (strings counted 3 bytes a char). */
  public int maxSize() {
    return FIXED
        + 3
            * (messageId.length()
                + (accountId == null ? 0 : accountId.length())
                + (region == null ? 0 : region.length()));
  }

  /** This format; Confluent-framed receipts (what the topic carried before) are read too. */
  public static Serde<CarrierReceipt> serde(Deserializer<DeliveryReceipt> legacy) {
    Serializer<CarrierReceipt> ser =
        (topic, c) -> {
          if (c == null) {
            return null;
          }
          byte[] id = c.messageId().getBytes(StandardCharsets.UTF_8);
          byte[] account = text(c.accountId());
          byte[] region = text(c.region());
          // null is written as length -1
          return ByteBuffer.allocate(FIXED + account.length + region.length + id.length)
              .put(TAG)
              .put(VERSION)
              .putLong(c.completedAt())
              .putLong(c.latencyMs())
              .put(code(c.outcome()))
              .put((byte) (c.platformFailure() ? 1 : 0))
              .putShort(c.accountId() == null ? -1 : (short) account.length)
              .put(account)
              .putShort(c.region() == null ? -1 : (short) region.length)
              .put(region)
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
          boolean v1 = data.length >= FIXED_1 && data[0] == TAG && data[1] == VERSION_1;
          if (!v1 && (data.length < FIXED || data[0] != TAG || data[1] != VERSION)) {
            throw new SerdeException(
                topic,
                null,
                "not a carrier receipt: "
                    + data.length
                    + " bytes, expected 'R' version 2 (or 1) and at least "
                    + FIXED
                    + " bytes",
                null);
          }
          try {
            ByteBuffer b = ByteBuffer.wrap(data, 2, data.length - 2);
            long completedAt = b.getLong();
            long latency = b.getLong();
            int outcome = b.get();
            if (outcome < 0 || outcome >= OUTCOMES.length) {
              throw new SerdeException(
                  topic, null, "carrier receipt with unknown outcome " + outcome, null);
            }
            if (v1) {
              return new CarrierReceipt(
                  new String(data, FIXED_1, data.length - FIXED_1, StandardCharsets.UTF_8),
                  completedAt,
                  OUTCOMES[outcome],
                  latency);
            }
            boolean platform = b.get() != 0;
            String account = readText(b);
            String region = readText(b);
            return new CarrierReceipt(
                new String(data, b.position(), data.length - b.position(), StandardCharsets.UTF_8),
                completedAt,
                OUTCOMES[outcome],
                latency,
                account,
                region,
                platform);
          } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new SerdeException(topic, null, "truncated carrier receipt", e);
          }
        };
    return Serdes.serdeFrom(ser, de);
  }

  private static byte[] text(String s) {
    byte[] b = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    if (b.length > Short.MAX_VALUE) {
      throw new IllegalArgumentException("text of " + b.length + " bytes: at most 32767");
    }
    return b;
  }

  private static String readText(ByteBuffer b) {
    int n = b.getShort();
    if (n == -1) {
      return null;
    }
    if (n < 0 || n > b.remaining()) {
      throw new IndexOutOfBoundsException("text of " + n + " bytes, " + b.remaining() + " left");
    }
    String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n);
    return s;
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
