package dev.nines.ingest;

import static dev.nines.testing.Records.endOfInputProbe;
import static dev.nines.testing.Records.endOfInputReceipt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nines.Topic;
import dev.nines.TopicNames;
import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.config.NinesConfig;
import dev.nines.model.CarrierKey;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.routing.stream.RoutingTopology;
import dev.nines.schema.CarrierHealth;
import dev.nines.schema.CarrierState;
import dev.nines.schema.CarrierWeight;
import dev.nines.schema.Channel;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.Incident;
import dev.nines.schema.IncidentStatus;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.RoutingWeights;
import dev.nines.schema.SlaCredit;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.Simulator;
import dev.nines.testing.CaughtUp;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.LogForensics;
import dev.nines.testing.TestTopics;
import dev.nines.testing.TopicRecords;
import dev.nines.testing.TopicRecords.Rec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same input, written to three partitions per topic by three kinds of producer, gives the
 * same outputs record for record: Java's default partitioner (murmur2 of the key); librdkafka's
 * default {@code consistent_random} (CRC32 of the key, a random partition for a null key, as
 * Python, Go, Node and C producers write), with receipts and probes sent without a key; and a
 * seeded random partition for every record. Every input topic takes part: route plans (with a
 * plan edit while traffic flows), routing policy profiles, receipts, probes, an SLA contract and
 * a maintenance window.
 *
 * <p>What each run must show, worked out from the scenario: bluewave (40 % success from minute 2
 * to 6) EJECTED; corvid DISABLED from the plan edit's own time on (00:02:00, an interval end)
 * and never before; VERIFY down in us-east (an incident opened and resolved); a credit of 10 %
 * for October (about 5 minutes DOWN outside the 1-minute maintenance window, below 99.99 %);
 * FR:SMS, under its profile {@code strict} (eject below 90 %), ejecting alpha at 85 % and spilling
 * to its standby gamma, which carries nothing before;
 * per carrier and minute as many attempts as distinct message ids; no dead letter.
 *
 * <p>Before route plans were re-keyed by the app, the CRC32 and random runs wrote no
 * routing-weights record for US:SMS: its plan sat on another partition than the route's buckets.
 * Idle timeouts are 10 minutes, so only data closes windows: each partition ends with a receipt
 * and a probe a day later. The reference data (the plan edit too) is written, and read by the
 * app, before the receipts and probes.
 *
 * <p>No duplicate receipts here: copies of one message that land on different partitions are
 * counted by whichever reaches the de-duplication first, and when that copy is later than the
 * routing buckets' 1 s grace behind its own partition, a routing sample count can differ by one
 * (docs/producing.md, "Duplicates across partitions"). Keyed by messageId, copies share a
 * partition under every hashing partitioner.
 */
@ExtendWith(KafkaPlatformExtension.class)
class AnyPartitionerIT {
  static final int PARTITIONS = 3;
  static final Instant ORIGIN = Instant.parse("2026-10-31T23:50:00Z");
  static final Instant END = ORIGIN.plus(Duration.ofMinutes(18));
  static final Instant PLAN_EDIT = Instant.parse("2026-11-01T00:02:00Z");
  static final Instant END_OF_INPUT = END.plus(Duration.ofDays(1));
  static final long FEE = 100_000;
  static final String SCENARIO =
      """
      name: any-partitioner
      seed: 7
      regions: [us-east]
      vantages: [v1]
      probeInterval: PT60S
      probeFailureRate: 0
      checks:
        - {name: sms-send, service: SMS}
        - {name: verify-send, service: VERIFY}
      routes:
        - country: US
          channel: SMS
          ratePerSecond: 10
          carriers:
            - {carrierId: atlas, baseWeight: 50}
            - {carrierId: bluewave, baseWeight: 30}
            - {carrierId: corvid, baseWeight: 20}
        - country: FR
          channel: SMS
          ratePerSecond: 5
          policy: strict
          carriers:
            - {carrierId: alpha, baseWeight: 60}
            - {carrierId: beta, baseWeight: 40}
            - {carrierId: gamma, baseWeight: 100, priority: 1}
      policies:
        - name: strict
          settings: {routing.eject.success.below: "0.9"}
      failureMix: {delivered: 0.995, carrier: 0.002, recipient: 0.003}
      duplicates: {fraction: 0.0}
      accounts:
        - accountId: acme
          tier: standard
          targetPercent: "99.99"
          regions: [us-east]
          services:
            - {service: VERIFY, monthlyFeeMinor: %d}
          currency: USD
          creditSchedule:
            - {belowPercent: "99.99", creditPercent: 10}
            - {belowPercent: "99.9", creditPercent: 25}
      maintenance:
        - {id: mw-verify, service: VERIFY, region: us-east, start: PT7M, end: PT8M}
      events:
        - name: bluewave-degraded
          start: PT2M
          end: PT6M
          carrierDegradation: {route: "US:SMS", carrierId: bluewave, successRate: 0.40}
        - name: alpha-degraded
          start: PT9M
          end: PT14M
          carrierDegradation: {route: "FR:SMS", carrierId: alpha, successRate: 0.85}
        - name: verify-down
          start: PT3M
          end: PT9M
          serviceOutage: {service: VERIFY, region: us-east}
      """
          .formatted(FEE);

  record Sent(String topic, String key, SpecificRecord value, long timestampMs) {}

  /** How a producer picks a record's partition, and whether it sends the key. */
  interface Partitioning {
    /** The partition, or null for the Java client's own choice (murmur2 of the key). */
    Integer partition(Sent s);

    /** The key as sent. */
    default String key(Sent s) {
      return s.key();
    }
  }

  /** Java's producer with every setting at its default: murmur2 of the key. */
  static final Partitioning MURMUR2 = s -> null;

  /**
   * librdkafka's default partitioner, {@code consistent_random}: CRC32 of the key bytes, a random
   * partition for a null key. Receipts and probes go without a key ("key: any").
   */
  static Partitioning crc32(long seed) {
    Random random = new Random(seed);
    return new Partitioning() {
      @Override
      public Integer partition(Sent s) {
        String key = key(s);
        if (key == null) {
          return random.nextInt(PARTITIONS);
        }
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % PARTITIONS);
      }

      @Override
      public String key(Sent s) {
        return isEvent(s) ? null : s.key();
      }
    };
  }

  /** A partition drawn at random for each record. */
  static Partitioning random(long seed) {
    Random random = new Random(seed);
    return s -> random.nextInt(PARTITIONS);
  }

  static boolean isEvent(Sent s) {
    return s.topic().equals(TopicNames.DELIVERY_RECEIPTS)
        || s.topic().equals(TopicNames.PROBE_RESULTS);
  }

  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void everyPartitionerGivesTheSameOutputs() throws Exception {
    List<Sent> input = input();
    // the point of the CRC32 run: US:SMS's plan lands elsewhere than murmur2 puts it
    Sent plan =
        input.stream()
            .filter(s -> s.topic().equals(TopicNames.ROUTE_PLANS) && s.key().equals("US:SMS"))
            .findFirst()
            .orElseThrow();
    assertThat(crc32(0).partition(plan))
        .as("CRC32 and murmur2 partitions of US:SMS differ")
        .isNotEqualTo(
            Utils.toPositive(Utils.murmur2("US:SMS".getBytes(StandardCharsets.UTF_8)))
                % PARTITIONS);

    Map<String, Map<String, List<String>>> murmur2 = run("murmur2", MURMUR2, input);
    Map<String, Map<String, List<String>>> crc32 = run("crc32", crc32(5), input);
    Map<String, Map<String, List<String>>> random = run("random", random(9), input);
    for (Topic<?> t : Topics.OUTPUTS) {
      assertThat(crc32.get(t.name()))
          .as("%s: CRC32 and null keys against murmur2", t.name())
          .isEqualTo(murmur2.get(t.name()));
      assertThat(random.get(t.name()))
          .as("%s: random partitions against murmur2", t.name())
          .isEqualTo(murmur2.get(t.name()));
    }
  }

  /** The scenario's reference data and events, with the plan edit in event-time order. */
  static List<Sent> input() {
    List<Sent> reference = new ArrayList<>();
    List<Sent> events = new ArrayList<>();
    Simulator sim = new Simulator(Scenario.parse(SCENARIO), 7L);
    sim.seed((t, k, v, ts) -> reference.add(new Sent(t, k, v, ts)), ORIGIN);
    // the route of the end-of-input receipts: a route no plan knows is dead-lettered
    reference.add(
        new Sent(
            TopicNames.ROUTE_PLANS,
            "ZZ:SMS",
            new RoutePlan(
                "ZZ",
                Channel.SMS,
                List.of(new RouteCarrier("end", 1, true, 0, false)),
                null,
                ORIGIN),
            ORIGIN.toEpochMilli()));
    sim.history((t, k, v, ts) -> events.add(new Sent(t, k, v, ts)), ORIGIN, END);
    RoutePlan drained =
        new RoutePlan(
            "US",
            Channel.SMS,
            List.of(
                new RouteCarrier("atlas", 50, true, 0, false),
                new RouteCarrier("bluewave", 30, true, 0, false),
                new RouteCarrier("corvid", 20, false, 0, false)),
            null,
            PLAN_EDIT);
    int at = 0;
    while (at < events.size() && events.get(at).timestampMs() < PLAN_EDIT.toEpochMilli()) {
      at++;
    }
    events.add(at, new Sent(TopicNames.ROUTE_PLANS, "US:SMS", drained, PLAN_EDIT.toEpochMilli()));
    List<Sent> all = new ArrayList<>(reference);
    all.addAll(events);
    return all;
  }

  /** One run on fresh topics; returns each output topic's records per key, in order. */
  Map<String, Map<String, List<String>>> run(
      String name, Partitioning partitioning, List<Sent> input) throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("any-" + name) + ".";
    NinesConfig config =
        KafkaPlatformExtension.config(
            prefix,
            PARTITIONS,
            "uptime.month.grace",
            "PT5M",
            "health.partition.idle",
            "PT10M",
            "uptime.partition.idle",
            "PT10M");
    String appId = config.streams().applicationId();
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    long t0 = System.nanoTime();
    try (Admin admin = platform.kafka().admin()) {
      TestTopics.ensure(admin, config.topics());
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
          NinesApp app = NinesApp.start(config, platform, registry)) {
        // Reference data first, the plan edit of 00:02 included, until the app has read it: a
        // plan applies from its own event time once the routing holds it, and the point here
        // is where it lands, not a race between the edit's one hop and the receipts' two
        // (docs/producing.md, "Plan edits")
        for (Sent s : input) {
          if (!isEvent(s)) {
            send(producer, prefix, partitioning, s);
          }
        }
        producer.flush();
        Runnable caughtUp =
            () ->
                await()
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .alias(name + ": the app caught up")
                    .until(
                        CaughtUp.condition(admin, platform.bootstrapServers(), config, registry));
        caughtUp.run(); // the reference data
        // and the routing holds the edit: its store's changelog has it (written in the
        // transaction that consumed it), whatever the offsets said a moment before
        String changelog = appId + "-" + RoutingTopology.PLANS_STORE + "-changelog";
        await()
            .atMost(Duration.ofMinutes(1))
            .pollInterval(Duration.ofMillis(200))
            .alias(name + ": the plan edit in the routing's store")
            .until(
                () ->
                    TopicRecords.readAll(platform, changelog).stream()
                        .anyMatch(
                            r ->
                                r.key().equals("US:SMS")
                                    && r.timestamp() == PLAN_EDIT.toEpochMilli()));
        for (Sent s : input) {
          if (isEvent(s)) {
            send(producer, prefix, partitioning, s);
          }
        }
        for (int p = 0; p < PARTITIONS; p++) {
          producer.send(
              new ProducerRecord<>(
                  prefix + TopicNames.DELIVERY_RECEIPTS,
                  p,
                  END_OF_INPUT.toEpochMilli(),
                  "end-of-input-" + p,
                  endOfInputReceipt(p, END_OF_INPUT)));
          producer.send(
              new ProducerRecord<>(
                  prefix + TopicNames.PROBE_RESULTS,
                  p,
                  END_OF_INPUT.toEpochMilli(),
                  "end-of-input-" + p,
                  endOfInputProbe(p, END_OF_INPUT)));
        }
        producer.flush();
        caughtUp.run(); // everything
      }
    }
    Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
    Map<String, List<Rec>> raw = new LinkedHashMap<>();
    for (Topic<?> t : Topics.OUTPUTS) {
      List<Rec> recs = TopicRecords.readAll(platform, config.topics().name(t));
      raw.put(t.name(), recs);
      Map<String, List<String>> byKey = new TreeMap<>();
      for (Rec r : recs) {
        byKey
            .computeIfAbsent(r.key(), k -> new ArrayList<>())
            .add(Instant.ofEpochMilli(r.timestamp()) + " " + HexFormat.of().formatHex(r.value()));
      }
      out.put(t.name(), byKey);
    }
    System.out.printf(
        "AnyPartitionerIT: %s run in %.1f s: %s%n",
        name,
        (System.nanoTime() - t0) / 1e9,
        raw.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size()).toList());
    checkExpectations(name, config, registry, input, raw);
    return out;
  }

  static void send(
      KafkaProducer<String, Object> producer, String prefix, Partitioning partitioning, Sent s) {
    producer.send(
        new ProducerRecord<>(
            prefix + s.topic(),
            partitioning.partition(s),
            s.timestampMs(),
            partitioning.key(s),
            s.value()));
  }

  /** What the scenario must give, whatever the partitioner (see the class doc). */
  static void checkExpectations(
      String name,
      NinesConfig config,
      RestSchemaRegistryClient registry,
      List<Sent> input,
      Map<String, List<Rec>> raw) {
    assertThat(raw.get(Topics.DEAD_LETTERS.name())).as("%s: dead letters", name).isEmpty();

    List<RoutingWeights> us =
        decode(config, registry, Topics.ROUTING_WEIGHTS, raw).stream()
            .map(RoutingWeights.class::cast)
            .filter(w -> w.getRouteId().equals("US:SMS"))
            .toList();
    List<RoutingWeights> fr =
        decode(config, registry, Topics.ROUTING_WEIGHTS, raw).stream()
            .map(RoutingWeights.class::cast)
            .filter(w -> w.getRouteId().equals("FR:SMS"))
            .toList();
    checkTiersAndProfile(name, fr);
    try {
      checkRouting(name, us);
    } catch (AssertionError e) {
      // what a recurrence needs to be understood: every decision, and how the broker stored them
      System.out.printf(
          "AnyPartitionerIT %s: US:SMS decisions (effective at, version, mode, "
              + "carrier state/weight):%n",
          name);
      us.forEach(
          w ->
              System.out.printf(
                  "  %s v%d %s %s%n",
                  w.getEffectiveAt(),
                  w.getVersion(),
                  w.getMode(),
                  w.getCarriers().stream()
                      .map(c -> c.getCarrierId() + " " + c.getState() + "/" + c.getWeight())
                      .toList()));
      String topic = config.topics().name(Topics.ROUTING_WEIGHTS);
      for (int p = 0; p < PARTITIONS; p++) {
        System.out.printf("  batches of %s-%d:%n", topic, p);
        LogForensics.batches(KafkaPlatformExtension.platform(), topic, p)
            .forEach(l -> System.out.println("    " + l));
      }
      throw e;
    }
    List<Incident> incidents =
        decode(config, registry, Topics.INCIDENTS, raw).stream().map(Incident.class::cast).toList();
    assertThat(incidents)
        .as("%s: incidents", name)
        .extracting(i -> i.getService() + " " + i.getRegion() + " " + i.getStatus())
        .containsExactly("VERIFY us-east OPEN", "VERIFY us-east RESOLVED");
    assertThat(incidents.get(0).getStatus()).isEqualTo(IncidentStatus.OPEN);

    List<SlaCredit> credits =
        decode(config, registry, Topics.SLA_CREDITS, raw).stream()
            .map(SlaCredit.class::cast)
            .toList();
    assertThat(credits)
        .as("%s: credits", name)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getMonth()).isEqualTo("2026-10");
              assertThat(c.getCreditPercent()).isEqualTo(10);
              assertThat(c.getCreditAmountMinor()).isEqualTo(FEE / 10);
            });

    // per carrier and minute: as many attempts as distinct message ids
    Map<String, Set<String>> ids = new TreeMap<>();
    for (Sent s : input) {
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
    Map<String, Long> attempts = new TreeMap<>();
    decode(config, registry, Topics.CARRIER_HEALTH, raw).stream()
        .map(CarrierHealth.class::cast)
        .forEach(
            h ->
                attempts.merge(
                    CarrierKey.carrier(h.getCountry(), h.getChannel(), h.getCarrierId())
                        + "@"
                        + h.getWindowStart(),
                    h.getAttempts(),
                    Long::sum));
    assertThat(attempts)
        .as("%s: carrier-health attempts per carrier and minute", name)
        .isEqualTo(expected);
  }

  /**
   * Routing of FR:SMS: the standby gamma carries nothing until alpha is ejected by the profile's
   * threshold (90 %: the configured 80 % would only degrade it at 85 %), then takes the spill.
   */
  static void checkTiersAndProfile(String name, List<RoutingWeights> fr) {
    Instant degraded = ORIGIN.plus(Duration.ofMinutes(9));
    assertThat(fr.stream().filter(w -> !w.getEffectiveAt().isAfter(degraded)))
        .as("%s: FR:SMS before alpha degrades", name)
        .isNotEmpty()
        .allMatch(w -> weight(w, "gamma") == 0 && state(w, "alpha") == CarrierState.HEALTHY);
    RoutingWeights spill =
        fr.stream()
            .filter(w -> state(w, "alpha") == CarrierState.EJECTED)
            .findFirst()
            .orElseThrow(() -> new AssertionError(name + ": alpha never ejected on FR:SMS: " + fr));
    CarrierWeight alpha = spill.getCarriers().get(0);
    CarrierWeight gamma = spill.getCarriers().get(2);
    assertThat(alpha.getReason())
        .as("%s: the profile's threshold", name)
        .contains("below eject threshold 90.0%");
    assertThat(gamma.getPriority()).isEqualTo(1);
    // the primary tier is 40 % healthy (< 70 %): it carries 4/7 of the 9900 beyond alpha's
    // trickle, gamma the rest
    assertThat(gamma.getWeight()).as("%s: the standby takes the spill", name).isEqualTo(4243);
    assertThat(weight(spill, "beta")).isEqualTo(5657);
  }

  /** Routing of US:SMS: bluewave ejected; corvid drained from the plan edit's own time on. */
  static void checkRouting(String name, List<RoutingWeights> us) {
    assertThat(us).as("%s: US:SMS decisions", name).isNotEmpty();
    assertThat(us)
        .as("%s: bluewave ejected", name)
        .anyMatch(w -> state(w, "bluewave") == CarrierState.EJECTED);
    assertThat(us.stream().filter(w -> w.getEffectiveAt().isBefore(PLAN_EDIT)))
        .as("%s: corvid in service before the plan edit", name)
        .isNotEmpty()
        .noneMatch(w -> state(w, "corvid") == CarrierState.DISABLED);
    List<RoutingWeights> after =
        us.stream().filter(w -> !w.getEffectiveAt().isBefore(PLAN_EDIT)).toList();
    assertThat(after)
        .as("%s: decisions from the plan edit on", name)
        .isNotEmpty()
        .allMatch(w -> state(w, "corvid") == CarrierState.DISABLED && weight(w, "corvid") == 0);
    assertThat(after.get(0).getEffectiveAt())
        .as("%s: the drain takes effect at the edit's " + "own event time", name)
        .isEqualTo(PLAN_EDIT);
  }

  static List<Object> decode(
      NinesConfig config,
      RestSchemaRegistryClient registry,
      Topic<?> topic,
      Map<String, List<Rec>> raw) {
    var serde = topic.valueSerde(registry);
    String name = config.topics().name(topic);
    return raw.get(topic.name()).stream()
        .sorted(Comparator.comparingLong(Rec::timestamp))
        .map(r -> (Object) serde.deserializer().deserialize(name, r.value()))
        .toList();
  }

  static CarrierState state(RoutingWeights w, String carrier) {
    return w.getCarriers().stream()
        .filter(c -> c.getCarrierId().equals(carrier))
        .findFirst()
        .orElseThrow()
        .getState();
  }

  static int weight(RoutingWeights w, String carrier) {
    return w.getCarriers().stream()
        .filter(c -> c.getCarrierId().equals(carrier))
        .findFirst()
        .orElseThrow()
        .getWeight();
  }
}
