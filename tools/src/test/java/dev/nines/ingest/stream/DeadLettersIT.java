package dev.nines.ingest.stream;

import static dev.nines.testing.Records.delivered;
import static dev.nines.testing.Records.probe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.cli.TestClients;
import dev.nines.config.NinesConfig;
import dev.nines.platform.TopicManager;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.CarrierHealth;
import dev.nines.schema.Channel;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.Service;
import dev.nines.serde.OutputLimits;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.serde.WireFormat;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.TopicRecords;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.Assertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #9, bad input: every kind of unusable receipt and probe, written to the real broker,
 * reaches {@code dead-letters} with its original bytes and headers naming topic, partition,
 * offset, exception and message; the metric counts it by topic and reason; and carrier health,
 * the output those records would have touched, is exactly what the good records alone give.
 */
@ExtendWith(KafkaPlatformExtension.class)
class DeadLettersIT {
  static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");

  @Test
  void everyKindOfBadRecordIsDeadLetteredWithItsBytesAndTheOutputsAreUnaffected() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    NinesConfig config = appWithTopics(KafkaPlatformExtension.unique("dlq") + ".");
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    String receipts = config.topics().name(Topics.DELIVERY_RECEIPTS);
    String probes = config.topics().name(Topics.PROBE_RESULTS);
    var receiptSerde = Topics.DELIVERY_RECEIPTS.valueSerde(registry);
    var probeSerde = Topics.PROBE_RESULTS.valueSerde(registry);

    // what is sent, in order; the expected reason of each bad one (null: good)
    List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
    Map<String, String> expectedReason = new LinkedHashMap<>();
    BiConsumer<DeliveryReceipt, Instant> receipt =
        (r, ts) ->
            sent.add(
                new ProducerRecord<>(
                    receipts,
                    null,
                    ts.toEpochMilli(),
                    bytes(r.getMessageId()),
                    receiptSerde.serializer().serialize(receipts, r)));

    receipt.accept(delivered("g1", "a", T0, 100), T0);
    receipt.accept(delivered("g2", "a", T0.plusSeconds(10), 100), T0.plusSeconds(10));
    DeliveryReceipt noId = delivered("", "a", T0.plusSeconds(11), 100);
    receipt.accept(noId, T0.plusSeconds(11));
    expectedReason.put("missing-field", receipts);
    DeliveryReceipt backwards = delivered("b3", "a", T0.plusSeconds(13), 100);
    backwards.setSubmittedAt(T0.plusSeconds(14));
    receipt.accept(backwards, T0.plusSeconds(13));
    expectedReason.put("completed-before-submitted", receipts);
    receipt.accept(delivered("b4", "a", T0.minus(Duration.ofDays(2)), 100), T0.plusSeconds(14));
    expectedReason.put("record-time-skew", receipts);
    receipt.accept(delivered("b5", "a", T0.plusSeconds(7200), 100), T0.plusSeconds(14));
    expectedReason.put("ahead-of-record-time", receipts);
    receipt.accept(
        delivered("b6", "a", T0.minus(Duration.ofDays(8)), 100), T0.minus(Duration.ofDays(8)));
    expectedReason.put("behind-stream-time", receipts);
    // a newer producer's schema with a channel this app does not know: it reads as UNKNOWN
    sent.add(
        new ProducerRecord<>(
            receipts,
            null,
            T0.plusSeconds(15).toEpochMilli(),
            bytes("b7"),
            newerChannel(registry, receipts, "b7", T0.plusSeconds(15))));
    expectedReason.put("unknown-symbol", receipts);
    // a tombstone, bytes that are no Avro, and a frame naming a schema id nobody registered
    sent.add(
        new ProducerRecord<>(
            receipts, null, T0.plusSeconds(16).toEpochMilli(), bytes("b8"), (byte[]) null));
    expectedReason.put("tombstone", receipts);
    sent.add(
        new ProducerRecord<>(
            receipts, null, T0.plusSeconds(16).toEpochMilli(), bytes("b9"), bytes("not avro")));
    byte[] unknownId = WireFormat.frame(987_654, new byte[] {2, 4}, 2);
    sent.add(
        new ProducerRecord<>(
            receipts, null, T0.plusSeconds(16).toEpochMilli(), bytes("b10"), unknownId));
    // a route and a carrier the route plans do not know (the plan: US:SMS with carrier a)
    DeliveryReceipt otherRoute = delivered("b11", "a", T0.plusSeconds(17), 100);
    otherRoute.setCountry("DE");
    receipt.accept(otherRoute, T0.plusSeconds(17));
    expectedReason.put("unknown-route", receipts);
    receipt.accept(delivered("b12", "z", T0.plusSeconds(17), 100), T0.plusSeconds(17));
    expectedReason.put("unknown-carrier", receipts);
    ProbeResult negative =
        probe("pn", Service.SMS, "us-east", "v1", true, null, null, T0.plusSeconds(16));
    negative.setLatencyMs(-5L);
    sent.add(
        new ProducerRecord<>(
            probes,
            null,
            T0.plusSeconds(16).toEpochMilli(),
            bytes("SMS:us-east"),
            probeSerde.serializer().serialize(probes, negative)));
    expectedReason.put("negative-latency", probes);
    receipt.accept(delivered("g3", "a", T0.plusSeconds(20), 100), T0.plusSeconds(20));
    // closes the 10:00 window (end 10:01 + 30 s grace)
    receipt.accept(delivered("g4", "a", T0.plusSeconds(95), 100), T0.plusSeconds(95));

    var producer =
        new KafkaProducer<byte[], byte[]>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    String plans = config.topics().name(Topics.ROUTE_PLANS);
    sendPlan(producer, registry, plans);
    for (var r : sent) {
      producer.send(r).get();
    }

    String dlqTopic = config.topics().name(Topics.DEAD_LETTERS);
    String healthTopic = config.topics().name(Topics.CARRIER_HEALTH);
    List<ConsumerRecord<String, byte[]>> letters = new ArrayList<>();
    List<CarrierHealth> health = new ArrayList<>();
    var healthSerde = Topics.CARRIER_HEALTH.valueSerde(registry);
    int badCount = 12;
    int[] ticks = {0};
    try (producer;
        NinesApp app = NinesApp.start(config, platform, registry);
        var dlq = TestClients.committedConsumer(platform.bootstrapServers(), dlqTopic);
        var out = TestClients.committedConsumer(platform.bootstrapServers(), healthTopic)) {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                dlq.poll(Duration.ofMillis(200)).forEach(letters::add);
                out.poll(Duration.ofMillis(200))
                    .forEach(r -> health.add(healthSerde.deserialize(healthTopic, r.value())));
                if (health.isEmpty()) {
                  // window close is checked at most once a second of wall time, when a record
                  // comes:
                  // keep good receipts coming, inside the still open 10:01 window
                  Instant t = T0.plusSeconds(100 + Math.min(ticks[0]++, 40));
                  producer
                      .send(
                          new ProducerRecord<>(
                              receipts,
                              null,
                              t.toEpochMilli(),
                              bytes("t"),
                              receiptSerde
                                  .serializer()
                                  .serialize(receipts, delivered("t" + ticks[0], "a", t, 100))))
                      .get();
                }
                return letters.size() >= badCount && !health.isEmpty();
              });
      // the counts, per topic and reason, as the metric has them
      Map<String, Long> expectedCounts = new TreeMap<>();
      expectedReason.forEach((reason, topic) -> expectedCounts.put(topic + " " + reason, 1L));
      expectedCounts.put(receipts + " SerdeException", 2L);
      // A metric is not transactional: a record read again after a rebalance or crash is
      // counted again (seen once in a loaded run for the two unreadable records), while the
      // topic, read_committed, holds it once. So: every reason, and at least its count.
      Map<String, Long> counts = app.deadLetters().counts();
      assertThat(counts.keySet()).isEqualTo(expectedCounts.keySet());
      expectedCounts.forEach((k, n) -> assertThat(counts.get(k)).as(k).isGreaterThanOrEqualTo(n));
    }

    // every bad record, once, in the order sent, with its original bytes
    List<byte[]> badValues = new ArrayList<>();
    for (var r : sent) {
      String id = new String(r.key(), StandardCharsets.UTF_8);
      if (!id.startsWith("g")) {
        badValues.add(r.value());
      }
    }
    assertThat(letters).hasSize(badCount);
    // in the order of their source offsets (a record that cannot be deserialized is
    // dead-lettered when it is read ahead, before the record in front of it is processed)
    List<ConsumerRecord<String, byte[]>> fromReceipts =
        letters.stream()
            .filter(l -> receipts.equals(header(l, "__streams.errors.topic")))
            .sorted(
                Comparator.comparingLong(l -> Long.parseLong(header(l, "__streams.errors.offset"))))
            .toList();
    assertThat(fromReceipts)
        .extracting(ConsumerRecord::value)
        .containsExactlyElementsOf(badValues.subList(0, badValues.size() - 1));
    assertThat(
            letters.stream()
                .filter(l -> probes.equals(header(l, "__streams.errors.topic")))
                .map(ConsumerRecord::value)
                .toList())
        .containsExactly(badValues.get(badValues.size() - 1));
    assertThat(letters)
        .allSatisfy(
            l -> {
              assertThat(header(l, "__streams.errors.partition")).isEqualTo("0");
              assertThat(header(l, "__streams.errors.exception")).isNotBlank();
              assertThat(header(l, "__streams.errors.message")).isNotBlank();
            });
    // the offsets name the records sent: receipts 2..12 (0 and 1 are g1, g2), the probe 0
    assertThat(fromReceipts)
        .extracting(l -> header(l, "__streams.errors.offset"))
        .containsExactly("2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");
    assertThat(letters)
        .filteredOn(l -> probes.equals(header(l, "__streams.errors.topic")))
        .singleElement()
        .satisfies(l -> assertThat(header(l, "__streams.errors.offset")).isEqualTo("0"));
    assertThat(
            letters.stream()
                .filter(
                    l ->
                        header(l, "__streams.errors.message").contains("unknown schema")
                            || header(l, "__streams.errors.message").contains("987654")))
        .hasSize(1);

    // carrier a, 10:00-10:01: g1, g2, g3 only
    assertThat(health)
        .first()
        .satisfies(
            h -> {
              assertThat(h.getCarrierId()).isEqualTo("a");
              assertThat(h.getWindowStart()).isEqualTo(T0);
              assertThat(h.getAttempts()).isEqualTo(3);
              assertThat(h.getDelivered()).isEqualTo(3);
            });
    // nothing of the unknown route (DE) or carrier (z) made a window
    assertThat(health)
        .allSatisfy(h -> assertThat(h.getCountry() + ":" + h.getCarrierId()).isEqualTo("US:a"));
  }

  @Test
  void aStartThatFailsClosesWhatItOpened() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("failed-start") + ".";
    NinesConfig config = appWithTopics(prefix);
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    String reader = prefix + "app-route-plans-reader";
    Assertions.assertThatThrownBy(
            () ->
                NinesApp.start(
                    config,
                    platform,
                    registry,
                    streams -> {
                      // the plans reader is running by now
                      assertThat(threadsNamed(reader)).isEqualTo(1);
                      assertThat(threadsNamed(prefix + "app")).isGreaterThan(1);
                      throw new IllegalStateException("refused before start");
                    }))
        .hasMessage("refused before start");
    // nothing of this app is left running: not the plans reader, not the Streams client's
    // admin client (its thread is named after the app's client id)
    await().atMost(Duration.ofSeconds(30)).until(() -> threadsNamed(prefix + "app") == 0);
  }

  @Test
  void aRecordAsLargeAsTheBrokerAllowsIsDeadLetteredAndTheAppGoesOn() throws Exception {
    // the broker takes a value of up to about 1 MiB by default; its dead letter carries Kafka
    // Streams' headers (the stack trace among them) on top, so it is larger than what was
    // accepted. At Kafka's default max.request.size it could not be sent and the stream thread
    // failed on it again and again; it must end in dead-letters and the app go on
    LocalPlatform platform = KafkaPlatformExtension.platform();
    NinesConfig config = appWithTopics(KafkaPlatformExtension.unique("dlqbig") + ".");
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    String receipts = config.topics().name(Topics.DELIVERY_RECEIPTS);
    String dlqTopic = config.topics().name(Topics.DEAD_LETTERS);
    byte[] big = new byte[1_048_400];
    Arrays.fill(big, (byte) 'x');
    var producer =
        new KafkaProducer<byte[], byte[]>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                2_000_000),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    producer.send(new ProducerRecord<>(receipts, null, T0.toEpochMilli(), bytes("big"), big)).get();
    producer
        .send(
            new ProducerRecord<>(
                receipts, null, T0.toEpochMilli(), bytes("small"), bytes("not avro either")))
        .get();
    List<ConsumerRecord<String, byte[]>> letters = new ArrayList<>();
    try (producer;
        NinesApp app = NinesApp.start(config, platform, registry);
        var dlq = TestClients.committedConsumer(platform.bootstrapServers(), dlqTopic)) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                dlq.poll(Duration.ofMillis(200)).forEach(letters::add);
                return letters.stream().anyMatch(l -> l.value() != null && l.value().length < 100);
              });
      // both, in order, with their original bytes; no stream thread failed on the way
      assertThat(letters)
          .extracting(ConsumerRecord::value)
          .containsExactly(big, bytes("not avro either"));
      assertThat(header(letters.get(0), "__streams.errors.offset")).isEqualTo("0");
      assertThat(app.faults().counts()).as("stream thread failures").isEmpty();
    }
  }

  @Test
  void anOutputTheBrokerRefusesIsDeadLetteredAndTheAppGoesOn() throws Exception {
    // carrier-health takes no record over 100 bytes (an operator's topic config): each window
    // the app closes is refused by the broker. The record whose arrival closed it goes to
    // dead-letters as output-too-large, and the rest of the work (routing) goes on, with no
    // stream thread failing on it again and again.
    LocalPlatform platform = KafkaPlatformExtension.platform();
    NinesConfig config = appWithTopics(KafkaPlatformExtension.unique("toolarge") + ".");
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    String receipts = config.topics().name(Topics.DELIVERY_RECEIPTS);
    String health = config.topics().name(Topics.CARRIER_HEALTH);
    String weights = config.topics().name(Topics.ROUTING_WEIGHTS);
    String dlqTopic = config.topics().name(Topics.DEAD_LETTERS);
    try (Admin admin = platform.kafka().admin()) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, health),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("max.message.bytes", "100"), AlterConfigOp.OpType.SET))))
          .all()
          .get();
    }
    var receiptSerde = Topics.DELIVERY_RECEIPTS.valueSerde(registry);
    String plans = config.topics().name(Topics.ROUTE_PLANS);
    var producer =
        new KafkaProducer<byte[], byte[]>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    sendPlan(producer, registry, plans);
    List<ConsumerRecord<String, byte[]>> letters = new ArrayList<>();
    List<ConsumerRecord<String, byte[]>> weightRecords = new ArrayList<>();
    int[] second = {0};
    try (producer;
        NinesApp app = NinesApp.start(config, platform, registry);
        var dlq = TestClients.committedConsumer(platform.bootstrapServers(), dlqTopic);
        var routing = TestClients.committedConsumer(platform.bootstrapServers(), weights)) {
      try {
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  // receipts 10 s apart of event time: each minute's window closes 30 s after it
                  Instant t = T0.plusSeconds(10L * second[0]++);
                  byte[] value =
                      receiptSerde
                          .serializer()
                          .serialize(receipts, delivered("r" + second[0], "a", t, 100));
                  producer
                      .send(
                          new ProducerRecord<>(
                              receipts, null, t.toEpochMilli(), bytes("r" + second[0]), value))
                      .get();
                  dlq.poll(Duration.ofMillis(100)).forEach(letters::add);
                  routing.poll(Duration.ofMillis(100)).forEach(weightRecords::add);
                  return letters.size() >= 2 && !weightRecords.isEmpty();
                });
      } catch (ConditionTimeoutException e) {
        // what a failure in a loaded CI run needs to be told apart: app stuck, or outputs missing
        throw new AssertionError(
            "after "
                + second[0]
                + " receipts: "
                + letters.size()
                + " dead letters, "
                + weightRecords.size()
                + " routing-weights records; "
                + appState(app),
            e);
      }
      assertThat(letters)
          .allSatisfy(
              l -> {
                assertThat(header(l, "__streams.errors.exception"))
                    .isEqualTo(OutputLimits.OutputTooLargeException.class.getName());
                // the record whose arrival closed the window, as the task read it
                assertThat(header(l, "__streams.errors.topic")).endsWith("-repartition");
                assertThat(header(l, "__streams.errors.offset")).isNotBlank();
                assertThat(l.value()).isNotEmpty();
              });
      assertThat(app.deadLetters().counts().keySet())
          .isNotEmpty()
          .allMatch(k -> k.endsWith("-repartition " + DeadLetters.ProductionHandler.TOO_LARGE));
      assertThat(app.faults().counts()).as("stream thread failures").isEmpty();
    }
    assertThat(TopicRecords.readAll(platform, health)).as("nothing reached " + health).isEmpty();
  }

  /** The app's state, faults, dead letters and each stream thread's tasks, on one line. */
  static String appState(NinesApp app) {
    StringBuilder b =
        new StringBuilder("app ")
            .append(app.streams().state())
            .append(", faults ")
            .append(app.faults().counts())
            .append(", dead letters ")
            .append(app.deadLetters().counts());
    for (var t : app.streams().metadataForLocalThreads()) {
      b.append(", ")
          .append(t.threadName().replaceAll(".*-(StreamThread-\\d+)$", "$1"))
          .append(' ')
          .append(t.threadState())
          .append(" active ")
          .append(t.activeTasks().stream().map(m -> m.taskId().toString()).sorted().toList());
    }
    return b.toString();
  }

  /** The plan of route US:SMS: carrier a alone, base weight 100. */
  static void sendPlan(
      KafkaProducer<byte[], byte[]> producer, RestSchemaRegistryClient registry, String plans)
      throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                plans,
                null,
                T0.toEpochMilli(),
                bytes("US:SMS"),
                Topics.ROUTE_PLANS
                    .valueSerde(registry)
                    .serializer()
                    .serialize(
                        plans,
                        RoutePlan.newBuilder()
                            .setCountry("US")
                            .setChannel(Channel.SMS)
                            .setCarriers(
                                List.of(
                                    RouteCarrier.newBuilder()
                                        .setCarrierId("a")
                                        .setBaseWeight(100)
                                        .setEnabled(true)
                                        .build()))
                            .setUpdatedAt(T0.minusSeconds(3600))
                            .build())))
        .get();
  }

  /** An app on one-partition topics named with {@code prefix}, the topics created. */
  static NinesConfig appWithTopics(String prefix) throws Exception {
    NinesConfig config = KafkaPlatformExtension.config(prefix, 1);
    try (Admin admin = KafkaPlatformExtension.platform().kafka().admin()) {
      TopicManager.ensure(admin, Topics.ALL, config.topics());
    }
    return config;
  }

  /** Live threads whose name contains {@code part}. */
  static long threadsNamed(String part) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().contains(part))
        .count();
  }

  /** A receipt in a newer schema whose Channel enum has RCS (without a default-less break). */
  static byte[] newerChannel(RestSchemaRegistryClient registry, String topic, String id, Instant at)
      throws Exception {
    String json =
        DeliveryReceipt.getClassSchema()
            .toString()
            .replace(
                "\"symbols\":[\"UNKNOWN\",\"SMS\",\"MMS\",\"VOICE\"]",
                "\"symbols\":[\"UNKNOWN\",\"SMS\",\"MMS\",\"VOICE\",\"RCS\"]");
    assertThat(json).contains("\"RCS\"");
    Schema newer = new Schema.Parser().parse(json);
    int schemaId = registry.register(topic + "-value", newer);
    DeliveryReceipt base = delivered(id, "a", at, 100);
    GenericRecord g = new GenericData.Record(newer);
    for (Schema.Field f : newer.getFields()) {
      Object v = base.get(f.name());
      if (f.name().equals("channel")) {
        v = new GenericData.EnumSymbol(f.schema(), "RCS");
      } else if (v instanceof Enum<?> e) {
        v = new GenericData.EnumSymbol(f.schema(), e.name());
      } else if (v instanceof Instant i) {
        v = i.toEpochMilli();
      }
      g.put(f.name(), v);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    var enc = EncoderFactory.get().binaryEncoder(body, null);
    new GenericDatumWriter<GenericRecord>(newer).write(g, enc);
    enc.flush();
    byte[] b = body.toByteArray();
    return WireFormat.frame(schemaId, b, b.length);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String header(ConsumerRecord<?, ?> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
