package dev.nines.health;

import static dev.nines.testing.Records.endOfInputProbe;
import static dev.nines.testing.Records.endOfInputReceipt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nines.TopicNames;
import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.config.NinesConfig;
import dev.nines.eventtime.ClosingWindows;
import dev.nines.health.stream.CarrierHealthTopology;
import dev.nines.model.CarrierKey;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.replay.CatchUp;
import dev.nines.schema.CarrierHealth;
import dev.nines.schema.Channel;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.Simulator;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.RestoreCounts;
import dev.nines.testing.TestTopics;
import dev.nines.testing.TopicRecords;
import dev.nines.testing.TopicRecords.Rec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #9, carrier health across partitions, on the real broker: 6 minutes of receipts for two
 * routes through the real app twice, once with one partition per topic, once with three
 * partitions produced <b>skewed</b> (all of partition 0, then once the app has consumed it all of
 * partition 1, then partition 2: partition 0's tasks run minutes of event time ahead).
 *
 * <p>Expected, computed here from the generated receipts alone: one {@code carrier-health}
 * window per carrier and minute with receipts, whose {@code attempts} is the number of distinct
 * message ids in it; nothing dropped as late. And the three-partition run writes the same
 * records per key (value bytes and timestamp, in order) as the one-partition run, in
 * {@code carrier-health} and in {@code routing-weights}. Before the
 * by-carrier windows closed by watermarks (they closed by the stream time of the fastest input
 * partition), the skewed run dropped the lagging partitions' receipts as late.
 *
 * <p>{@code health.partition.idle} is 10 minutes: the pauses between partitions are waits for
 * the app, not idleness. Each input partition ends with an end-of-input receipt and probe a
 * day after the history, which move every partition's watermark past it.
 */
@ExtendWith(KafkaPlatformExtension.class)
class CarrierHealthAcrossPartitionsIT {
  static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
  static final Instant END = T0.plus(Duration.ofMinutes(6));

  /**
   * A day after the history, far beyond {@code dedup.retention} (1 h): partition 0's end of
   * input reaches the de-duplication tasks before the lagging partitions' receipts. When those
   * stores forgot ids by the largest timestamp put (a window store), the lagging partitions'
   * duplicates counted twice, and this was 5 minutes; they forget by the watermarks of every
   * partition now (docs/guarantees.md, "What is deterministic").
   */
  static final Instant END_OF_INPUT = END.plus(Duration.ofDays(1));

  /** Receipts of partition 0 sent again from partition 1 after the restart of the skewed run. */
  static final int DUPLICATES_ACROSS_RESTART = 200;

  static final String SCENARIO =
      """
      name: health-partitions
      seed: 11
      regions: [us-east]
      routes:
        - country: FR
          channel: SMS
          ratePerSecond: 40
          carriers:
            - {carrierId: alpha, baseWeight: 6000}
            - {carrierId: beta, baseWeight: 4000}
        - country: DE
          channel: SMS
          ratePerSecond: 30
          carriers:
            - {carrierId: gamma, baseWeight: 5000}
            - {carrierId: delta, baseWeight: 5000}
      failureMix: {delivered: 0.97, carrier: 0.02, recipient: 0.01}
      duplicates: {fraction: 0.02}
      events:
        - name: beta-degraded
          start: PT2M
          end: PT3M
          carrierDegradation: {route: "FR:SMS", carrierId: beta, successRate: 0.50}
      """;

  record Sent(String topic, String key, SpecificRecord value, long timestampMs) {}

  record Outputs(
      Map<String, List<String>> health,
      Map<String, Long> attempts,
      Map<String, List<String>> weights,
      long late) {}

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void oneAndThreeSkewedPartitionsWriteTheSameCarrierHealth() throws Exception {
    List<Sent> reference = new ArrayList<>();
    List<Sent> events = new ArrayList<>();
    Simulator sim = new Simulator(Scenario.parse(SCENARIO), 11L);
    sim.seed((t, k, v, ts) -> reference.add(new Sent(t, k, v, ts)), T0);
    // the route of the end-of-input receipts: a route the plans do not know is dead-lettered
    reference.add(
        new Sent(
            TopicNames.ROUTE_PLANS,
            "ZZ:SMS",
            new RoutePlan(
                "ZZ", Channel.SMS, List.of(new RouteCarrier("end", 1, true, 0, false)), null, T0),
            T0.toEpochMilli()));
    sim.history(
        (t, k, v, ts) ->
            (t.equals(TopicNames.DELIVERY_RECEIPTS) || t.equals(TopicNames.PROBE_RESULTS)
                    ? events
                    : reference)
                .add(new Sent(t, k, v, ts)),
        T0,
        END);

    // the expectation: per carrier and minute, the distinct message ids
    Map<String, Set<String>> ids = new TreeMap<>();
    for (Sent s : events) {
      if (s.value() instanceof DeliveryReceipt r) {
        long t = r.getCompletedAt().toEpochMilli();
        ids.computeIfAbsent(
                CarrierKey.carrier(r.getCountry(), r.getChannel(), r.getCarrierId())
                    + "@"
                    + Instant.ofEpochMilli(t - t % 60_000),
                k -> new HashSet<>())
            .add(r.getMessageId());
      }
    }
    Map<String, Long> expected = new TreeMap<>();
    ids.forEach((k, v) -> expected.put(k, (long) v.size()));
    assertThat(expected).as("4 carriers x 6 minutes").hasSize(24);

    long t0 = System.nanoTime();
    Outputs one = run(1, reference, events, false);
    long t1 = System.nanoTime();
    Outputs three = run(3, reference, events, true);
    long t2 = System.nanoTime();

    boolean sameWeights = one.weights().equals(three.weights());
    System.out.printf(
        Locale.ROOT,
        "CarrierHealthAcrossPartitionsIT: %d receipts and "
            + "probes; 1 partition in %.1f s, 3 skewed partitions in %.1f s; %d carrier-health "
            + "windows expected; late: %d and %d; routing-weights records %d and %d, %s%n",
        events.size(),
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        expected.size(),
        one.late(),
        three.late(),
        one.weights().values().stream().mapToInt(List::size).sum(),
        three.weights().values().stream().mapToInt(List::size).sum(),
        sameWeights ? "the same" : "different");

    assertThat(one.attempts()).as("1 partition: windows and attempts").isEqualTo(expected);
    assertThat(three.attempts())
        .as("3 skewed partitions: windows and attempts")
        .isEqualTo(expected);
    assertThat(three.health().keySet()).isEqualTo(one.health().keySet());
    one.health()
        .forEach(
            (key, records) ->
                assertThat(three.health().get(key))
                    .as("carrier-health %s", key)
                    .containsExactlyElementsOf(records));
    assertThat(one.late()).as("dropped as late, 1 partition").isZero();
    assertThat(three.late()).as("dropped as late, 3 skewed partitions").isZero();
    // the decisions too: the evaluator decides an interval once every bucket task's relayed
    // watermark has passed it (before, 15 records against 13)
    assertThat(one.weights()).as("routing-weights, 1 partition").isNotEmpty();
    assertThat(three.weights().keySet()).isEqualTo(one.weights().keySet());
    one.weights()
        .forEach(
            (key, records) ->
                assertThat(three.weights().get(key))
                    .as("routing-weights %s", key)
                    .containsExactlyElementsOf(records));
  }

  /**
   * One run on fresh topics with {@code partitions} partitions; skewed if more than one. Without
   * batches; with {@code upgrade}, restarted with batches once partition 0 is through.
   */
  Outputs run(int partitions, List<Sent> reference, List<Sent> events, boolean upgrade)
      throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("health-parts-" + partitions) + ".";
    NinesConfig config = config(prefix, partitions, 1);
    NinesConfig batching = config(prefix, partitions, 1000);
    String appId = config.streams().applicationId();
    try (Admin admin = platform.kafka().admin()) {
      TestTopics.ensure(admin, config.topics());
    }
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    String receiptTopic = config.topics().name(Topics.DELIVERY_RECEIPTS);
    String probeTopic = config.topics().name(Topics.PROBE_RESULTS);
    long late = 0;
    long singleRecords = 0;
    Map<String, Long> restored = new ConcurrentHashMap<>();
    List<Sent> again = new ArrayList<>();
    NinesApp app = NinesApp.start(config, platform, registry);
    try (var producer =
            new KafkaProducer<String, Object>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    platform.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG,
                    20,
                    ProducerConfig.BATCH_SIZE_CONFIG,
                    262_144),
                new StringSerializer(),
                new AnyAvroSerializer(registry));
        Admin admin = platform.kafka().admin()) {
      for (Sent s : reference) {
        producer.send(
            new ProducerRecord<>(prefix + s.topic(), null, s.timestampMs(), s.key(), s.value()));
      }
      producer.flush();
      for (int p = 0; p < partitions; p++) {
        if (upgrade && p == 1) {
          // the upgrade: the same application id and state directory, batches from now on
          late += late(app, partitions);
          app.close();
          singleRecords = byCarrierRecords(admin, appId);
          // a state directory of its own (platform.ephemeral): the stores come back from their
          // changelogs, the seen ids from batches of ids
          app =
              NinesApp.start(
                  batching,
                  platform,
                  registry,
                  k ->
                      k.setGlobalStateRestoreListener(
                          RestoreCounts.counting(new AtomicLong(), restored)));
          // duplicates of partition 0's first receipts, from another partition (a producer
          // that partitions at random): each must be found among the restored ids
          again.addAll(
              events.stream()
                  .filter(
                      s ->
                          s.value() instanceof DeliveryReceipt
                              && partitionOf(s.key(), partitions) == 0)
                  .limit(DUPLICATES_ACROSS_RESTART)
                  .toList());
        }
        // each record to the partition Kafka's default partitioner gives its key, so that a
        // duplicate receipt goes where its original went, as it would from a real producer
        // the duplicates sent from partition 1 go in event-time order among its own records, so
        // that they do not put it out of order
        List<Sent> mine = new ArrayList<>();
        for (Sent s : events) {
          if (partitionOf(s.key(), partitions) == p) {
            mine.add(s);
          }
        }
        if (p == 1) {
          mine.addAll(again);
          mine.sort(Comparator.comparingLong(Sent::timestampMs));
        }
        for (Sent s : mine) {
          producer.send(
              new ProducerRecord<>(prefix + s.topic(), p, s.timestampMs(), s.key(), s.value()));
        }
        producer.send(
            new ProducerRecord<>(
                receiptTopic,
                p,
                END_OF_INPUT.toEpochMilli(),
                "end-of-input-" + p,
                endOfInputReceipt(p, END_OF_INPUT)));
        producer.send(
            new ProducerRecord<>(
                probeTopic,
                p,
                END_OF_INPUT.toEpochMilli(),
                "end-of-input-" + p,
                endOfInputProbe(p, END_OF_INPUT)));
        producer.flush();
        // skew: the next partition only once the app has consumed this one to its end
        TopicPartition tp = new TopicPartition(receiptTopic, p);
        long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  var c =
                      admin
                          .listConsumerGroupOffsets(appId)
                          .partitionsToOffsetAndMetadata()
                          .get()
                          .get(tp);
                  return c != null && c.offset() >= end;
                });
      }
      // then the app through everything: the inputs and its own repartition topics
      Map<String, Object> client =
          Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                List<String> repartition =
                    admin.listTopics().names().get().stream()
                        .filter(t -> t.startsWith(appId + "-") && t.endsWith("-repartition"))
                        .toList();
                return CatchUp.status(
                        admin, client, appId, List.of(receiptTopic, probeTopic), repartition)
                    .done();
              });
      late += late(app, partitions);
      if (upgrade) {
        long batchRecords = byCarrierRecords(admin, appId) - singleRecords;
        long first = receipts(events, 0, partitions);
        long rest = receipts(events, 1, partitions) + receipts(events, 2, partitions);
        System.out.printf(
            Locale.ROOT,
            "CarrierHealthAcrossPartitionsIT: by-carrier records: %d for %d receipts one by one, "
                + "%d for %d receipts in batches (offsets, marks and commit markers included)%n",
            singleRecords,
            first,
            batchRecords,
            rest);
        assertThat(singleRecords).as("one record per receipt before").isGreaterThan(first);
        assertThat(batchRecords).as("batches after the upgrade").isLessThan(rest / 2);
        // the seen ids of partition 0's receipts came back in far fewer records than ids
        long restoredIds = restored.getOrDefault(CarrierHealthTopology.RECEIPTS_DEDUP_STORE, 0L);
        System.out.printf(
            Locale.ROOT,
            "CarrierHealthAcrossPartitionsIT: seen ids of %d receipts restored from %d changelog "
                + "records; %d of them sent again from partition 1%n",
            first,
            restoredIds,
            DUPLICATES_ACROSS_RESTART);
        assertThat(restoredIds).as("seen-id changelog records restored").isPositive();
        assertThat(restoredIds).isLessThan(first / 2);
      }
    } finally {
      app.close();
    }
    String healthTopic = config.topics().name(Topics.CARRIER_HEALTH);
    var healthSerde = Topics.CARRIER_HEALTH.valueSerde(registry);
    Map<String, List<String>> health = new TreeMap<>();
    Map<String, Long> attempts = new TreeMap<>();
    for (Rec r : TopicRecords.readAll(platform, healthTopic)) {
      CarrierHealth h = healthSerde.deserializer().deserialize(healthTopic, r.value());
      health
          .computeIfAbsent(r.key(), k -> new ArrayList<>())
          .add(r.toString().substring(r.toString().indexOf(' ') + 1));
      if (attempts.containsKey(r.key() + "@" + h.getWindowStart())) {
        System.out.printf(
            "CarrierHealthAcrossPartitionsIT: %d partition(s): window %s of %s "
                + "written again: %s%n",
            partitions, h.getWindowStart(), r.key(), h);
      }
      attempts.merge(r.key() + "@" + h.getWindowStart(), h.getAttempts(), Long::sum);
    }
    Map<String, List<String>> weights = new TreeMap<>();
    for (Rec r : TopicRecords.readAll(platform, config.topics().name(Topics.ROUTING_WEIGHTS))) {
      weights
          .computeIfAbsent(r.key(), k -> new ArrayList<>())
          .add(r.toString().substring(r.toString().indexOf(' ') + 1));
    }
    return new Outputs(health, attempts, weights, late);
  }

  /** Records the app's windows dropped as late. */
  static long late(NinesApp app, int partitions) {
    long late = 0;
    for (var e : app.streams().metrics().entrySet()) {
      if (e.getKey().name().equals(ClosingWindows.LATE_METRIC)
          && e.getKey().group().equals(ClosingWindows.METRIC_GROUP)) {
        long n = ((Number) e.getValue().metricValue()).longValue();
        late += n;
        if (n > 0) {
          System.out.printf(
              "CarrierHealthAcrossPartitionsIT: %d partition(s): %d late in %s%n",
              partitions, n, e.getKey().tags());
        }
      }
    }
    return late;
  }

  /** The by-carrier repartition topic's end offsets, summed. */
  static long byCarrierRecords(Admin admin, String appId) throws Exception {
    String topic = appId + "-receipts-by-carrier-repartition";
    var parts = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
    Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
    parts.forEach(pi -> ask.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest()));
    return admin.listOffsets(ask).all().get().values().stream().mapToLong(o -> o.offset()).sum();
  }

  /** The receipts among {@code events} produced to partition {@code p}. */
  static long receipts(List<Sent> events, int p, int partitions) {
    return events.stream()
        .filter(e -> e.value() instanceof DeliveryReceipt)
        .filter(e -> partitionOf(e.key(), partitions) == p)
        .count();
  }

  static NinesConfig config(String prefix, int partitions, int batchRecords) {
    return KafkaPlatformExtension.config(
        prefix,
        partitions,
        "health.partition.idle",
        "PT10M",
        "health.batch.records",
        Integer.toString(batchRecords));
  }

  static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
