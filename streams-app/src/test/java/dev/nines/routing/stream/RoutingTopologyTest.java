package dev.nines.routing.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.Topics;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.schema.CarrierState;
import dev.nines.schema.Channel;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RouteMode;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.RoutingWeights;
import dev.nines.testing.Drivers;
import dev.nines.testing.Records;
import dev.nines.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routing decisions end to end through the topology, with the default policy: interval 5 s,
 * history 2 min, min samples 100, degrade below 95 %, eject below 80 %, peer gaps 5/15 points,
 * max ejected share 50 %, panic below 50 % healthy, trickle 100, 3 healthy evaluations to
 * recover, ramp 25/50/75 %. Route US:SMS with a=5000, b=3000, c=2000. Expected weights are
 * worked out by hand (largest remainder, ties by carrier id) in the comments.
 */
class RoutingTopologyTest {
  static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");
  static final int PER_INTERVAL = 120; // receipts per carrier per 5 s interval (>= 100 samples)

  TopologyTestDriver driver;
  TestRegistry registry;
  TestInputTopic<String, DeliveryReceipt> receipts;
  TestInputTopic<String, RoutePlan> plans;
  TestOutputTopic<String, RoutingWeights> weights;
  int seq;

  @BeforeEach
  void start() throws Exception {
    NinesConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
    registry = new TestRegistry();
    driver = Drivers.start(config, registry);
    receipts =
        driver.createInputTopic(
            Topics.DELIVERY_RECEIPTS.name(),
            Topics.DELIVERY_RECEIPTS.keySerde().serializer(),
            Topics.DELIVERY_RECEIPTS.valueSerde(registry).serializer());
    plans =
        driver.createInputTopic(
            Topics.ROUTE_PLANS.name(),
            Topics.ROUTE_PLANS.keySerde().serializer(),
            Topics.ROUTE_PLANS.valueSerde(registry).serializer());
    weights =
        driver.createOutputTopic(
            Topics.ROUTING_WEIGHTS.name(),
            Topics.ROUTING_WEIGHTS.keySerde().deserializer(),
            Topics.ROUTING_WEIGHTS.valueSerde(registry).deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  static RoutePlan plan(Instant at, boolean aEnabled) {
    return RoutePlan.newBuilder()
        .setCountry("US")
        .setChannel(Channel.SMS)
        .setUpdatedAt(at)
        .setCarriers(
            List.of(
                new RouteCarrier("a", 5000, aEnabled, 0, false),
                new RouteCarrier("b", 3000, true, 0, false),
                new RouteCarrier("c", 2000, true, 0, false)))
        .build();
  }

  /** One 5 s interval of traffic: for each carrier, PER_INTERVAL receipts at that success. */
  void interval(int k, double a, double b, double c) {
    Instant start = T0.plusSeconds(5L * k);
    Map<String, Double> success = Map.of("a", a, "b", b, "c", c);
    for (int i = 0; i < PER_INTERVAL; i++) {
      for (String carrier : List.of("a", "b", "c")) {
        int ok = (int) Math.round(PER_INTERVAL * success.get(carrier));
        DeliveryStatus st = i < ok ? DeliveryStatus.DELIVERED : DeliveryStatus.FAILED;
        FailureCause cause = i < ok ? FailureCause.NONE : FailureCause.CARRIER;
        send(
            Records.receipt(
                "m" + (seq++),
                carrier,
                st,
                cause,
                start.plusMillis(i * 5000L / PER_INTERVAL),
                1000));
      }
    }
  }

  void send(DeliveryReceipt r) {
    receipts.pipeInput(r.getMessageId(), r, r.getCompletedAt());
  }

  /** Weights as "a/b/c" and states as "A,B,C" for compact comparison. */
  static String w(RoutingWeights r) {
    return r.getCarriers().stream()
        .map(c -> Integer.toString(c.getWeight()))
        .collect(Collectors.joining("/"));
  }

  static String states(RoutingWeights r) {
    return r.getCarriers().stream().map(c -> c.getState().name()).collect(Collectors.joining(","));
  }

  @Test
  void ejectTrickleAndSlowStartBackToFullShare() {
    plans.pipeInput("US:SMS", plan(T0, true), T0);
    for (int k = 0; k < 4; k++) {
      interval(k, 1.0, 1.0, 1.0);
    }
    for (int k = 4; k < 8; k++) {
      interval(k, 0.4, 1.0, 1.0); // a drops to 40 % success
    }
    for (int k = 8; k < 20; k++) {
      interval(k, 1.0, 1.0, 1.0); // and recovers
    }
    List<RoutingWeights> out = weights.readValuesToList();
    assertThat(out)
        .extracting(RoutingTopologyTest::w)
        .containsExactly(
            "5000/3000/2000", // v1: all healthy at base weights
            "100/5940/3960", // a EJECTED: trickle 100; 9900 split 3:2 -> 5940/3960
            "2000/4800/3200", // RECOVERING 25 %: 1250:3000:2000 of 6250
            "3333/4000/2667", // 50 %: 2500:3000:2000 -> 3333.3/4000/2666.7, c takes the 1
            "4286/3428/2286", // 75 %: 3750:3000:2000 -> 4285.7/3428.6/2285.7, a and c take 1
            "5000/3000/2000"); // HEALTHY again
    assertThat(out).extracting(RoutingWeights::getVersion).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(out.get(1).getCarriers().get(0).getState()).isEqualTo(CarrierState.EJECTED);
    assertThat(out.get(1).getCarriers().get(0).getReason()).contains("40.0%").contains("80");
    assertThat(out.get(2).getCarriers().get(0).getState()).isEqualTo(CarrierState.RECOVERING);
    assertThat(out).extracting(RoutingWeights::getMode).containsOnly(RouteMode.NORMAL);
    // every decision's weights sum to exactly 10000
    assertThat(out)
        .allSatisfy(
            r ->
                assertThat(r.getCarriers().stream().mapToInt(c -> c.getWeight()).sum())
                    .isEqualTo(10_000));
    // the ejection is effective at the end of the first bad interval (event time)
    assertThat(out.get(1).getEffectiveAt()).isEqualTo(T0.plusSeconds(25));
  }

  @Test
  void oneGoodIntervalAfterEjectionDoesNotRestore() {
    plans.pipeInput("US:SMS", plan(T0, true), T0);
    interval(0, 1.0, 1.0, 1.0);
    interval(1, 0.4, 1.0, 1.0);
    interval(2, 1.0, 1.0, 1.0); // one good interval
    interval(3, 0.4, 1.0, 1.0); // bad again
    interval(4, 0.4, 1.0, 1.0);
    interval(5, 1.0, 1.0, 1.0); // closes interval 4
    assertThat(weights.readValuesToList())
        .extracting(RoutingTopologyTest::w)
        .containsExactly("5000/3000/2000", "100/5940/3960");
  }

  @Test
  void degradedCarrierGetsHalfItsShare() {
    plans.pipeInput("US:SMS", plan(T0, true), T0);
    interval(0, 1.0, 1.0, 1.0);
    interval(1, 0.9, 1.0, 1.0); // 90 %: below 95 %, above 80 %, 10 points below peers
    interval(2, 0.9, 1.0, 1.0);
    List<RoutingWeights> out = weights.readValuesToList();
    assertThat(out)
        .extracting(RoutingTopologyTest::w)
        .containsExactly("5000/3000/2000", "3333/4000/2667"); // 2500:3000:2000 of 7500
    assertThat(states(out.get(1))).isEqualTo("DEGRADED,HEALTHY,HEALTHY");
  }

  @Test
  void farBelowPeersIsEjectedEvenAboveTheAbsoluteThreshold() {
    plans.pipeInput("US:SMS", plan(T0, true), T0);
    interval(0, 1.0, 1.0, 1.0);
    interval(1, 0.825, 1.0, 1.0); // 82.5 % > 80 %, but 17.5 points below the peers' 100 %
    interval(2, 0.825, 1.0, 1.0);
    List<RoutingWeights> out = weights.readValuesToList();
    assertThat(out)
        .extracting(RoutingTopologyTest::w)
        .containsExactly("5000/3000/2000", "100/5940/3960");
    assertThat(out.get(1).getCarriers().get(0).getReason()).contains("peer");
  }

  @Test
  void twoOfThreeFailingIsPanicAtBaseWeights() {
    plans.pipeInput("US:SMS", plan(T0, true), T0);
    interval(0, 1.0, 1.0, 1.0);
    interval(1, 0.4, 0.4, 1.0); // a and b fail: ejecting both would exceed 50 %
    interval(2, 0.4, 0.4, 1.0);
    List<RoutingWeights> out = weights.readValuesToList();
    RoutingWeights panic = out.get(out.size() - 1);
    assertThat(panic.getMode()).isEqualTo(RouteMode.PANIC);
    assertThat(w(panic)).isEqualTo("5000/3000/2000");
    assertThat(states(panic)).isEqualTo("EJECTED,DEGRADED,HEALTHY");
  }

  @Test
  void manualDrainDisablesAtTheNextDecision() {
    plans.pipeInput("US:SMS", plan(T0, true), T0);
    interval(0, 1.0, 1.0, 1.0);
    interval(1, 1.0, 1.0, 1.0);
    plans.pipeInput("US:SMS", plan(T0.plusSeconds(10), false), T0.plusSeconds(10));
    interval(2, 1.0, 1.0, 1.0);
    interval(3, 1.0, 1.0, 1.0);
    List<RoutingWeights> out = weights.readValuesToList();
    assertThat(out)
        .extracting(RoutingTopologyTest::w)
        .containsExactly("5000/3000/2000", "0/6000/4000");
    assertThat(states(out.get(1))).isEqualTo("DISABLED,HEALTHY,HEALTHY");
  }

  @Test
  void duplicateReceiptsCountOnce() {
    plans.pipeInput("US:SMS", plan(T0, true), T0);
    interval(0, 1.0, 1.0, 1.0);
    // a: 118 delivered, 2 carrier failures (98.3 %); each failure re-sent 10 times. Counted
    // once it stays HEALTHY; counted 11 times it would be 118/140 = 84 % and DEGRADED.
    Instant start = T0.plusSeconds(5);
    for (int i = 0; i < PER_INTERVAL; i++) {
      boolean ok = i < PER_INTERVAL - 2;
      DeliveryReceipt r =
          Records.receipt(
              "dup-" + i,
              "a",
              ok ? DeliveryStatus.DELIVERED : DeliveryStatus.FAILED,
              ok ? FailureCause.NONE : FailureCause.CARRIER,
              start.plusMillis(i * 40L),
              1000);
      for (int copies = ok ? 1 : 11; copies > 0; copies--) {
        send(r);
      }
      send(Records.delivered("b-" + i, "b", start.plusMillis(i * 40L), 1000));
      send(Records.delivered("c-" + i, "c", start.plusMillis(i * 40L), 1000));
    }
    interval(2, 1.0, 1.0, 1.0);
    interval(3, 1.0, 1.0, 1.0);
    assertThat(weights.readValuesToList())
        .extracting(RoutingTopologyTest::w)
        .containsExactly("5000/3000/2000");
  }

  @Test
  void lateReceiptsCountWithinGraceAndNotBeyond() {
    plans.pipeInput("US:SMS", plan(T0, true), T0);
    interval(0, 1.0, 1.0, 1.0);
    interval(1, 1.0, 1.0, 1.0);
    // stream time is now ~10 s. Failures of a for interval 1 [5 s, 10 s) arrive 0.5 s late:
    // inside the 1 s grace, they count.
    Instant late = T0.plusSeconds(9);
    for (int i = 0; i < 120; i++) {
      send(
          Records.receipt(
              "late-" + i, "a", DeliveryStatus.FAILED, FailureCause.CARRIER, late, 1000));
    }
    interval(2, 1.0, 1.0, 1.0);
    List<RoutingWeights> within = weights.readValuesToList();
    assertThat(within).extracting(RoutingTopologyTest::w).contains("100/5940/3960");

    // the same failures for interval 3 [15 s, 20 s) arriving once stream time is past 21 s:
    // beyond the grace, the bucket is closed and they do not change the decision
    for (int k = 3; k < 8; k++) {
      interval(k, 1.0, 1.0, 1.0);
    }
    weights.readValuesToList();
    Instant tooLate = T0.plusSeconds(16);
    for (int i = 0; i < 120; i++) {
      send(
          Records.receipt(
              "too-late-" + i, "a", DeliveryStatus.FAILED, FailureCause.CARRIER, tooLate, 1000));
    }
    interval(8, 1.0, 1.0, 1.0);
    interval(9, 1.0, 1.0, 1.0);
    assertThat(weights.readValuesToList())
        .extracting(RoutingTopologyTest::states)
        .noneMatch(s -> s.startsWith("EJECTED"));
  }

  @Test
  void aDrainInATrafficGapTakesEffectAtItsOwnTime() {
    plans.pipeInput("US:SMS", plan(T0, true), T0);
    interval(0, 1.0, 1.0, 1.0);
    interval(1, 1.0, 1.0, 1.0);
    // no traffic from 10 s to 30 s; the drain at 20 s. The intervals of the gap are decided
    // together once traffic is back, in one pass that spans the edit.
    plans.pipeInput("US:SMS", plan(T0.plusSeconds(20), false), T0.plusSeconds(20));
    for (int k = 6; k < 9; k++) {
      interval(k, 1.0, 1.0, 1.0);
    }
    List<RoutingWeights> out = weights.readValuesToList();
    assertThat(out)
        .extracting(RoutingTopologyTest::w)
        .containsExactly("5000/3000/2000", "0/6000/4000");
    assertThat(out.get(1).getEffectiveAt()).isEqualTo(T0.plusSeconds(20));
  }

  @Test
  void planArrivingAfterTrafficStartsDecisionsFromItsTime() {
    for (int k = 0; k < 4; k++) {
      interval(k, 0.4, 1.0, 1.0);
    }
    assertThat(weights.isEmpty()).as("no plan, no decision").isTrue();
    plans.pipeInput("US:SMS", plan(T0.plusSeconds(20), true), T0.plusSeconds(20));
    for (int k = 4; k < 7; k++) {
      interval(k, 0.4, 1.0, 1.0);
    }
    List<RoutingWeights> out = weights.readValuesToList();
    assertThat(out).isNotEmpty();
    assertThat(out.get(0).getVersion()).isEqualTo(1L);
    // the first decision is for the first interval end at which the plan is in force (20 s)
    assertThat(out.get(0).getEffectiveAt()).isEqualTo(T0.plusSeconds(20));
    assertThat(w(out.get(0))).isEqualTo("100/5940/3960");
  }

  @Test
  void anInvalidPlanGoesToDeadLettersAndThePreviousOneStaysInForce() {
    var dlq =
        driver.createOutputTopic(
            Topics.DEAD_LETTERS.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    plans.pipeInput("US:SMS", plan(T0, true), T0);
    interval(0, 1.0, 1.0, 1.0);
    // at 7 s: c with base weight 0 (it would throw in the evaluation); at 8 s: no carriers;
    // at 9 s: a plan for US:SMS under another route's key; none may replace the plan of 0 s
    Instant at = T0.plusSeconds(7);
    plans.pipeInput(
        "US:SMS",
        RoutePlan.newBuilder(plan(at, false))
            .setCarriers(
                List.of(
                    new RouteCarrier("a", 5000, false, 0, false),
                    new RouteCarrier("b", 3000, true, 0, false),
                    new RouteCarrier("c", 0, true, 0, false)))
            .build(),
        at);
    plans.pipeInput(
        "US:SMS",
        RoutePlan.newBuilder(plan(T0.plusSeconds(8), false)).setCarriers(List.of()).build(),
        T0.plusSeconds(8));
    plans.pipeInput("US:MMS", plan(T0.plusSeconds(9), false), T0.plusSeconds(9));
    for (int k = 1; k < 4; k++) {
      interval(k, 1.0, 1.0, 1.0);
    }
    assertThat(weights.readValuesToList())
        .extracting(RoutingTopologyTest::w)
        .as("decisions by the plan of 0 s only: a is never drained")
        .containsExactly("5000/3000/2000");
    var letters = dlq.readRecordsToList();
    assertThat(letters).hasSize(3);
    assertThat(letters)
        .extracting(
            r ->
                new String(
                    r.headers().lastHeader("__streams.errors.message").value(),
                    StandardCharsets.UTF_8))
        .containsExactly(
            "route-plans: plan of 'US:SMS' rejected, the previous version stays in force: "
                + "carrier 'c' has baseWeight 0: expected more than 0 (enabled = false drains "
                + "a carrier)",
            "route-plans: plan of 'US:SMS' rejected, the previous version stays in force: "
                + "no carriers: expected at least one (a tombstone removes a route)",
            "route-plans: plan of 'US:MMS' rejected, the previous version stays in force: "
                + "key 'US:MMS' differs from the plan's route 'US:SMS': expected the record "
                + "keyed by its route id");
    // the dead letter carries the record's original value bytes
    assertThat(letters.get(2).value())
        .isEqualTo(
            Topics.ROUTE_PLANS
                .valueSerde(registry)
                .serializer()
                .serialize(Topics.ROUTE_PLANS.name(), plan(T0.plusSeconds(9), false)));
  }

  @Test
  void aPlanWithATooLongCarrierIdIsDeadLettered() {
    var dlq =
        driver.createOutputTopic(
            Topics.DEAD_LETTERS.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    plans.pipeInput("US:SMS", plan(T0, true), T0);
    plans.pipeInput(
        "US:SMS",
        RoutePlan.newBuilder(plan(T0.plusSeconds(3), true))
            .setCarriers(
                List.of(
                    new RouteCarrier("a", 5000, true, 0, false),
                    new RouteCarrier("b".repeat(300), 3000, true, 0, false),
                    new RouteCarrier("c", 2000, true, 0, false)))
            .build(),
        T0.plusSeconds(3));
    for (int k = 0; k < 3; k++) {
      interval(k, 1.0, 1.0, 1.0);
    }
    assertThat(weights.readValuesToList())
        .extracting(RoutingTopologyTest::w)
        .as("decided by the plan of 0 s")
        .containsExactly("5000/3000/2000");
    assertThat(dlq.readRecordsToList())
        .singleElement()
        .satisfies(
            l ->
                assertThat(
                        new String(
                            l.headers().lastHeader("__streams.errors.message").value(),
                            StandardCharsets.UTF_8))
                    .endsWith(
                        "carriers[1].carrierId is 300 characters long: expected at most 256 "
                            + "(ingest.max.text.length)"));
  }
}
