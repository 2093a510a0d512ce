package dev.nines.health.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.eventtime.Marked;
import dev.nines.eventtime.MarkedSerde;
import dev.nines.eventtime.Watermark;
import dev.nines.health.HealthCounts;
import dev.nines.health.Outcome;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.serde.AvroSerde;
import dev.nines.testing.Records;
import dev.nines.testing.TestRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class CarrierReceiptTest {
  private static final String TOPIC = "nines-app-receipts-by-carrier-repartition";
  private static final Instant AT = Instant.parse("2026-10-01T00:00:07.250Z");
  private final AvroSerde<DeliveryReceipt> avro =
      AvroSerde.forValues(DeliveryReceipt.class, new TestRegistry());
  private final Serde<CarrierReceipt> serde = CarrierReceipt.serde(avro.deserializer());

  @Test
  void keepsWhatCarrierHealthReadsOfAReceipt() {
    DeliveryReceipt r =
        Records.receipt("m-ü-1", "vivo", DeliveryStatus.FAILED, FailureCause.CARRIER, AT, 1_234);
    // expectation from the contract's rule, not from the code: a FAILED receipt with cause
    // CARRIER counts against the carrier; latency is completedAt - submittedAt
    assertThat(CarrierReceipt.of(r))
        .isEqualTo(
            new CarrierReceipt(
                "m-ü-1",
                AT.toEpochMilli(),
                Outcome.CARRIER_FAILURE,
                1_234,
                "acc-1",
                "us-east",
                false));
    // counted as one attempt that failed at the carrier, with its latency sketched (within 1 %)
    HealthCounts c =
        CarrierHealthTopology.addEvidence(CarrierReceipt.of(r), new HealthCounts(0.01));
    assertThat(List.of(c.attempts(), c.delivered(), c.carrierFailures(), c.probeFailures()))
        .containsExactly(1L, 0L, 1L, 0L);
    assertThat(c.latencyMs(0.5)).isBetween(1_222L, 1_246L);
    // a failed carrier probe is a probe failure, not an attempt
    ProbeResult probe = Records.probe("p-1", Service.SMS, "us-east", "v", false, "c", "US", AT);
    HealthCounts p = CarrierHealthTopology.addEvidence(probe, new HealthCounts(0.01));
    assertThat(List.of(p.attempts(), p.probeFailures(), p.probeSuccesses()))
        .containsExactly(0L, 1L, 0L);
  }

  @Test
  void aPlatformFailureIsOneNotDeliveredWithCausePlatform() {
    // the contract: failureCause PLATFORM; EXPIRED with it counts too (it did not get through)
    for (DeliveryStatus s : DeliveryStatus.values()) {
      for (FailureCause c : FailureCause.values()) {
        boolean expected = s != DeliveryStatus.DELIVERED && c == FailureCause.PLATFORM;
        assertThat(CarrierReceipt.of(Records.receipt("m", "vivo", s, c, AT, 1)).platformFailure())
            .as(s + " " + c)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void readsTheVersionWithoutAccountRegionAndPlatformFlag() {
    // 'R', 1, completedAt, latency, outcome 1 (CARRIER_FAILURE), "v1-id": what the previous
    // version wrote, built by hand
    byte[] id = "v1-id".getBytes(StandardCharsets.UTF_8);
    byte[] v1 =
        ByteBuffer.allocate(19 + id.length)
            .put((byte) 'R')
            .put((byte) 1)
            .putLong(AT.toEpochMilli())
            .putLong(700)
            .put((byte) 1)
            .put(id)
            .array();
    assertThat(serde.deserializer().deserialize(TOPIC, v1))
        .isEqualTo(
            new CarrierReceipt(
                "v1-id", AT.toEpochMilli(), Outcome.CARRIER_FAILURE, 700, null, null, false));
  }

  @Test
  void roundTripsEveryOutcomeInAboutHalfTheBytesOfTheAvroReceipt() {
    for (Outcome o : Outcome.values()) {
      for (boolean platform : new boolean[] {false, true}) {
        CarrierReceipt c =
            new CarrierReceipt(
                "message-0000123456", AT.toEpochMilli(), o, 950, "acc-é", "eu-west", platform);
        byte[] bytes = serde.serializer().serialize(TOPIC, c);
        assertThat(bytes[0]).isEqualTo((byte) 'R');
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(c);
      }
    }
    CarrierReceipt none = new CarrierReceipt("x", 1, Outcome.DELIVERED, 2, null, null, false);
    assertThat(serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, none)))
        .isEqualTo(none);
    DeliveryReceipt r = Records.delivered("message-0000123456", "vivo", AT, 950);
    int avroBytes = avro.serializer().serialize("receipts", r).length;
    int ours = serde.serializer().serialize(TOPIC, CarrierReceipt.of(r)).length;
    // 'R', 2, 8 + 8 + 1 + 1, 2 + "acc-1", 2 + "us-east", the id
    assertThat(ours)
        .isEqualTo(24 + "acc-1".length() + "us-east".length() + "message-0000123456".length())
        .isLessThan(avroBytes);
  }

  @Test
  void readsTheAvroReceiptsAnOlderVersionWroteToTheTopic() {
    DeliveryReceipt r =
        Records.receipt("old-1", "tim", DeliveryStatus.EXPIRED, FailureCause.NONE, AT, 4_000);
    byte[] legacy = avro.serializer().serialize(TOPIC, r);
    assertThat(legacy[0]).isZero(); // Confluent's magic byte
    assertThat(serde.deserializer().deserialize(TOPIC, legacy))
        .isEqualTo(
            new CarrierReceipt(
                "old-1",
                AT.toEpochMilli(),
                Outcome.CARRIER_FAILURE,
                4_000,
                "acc-1",
                "us-east",
                false));
  }

  @Test
  void writesVersionTwoAsDocumented() {
    // 'R', 2, completedAt, latency, outcome 2 (OTHER_FAILURE), platform 1, account "ß" (2 bytes
    // of UTF-8), region null (-1), the id: written by hand from the class doc
    byte[] expected =
        ByteBuffer.allocate(2 + 8 + 8 + 1 + 1 + 2 + 2 + 2 + 6)
            .put((byte) 'R')
            .put((byte) 2)
            .putLong(AT.toEpochMilli())
            .putLong(-3)
            .put((byte) 2)
            .put((byte) 1)
            .putShort((short) 2)
            .put(new byte[] {(byte) 0xC3, (byte) 0x9F})
            .putShort((short) -1)
            .put("m-\u00fc-1".getBytes(StandardCharsets.UTF_8))
            .array();
    CarrierReceipt c =
        new CarrierReceipt(
            "m-\u00fc-1", AT.toEpochMilli(), Outcome.OTHER_FAILURE, -3, "\u00df", null, true);
    assertThat(serde.serializer().serialize(TOPIC, c)).isEqualTo(expected);
    assertThat(serde.deserializer().deserialize(TOPIC, expected)).isEqualTo(c);
  }

  /**
   * Random receipts, alone and in batches, give the bytes of the documented formats, written
   * here by hand: texts of 1 to 4 bytes a char, empty, absent.
   */
  @Test
  void receiptsAloneAndInBatchesAreWrittenAsDocumented() {
    Random random = new Random(7);
    String[] pieces = {"a", "Z", "-", "7", "\u00fc", "\u00df", "\u20ac", "\ud83d\ude00", ":"};
    Serde<Marked<CarrierReceipt>> marked = MarkedSerde.of(serde);
    for (int round = 0; round < 300; round++) {
      List<Marked.Entry<CarrierReceipt>> entries = new ArrayList<>();
      ByteBuffer expected = ByteBuffer.allocate(1 << 16);
      int n = random.nextInt(6);
      int partition = random.nextInt(8);
      expected.put((byte) 'B').put((byte) 1).putInt(partition).putInt(n);
      for (int i = 0; i < n; i++) {
        CarrierReceipt c =
            new CarrierReceipt(
                text(random, pieces),
                random.nextLong(),
                Outcome.values()[random.nextInt(Outcome.values().length)],
                random.nextLong(),
                random.nextInt(4) == 0 ? null : text(random, pieces),
                random.nextInt(4) == 0 ? null : text(random, pieces),
                random.nextBoolean());
        byte[] alone = byHand(c);
        assertThat(serde.serializer().serialize(TOPIC, c)).isEqualTo(alone);
        String key = text(random, pieces);
        long ts = random.nextLong();
        entries.add(new Marked.Entry<>(key, ts, c));
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        expected.putInt(k.length).put(k).putLong(ts).putInt(alone.length).put(alone);
      }
      Marked.Batch<CarrierReceipt> batch = new Marked.Batch<>(partition, entries);
      byte[] written = marked.serializer().serialize(TOPIC, batch);
      assertThat(written).isEqualTo(Arrays.copyOf(expected.array(), expected.position()));
      assertThat(marked.deserializer().deserialize(TOPIC, written)).isEqualTo(batch);
    }
  }

  private static String text(Random random, String[] pieces) {
    StringBuilder b = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      b.append(pieces[random.nextInt(pieces.length)]);
    }
    return b.toString();
  }

  /** Version 2 by the class doc, each text with {@code String.getBytes}. */
  private static byte[] byHand(CarrierReceipt c) {
    byte[] id = c.messageId().getBytes(StandardCharsets.UTF_8);
    byte[] account = c.accountId() == null ? null : c.accountId().getBytes(StandardCharsets.UTF_8);
    byte[] region = c.region() == null ? null : c.region().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 << 12);
    b.put((byte) 'R').put((byte) 2).putLong(c.completedAt()).putLong(c.latencyMs());
    b.put(
        (byte)
            List.of(Outcome.DELIVERED, Outcome.CARRIER_FAILURE, Outcome.OTHER_FAILURE)
                .indexOf(c.outcome()));
    b.put((byte) (c.platformFailure() ? 1 : 0));
    for (byte[] t : new byte[][] {account, region}) {
      if (t == null) {
        b.putShort((short) -1);
      } else {
        b.putShort((short) t.length).put(t);
      }
    }
    b.put(id);
    return Arrays.copyOf(b.array(), b.position());
  }

  @Test
  void sharesTheTopicWithWatermarks() {
    Serde<Marked<CarrierReceipt>> marked = MarkedSerde.of(serde);
    Watermark w = new Watermark(1, 8, AT.toEpochMilli(), false, AT.toEpochMilli());
    Marked<CarrierReceipt> item = Marked.item(new CarrierReceipt("a", 1, Outcome.DELIVERED, 2));
    assertThat(
            marked
                .deserializer()
                .deserialize(TOPIC, marked.serializer().serialize(TOPIC, Marked.mark(w))))
        .isEqualTo(Marked.mark(w));
    assertThat(marked.deserializer().deserialize(TOPIC, marked.serializer().serialize(TOPIC, item)))
        .isEqualTo(item);
  }

  @Test
  void refusesWhatIsNeitherFormat() {
    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, new byte[] {'R', 2, 0}))
        .hasMessageContaining("not a carrier receipt");
    byte[] badOutcome =
        serde.serializer().serialize(TOPIC, new CarrierReceipt("x", 1, Outcome.DELIVERED, 2));
    badOutcome[18] = 9;
    byte[] truncated =
        Arrays.copyOf(
            serde
                .serializer()
                .serialize(
                    TOPIC,
                    new CarrierReceipt("x", 1, Outcome.DELIVERED, 2, "abcdefgh", "b", false)),
            26);
    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, truncated))
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, badOutcome))
        .hasMessageContaining("unknown outcome 9");
  }
}
