package dev.nines.routing;

import static dev.nines.routing.RouteDecision.TOTAL_WEIGHT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.CarrierState;
import dev.nines.schema.RouteMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Invariants of the decision over random routes: 1 to 8 carriers with random base weights and
 * enabled flags, random evidence (none, too little, healthy, anything), random memories (any
 * state, streak and step, or none), under the default policy and under random valid policies.
 */
class RoutingPropertiesTest {

  private static final List<String> IDS = List.of("a", "b", "c", "d", "e", "f", "g", "h");

  record Input(
      List<PlanCarrier> plan,
      Map<String, CarrierStats> stats,
      Map<String, CarrierMemory> previous,
      RoutingPolicy policy) {

    RouteDecision decide() {
      return RoutingDecider.decide(plan, stats, previous, policy, 0);
    }

    boolean anyEnabled() {
      return plan.stream().anyMatch(PlanCarrier::enabled);
    }

    PlanCarrier carrier(String id) {
      return plan.stream().filter(c -> c.carrierId().equals(id)).findFirst().orElseThrow();
    }
  }

  private record Slot(
      int base,
      boolean enabled,
      int priority,
      boolean warm,
      CarrierStats stats,
      CarrierMemory memory) {}

  @Property(tries = 1000)
  void weightsSumToExactlyTheTotalWhenAnyCarrierIsEnabledElseAllZero(@ForAll("inputs") Input in) {
    RouteDecision d = in.decide();
    int sum = d.carriers().stream().mapToInt(CarrierDecision::weight).sum();
    if (in.anyEnabled()) {
      assertThat(sum).isEqualTo(TOTAL_WEIGHT);
    } else {
      assertThat(d.carriers()).allSatisfy(c -> assertThat(c.weight()).isZero());
    }
  }

  @Property(tries = 1000)
  void noWeightIsNegative(@ForAll("inputs") Input in) {
    assertThat(in.decide().carriers()).allSatisfy(c -> assertThat(c.weight()).isNotNegative());
  }

  @Property(tries = 1000)
  void aDisabledCarrierIsAlwaysDisabledAtZero(@ForAll("inputs") Input in) {
    for (CarrierDecision c : in.decide().carriers()) {
      if (!in.carrier(c.carrierId()).enabled()) {
        assertThat(c.weight()).isZero();
        assertThat(c.state()).isEqualTo(CarrierState.DISABLED);
      }
    }
  }

  @Property(tries = 500)
  void theSameInputsGiveTheSameOutput(@ForAll("inputs") Input in) {
    RouteDecision first = in.decide();
    assertThat(in.decide()).isEqualTo(first);
    // nor may the iteration order of the maps matter
    RouteDecision sorted =
        RoutingDecider.decide(
            in.plan(), new TreeMap<>(in.stats()), new TreeMap<>(in.previous()), in.policy(), 0);
    assertThat(sorted).isEqualTo(first);
    assertThat(sorted.sameWeightsAndStates(first)).isTrue();
  }

  @Property(tries = 1000)
  void inNormalModeAnEjectedCarrierHasExactlyTheTrickleUnlessItsTierIsUnused(
      @ForAll("inputs") Input in) {
    RouteDecision d = in.decide();
    long enabled = in.plan().stream().filter(PlanCarrier::enabled).count();
    if (d.mode() == RouteMode.NORMAL && enabled > 1) {
      for (CarrierDecision c : d.carriers()) {
        if (c.state() == CarrierState.EJECTED && c.weight() != in.policy().trickleWeight()) {
          // a standby tier that carries nothing: neither it nor any tier after it gets traffic
          assertThat(c.weight()).isZero();
          assertThat(c.priority()).isPositive();
          assertThat(d.carriers())
              .filteredOn(o -> o.priority() >= c.priority())
              .allSatisfy(o -> assertThat(o.weight()).isZero());
        }
      }
    }
  }

  @Property(tries = 1000)
  void theEjectedBaseShareNeverExceedsTheCap(@ForAll("inputs") Input in) {
    RouteDecision d = in.decide();
    long enabledBase = 0;
    long ejectedBase = 0;
    for (CarrierDecision c : d.carriers()) {
      PlanCarrier p = in.carrier(c.carrierId());
      enabledBase += p.enabled() ? p.baseWeight() : 0;
      ejectedBase += c.state() == CarrierState.EJECTED ? p.baseWeight() : 0;
    }
    assertThat((double) ejectedBase)
        .isLessThanOrEqualTo(in.policy().maxEjectedShare() * enabledBase);
  }

  @Property(tries = 500)
  void everyPlanCarrierIsDecidedOnceInPlanOrderAndRemembered(@ForAll("inputs") Input in) {
    RouteDecision d = in.decide();
    List<String> ids = in.plan().stream().map(PlanCarrier::carrierId).toList();
    assertThat(d.carriers()).extracting(CarrierDecision::carrierId).containsExactlyElementsOf(ids);
    assertThat(d.memory().keySet()).containsExactlyElementsOf(ids);
    for (CarrierDecision c : d.carriers()) {
      assertThat(d.memory().get(c.carrierId()).state()).isEqualTo(c.state());
      assertThat(c.reason()).isNotBlank();
    }
  }

  @Property(tries = 1000)
  void aStandbyTierGetsNothingWhileTheFirstTierIsAllHealthy(@ForAll("inputs") Input in) {
    RouteDecision d = in.decide();
    int first =
        in.plan().stream()
            .filter(PlanCarrier::enabled)
            .mapToInt(PlanCarrier::priority)
            .min()
            .orElse(Integer.MAX_VALUE);
    boolean firstAllHealthy =
        d.carriers().stream()
            .filter(c -> in.carrier(c.carrierId()).enabled() && c.priority() == first)
            .allMatch(c -> c.state() == CarrierState.HEALTHY);
    if (first != Integer.MAX_VALUE && firstAllHealthy) {
      assertThat(d.carriers())
          .filteredOn(c -> c.priority() > first)
          .allSatisfy(c -> assertThat(c.weight()).isZero());
    }
  }

  @Property(tries = 300)
  void backoffNeverShortensARecoveryAndLengthensItPerEjection(
      @ForAll("verdicts") List<Boolean> healthy, @ForAll("policies") RoutingPolicy policy) {
    // a flips between healthy and failing; b is always healthy. Independently of the decider:
    // count a's ejections, and the healthy evaluations between each and its recovery.
    var run = new Fixtures.Run(policy, Fixtures.on("a", 1000), Fixtures.on("b", 1000));
    CarrierState before = null;
    int ejections = 0;
    int healthyWhileEjected = 0;
    for (boolean ok : healthy) {
      run.evaluate(Fixtures.stats("a", ok ? Fixtures.GOOD : Fixtures.BAD, "b", Fixtures.GOOD));
      CarrierState now = run.carrier("a").state();
      if (now == CarrierState.EJECTED && before != CarrierState.EJECTED) {
        ejections++;
        healthyWhileEjected = 0;
      } else if (before == CarrierState.EJECTED && now == CarrierState.EJECTED && ok) {
        healthyWhileEjected++;
      } else if (before == CarrierState.EJECTED && now != CarrierState.EJECTED) {
        int streak = healthyWhileEjected + 1;
        assertThat(streak).isGreaterThanOrEqualTo(policy.recoveryEvaluations());
        // every evaluation is 5 s apart: within the memory unless the run is longer
        if ((long) healthy.size() * 5_000 < policy.backoffMemoryMs()) {
          assertThat(streak)
              .isEqualTo(
                  policy.recoveryEvaluations()
                      * Math.min(ejections, policy.backoffMaxMultiplier()));
        }
      }
      if (now == CarrierState.EJECTED && !ok) {
        healthyWhileEjected = 0;
      }
      before = now;
    }
  }

  @Provide
  Arbitrary<List<Boolean>> verdicts() {
    return Arbitraries.frequency(Tuple.of(3, true), Tuple.of(1, false)).list().ofMaxSize(120);
  }

  @Provide
  Arbitrary<Input> inputs() {
    Arbitrary<Slot> slot =
        Combinators.combine(
                Arbitraries.integers().between(1, 10_000),
                Arbitraries.frequency(Tuple.of(4, true), Tuple.of(1, false)),
                Arbitraries.frequency(Tuple.of(6, 0), Tuple.of(3, 1), Tuple.of(1, 2)),
                Arbitraries.frequency(Tuple.of(4, false), Tuple.of(1, true)),
                evidence(),
                memory().injectNull(0.3))
            .as(Slot::new);
    return Combinators.combine(
            Arbitraries.shuffle(IDS), slot.list().ofMinSize(1).ofMaxSize(8), policies())
        .as(
            (ids, slots, policy) -> {
              List<PlanCarrier> plan = new ArrayList<>();
              Map<String, CarrierStats> stats = new HashMap<>();
              Map<String, CarrierMemory> previous = new LinkedHashMap<>();
              for (int i = 0; i < slots.size(); i++) {
                Slot s = slots.get(i);
                String id = ids.get(i);
                plan.add(new PlanCarrier(id, s.base(), s.enabled(), s.priority(), s.warm()));
                stats.put(id, s.stats());
                if (s.memory() != null) {
                  previous.put(id, s.memory());
                }
              }
              return new Input(List.copyOf(plan), stats, previous, policy);
            });
  }

  private static Arbitrary<CarrierStats> evidence() {
    Arbitrary<Long> p95 = Arbitraries.longs().between(0, 120_000).injectNull(0.3);
    Arbitrary<CarrierStats> little =
        Combinators.combine(
                Arbitraries.longs().between(0, 15),
                Arbitraries.longs().between(0, 15),
                Arbitraries.longs().between(0, 5),
                Arbitraries.longs().between(0, 5),
                p95)
            .as((d, f, ps, pf, l) -> new CarrierStats(d, f, ps, pf, l, 120_000));
    Arbitrary<CarrierStats> healthy =
        Combinators.combine(
                Arbitraries.longs().between(500, 2000),
                Arbitraries.longs().between(0, 20),
                Arbitraries.longs().between(0, 40),
                Arbitraries.longs().between(0, 2),
                Arbitraries.longs().between(0, 15_000).injectNull(0.2))
            .as((d, f, ps, pf, l) -> new CarrierStats(d, f, ps, pf, l, 120_000));
    Arbitrary<CarrierStats> anything =
        Combinators.combine(
                Arbitraries.longs().between(0, 2000),
                Arbitraries.longs().between(0, 800),
                Arbitraries.longs().between(0, 40),
                Arbitraries.longs().between(0, 40),
                p95)
            .as((d, f, ps, pf, l) -> new CarrierStats(d, f, ps, pf, l, 120_000));
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(CarrierStats.none())),
        Tuple.of(2, little),
        Tuple.of(4, healthy),
        Tuple.of(4, anything));
  }

  private static Arbitrary<CarrierMemory> memory() {
    return Combinators.combine(
            Arbitraries.of(CarrierState.class),
            Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(0, 5),
            Arbitraries.frequency(Tuple.of(4, false), Tuple.of(1, true)),
            Arbitraries.longs().between(-100_000_000, 0).list().ofMaxSize(4),
            Arbitraries.integers().between(0, 40))
        .as(
            (state, streak, step, canary, ejections, needed) ->
                new CarrierMemory(
                    state,
                    streak,
                    step,
                    canary && state == CarrierState.RECOVERING,
                    ejections.stream().sorted().toList(),
                    state == CarrierState.EJECTED ? needed : 0));
  }

  /** The defaults half of the time; otherwise any valid policy, extremes included. */
  @Provide
  Arbitrary<RoutingPolicy> policies() {
    Arbitrary<Fixtures.Policy> random =
        Combinators.combine(
                Arbitraries.integers().between(1, 60),
                Arbitraries.doubles()
                    .between(0, 1)
                    .ofScale(2)
                    .edgeCases(e -> e.includeOnly(0.0, 1.0)),
                Arbitraries.doubles().between(0, 1).ofScale(2),
                Arbitraries.integers().between(0, 4000),
                Arbitraries.doubles().between(0.01, 1).ofScale(2),
                Arbitraries.integers().between(1, 4),
                Arbitraries.of(
                    List.<Double>of(),
                    List.of(0.5),
                    List.of(0.25, 0.5, 0.75),
                    List.of(0.1, 0.2, 0.3, 0.4, 0.9)),
                Arbitraries.integers().between(1, 3))
            .as(
                (minSamples, maxEjected, panic, trickle, degraded, recovery, steps, minPeers) -> {
                  Fixtures.Policy p = new Fixtures.Policy();
                  p.minSamples = minSamples;
                  p.maxEjectedShare = maxEjected;
                  p.panicBelowHealthyShare = panic;
                  p.trickleWeight = trickle;
                  p.degradedShare = degraded;
                  p.recoveryEvaluations = recovery;
                  p.rampSteps = steps;
                  p.minPeers = minPeers;
                  return p;
                });
    Arbitrary<RoutingPolicy> randomWithTiers =
        Combinators.combine(
                random,
                Arbitraries.integers().between(1, 100),
                Arbitraries.integers().between(1, 12))
            .as(
                (p, tierMin, multiplier) -> {
                  p.tierMinHealthyPercent = tierMin;
                  p.backoffMaxMultiplier = multiplier;
                  return p.build();
                });
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(RoutingPolicy.defaults())), Tuple.of(1, randomWithTiers));
  }
}
