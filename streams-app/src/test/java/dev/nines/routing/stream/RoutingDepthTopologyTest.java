package dev.nines.routing.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.Topics;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.schema.CarrierState;
import dev.nines.schema.CarrierWeight;
import dev.nines.schema.Channel;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.RoutingPolicyProfile;
import dev.nines.schema.RoutingWeights;
import dev.nines.testing.Drivers;
import dev.nines.testing.Records;
import dev.nines.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Standby tiers, the canary of a new carrier, the ejection backoff and policy profiles through
 * the topology, with the default policy (interval 5 s, min samples 100, degrade below 95%, eject
 * below 80%, trickle 100, 3 healthy evaluations to recover, ramp 25/50/75%, tier minimum 70%,
 * backoff up to 10x). Expected weights are worked out by hand in the comments (largest remainder,
 * ties to the smaller id).
 */
class RoutingDepthTopologyTest {
  static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");
  static final int PER_INTERVAL = 120; // receipts per carrier per 5 s interval (>= 100 samples)

  TopologyTestDriver driver;
  TestRegistry registry;
  TestInputTopic<String, DeliveryReceipt> receipts;
  TestInputTopic<String, RoutePlan> plans;
  TestInputTopic<String, RoutingPolicyProfile> profiles;
  TestOutputTopic<String, RoutingWeights> weights;
  int seq;

  @BeforeEach
  void start() throws Exception {
    start(Map.of());
  }

  void start(Map<String, String> flags) throws Exception {
    if (driver != null) {
      driver.close();
    }
    NinesConfig config = ConfigLoader.load(Optional.empty(), Map.of(), flags);
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
    profiles =
        driver.createInputTopic(
            Topics.ROUTING_POLICIES.name(),
            Topics.ROUTING_POLICIES.keySerde().serializer(),
            Topics.ROUTING_POLICIES.valueSerde(registry).serializer());
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

  static RouteCarrier carrier(String id, int base, int priority) {
    return new RouteCarrier(id, base, true, priority, false);
  }

  void plan(String country, Instant at, String policy, RouteCarrier... carriers) {
    plans.pipeInput(
        country + ":SMS",
        RoutePlan.newBuilder()
            .setCountry(country)
            .setChannel(Channel.SMS)
            .setCarriers(List.of(carriers))
            .setPolicy(policy)
            .setUpdatedAt(at)
            .build(),
        at);
  }

  void profile(String name, Instant at, Map<String, String> settings) {
    profiles.pipeInput(name, new RoutingPolicyProfile(name, settings, at), at);
  }

  /**
   * One 5 s interval of traffic on the routes {@code countries}: for each carrier, PER_INTERVAL
   * receipts at its success.
   */
  void interval(int k, List<String> countries, Map<String, Double> success) {
    Instant start = T0.plusSeconds(5L * k);
    for (int i = 0; i < PER_INTERVAL; i++) {
      for (String country : countries) {
        for (var e : new TreeMap<>(success).entrySet()) {
          boolean ok = i < Math.round(PER_INTERVAL * e.getValue());
          DeliveryReceipt r =
              Records.receipt(
                  "m" + (seq++),
                  e.getKey(),
                  ok ? DeliveryStatus.DELIVERED : DeliveryStatus.FAILED,
                  ok ? FailureCause.NONE : FailureCause.CARRIER,
                  start.plusMillis(i * 5000L / PER_INTERVAL),
                  1000);
          r.setCountry(country);
          receipts.pipeInput(r.getMessageId(), r, r.getCompletedAt());
        }
      }
    }
  }

  void interval(int k, Map<String, Double> success) {
    interval(k, List.of("US"), success);
  }

  static String w(RoutingWeights r) {
    return r.getCarriers().stream()
        .map(c -> Integer.toString(c.getWeight()))
        .collect(Collectors.joining("/"));
  }

  static CarrierWeight of(RoutingWeights r, String id) {
    return r.getCarriers().stream()
        .filter(c -> c.getCarrierId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aPrimaryTierFailingSpillsToTheStandbyAndTakesItBack() {
    plan("US", T0, null, carrier("a", 5000, 0), carrier("b", 5000, 0), carrier("s", 10000, 1));
    for (int k = 0; k < 20; k++) {
      double a = k == 4 || k == 5 ? 0.4 : 1.0; // a fails for two intervals
      interval(k, Map.of("a", a, "b", 1.0)); // the standby gets no traffic: none is sent to it
    }
    List<RoutingWeights> out = weights.readValuesToList();
    assertThat(out)
        .extracting(RoutingDepthTopologyTest::w)
        .containsExactly(
            "5000/5000/0", // the primary tier healthy: the standby carries nothing
            // a ejected: the primary tier is 50% healthy (< 70%) and carries 50/70 of the
            // 9900 left after a's trickle: 7071.4 / 2828.6, the unit over to the standby
            "100/7071/2829",
            "2000/8000/0", // a RECOVERING 25% (1250 : 5000): the primary tier takes all back
            "3333/6667/0", // 50%: 2500 : 5000
            "4286/5714/0", // 75%: 3750 : 5000
            "5000/5000/0");
    RoutingWeights spill = out.get(1);
    assertThat(spill.getEffectiveAt()).isEqualTo(T0.plusSeconds(25));
    assertThat(of(spill, "s").getPriority()).isEqualTo(1);
    assertThat(of(spill, "s").getState()).isEqualTo(CarrierState.HEALTHY);
    assertThat(of(spill, "b").getReason())
        .endsWith(
            "tiers: priority 0 50% of base healthy (< 70%) carries 71.4%, "
                + "priority 1 100% of base healthy carries 28.6%");
  }

  @Test
  void aCarrierAddedToThePlanRampsFromOnePercentToItsFullShare() {
    plan("US", T0, null, carrier("a", 5000, 0), carrier("b", 5000, 0));
    plan(
        "US",
        T0.plusSeconds(20),
        null,
        carrier("a", 5000, 0),
        carrier("b", 5000, 0),
        carrier("c", 5000, 0));
    for (int k = 0; k < 12; k++) {
      interval(k, k < 4 ? Map.of("a", 1.0, "b", 1.0) : Map.of("a", 1.0, "b", 1.0, "c", 1.0));
    }
    List<RoutingWeights> out = weights.readValuesToList();
    assertThat(out)
        .extracting(RoutingDepthTopologyTest::w)
        .containsExactly(
            "5000/5000",
            "4950/4950/100", // c new at 20 s: a canary at the trickle, 9900 split 1:1
            "4445/4444/1111", // canary passed, 25%: 5000:5000:1250 of 11250
            "4000/4000/2000", // 50%
            "3637/3636/2727", // 75%: 3636.4 / 3636.4 / 2727.3
            "3334/3333/3333"); // full share
    assertThat(out.get(1).getEffectiveAt()).isEqualTo(T0.plusSeconds(20));
    assertThat(out)
        .extracting(r -> r.getCarriers().size() == 3 && of(r, "c").getCanary())
        .containsExactly(false, true, false, false, false, false);
    assertThat(of(out.get(1), "c").getState()).isEqualTo(CarrierState.RECOVERING);
  }

  @Test
  void aFlappingCarriersThirdEjectionLastsThreeTimesAsLong() {
    plan("US", T0, null, carrier("a", 5000, 0), carrier("b", 5000, 0));
    // a fails in intervals 2, 6 and 13 (each time just after it came back), else healthy
    for (int k = 0; k < 27; k++) {
      double a = k == 2 || k == 6 || k == 13 ? 0.4 : 1.0;
      interval(k, Map.of("a", a, "b", 1.0));
    }
    List<RoutingWeights> out = weights.readValuesToList();
    // (event time in s, a's state) of the records up to the third recovery
    List<String> steps = new ArrayList<>();
    for (RoutingWeights r : out) {
      long s = Duration.between(T0, r.getEffectiveAt()).toSeconds();
      steps.add(s + " " + of(r, "a").getState());
    }
    assertThat(steps.subList(0, 7))
        .containsExactly(
            "5 HEALTHY",
            "15 EJECTED", // first ejection
            "30 RECOVERING", // after 3 healthy evaluations: 15 s
            "35 EJECTED", // unhealthy while recovering: second
            "65 RECOVERING", // 6 evaluations: 30 s
            "70 EJECTED", // third
            "115 RECOVERING"); // 9 evaluations: 45 s, three times the first
    assertThat(of(out.get(5), "a").getReason())
        .contains("ejected 3 times in 24h: recovery needs 9 evaluations");
  }

  @Test
  void twoRoutesUnderDifferentProfilesDecideDifferentlyOnTheSameHealth() {
    var dlq =
        driver.createOutputTopic(
            Topics.DEAD_LETTERS.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    profile(
        "otp",
        T0,
        Map.of("routing.degrade.success.below", "0.99", "routing.eject.success.below", "0.97"));
    // a later version that does not parse: dead-lettered, the first version stays in force
    profile(
        "otp",
        T0.plusSeconds(1),
        Map.of("routing.eject.success.below", "lots", "routing.evaluation.interval", "PT1S"));
    plan("US", T0, null, carrier("a", 5000, 0), carrier("b", 5000, 0));
    plan("BR", T0, "otp", carrier("a", 5000, 0), carrier("b", 5000, 0));
    plan("MX", T0, "none-such", carrier("a", 5000, 0), carrier("b", 5000, 0));
    // the same health on every route: a at 115 of 120 (95.8%), b at 100%
    for (int k = 0; k < 4; k++) {
      interval(k, List.of("US", "BR", "MX"), Map.of("a", k == 0 ? 1.0 : 115 / 120.0, "b", 1.0));
    }
    Map<String, String> latest = new TreeMap<>();
    Map<String, RoutingWeights> last = new TreeMap<>();
    for (var r : weights.readRecordsToList()) {
      latest.put(r.key(), w(r.value()));
      last.put(r.key(), r.value());
    }
    // configured policy: 95.8% is above the 95% degrade threshold (one peer: no peer rule)
    // otp: below its 97% eject threshold, so ejected: the trickle, and b the rest
    assertThat(latest).containsEntry("US:SMS", "5000/5000").containsEntry("BR:SMS", "100/9900");
    assertThat(of(last.get("BR:SMS"), "a").getReason())
        .startsWith("success 95.8% over 5s (n=120) below eject threshold 97.0%");
    // a profile not defined falls back to the configured policy, and says so
    assertThat(latest).containsEntry("MX:SMS", "5000/5000");
    assertThat(of(last.get("MX:SMS"), "a").getReason())
        .endsWith(
            "policy profile 'none-such' is not defined at this time: the configured policy applies");
    var letters = dlq.readRecordsToList();
    assertThat(letters).hasSize(1);
    String why =
        new String(
            letters.get(0).headers().lastHeader("__streams.errors.message").value(),
            StandardCharsets.UTF_8);
    assertThat(why)
        .startsWith(
            "routing-policies: profile 'otp' rejected, the previous version stays in force: "
                + "'routing.eject.success.below' = 'lots': expected a fraction")
        .contains(
            "'routing.evaluation.interval' is not a routing knob a profile can set: expected one"
                + " of routing.min.samples,");
  }

  @Test
  void theConfigurationsProfileKeysAreLaidOverTheProfileAsAReplayWouldAsk() throws Exception {
    // what `nines replay --policy` with routing.profile.otp.eject.success.below=0.5 does: otp
    // still says 0.97, the override makes it 0.5: a at 95.8% is degraded (below otp's 99%),
    // no longer ejected
    start(Map.of("routing.profile.otp.eject.success.below", "0.5"));
    profile(
        "otp",
        T0,
        Map.of("routing.degrade.success.below", "0.99", "routing.eject.success.below", "0.97"));
    plan("BR", T0, "otp", carrier("a", 5000, 0), carrier("b", 5000, 0));
    for (int k = 0; k < 4; k++) {
      interval(k, List.of("BR"), Map.of("a", k == 0 ? 1.0 : 115 / 120.0, "b", 1.0));
    }
    List<RoutingWeights> out = weights.readValuesToList();
    // degraded (below the profile's 99%), not ejected: 2500 : 5000
    assertThat(out)
        .extracting(RoutingDepthTopologyTest::w)
        .containsExactly("5000/5000", "3333/6667");
    assertThat(of(out.get(1), "a").getReason()).contains("below degrade threshold 99.0%");
  }

  @Test
  void aProfileVersionAppliesFromItsTimeAndARetiredOneFallsBack() {
    plan("BR", T0, "otp", carrier("a", 5000, 0), carrier("b", 5000, 0));
    // v1: min samples 1000, so nobody is judged on 120 receipts an interval; v2 from 20 s:
    // judged, but ejected only below 40%; retired at 40 s: the configured policy
    profile("otp", T0, Map.of("routing.min.samples", "1000"));
    profile(
        "otp",
        T0.plusSeconds(20),
        Map.of("routing.min.samples", "100", "routing.eject.success.below", "0.4"));
    profiles.pipeInput("otp", null, T0.plusSeconds(40));
    for (int k = 0; k < 12; k++) {
      interval(k, List.of("BR"), Map.of("a", 0.5, "b", 1.0));
    }
    List<RoutingWeights> out = weights.readValuesToList();
    assertThat(out)
        .extracting(RoutingDepthTopologyTest::w)
        .containsExactly(
            "5000/5000", // v1: not judged
            "3333/6667", // v2: 50% is DEGRADED (2500 : 5000), not ejected
            "100/9900"); // configured: 50% is below 80%, ejected
    assertThat(out)
        .extracting(r -> Duration.between(T0, r.getEffectiveAt()).toSeconds())
        .containsExactly(5L, 20L, 40L);
    assertThat(of(out.get(0), "a").getReason()).contains("below the 1000 samples needed");
    assertThat(of(out.get(2), "a").getReason())
        .endsWith(
            "policy profile 'otp' is not defined at this time: the configured policy applies");
  }
}
