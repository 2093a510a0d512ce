package dev.nines.routing.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.eventtime.Marked;
import dev.nines.eventtime.MarkedSerde;
import dev.nines.eventtime.ObjectStore;
import dev.nines.eventtime.Watermark;
import dev.nines.health.HealthCounts;
import dev.nines.health.Outcome;
import dev.nines.routing.RoutingPolicy;
import dev.nines.schema.Channel;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.RoutingPolicyProfile;
import dev.nines.schema.RoutingWeights;
import dev.nines.testing.Drivers;
import dev.nines.views.AvroValueSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The route evaluator behind the by-route shuffle (issue #9): three bucket tasks send their
 * carriers' buckets and relayed watermarks, and however their sequences interleave, the
 * decisions are those of the orderly sequence in which every bucket of an interval comes before
 * any mark that passes it. The interleavings are skewed: in each, some route gets a bucket of a
 * later interval before a bucket of an earlier one, which the former rule ("every enabled
 * carrier reported, or a later bucket came") evaluated without the missing bucket.
 */
class RouteEvaluatorInterleavingTest {
  static final long T0 = Instant.parse("2026-10-01T10:00:00Z").toEpochMilli();
  static final long INTERVAL = 5_000;
  static final int TASKS = 3;
  static final int INTERVALS = 40;

  /** c is drained by a plan change at the end of interval 19. */
  static final long DRAIN = T0 + 20 * INTERVAL;

  /** carrier -> route and the bucket task its key hashes to (fixed here, as murmur2 would). */
  static final Map<String, String> ROUTE =
      Map.of("a", "US:SMS", "b", "US:SMS", "c", "US:SMS", "d", "GB:SMS", "e", "GB:SMS");

  static final Map<String, Integer> TASK = Map.of("a", 0, "b", 1, "c", 2, "d", 2, "e", 0);

  /** One element of a bucket task's output: a bucket (route key) or a relayed mark. */
  record Sent(String route, CarrierBucket bucket, Watermark mark) {}

  @Test
  void everyInterleavingGivesTheDecisionsOfTheOrderlySequence() {
    for (long seed = 1; seed <= 3; seed++) {
      Random random = new Random(seed);
      List<List<Sent>> tasks = taskSequences(random);
      Map<String, List<String>> expected = run(orderly(tasks));
      assertThat(expected.get("US:SMS"))
          .as("seed %d: decisions to compare", seed)
          .hasSizeGreaterThan(3);
      assertThat(expected.get("GB:SMS"))
          .as("seed %d: decisions to compare", seed)
          .hasSizeGreaterThan(3);
      // the drain of c takes effect in the decision effective at its time, not one later
      assertThat(
              expected.get("US:SMS").stream().filter(d -> d.contains("c=0:DISABLED")).findFirst())
          .as("seed %d", seed)
          .hasValueSatisfying(d -> assertThat(d).startsWith(DRAIN + " "));
      for (int order = 0; order < 6; order++) {
        List<Sent> mixed = interleave(tasks, new Random(seed * 100 + order));
        assertThat(skewed(mixed)).as("seed %d, interleaving %d is skewed", seed, order).isTrue();
        assertThat(run(mixed)).as("seed %d, interleaving %d", seed, order).isEqualTo(expected);
      }
    }
  }

  @Test
  void nothingIsDecidedUntilEveryBucketTaskHasPassedTheInterval() {
    List<Sent> in = new ArrayList<>();
    in.add(bucket("a", 0, 0.5, 200));
    in.add(bucket("b", 0, 1.0, 200));
    in.add(bucket("c", 0, 1.0, 200));
    in.add(mark(0, T0 + INTERVAL));
    in.add(mark(1, T0 + INTERVAL));
    // every carrier of the route reported, but task 2 has not passed the interval
    assertThat(run(in)).isEmpty();
    in.add(mark(2, T0 + INTERVAL));
    Map<String, List<String>> out = run(in);
    assertThat(out.get("US:SMS")).hasSize(1);
    // a at 50 % is ejected (below 80 %) to the trickle of 100; b and c share the rest 3:2
    // (5940/3960, as worked out in RoutingTopologyTest)
    assertThat(out.get("US:SMS").get(0))
        .startsWith(T0 + INTERVAL + " 1 NORMAL")
        .contains("a=100:EJECTED")
        .contains("b=5940:HEALTHY")
        .contains("c=3960:HEALTHY");
  }

  // --- the bucket tasks' sequences, and interleavings of them ---

  /** Per task: for each interval, its carriers' buckets (some missing), then its mark. */
  static List<List<Sent>> taskSequences(Random random) {
    List<List<Sent>> tasks = new ArrayList<>();
    for (int t = 0; t < TASKS; t++) {
      tasks.add(new ArrayList<>());
    }
    for (int k = 0; k < INTERVALS; k++) {
      for (String c : List.of("a", "b", "c", "d", "e")) {
        if (random.nextInt(6) == 0) {
          continue; // no traffic this interval: no bucket
        }
        // runs of failure make ejections and recoveries
        boolean bad = (k / 8 + c.charAt(0)) % 3 == 0;
        double success = bad ? 0.3 + 0.4 * random.nextDouble() : 0.97 + 0.03 * random.nextDouble();
        tasks.get(TASK.get(c)).add(bucket(c, k, success, 80 + random.nextInt(100)));
      }
      for (int t = 0; t < TASKS; t++) {
        tasks.get(t).add(mark(t, T0 + (k + 1) * INTERVAL));
      }
    }
    return tasks;
  }

  static Sent bucket(String carrier, int k, double success, int n) {
    HealthCounts counts = new HealthCounts(0.01);
    long delivered = Math.round(success * n);
    for (int i = 0; i < n; i++) {
      counts.addReceipt(i < delivered ? Outcome.DELIVERED : Outcome.CARRIER_FAILURE, 800 + i);
    }
    return new Sent(
        ROUTE.get(carrier), new CarrierBucket(carrier, T0 + k * INTERVAL, counts), null);
  }

  static Sent mark(int task, long end) {
    return new Sent(Marked.MARK_KEY, null, new Watermark(task, TASKS, end, false));
  }

  /** Interval by interval: every task's buckets, then every task's mark. */
  static List<Sent> orderly(List<List<Sent>> tasks) {
    List<Sent> out = new ArrayList<>();
    List<Sent> marks = new ArrayList<>();
    int[] next = new int[TASKS];
    for (int k = 0; k < INTERVALS; k++) {
      marks.clear();
      for (int t = 0; t < TASKS; t++) {
        List<Sent> seq = tasks.get(t);
        while (seq.get(next[t]).mark() == null) {
          out.add(seq.get(next[t]++));
        }
        marks.add(seq.get(next[t]++));
      }
      out.addAll(marks);
    }
    return out;
  }

  /** A random merge keeping each task's own order; runs of one task make skew. */
  static List<Sent> interleave(List<List<Sent>> tasks, Random random) {
    List<Sent> out = new ArrayList<>();
    int[] next = new int[TASKS];
    int left = tasks.stream().mapToInt(List::size).sum();
    while (left > 0) {
      int t = random.nextInt(TASKS);
      int run = 1 + random.nextInt(30);
      for (int i = 0; i < run && next[t] < tasks.get(t).size(); i++, left--) {
        out.add(tasks.get(t).get(next[t]++));
      }
    }
    return out;
  }

  /** Some route gets a bucket of an earlier interval after one of a later interval. */
  static boolean skewed(List<Sent> in) {
    Map<String, Long> latest = new TreeMap<>();
    for (Sent s : in) {
      if (s.bucket() != null) {
        long before = latest.getOrDefault(s.route(), Long.MIN_VALUE);
        if (s.bucket().start() < before) {
          return true;
        }
        latest.put(s.route(), Math.max(before, s.bucket().start()));
      }
    }
    return false;
  }

  // --- the evaluator, behind a topic of marked buckets, with the route plans beside it ---

  static Topology topology() {
    StreamsBuilder b = new StreamsBuilder();
    var planSerde = AvroValueSerde.of(RoutePlan.class);
    b.table(
        "plans",
        Consumed.with(Serdes.String(), planSerde),
        Materialized.<String, RoutePlan>as(
                Stores.persistentVersionedKeyValueStore(
                    RoutingTopology.PLANS_STORE, Duration.ofDays(35)))
            .withKeySerde(Serdes.String())
            .withValueSerde(planSerde));
    var profileSerde = AvroValueSerde.of(RoutingPolicyProfile.class);
    b.table(
        "profiles",
        Consumed.with(Serdes.String(), profileSerde),
        Materialized.<String, RoutingPolicyProfile>as(
                Stores.persistentVersionedKeyValueStore(
                    RoutingTopology.PROFILES_STORE, Duration.ofDays(35)))
            .withKeySerde(Serdes.String())
            .withValueSerde(profileSerde));
    b.addStateStore(ObjectStore.builder(RoutingTopology.STATE_STORE, RouteState.serde()));
    b.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(RoutingTopology.FRONTIER_STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withCachingEnabled());
    b.stream("by-route", Consumed.with(Serdes.String(), MarkedSerde.of(CarrierBucket.serde())))
        .process(
            () ->
                new RouteEvaluator(
                    RoutingTopology.STATE_STORE,
                    RoutingTopology.PLANS_STORE,
                    RoutingTopology.PROFILES_STORE,
                    RoutingTopology.FRONTIER_STORE,
                    TASKS,
                    Duration.ofMillis(INTERVAL),
                    Duration.ofMinutes(2),
                    RoutingPolicy.defaults(),
                    Map.of(),
                    0.01),
            Named.as("evaluate"),
            RoutingTopology.STATE_STORE,
            RoutingTopology.PLANS_STORE,
            RoutingTopology.PROFILES_STORE,
            RoutingTopology.FRONTIER_STORE)
        .mapValues(RouteEvaluatorInterleavingTest::describe)
        .to("out", Produced.with(Serdes.String(), Serdes.String()));
    return b.build();
  }

  static String describe(RoutingWeights w) {
    StringBuilder s =
        new StringBuilder()
            .append(w.getEffectiveAt().toEpochMilli())
            .append(' ')
            .append(w.getVersion())
            .append(' ')
            .append(w.getMode());
    w.getCarriers()
        .forEach(
            c ->
                s.append(' ')
                    .append(c.getCarrierId())
                    .append('=')
                    .append(c.getWeight())
                    .append(':')
                    .append(c.getState())
                    .append(':')
                    .append(c.getReason()));
    return s.toString();
  }

  static RoutePlan plan(String country, long at, RouteCarrier... carriers) {
    return RoutePlan.newBuilder()
        .setCountry(country)
        .setChannel(Channel.SMS)
        .setUpdatedAt(Instant.ofEpochMilli(at))
        .setCarriers(List.of(carriers))
        .build();
  }

  /** Decisions per route, each as "effectiveAt version mode carrier=weight:state:reason ...". */
  static Map<String, List<String>> run(List<Sent> input) {
    var props = Drivers.props("route-evaluator");
    try (TopologyTestDriver driver = new TopologyTestDriver(topology(), props)) {
      var plans =
          driver.createInputTopic(
              "plans",
              Serdes.String().serializer(),
              AvroValueSerde.of(RoutePlan.class).serializer());
      plans.pipeInput(
          "US:SMS",
          plan(
              "US",
              T0,
              new RouteCarrier("a", 5000, true, 0, false),
              new RouteCarrier("b", 3000, true, 0, false),
              new RouteCarrier("c", 2000, true, 0, false)),
          T0);
      plans.pipeInput(
          "GB:SMS",
          plan(
              "GB",
              T0,
              new RouteCarrier("d", 6000, true, 0, false),
              new RouteCarrier("e", 4000, true, 0, false)),
          T0);
      // a drain of c from the end of interval 20: the decision effective then already has it
      long drain = DRAIN;
      plans.pipeInput(
          "US:SMS",
          plan(
              "US",
              drain,
              new RouteCarrier("a", 5000, true, 0, false),
              new RouteCarrier("b", 3000, true, 0, false),
              new RouteCarrier("c", 2000, false, 0, false)),
          drain);
      var in =
          driver.createInputTopic(
              "by-route",
              Serdes.String().serializer(),
              MarkedSerde.of(CarrierBucket.serde()).serializer());
      for (Sent s : input) {
        if (s.bucket() != null) {
          in.pipeInput(s.route(), Marked.item(s.bucket()), s.bucket().start() + INTERVAL - 1);
        } else {
          in.pipeInput(
              s.route(), Marked.<CarrierBucket>mark(s.mark()), s.mark().streamTime() + 1_000);
        }
      }
      Map<String, List<String>> out = new TreeMap<>();
      driver
          .createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer())
          .readRecordsToList()
          .forEach(
              r -> {
                assertThat(r.value()).startsWith(r.timestamp() + " ");
                out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
              });
      return out;
    }
  }
}
