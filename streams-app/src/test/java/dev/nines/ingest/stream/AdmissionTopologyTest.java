package dev.nines.ingest.stream;

import static dev.nines.testing.Records.delivered;
import static dev.nines.testing.Records.probe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.ingest.InvalidInputException;
import dev.nines.ingest.PlanBook;
import dev.nines.ingest.PlanCheck;
import dev.nines.ingest.PlansUnavailableException;
import dev.nines.schema.CarrierHealth;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.testing.Drivers;
import dev.nines.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.assertj.core.api.Assertions;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kind of unusable receipt and probe goes to dead-letters with its original bytes, the
 * reason in its headers and in the metric, and leaves the carrier-health output exactly as the
 * good records alone make it. Defaults: record skew 24 h, ahead 1 h, behind 7 d.
 */
class AdmissionTopologyTest {
  static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");

  TopologyTestDriver driver;
  DeadLetters deadLetters;
  TestRegistry registry;
  TestInputTopic<byte[], byte[]> receiptBytes;
  TestInputTopic<byte[], byte[]> probeBytes;
  TestOutputTopic<byte[], byte[]> dlq;
  TestOutputTopic<String, CarrierHealth> health;

  @BeforeEach
  void start() {
    registry = new TestRegistry();
    open(null);
  }

  /** The app with receipts checked against {@code plans} (null: not checked). */
  void open(PlanCheck.Plans plans) {
    deadLetters = new DeadLetters();
    driver =
        plans == null
            ? Drivers.start(NinesConfig.defaults(), registry, deadLetters)
            : Drivers.start(NinesConfig.defaults(), registry, deadLetters, plans);
    receiptBytes =
        driver.createInputTopic(
            Topics.DELIVERY_RECEIPTS.name(), new ByteArraySerializer(), new ByteArraySerializer());
    probeBytes =
        driver.createInputTopic(
            Topics.PROBE_RESULTS.name(), new ByteArraySerializer(), new ByteArraySerializer());
    dlq =
        driver.createOutputTopic(
            Topics.DEAD_LETTERS.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    health =
        driver.createOutputTopic(
            Topics.CARRIER_HEALTH.name(),
            Topics.CARRIER_HEALTH.keySerde().deserializer(),
            Topics.CARRIER_HEALTH.valueSerde(registry).deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    deadLetters.close();
  }

  byte[] bytes(DeliveryReceipt r) {
    return Topics.DELIVERY_RECEIPTS
        .valueSerde(registry)
        .serializer()
        .serialize(Topics.DELIVERY_RECEIPTS.name(), r);
  }

  byte[] bytes(ProbeResult p) {
    return Topics.PROBE_RESULTS
        .valueSerde(registry)
        .serializer()
        .serialize(Topics.PROBE_RESULTS.name(), p);
  }

  /** Sends bytes with the given record timestamp; returns them to compare with the letter. */
  byte[] receipt(DeliveryReceipt r, Instant recordTime) {
    byte[] b = bytes(r);
    receiptBytes.pipeInput(r.getMessageId().getBytes(StandardCharsets.UTF_8), b, recordTime);
    return b;
  }

  byte[] good(String id, Instant at) {
    return receipt(delivered(id, "a", at, 100), at);
  }

  @Test
  void eachKindOfBadRecordIsDeadLetteredWithItsBytesAndReasonAndChangesNoOutput() {
    good("g1", T0);
    good("g2", T0.plusSeconds(10));
    // 1. a missing id
    DeliveryReceipt noId = delivered("x", "a", T0.plusSeconds(11), 100);
    noId.setMessageId("");
    byte[] b1 = receipt(noId, T0.plusSeconds(11));
    // 2. an enum symbol this reader does not know reads as UNKNOWN
    DeliveryReceipt unknown = delivered("b2", "a", T0.plusSeconds(12), 100);
    unknown.setStatus(DeliveryStatus.UNKNOWN);
    byte[] b2 = receipt(unknown, T0.plusSeconds(12));
    // 3. completed before it was submitted (a negative latency)
    DeliveryReceipt backwards = delivered("b3", "a", T0.plusSeconds(13), 100);
    backwards.setSubmittedAt(T0.plusSeconds(14));
    byte[] b3 = receipt(backwards, T0.plusSeconds(13));
    // 4. event time 2 days before the record's own timestamp (bound 24 h)
    byte[] b4 = receipt(delivered("b4", "a", T0.minusSeconds(2 * 86_400), 100), T0.plusSeconds(14));
    // 5. event time 2 h after the record's own timestamp (bound 1 h)
    byte[] b5 = receipt(delivered("b5", "a", T0.plusSeconds(7200), 100), T0.plusSeconds(14));
    // 6. 8 days behind it: bound 7 d
    byte[] b6 =
        receipt(
            delivered("b6", "a", T0.minusSeconds(8 * 86_400), 100), T0.minusSeconds(8 * 86_400));
    // (bytes that are no Avro at all: DeadLettersIT, on the real broker; the test driver does
    // not pass the deserialization handler's dead letters on to its output topics)
    // 8. a probe with a negative latency
    ProbeResult negative =
        probe("pn", Service.SMS, "us-east", "v1", true, null, null, T0.plusSeconds(16));
    negative.setLatencyMs(-5L);
    byte[] b8 = bytes(negative);
    probeBytes.pipeInput("SMS:us-east".getBytes(StandardCharsets.UTF_8), b8, T0.plusSeconds(16));
    // the good records go on: g3 inside the same window, then one that closes it; their keys
    // are none and bytes that are no UTF-8 (a receipt's key is any, and never read)
    receiptBytes.pipeInput(
        null, bytes(delivered("g3", "a", T0.plusSeconds(20), 100)), T0.plusSeconds(20));
    receiptBytes.pipeInput(
        new byte[] {(byte) 0xff, 0, (byte) 0xfe},
        bytes(delivered("g4", "a", T0.plusSeconds(95), 100)),
        T0.plusSeconds(95));

    List<TestRecord<byte[], byte[]>> letters = dlq.readRecordsToList();
    assertThat(letters).extracting(TestRecord::value).containsExactly(b1, b2, b3, b4, b5, b6, b8);
    // each with the key it was sent with, byte for byte
    assertThat(letters)
        .extracting(TestRecord::key)
        .containsExactly(
            new byte[0],
            "b2".getBytes(StandardCharsets.UTF_8),
            "b3".getBytes(StandardCharsets.UTF_8),
            "b4".getBytes(StandardCharsets.UTF_8),
            "b5".getBytes(StandardCharsets.UTF_8),
            "b6".getBytes(StandardCharsets.UTF_8),
            "SMS:us-east".getBytes(StandardCharsets.UTF_8));
    assertThat(letters)
        .extracting(r -> header(r, "__streams.errors.topic"))
        .containsOnly(Topics.DELIVERY_RECEIPTS.name(), Topics.PROBE_RESULTS.name());
    assertThat(letters)
        .allSatisfy(
            r -> {
              assertThat(header(r, "__streams.errors.offset")).isNotBlank();
              assertThat(header(r, "__streams.errors.partition")).isEqualTo("0");
            });
    assertThat(header(letters.get(0), "__streams.errors.message"))
        .isEqualTo(
            "delivery-receipts: receipt '' rejected: messageId is blank: expected a "
                + "non-blank id");
    assertThat(header(letters.get(2), "__streams.errors.message"))
        .isEqualTo(
            "delivery-receipts: receipt 'b3' rejected: completedAt 2026-10-01T10:00:13Z is before "
                + "submittedAt 2026-10-01T10:00:14Z: expected an outcome known after the message "
                + "was handed over");
    assertThat(header(letters.get(3), "__streams.errors.message"))
        .isEqualTo(
            "delivery-receipts: receipt 'b4' rejected: event time 2026-09-29T10:00:00Z is PT48H14S"
                + " before the record's own timestamp 2026-10-01T10:00:14Z: expected at most "
                + "ingest.max.record.skew = PT24H");
    assertThat(header(letters.get(4), "__streams.errors.message"))
        .isEqualTo(
            "delivery-receipts: receipt 'b5' rejected: event time 2026-10-01T12:00:00Z is PT1H59M46S"
                + " after the record's own timestamp 2026-10-01T10:00:14Z: expected at most "
                + "ingest.max.ahead = PT1H");
    // 8 days behind the partition's stream time, 10:00:10 (g2)
    assertThat(header(letters.get(5), "__streams.errors.message"))
        .contains("is PT192H10S behind this partition's stream time 2026-10-01T10:00:10Z");
    assertThat(header(letters.get(6), "__streams.errors.exception"))
        .isEqualTo(InvalidInputException.class.getName());

    assertThat(deadLetters.counts())
        .isEqualTo(
            Map.of(
                "delivery-receipts missing-field", 1L,
                "delivery-receipts unknown-symbol", 1L,
                "delivery-receipts completed-before-submitted", 1L,
                "delivery-receipts record-time-skew", 1L,
                "delivery-receipts ahead-of-record-time", 1L,
                "delivery-receipts behind-stream-time", 1L,
                "probe-results negative-latency", 1L));

    // carrier a, window 10:00-10:01: exactly g1, g2, g3 (3 delivered); nothing of the rejects
    List<CarrierHealth> windows = health.readValuesToList();
    assertThat(windows).hasSize(1);
    assertThat(windows.get(0).getWindowStart()).isEqualTo(T0);
    assertThat(windows.get(0).getAttempts()).isEqualTo(3);
    assertThat(windows.get(0).getDelivered()).isEqualTo(3);
    assertThat(windows.get(0).getProbeFailures()).isZero();
  }

  @Test
  void aTextLongerThanTheLimitIsDeadLetteredWithItsBytes() {
    good("g1", T0);
    // a region of 600,000 characters: passed on, the ledger line naming it would be over the
    // broker's 1 MB limit
    DeliveryReceipt huge =
        DeliveryReceipt.newBuilder(delivered("h", "a", T0, 100))
            .setRegion("r".repeat(600_000))
            .build();
    byte[] sent = receipt(huge, T0);
    byte[] atLimit =
        receipt(
            DeliveryReceipt.newBuilder(delivered("ok", "a", T0, 100))
                .setCarrierId("c".repeat(256))
                .build(),
            T0);
    assertThat(atLimit).isNotEmpty();
    assertThat(dlq.readRecordsToList())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.value()).isEqualTo(sent);
              assertThat(header(l, "__streams.errors.message"))
                  .contains(
                      "receipt 'h' rejected: "
                          + "region is 600000 characters long: expected at most 256 (ingest.max.text.length)");
            });
    assertThat(deadLetters.counts()).containsEntry("delivery-receipts text-too-long", 1L);
  }

  @Test
  void aRejectedRecordDoesNotMoveStreamTimeButAJumpForwardIsAdmitted() {
    good("g1", T0);
    // a receipt dated 2099 by a payload bug, stamped now by its producer: rejected ...
    receipt(delivered("f", "a", Instant.parse("2099-01-01T00:00:00Z"), 100), T0.plusSeconds(1));
    // ... and the partition's stream time is still 10:00:00: a receipt of 09:59 is admitted
    good("g2", T0.minusSeconds(60));
    assertThat(dlq.readRecordsToList()).hasSize(1);
    // a gap of three weeks in the data (a quiet partition, or live traffic after a replayed
    // prelude) is time moving on, not an error: admitted, and from now on 7 d behind it counts
    Instant later = T0.plus(Duration.ofDays(21));
    good("j1", later);
    good("j2", later.plusSeconds(30));
    good("late", later.minus(Duration.ofDays(8)));
    good("j3", later.plusSeconds(95));
    assertThat(dlq.readRecordsToList())
        .singleElement()
        .satisfies(
            l ->
                assertThat(header(l, "__streams.errors.message"))
                    .contains("receipt 'late' rejected"));
    assertThat(health.readValuesToList())
        .extracting(CarrierHealth::getWindowStart, CarrierHealth::getAttempts)
        .containsExactly(
            Tuple.tuple(T0.minusSeconds(60), 1L), Tuple.tuple(T0, 1L), Tuple.tuple(later, 2L));
  }

  @Test
  void historyIsJudgedAgainstItsOwnTimeNotTheWallClock() {
    // last year's traffic with its own record timestamps: all admitted
    Instant old = Instant.parse("2025-03-01T10:00:00Z");
    good("h1", old);
    good("h2", old.plusSeconds(30));
    good("h3", old.plusSeconds(95));
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(health.readValuesToList())
        .singleElement()
        .satisfies(h -> assertThat(h.getAttempts()).isEqualTo(2));
  }

  @Test
  void aReceiptWhoseRouteOrCarrierNoPlanInForceKnewIsDeadLetteredAndChangesNoOutput() {
    stop();
    // US:SMS has carriers a and b from 10:00; b leaves the plan at 10:00:30
    var book = new PlanBook(Duration.ofDays(35));
    book.put("US:SMS", T0.toEpochMilli(), Set.of("a", "b"));
    book.put("US:SMS", T0.plusSeconds(30).toEpochMilli(), Set.of("a"));
    open(book::verdict);

    good("g1", T0);
    // before the oldest version held: judged by it (compaction may have removed older ones)
    receipt(delivered("g0", "a", T0.minusSeconds(10), 100), T0.minusSeconds(10));
    DeliveryReceipt otherCountry = delivered("u1", "a", T0.plusSeconds(5), 100);
    otherCountry.setCountry("DE");
    byte[] u1 = receipt(otherCountry, T0.plusSeconds(5));
    byte[] u2 = receipt(delivered("u2", "z", T0.plusSeconds(12), 100), T0.plusSeconds(12));
    // handed to b at 10:00:29, while the plan had it, completed after it left: admitted
    receipt(delivered("g2", "b", T0.plusSeconds(31), 2000), T0.plusSeconds(31));
    // handed to b at 10:00:39.9, after it left the plan
    byte[] u3 = receipt(delivered("u3", "b", T0.plusSeconds(40), 100), T0.plusSeconds(40));
    good("g3", T0.plusSeconds(95));

    List<TestRecord<byte[], byte[]>> letters = dlq.readRecordsToList();
    assertThat(letters).extracting(TestRecord::value).containsExactly(u1, u2, u3);
    assertThat(letters)
        .extracting(r -> header(r, "__streams.errors.topic"))
        .containsOnly(Topics.DELIVERY_RECEIPTS.name());
    assertThat(header(letters.get(0), "__streams.errors.message"))
        .isEqualTo(
            "delivery-receipts: receipt 'u1' rejected: route DE:SMS is in no route plan in force "
                + "between submittedAt 2026-10-01T10:00:04.900Z and completedAt "
                + "2026-10-01T10:00:05Z: expected a route of route-plans");
    assertThat(header(letters.get(1), "__streams.errors.message"))
        .isEqualTo(
            "delivery-receipts: receipt 'u2' rejected: carrier 'z' is not in route US:SMS's plan in "
                + "force between submittedAt 2026-10-01T10:00:11.900Z and completedAt "
                + "2026-10-01T10:00:12Z: expected one of the plan's carriers");
    assertThat(deadLetters.counts())
        .isEqualTo(
            Map.of(
                "delivery-receipts unknown-route", 1L,
                "delivery-receipts unknown-carrier", 2L));
    // the 10:00 windows hold g1 (a) and g2 (b) only, the 09:59 one g0: no DE or z window,
    // nothing of u3
    assertThat(health.readValuesToList())
        .extracting(
            CarrierHealth::getCountry,
            CarrierHealth::getCarrierId,
            CarrierHealth::getWindowStart,
            CarrierHealth::getAttempts)
        .containsExactlyInAnyOrder(
            Tuple.tuple("US", "a", T0.minusSeconds(60), 1L),
            Tuple.tuple("US", "a", T0, 1L),
            Tuple.tuple("US", "b", T0, 1L));
  }

  @Test
  void aReceiptThatCannotBeCheckedBecauseThePlansReaderStoppedFailsTheTaskAndIsNotDeadLettered() {
    stop();
    open(
        (route, carrier, from, to) -> {
          throw new PlansUnavailableException("the route plans reader has stopped", null);
        });
    Assertions.assertThatThrownBy(() -> good("g1", T0))
        .hasRootCauseInstanceOf(PlansUnavailableException.class);
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(deadLetters.counts()).isEmpty();
  }

  static String header(TestRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
