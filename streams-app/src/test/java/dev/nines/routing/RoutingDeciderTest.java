package dev.nines.routing;

import static dev.nines.routing.Fixtures.BAD;
import static dev.nines.routing.Fixtures.GOOD;
import static dev.nines.routing.Fixtures.MEDIOCRE;
import static dev.nines.routing.Fixtures.off;
import static dev.nines.routing.Fixtures.on;
import static dev.nines.routing.Fixtures.stats;
import static dev.nines.routing.Fixtures.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.schema.CarrierState;
import dev.nines.schema.RouteMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingDeciderTest {

  private static final RoutingPolicy DEFAULTS = RoutingPolicy.defaults();

  private static RouteDecision decide(
      List<PlanCarrier> plan,
      Map<String, CarrierStats> stats,
      Map<String, CarrierMemory> previous) {
    return RoutingDecider.decide(plan, stats, previous, DEFAULTS, 0);
  }

  private static CarrierDecision carrier(RouteDecision d, String id) {
    return d.carriers().stream().filter(c -> c.carrierId().equals(id)).findFirst().orElseThrow();
  }

  private static int[] weights(RouteDecision d) {
    return d.carriers().stream().mapToInt(CarrierDecision::weight).toArray();
  }

  // --- manual drain ---

  @Test
  void aDisabledCarrierGetsZeroWhateverItsHealth() {
    RouteDecision d =
        decide(List.of(on("a", 5000), off("b", 5000)), stats("a", MEDIOCRE, "b", GOOD), Map.of());
    CarrierDecision b = carrier(d, "b");
    assertThat(b.state()).isEqualTo(CarrierState.DISABLED);
    assertThat(b.weight()).isZero();
    assertThat(b.reason()).isEqualTo("disabled in route plan (manual drain)");
    assertThat(d.memory().get("b")).isEqualTo(new CarrierMemory(CarrierState.DISABLED, 0, 0));
    assertThat(carrier(d, "a").weight()).isEqualTo(10_000);
  }

  @Test
  void aDrainDropsAnEjectionAndReEnablingStartsACanary() {
    Map<String, CarrierMemory> ejected =
        Map.of("a", CarrierMemory.fresh(), "b", new CarrierMemory(CarrierState.EJECTED, 2, 0));
    RouteDecision drained =
        decide(List.of(on("a", 5000), off("b", 5000)), stats("a", GOOD, "b", GOOD), ejected);
    assertThat(carrier(drained, "b").state()).isEqualTo(CarrierState.DISABLED);

    RouteDecision back =
        decide(
            List.of(on("a", 5000), on("b", 5000)), stats("a", GOOD, "b", GOOD), drained.memory());
    CarrierDecision b = carrier(back, "b");
    assertThat(b.state()).isEqualTo(CarrierState.RECOVERING);
    assertThat(b.canary()).isTrue();
    assertThat(b.reason())
        .startsWith(
            "re-enabled after a manual drain; canary at the trickle of 100 of 10000 before its"
                + " slow start");
    // the trickle, and a takes the rest
    assertThat(weights(back)).containsExactly(9900, 100);
    // its pre-drain ejection is history: one healthy evaluation passes the canary
    RouteDecision next =
        decide(List.of(on("a", 5000), on("b", 5000)), stats("a", GOOD, "b", GOOD), back.memory());
    assertThat(carrier(next, "b").reason())
        .endsWith("canary passed; recovering: step 1 of 3 (25% of base)");
    // 5000 : 1250
    assertThat(weights(next)).containsExactly(8000, 2000);
  }

  @Test
  void aWarmCarrierReEnabledTakesItsShareAtOnce() {
    Map<String, CarrierMemory> drained =
        Map.of("a", CarrierMemory.fresh(), "b", CarrierMemory.of(CarrierState.DISABLED));
    RouteDecision back =
        decide(
            List.of(on("a", 5000), new PlanCarrier("b", 5000, true, 0, true)),
            stats("a", GOOD, "b", GOOD),
            drained);
    CarrierDecision b = carrier(back, "b");
    assertThat(b.state()).isEqualTo(CarrierState.HEALTHY);
    assertThat(b.reason()).startsWith("re-enabled after a manual drain; success 99.5%");
    assertThat(weights(back)).containsExactly(5000, 5000);
  }

  @Test
  void noEnabledCarrierMeansEveryWeightIsZeroAndTheReasonSaysSo() {
    RouteDecision d = decide(List.of(off("a", 1), off("b", 2)), Map.of(), Map.of());
    assertThat(weights(d)).containsExactly(0, 0);
    assertThat(d.mode()).isEqualTo(RouteMode.NORMAL);
    assertThat(carrier(d, "a").reason())
        .isEqualTo(
            "disabled in route plan (manual drain);"
                + " no carrier of the route is enabled, so every weight is 0");
  }

  // --- minimum samples ---

  @Test
  void aNewCarrierBelowMinSamplesIsNotJudgedAndStartsHealthy() {
    RouteDecision d =
        decide(
            List.of(on("a", 5000), on("b", 5000)),
            stats("a", GOOD, "b", success(0.0, 99)),
            Map.of());
    CarrierDecision b = carrier(d, "b");
    assertThat(b.state()).isEqualTo(CarrierState.HEALTHY);
    assertThat(b.score()).isEqualTo(0.0);
    assertThat(b.reason())
        .isEqualTo("not judged: n=99 over 2m is below the 100 samples needed; stays HEALTHY");
    assertThat(weights(d)).containsExactly(5000, 5000);
  }

  @Test
  void belowMinSamplesTheStateAndTheStreakStayPut() {
    CarrierMemory before = new CarrierMemory(CarrierState.EJECTED, 2, 0);
    RouteDecision d =
        decide(
            List.of(on("a", 4000), on("b", 4000), on("c", 2000)),
            stats("a", GOOD, "b", GOOD, "c", success(1.0, 10)),
            Map.of("c", before));
    assertThat(carrier(d, "c").state()).isEqualTo(CarrierState.EJECTED);
    assertThat(carrier(d, "c").reason()).startsWith("not judged: n=10 over 2m");
    assertThat(d.memory().get("c")).isEqualTo(before);
  }

  @Test
  void exactlyMinSamplesIsJudged() {
    RouteDecision d =
        decide(
            List.of(on("a", 4000), on("b", 4000), on("c", 2000)),
            stats("a", GOOD, "b", GOOD, "c", success(0.0, 100)),
            Map.of());
    assertThat(carrier(d, "c").state()).isEqualTo(CarrierState.EJECTED);
  }

  @Test
  void aCarrierWithoutEvidenceScoresOne() {
    RouteDecision d = decide(List.of(on("a", 1)), Map.of(), Map.of());
    assertThat(carrier(d, "a").score()).isEqualTo(1.0);
    assertThat(carrier(d, "a").reason())
        .startsWith("not judged: n=0 is below the 100 samples needed");
  }

  @Test
  void failedProbesCountAgainstACarrierThatSilentlyDropsTraffic() {
    // no failure receipt at all, but its probes fail: 100 delivered + 0 of 60 probes = 62.5%
    CarrierStats silent = new CarrierStats(100, 0, 0, 60, null, Fixtures.TWO_MINUTES);
    RouteDecision d =
        decide(
            List.of(on("a", 4000), on("b", 4000), on("c", 2000)),
            stats("a", GOOD, "b", GOOD, "c", silent),
            Map.of());
    assertThat(carrier(d, "c").state()).isEqualTo(CarrierState.EJECTED);
    assertThat(carrier(d, "c").score()).isEqualTo(0.625);
  }

  // --- peers ---

  @Test
  void aCarrierFarBelowTwoHealthyPeersIsEjectedAboveTheAbsoluteThreshold() {
    RouteDecision d =
        decide(
            List.of(on("a", 4000), on("b", 4000), on("c", 2000)),
            stats("a", GOOD, "b", GOOD, "c", success(0.83, 1000)),
            Map.of());
    CarrierDecision c = carrier(d, "c");
    assertThat(c.state()).isEqualTo(CarrierState.EJECTED);
    assertThat(c.reason())
        .startsWith(
            "success 83.0% over 2m (n=1000) is 16.5 points below the peer"
                + " median 99.5% (eject gap 15.0, degrade gap 5.0); ejected");
  }

  @Test
  void thePeerRuleDegradesAboveTheAbsoluteDegradeThreshold() {
    Fixtures.Policy p = new Fixtures.Policy();
    p.degradeSuccessBelow = 0.85;
    RouteDecision d =
        RoutingDecider.decide(
            List.of(on("a", 4000), on("b", 4000), on("c", 2000)),
            stats("a", success(0.99, 1000), "b", success(0.99, 1000), "c", success(0.88, 900)),
            Map.of(),
            p.build(),
            0);
    CarrierDecision c = carrier(d, "c");
    assertThat(c.state()).isEqualTo(CarrierState.DEGRADED);
    assertThat(c.reason())
        .isEqualTo(
            "success 88.0% over 2m (n=900) is 11.0 points below the peer"
                + " median 99.0% (eject gap 15.0, degrade gap 5.0); degraded to 50% of base");
  }

  @Test
  void thePeerMedianOfAnEvenNumberOfPeersIsTheMeanOfTheMiddleTwo() {
    RouteDecision d =
        decide(
            List.of(on("a", 4000), on("b", 4000), on("c", 2000)),
            stats("a", success(0.99, 1000), "b", success(0.97, 1000), "c", success(0.82, 1000)),
            Map.of());
    assertThat(carrier(d, "c").state()).isEqualTo(CarrierState.EJECTED);
    assertThat(carrier(d, "c").reason()).contains("is 16.0 points below the peer median 98.0%");
  }

  @Test
  void thePeerRuleNeedsTwoJudgedEnabledPeers() {
    // b has too few samples and d is drained: a is the only judged peer
    RouteDecision d =
        decide(
            List.of(on("a", 4000), on("b", 3000), on("c", 2000), off("d", 1000)),
            stats("a", GOOD, "b", success(1.0, 10), "c", success(0.83, 1000), "d", GOOD),
            Map.of());
    CarrierDecision c = carrier(d, "c");
    assertThat(c.state()).isEqualTo(CarrierState.DEGRADED);
    assertThat(c.reason()).contains("below degrade threshold 95.0%").doesNotContain("peer");
  }

  // --- ejection cap ---

  @Test
  void whenTwoOfThreeFailOnlyTheWorseIsEjected() {
    // listed better-first, to show the order comes from the scores
    RouteDecision d =
        decide(
            List.of(on("a", 1000), on("b", 1000), on("c", 1000)),
            stats("a", success(0.60, 1000), "b", success(0.40, 1000), "c", GOOD),
            Map.of());
    assertThat(carrier(d, "b").state()).isEqualTo(CarrierState.EJECTED);
    CarrierDecision a = carrier(d, "a");
    assertThat(a.state()).isEqualTo(CarrierState.DEGRADED);
    assertThat(a.reason())
        .startsWith(
            "success 60.0% over 2m (n=1000) below eject threshold 80.0%;"
                + " ejected: keeps a trickle of 100 of 10000 so that its recovery can be seen;"
                + " held at DEGRADED: ejecting it would exceed the 50% max ejected share");
    assertThat(d.memory().get("a")).isEqualTo(new CarrierMemory(CarrierState.DEGRADED, 0, 0));
    // only c is healthy: 1/3 of the base weight, below the 50% panic threshold
    assertThat(d.mode()).isEqualTo(RouteMode.PANIC);
    assertThat(carrier(d, "c").reason())
        .endsWith("route in PANIC: only 33.3% of base weight healthy (< 50%); using base weights");
    // base weights 1 : 1 : 1; the unit left goes to the smallest id
    assertThat(weights(d)).containsExactly(3334, 3333, 3333);
  }

  @Test
  void theCapAlsoHoldsInNormalMode() {
    Fixtures.Policy p = new Fixtures.Policy();
    p.panicBelowHealthyShare = 0.3;
    RouteDecision d =
        RoutingDecider.decide(
            List.of(on("a", 1000), on("b", 1000), on("c", 1000)),
            stats("a", success(0.40, 1000), "b", success(0.60, 1000), "c", GOOD),
            Map.of(),
            p.build(),
            0);
    assertThat(d.mode()).isEqualTo(RouteMode.NORMAL);
    assertThat(d.carriers())
        .extracting(CarrierDecision::state)
        .containsExactly(CarrierState.EJECTED, CarrierState.DEGRADED, CarrierState.HEALTHY);
    // a: the trickle, 100; the other 9900 split b : c = 500 : 1000
    assertThat(weights(d)).containsExactly(100, 3300, 6600);
  }

  @Test
  void twoEjectionsThatFitTheCapTogetherAreBothKept() {
    RouteDecision d =
        decide(
            List.of(on("a", 2500), on("b", 2500), on("c", 5000)),
            stats("a", BAD, "b", BAD, "c", GOOD),
            Map.of());
    assertThat(d.carriers())
        .extracting(CarrierDecision::state)
        .containsExactly(CarrierState.EJECTED, CarrierState.EJECTED, CarrierState.HEALTHY);
    assertThat(d.mode()).isEqualTo(RouteMode.NORMAL);
    assertThat(weights(d)).containsExactly(100, 100, 9800);
  }

  // --- panic ---

  @Test
  void tooLittleHealthyWeightPutsTheRouteInPanicWithBaseWeights() {
    RouteDecision d =
        decide(
            List.of(on("a", 3000), on("b", 3000), on("c", 4000)),
            stats("a", BAD, "b", MEDIOCRE, "c", GOOD),
            Map.of());
    assertThat(d.mode()).isEqualTo(RouteMode.PANIC);
    // the states are still told as they are; only the weights fall back
    assertThat(d.carriers())
        .extracting(CarrierDecision::state)
        .containsExactly(CarrierState.EJECTED, CarrierState.DEGRADED, CarrierState.HEALTHY);
    assertThat(weights(d)).containsExactly(3000, 3000, 4000);
    assertThat(carrier(d, "a").reason())
        .endsWith("route in PANIC: only 40% of base weight healthy (< 50%); using base weights");
  }

  @Test
  void panicWithADrainedCarrierLeavesItAtZero() {
    RouteDecision d =
        decide(
            List.of(on("a", 3000), on("b", 3000), on("c", 4000), off("d", 5000)),
            stats("a", BAD, "b", MEDIOCRE, "c", GOOD),
            Map.of());
    assertThat(d.mode()).isEqualTo(RouteMode.PANIC);
    assertThat(weights(d)).containsExactly(3000, 3000, 4000, 0);
    assertThat(carrier(d, "d").reason()).isEqualTo("disabled in route plan (manual drain)");
  }

  @Test
  void ifEveryEnabledCarrierIsEjectedTheRouteFallsBackToBaseWeights() {
    Fixtures.Policy p = new Fixtures.Policy();
    p.maxEjectedShare = 1.0;
    p.panicBelowHealthyShare = 0.0;
    RouteDecision d =
        RoutingDecider.decide(
            List.of(on("a", 1000), on("b", 3000)),
            stats("a", BAD, "b", BAD),
            Map.of(),
            p.build(),
            0);
    assertThat(d.mode()).isEqualTo(RouteMode.PANIC);
    assertThat(weights(d)).containsExactly(2500, 7500);
    assertThat(carrier(d, "a").reason())
        .endsWith("route in PANIC: every enabled carrier is ejected; using base weights");
  }

  @Test
  void tricklesThatWouldTakeEverythingFallBackToBaseWeights() {
    Fixtures.Policy p = new Fixtures.Policy();
    p.maxEjectedShare = 1.0;
    p.panicBelowHealthyShare = 0.0;
    p.trickleWeight = 5000;
    RouteDecision d =
        RoutingDecider.decide(
            List.of(on("a", 1), on("b", 1), on("c", 2)),
            stats("a", BAD, "b", BAD, "c", GOOD),
            Map.of(),
            p.build(),
            0);
    assertThat(d.mode()).isEqualTo(RouteMode.PANIC);
    assertThat(weights(d)).containsExactly(2500, 2500, 5000);
    assertThat(carrier(d, "c").reason())
        .endsWith(
            "route in PANIC: the trickles of 2 ejected carriers would take all 10000;"
                + " using base weights");
  }

  // --- one carrier ---

  @Test
  void aSingleEnabledCarrierGetsEverythingWhateverItsState() {
    Fixtures.Run run = new Fixtures.Run(on("a", 700), off("b", 300));
    run.evaluate(stats("a", MEDIOCRE));
    assertThat(run.carrier("a").state()).isEqualTo(CarrierState.DEGRADED);
    assertThat(run.weights()).containsExactly(10_000, 0);
    assertThat(run.carrier("a").reason())
        .endsWith("the only enabled carrier gets all 10000: there is nowhere else to send");

    run.evaluate(stats("a", BAD));
    // ejecting the only carrier would eject 100% of the route: the cap holds it
    assertThat(run.carrier("a").state()).isEqualTo(CarrierState.DEGRADED);
    assertThat(run.weights()).containsExactly(10_000, 0);
  }

  // --- slow start and flapping ---

  @Test
  void slowStartStepByStep() {
    Fixtures.Run run = new Fixtures.Run(on("a", 5000), on("b", 3000), on("c", 2000));
    Map<String, CarrierStats> cBad = stats("a", GOOD, "b", GOOD, "c", BAD);
    Map<String, CarrierStats> allGood = stats("a", GOOD, "b", GOOD, "c", GOOD);

    run.evaluate(cBad);
    // c: trickle 100; 9900 split 5000 : 3000 = 6187.5 : 3712.5; the tied unit goes to "a"
    assertThat(run.weights()).containsExactly(6188, 3712, 100);
    run.evaluate(allGood);
    run.evaluate(allGood);
    assertThat(run.weights()).containsExactly(6188, 3712, 100);

    run.evaluate(allGood);
    assertThat(run.carrier("c").state()).isEqualTo(CarrierState.RECOVERING);
    // 25%: shares 5000 : 3000 : 500 of 8500 -> 5882.35, 3529.41, 588.24; the unit left goes to b
    assertThat(run.weights()).containsExactly(5882, 3530, 588);

    run.evaluate(allGood);
    // 50%: 5000 : 3000 : 1000 of 9000 -> 5555.56, 3333.33, 1111.11; the unit left goes to a
    assertThat(run.weights()).containsExactly(5556, 3333, 1111);

    run.evaluate(allGood);
    // 75%: 5000 : 3000 : 1500 of 9500 -> 5263.16, 3157.89, 1578.95; two units go to c, then b
    assertThat(run.weights()).containsExactly(5263, 3158, 1579);

    run.evaluate(allGood);
    assertThat(run.carrier("c").state()).isEqualTo(CarrierState.HEALTHY);
    assertThat(run.weights()).containsExactly(5000, 3000, 2000);
  }

  @Test
  void oneGoodEvaluationAfterEjectionDoesNotRestoreTheCarrier() {
    Fixtures.Run run = new Fixtures.Run(on("a", 5000), on("b", 3000), on("c", 2000));
    Map<String, CarrierStats> cBad = stats("a", GOOD, "b", GOOD, "c", BAD);
    Map<String, CarrierStats> allGood = stats("a", GOOD, "b", GOOD, "c", GOOD);

    RouteDecision ejected = run.evaluate(cBad);
    RouteDecision oneGood = run.evaluate(allGood);
    assertThat(run.carrier("c").state()).isEqualTo(CarrierState.EJECTED);
    assertThat(oneGood.sameWeightsAndStates(ejected)).isTrue();

    run.evaluate(cBad); // flaps back: the streak starts over
    assertThat(run.memory.get("c").healthyStreak()).isZero();
    run.evaluate(allGood);
    run.evaluate(allGood);
    assertThat(run.carrier("c").state()).isEqualTo(CarrierState.EJECTED);
    run.evaluate(allGood);
    assertThat(run.carrier("c").state()).isEqualTo(CarrierState.RECOVERING);
  }

  // --- weights, order and memory ---

  @Test
  void equalRemaindersGoToTheSmallerCarrierIdWhateverThePlanOrder() {
    RouteDecision d =
        decide(
            List.of(on("c", 1), on("b", 1), on("a", 1)),
            stats("a", GOOD, "b", GOOD, "c", GOOD),
            Map.of());
    assertThat(d.carriers()).extracting(CarrierDecision::carrierId).containsExactly("c", "b", "a");
    assertThat(weights(d)).containsExactly(3333, 3333, 3334);
  }

  @Test
  void memoryOfCarriersNoLongerInThePlanIsDropped() {
    RouteDecision d =
        decide(
            List.of(on("a", 1)),
            Map.of(),
            Map.of(
                "a", CarrierMemory.fresh(), "gone", new CarrierMemory(CarrierState.EJECTED, 1, 0)));
    assertThat(d.memory()).containsOnlyKeys("a");
  }

  @Test
  void anUnknownRememberedStateStartsOverAsHealthy() {
    RouteDecision d =
        decide(
            List.of(on("a", 1)),
            stats("a", GOOD),
            Map.of("a", new CarrierMemory(CarrierState.UNKNOWN, 0, 0)));
    assertThat(carrier(d, "a").state()).isEqualTo(CarrierState.HEALTHY);
  }

  @Test
  void aRampStepBeyondThePolicyUsesTheLastStep() {
    // memory written under a policy with more steps than the current one
    RouteDecision held =
        decide(
            List.of(on("a", 5000), on("b", 5000)),
            stats("a", GOOD, "b", success(1.0, 5)),
            Map.of(
                "a", CarrierMemory.fresh(), "b", new CarrierMemory(CarrierState.RECOVERING, 0, 7)));
    // b at 75% of base: 5000 : 3750
    assertThat(weights(held)).containsExactly(5714, 4286);
    RouteDecision next =
        decide(List.of(on("a", 5000), on("b", 5000)), stats("a", GOOD, "b", GOOD), held.memory());
    assertThat(carrier(next, "b").state()).isEqualTo(CarrierState.HEALTHY);
  }

  @Test
  void aCarrierListedTwiceIsRejected() {
    assertThatThrownBy(() -> decide(List.of(on("a", 1), on("a", 2)), Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("route plan lists carrier 'a' twice");
  }

  @Test
  void sameWeightsAndStatesIgnoresScoresAndReasons() {
    List<PlanCarrier> plan = List.of(on("a", 1), on("b", 1));
    RouteDecision first = decide(plan, stats("a", GOOD, "b", GOOD), Map.of());
    RouteDecision second =
        decide(plan, stats("a", success(0.999, 2000), "b", GOOD), first.memory());
    assertThat(second).isNotEqualTo(first);
    assertThat(second.sameWeightsAndStates(first)).isTrue();

    RouteDecision changed =
        decide(List.of(on("a", 1), off("b", 1)), stats("a", GOOD), first.memory());
    assertThat(changed.sameWeightsAndStates(first)).isFalse();
    RouteDecision reweighted =
        decide(List.of(on("a", 2), on("b", 1)), stats("a", GOOD, "b", GOOD), first.memory());
    assertThat(reweighted.sameWeightsAndStates(first)).isFalse();
  }
}
