package dev.nines.routing;

import static dev.nines.routing.Fixtures.BAD;
import static dev.nines.routing.Fixtures.GOOD;
import static dev.nines.routing.Fixtures.on;
import static dev.nines.routing.Fixtures.stats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.CarrierState;
import dev.nines.schema.RouteMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Standby tiers, the canary of a new carrier and the ejection backoff, with the default policy
 * (tier minimum 70% healthy, trickle 100, recovery 3 evaluations, ramp 25/50/75%, backoff up to
 * 10x over 24 h). Expected weights worked out by hand in the comments (largest remainder, ties to
 * the smaller id).
 */
class RoutingDepthTest {

  static PlanCarrier standby(String id, int base) {
    return new PlanCarrier(id, base, true, 1, false);
  }

  static int[] weights(RouteDecision d) {
    return d.carriers().stream().mapToInt(CarrierDecision::weight).toArray();
  }

  static CarrierDecision carrier(RouteDecision d, String id) {
    return d.carriers().stream().filter(c -> c.carrierId().equals(id)).findFirst().orElseThrow();
  }

  // --- tiers: primary a, b (5000 each), standby s (10000) ---

  @Test
  void aHealthyPrimaryTierCarriesEverythingAndTheStandbyNothing() {
    var run = new Fixtures.Run(on("a", 5000), on("b", 5000), standby("s", 10000));
    RouteDecision d = run.evaluate(stats("a", GOOD, "b", GOOD, "s", GOOD));
    assertThat(weights(d)).containsExactly(5000, 5000, 0);
    assertThat(carrier(d, "s").priority()).isEqualTo(1);
    assertThat(carrier(d, "s").reason())
        .endsWith(
            "tiers: priority 0 100% of base healthy carries 100%, "
                + "priority 1 100% of base healthy carries 0%");
  }

  @Test
  void aPrimaryTierShortOfHealthySpillsToTheStandbyAndTakesItBack() {
    var run = new Fixtures.Run(on("a", 5000), on("b", 5000), standby("s", 10000));
    run.evaluate(stats("a", GOOD, "b", GOOD, "s", GOOD));
    // a ejected: the primary tier is 50% healthy, under 70%, so it carries 50/70 = 71.43% of
    // what is left after a's trickle of 100: 9900 x 0.7143 = 7071.4 and 9900 x 0.2857 = 2828.6,
    // the unit left over to the larger remainder (the standby): 7071 / 2829
    RouteDecision spill = run.evaluate(stats("a", BAD, "b", GOOD, "s", GOOD));
    assertThat(spill.mode()).isEqualTo(RouteMode.NORMAL);
    assertThat(weights(spill)).containsExactly(100, 7071, 2829);
    assertThat(carrier(spill, "b").reason())
        .endsWith(
            "tiers: priority 0 50% of base healthy (< 70%) carries 71.4%, "
                + "priority 1 100% of base healthy carries 28.6%");
    // three healthy evaluations: a RECOVERING at 25% counts as healthy capacity, so the
    // primary tier takes everything back: 1250 : 5000 of 6250 -> 2000 / 8000, standby 0
    run.evaluate(stats("a", GOOD, "b", GOOD, "s", GOOD));
    run.evaluate(stats("a", GOOD, "b", GOOD, "s", GOOD));
    RouteDecision back = run.evaluate(stats("a", GOOD, "b", GOOD, "s", GOOD));
    assertThat(carrier(back, "a").state()).isEqualTo(CarrierState.RECOVERING);
    assertThat(weights(back)).containsExactly(2000, 8000, 0);
  }

  @Test
  void aDeadPrimaryTierSendsAllButItsTricklesToTheStandby() {
    var run = new Fixtures.Run(on("a", 5000), on("b", 5000), standby("s", 10000));
    run.evaluate(stats("a", GOOD, "b", GOOD, "s", GOOD));
    // both primaries ejected (10000 of 20000 base: within the 50% cap): trickles 100 each
    RouteDecision d = run.evaluate(stats("a", BAD, "b", BAD, "s", GOOD));
    assertThat(d.mode()).isEqualTo(RouteMode.NORMAL);
    assertThat(weights(d)).containsExactly(100, 100, 9800);
  }

  @Test
  void everyTierShortOfThePanicShareIsPanicAtThePrimaryTiersBaseWeights() {
    var run = new Fixtures.Run(on("a", 5000), on("b", 5000), standby("s", 10000));
    run.evaluate(stats("a", GOOD, "b", GOOD, "s", GOOD));
    // a and b ejected, s held at DEGRADED by the cap: no tier has 50% healthy
    RouteDecision d = run.evaluate(stats("a", BAD, "b", BAD, "s", BAD));
    assertThat(d.mode()).isEqualTo(RouteMode.PANIC);
    assertThat(weights(d)).containsExactly(5000, 5000, 0);
    assertThat(carrier(d, "a").reason())
        .endsWith(
            "route in PANIC: no tier has 50% of its base weight healthy "
                + "(priority 0 0%, priority 1 0%); using the base weights of priority 0");
  }

  @Test
  void aStandbyIsUsedOnlyForWhatThePrimaryCannotTake() {
    // primary 3 carriers; one ejected leaves 2/3 = 66.7% healthy, capacity 0.667/0.7 = 95.2%
    var run = new Fixtures.Run(on("a", 1000), on("b", 1000), on("c", 1000), standby("s", 1000));
    run.evaluate(stats("a", GOOD, "b", GOOD, "c", GOOD, "s", GOOD));
    RouteDecision d = run.evaluate(stats("a", BAD, "b", GOOD, "c", GOOD, "s", GOOD));
    // 9900 x 0.95238 = 9428.57 -> 9428 (+1: larger remainder than the standby's .43) = 9429,
    // standby 471; b and c split 9429 -> 4714.5 each: 4715 (b, smaller id) / 4714
    assertThat(weights(d)).containsExactly(100, 4715, 4714, 471);
  }

  // --- canary ---

  @Test
  void aCarrierAddedToARouteRampsFromTheTrickleToItsFullShare() {
    List<PlanCarrier> before = List.of(on("a", 5000), on("b", 5000));
    RouteDecision first =
        RoutingDecider.decide(
            before, stats("a", GOOD, "b", GOOD), Map.of(), RoutingPolicy.defaults(), 0);
    List<PlanCarrier> after = List.of(on("a", 5000), on("b", 5000), on("c", 5000));
    Map<String, CarrierStats> all = stats("a", GOOD, "b", GOOD, "c", GOOD);
    List<int[]> seen = new ArrayList<>();
    Map<String, CarrierMemory> memory = first.memory();
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      RouteDecision d =
          RoutingDecider.decide(after, all, memory, RoutingPolicy.defaults(), 5_000L * (i + 1));
      seen.add(weights(d));
      reasons.add(carrier(d, "c").reason());
      memory = d.memory();
      if (i == 0) {
        assertThat(carrier(d, "c").canary()).isTrue();
        assertThat(carrier(d, "c").state()).isEqualTo(CarrierState.RECOVERING);
      } else {
        assertThat(carrier(d, "c").canary()).isFalse();
      }
    }
    assertThat(seen)
        .containsExactly(
            new int[] {4950, 4950, 100}, // canary: trickle, 9900 split 1:1
            new int[] {4445, 4444, 1111}, // 25%: 5000:5000:1250 of 11250
            new int[] {4000, 4000, 2000}, // 50%
            new int[] {3637, 3636, 2727}, // 75%: 3636.4 / 3636.4 / 2727.3
            new int[] {3334, 3333, 3333}); // full share
    assertThat(reasons.get(0))
        .isEqualTo(
            "new in the route plan; canary at the trickle of 100 of 10000 before its slow start"
                + " (warm = true skips it)");
    assertThat(reasons.get(1)).endsWith("canary passed; recovering: step 1 of 3 (25% of base)");
  }

  @Test
  void aWarmCarrierAndANewRouteTakeTheirSharesAtOnce() {
    RouteDecision first =
        RoutingDecider.decide(
            List.of(on("a", 5000), on("b", 5000)),
            stats("a", GOOD, "b", GOOD),
            Map.of(),
            RoutingPolicy.defaults(),
            0);
    RouteDecision warm =
        RoutingDecider.decide(
            List.of(on("a", 5000), on("b", 5000), new PlanCarrier("c", 5000, true, 0, true)),
            stats("a", GOOD, "b", GOOD, "c", GOOD),
            first.memory(),
            RoutingPolicy.defaults(),
            5_000);
    assertThat(weights(warm)).containsExactly(3334, 3333, 3333);
    // every carrier new: nothing to protect
    assertThat(weights(first)).containsExactly(5000, 5000);
    assertThat(first.carriers()).noneMatch(CarrierDecision::canary);
  }

  @Test
  void aCanaryThatFailsIsEjected() {
    RouteDecision first =
        RoutingDecider.decide(
            List.of(on("a", 5000)), stats("a", GOOD), Map.of(), RoutingPolicy.defaults(), 0);
    List<PlanCarrier> plan = List.of(on("a", 5000), on("c", 5000));
    RouteDecision canary =
        RoutingDecider.decide(
            plan, stats("a", GOOD, "c", BAD), first.memory(), RoutingPolicy.defaults(), 5_000);
    RouteDecision next =
        RoutingDecider.decide(
            plan, stats("a", GOOD, "c", BAD), canary.memory(), RoutingPolicy.defaults(), 10_000);
    assertThat(carrier(next, "c").state()).isEqualTo(CarrierState.EJECTED);
    assertThat(carrier(next, "c").reason()).contains("ejected: unhealthy during its canary");
    assertThat(weights(next)).containsExactly(9900, 100);
  }

  // --- backoff ---

  /** Healthy evaluations from an ejection until the carrier is RECOVERING. */
  static int healthyEvaluationsToRecover(Fixtures.Run run) {
    int n = 0;
    do {
      run.evaluate(stats("a", GOOD, "b", GOOD));
      n++;
    } while (run.carrier("a").state() == CarrierState.EJECTED);
    return n;
  }

  @Test
  void aFlappingCarriersThirdEjectionLastsThreeTimesAsLong() {
    var run = new Fixtures.Run(on("a", 5000), on("b", 5000));
    run.evaluate(stats("a", GOOD, "b", GOOD));
    run.evaluate(stats("a", BAD, "b", GOOD));
    assertThat(run.carrier("a").reason()).doesNotContain("times in");
    int first = healthyEvaluationsToRecover(run);
    run.evaluate(stats("a", BAD, "b", GOOD)); // unhealthy while recovering: second ejection
    assertThat(run.carrier("a").reason())
        .contains("ejected 2 times in 24h: recovery needs 6 evaluations");
    int second = healthyEvaluationsToRecover(run);
    run.evaluate(stats("a", BAD, "b", GOOD));
    assertThat(run.carrier("a").reason())
        .contains("ejected 3 times in 24h: recovery needs 9 evaluations");
    run.evaluate(stats("a", GOOD, "b", GOOD));
    assertThat(run.carrier("a").reason()).endsWith("healthy 1 of 9 evaluations before recovery");
    int third = 1 + healthyEvaluationsToRecover(run);
    assertThat(List.of(first, second, third)).containsExactly(3, 6, 9);
  }

  @Test
  void ejectionsOlderThanTheMemoryNoLongerCount() {
    Fixtures.Policy p = new Fixtures.Policy();
    p.backoffMemoryMs = 60_000;
    var run = new Fixtures.Run(p.build(), on("a", 5000), on("b", 5000));
    run.evaluate(stats("a", BAD, "b", GOOD)); // ejected at 0 s
    // healthy from 5 s to 65 s: recovered, ramped and HEALTHY long before
    for (int i = 0; i < 13; i++) {
      run.evaluate(stats("a", GOOD, "b", GOOD));
    }
    assertThat(run.carrier("a").state()).isEqualTo(CarrierState.HEALTHY);
    run.evaluate(stats("a", BAD, "b", GOOD)); // at 70 s: the ejection at 0 s is 70 s old
    assertThat(run.carrier("a").reason()).doesNotContain("times in");
    assertThat(healthyEvaluationsToRecover(run)).isEqualTo(3);
  }

  @Test
  void theMultiplierIsCapped() {
    Fixtures.Policy p = new Fixtures.Policy();
    p.backoffMaxMultiplier = 2;
    var run = new Fixtures.Run(p.build(), on("a", 5000), on("b", 5000));
    List<Integer> recoveries = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      run.evaluate(stats("a", BAD, "b", GOOD));
      recoveries.add(healthyEvaluationsToRecover(run));
    }
    assertThat(recoveries).containsExactly(3, 6, 6, 6);
  }
}
