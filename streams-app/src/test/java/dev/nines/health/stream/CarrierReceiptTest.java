package dev.nines.health.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.eventtime.Marked;
import dev.nines.eventtime.MarkedSerde;
import dev.nines.eventtime.Watermark;
import dev.nines.health.HealthSample;
import dev.nines.health.Outcome;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;
import dev.nines.serde.AvroSerde;
import dev.nines.testing.Records;
import dev.nines.testing.TestRegistry;
import java.time.Instant;
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
        .isEqualTo(new CarrierReceipt("m-ü-1", AT.toEpochMilli(), Outcome.CARRIER_FAILURE, 1_234));
    assertThat(CarrierReceipt.of(r).sample())
        .isEqualTo(new HealthSample.Receipt(Outcome.CARRIER_FAILURE, 1_234));
  }

  @Test
  void roundTripsEveryOutcomeInAboutHalfTheBytesOfTheAvroReceipt() {
    for (Outcome o : Outcome.values()) {
      CarrierReceipt c = new CarrierReceipt("message-0000123456", AT.toEpochMilli(), o, 950);
      byte[] bytes = serde.serializer().serialize(TOPIC, c);
      assertThat(bytes[0]).isEqualTo((byte) 'R');
      assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(c);
    }
    DeliveryReceipt r = Records.delivered("message-0000123456", "vivo", AT, 950);
    int avroBytes = avro.serializer().serialize("receipts", r).length;
    int ours = serde.serializer().serialize(TOPIC, CarrierReceipt.of(r)).length;
    assertThat(ours).isEqualTo(19 + "message-0000123456".length()).isLessThan(avroBytes);
  }

  @Test
  void readsTheAvroReceiptsAnOlderVersionWroteToTheTopic() {
    DeliveryReceipt r =
        Records.receipt("old-1", "tim", DeliveryStatus.EXPIRED, FailureCause.NONE, AT, 4_000);
    byte[] legacy = avro.serializer().serialize(TOPIC, r);
    assertThat(legacy[0]).isZero(); // Confluent's magic byte
    assertThat(serde.deserializer().deserialize(TOPIC, legacy))
        .isEqualTo(new CarrierReceipt("old-1", AT.toEpochMilli(), Outcome.CARRIER_FAILURE, 4_000));
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
    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, new byte[] {'R', 1, 0}))
        .hasMessageContaining("not a carrier receipt");
    byte[] badOutcome =
        serde.serializer().serialize(TOPIC, new CarrierReceipt("x", 1, Outcome.DELIVERED, 2));
    badOutcome[18] = 9;
    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, badOutcome))
        .hasMessageContaining("unknown outcome 9");
  }
}
