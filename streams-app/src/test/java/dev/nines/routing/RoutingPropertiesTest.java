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
      return RoutingDecider.decide(plan, stats, previous, policy);
    }

    boolean anyEnabled() {
      return plan.stream().anyMatch(PlanCarrier::enabled);
    }

    PlanCarrier carrier(String id) {
      return plan.stream().filter(c -> c.carrierId().equals(id)).findFirst().orElseThrow();
    }
  }

  private record Slot(int base, boolean enabled, CarrierStats stats, CarrierMemory memory) {}

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
            in.plan(), new TreeMap<>(in.stats()), new TreeMap<>(in.previous()), in.policy());
    assertThat(sorted).isEqualTo(first);
    assertThat(sorted.sameWeightsAndStates(first)).isTrue();
  }

  @Property(tries = 1000)
  void inNormalModeAnEjectedCarrierHasExactlyTheTrickle(@ForAll("inputs") Input in) {
    RouteDecision d = in.decide();
    long enabled = in.plan().stream().filter(PlanCarrier::enabled).count();
    if (d.mode() == RouteMode.NORMAL && enabled > 1) {
      for (CarrierDecision c : d.carriers()) {
        if (c.state() == CarrierState.EJECTED) {
          assertThat(c.weight()).isEqualTo(in.policy().trickleWeight());
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

  @Provide
  Arbitrary<Input> inputs() {
    Arbitrary<Slot> slot =
        Combinators.combine(
                Arbitraries.integers().between(1, 10_000),
                Arbitraries.frequency(Tuple.of(4, true), Tuple.of(1, false)),
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
                plan.add(new PlanCarrier(id, s.base(), s.enabled()));
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
            Arbitraries.integers().between(0, 5))
        .as(CarrierMemory::new);
  }

  /** The defaults half of the time; otherwise any valid policy, extremes included. */
  private static Arbitrary<RoutingPolicy> policies() {
    Arbitrary<RoutingPolicy> random =
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
                  return p.build();
                });
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(RoutingPolicy.defaults())), Tuple.of(1, random));
  }
}
