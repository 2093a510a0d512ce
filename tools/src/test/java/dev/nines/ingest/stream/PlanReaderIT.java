package dev.nines.ingest.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.Topics;
import dev.nines.ingest.PlanBook;
import dev.nines.ingest.PlanBook.Verdict;
import dev.nines.ingest.PlansUnavailableException;
import dev.nines.schema.Channel;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.testing.KafkaPlatformExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The route plans as the receipts' admission sees them, read from a real broker. */
@ExtendWith(KafkaPlatformExtension.class)
class PlanReaderIT {
  static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");

  @Test
  void readsEveryPlanBeforeStartingAndAPlanWrittenBeforeAReceiptIsAlwaysSeen() throws Exception {
    var platform = KafkaPlatformExtension.platform();
    String topic = KafkaPlatformExtension.unique("plans");
    try (Admin admin = platform.kafka().admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 3, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get();
    }
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    var serde = Topics.ROUTE_PLANS.valueSerde(registry);
    Map<String, Object> clients =
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    try (var producer =
        new KafkaProducer<byte[], byte[]>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      BiConsumer<String, RoutePlan> send =
          (route, plan) -> {
            try {
              producer
                  .send(
                      new ProducerRecord<>(
                          topic,
                          null,
                          T0.toEpochMilli(),
                          bytes(route),
                          serde.serializer().serialize(topic, plan)))
                  .get();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
      // on the topic before the reader starts: two routes, a removed one, and unreadable bytes
      send.accept("US:SMS", plan("US", T0, "a", "b"));
      send.accept("DE:SMS", plan("DE", T0, "c"));
      send.accept("FR:SMS", plan("FR", T0, "f"));
      // a removal, stamped now by the producer (as the routing's table reads it)
      producer.send(new ProducerRecord<>(topic, bytes("FR:SMS"), (byte[]) null)).get();
      producer.send(new ProducerRecord<>(topic, bytes("IT:SMS"), bytes("not avro"))).get();
      long t = T0.plusSeconds(60).toEpochMilli();

      try (PlanReader reader =
          new PlanReader(
                  clients,
                  "plans-it",
                  topic,
                  serde.deserializer(),
                  new PlanBook(Duration.ofDays(35)),
                  Duration.ZERO)
              .start()) {
        assertThat(reader.verdict("US:SMS", "b", t, t)).isEqualTo(Verdict.KNOWN);
        assertThat(reader.verdict("DE:SMS", "c", t, t)).isEqualTo(Verdict.KNOWN);
        assertThat(reader.verdict("DE:SMS", "a", t, t)).isEqualTo(Verdict.UNKNOWN_CARRIER);
        // the tombstone's own timestamp is now, after t: FR was still planned at t ...
        assertThat(reader.verdict("FR:SMS", "f", t, t)).isEqualTo(Verdict.KNOWN);
        // ... and is not after the removal
        long later = System.currentTimeMillis() + 60_000;
        assertThat(reader.verdict("FR:SMS", "f", later, later)).isEqualTo(Verdict.UNKNOWN_ROUTE);
        assertThat(reader.verdict("IT:SMS", "x", t, t)).isEqualTo(Verdict.UNKNOWN_ROUTE);

        // a plan acknowledged by the broker just before a receipt is checked: always seen,
        // though the reader polls on its own schedule (a round reads up to the end offsets)
        for (int i = 0; i < 25; i++) {
          String route = "X" + i + ":SMS";
          assertThat(reader.verdict(route, "k", t, t)).isEqualTo(Verdict.UNKNOWN_ROUTE);
          send.accept(route, plan("X" + i, T0, "k"));
          assertThat(reader.verdict(route, "k", t, t)).as(route).isEqualTo(Verdict.KNOWN);
        }
        // without a recheck interval every unknown verdict waited for a round of its own (the
        // second one of each route only when the reader had not read the plan on its own yet)
        assertThat(reader.rounds()).isGreaterThanOrEqualTo(3 + 25);
      }

      // with a recheck interval, a burst of receipts for a route found unknown costs one round
      try (PlanReader reader =
          new PlanReader(
                  clients,
                  "plans-it-2",
                  topic,
                  serde.deserializer(),
                  new PlanBook(Duration.ofDays(35)),
                  Duration.ofHours(1))
              .start()) {
        for (int i = 0; i < 50; i++) {
          assertThat(reader.verdict("Y:SMS", "k", t, t)).isEqualTo(Verdict.UNKNOWN_ROUTE);
        }
        assertThat(reader.rounds()).isEqualTo(1);
        assertThat(reader.verdict("X3:SMS", "k", t, t)).isEqualTo(Verdict.KNOWN);
        assertThat(reader.rounds()).isEqualTo(1);
      }

      // once closed: what the book knows is still answered, the rest cannot be judged
      PlanReader closed =
          new PlanReader(
                  clients,
                  "plans-it-3",
                  topic,
                  serde.deserializer(),
                  new PlanBook(Duration.ofDays(35)),
                  Duration.ZERO)
              .start();
      closed.close();
      assertThat(closed.verdict("US:SMS", "a", t, t)).isEqualTo(Verdict.KNOWN);
      Assertions.assertThatThrownBy(() -> closed.verdict("Q:SMS", "k", t, t))
          .isInstanceOf(PlansUnavailableException.class);
    }
  }

  static RoutePlan plan(String country, Instant updatedAt, String... carriers) {
    return RoutePlan.newBuilder()
        .setCountry(country)
        .setChannel(Channel.SMS)
        .setCarriers(
            Arrays.stream(carriers)
                .map(
                    c ->
                        RouteCarrier.newBuilder()
                            .setCarrierId(c)
                            .setBaseWeight(100)
                            .setEnabled(true)
                            .build())
                .toList())
        .setUpdatedAt(updatedAt)
        .build();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
