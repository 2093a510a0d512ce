package dev.nines.routing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test inputs: evidence of a given success, policies with some knobs changed, a route run. */
final class Fixtures {
  private Fixtures() {}

  static final long TWO_MINUTES = 120_000;

  /** n receipts over 2 minutes, round(success * n) of them delivered, no latency. */
  static CarrierStats success(double success, long n) {
    long delivered = Math.round(success * n);
    return new CarrierStats(delivered, n - delivered, 0, 0, null, TWO_MINUTES);
  }

  /** 1000 receipts at 99.5%, with this p95. */
  static CarrierStats latency(long p95Ms) {
    return new CarrierStats(995, 5, 0, 0, p95Ms, TWO_MINUTES);
  }

  static final CarrierStats GOOD = success(0.995, 1000);
  static final CarrierStats MEDIOCRE = success(0.90, 1000);
  static final CarrierStats BAD = success(0.50, 1000);

  static PlanCarrier on(String id, int base) {
    return new PlanCarrier(id, base, true);
  }

  static PlanCarrier off(String id, int base) {
    return new PlanCarrier(id, base, false);
  }

  static Map<String, CarrierStats> stats(Object... idThenStats) {
    Map<String, CarrierStats> m = new HashMap<>();
    for (int i = 0; i < idThenStats.length; i += 2) {
      m.put((String) idThenStats[i], (CarrierStats) idThenStats[i + 1]);
    }
    return m;
  }

  /** A policy built from the defaults, with some knobs changed. */
  static final class Policy {
    int minSamples;
    double degradeSuccessBelow;
    double ejectSuccessBelow;
    long degradeLatency;
    long ejectLatency;
    double peerDegradeGap;
    double peerEjectGap;
    int minPeers;
    double degradedShare;
    double maxEjectedShare;
    double panicBelowHealthyShare;
    int trickleWeight;
    int recoveryEvaluations;
    List<Double> rampSteps;
    int tierMinHealthyPercent;
    long backoffMemoryMs;
    int backoffMaxMultiplier;

    Policy() {
      RoutingPolicy d = RoutingPolicy.defaults();
      minSamples = d.minSamples();
      degradeSuccessBelow = d.degradeSuccessBelow();
      ejectSuccessBelow = d.ejectSuccessBelow();
      degradeLatency = d.degradeLatencyP95MsAbove();
      ejectLatency = d.ejectLatencyP95MsAbove();
      peerDegradeGap = d.peerDegradeGap();
      peerEjectGap = d.peerEjectGap();
      minPeers = d.minPeers();
      degradedShare = d.degradedShare();
      maxEjectedShare = d.maxEjectedShare();
      panicBelowHealthyShare = d.panicBelowHealthyShare();
      trickleWeight = d.trickleWeight();
      recoveryEvaluations = d.recoveryEvaluations();
      rampSteps = d.rampSteps();
      tierMinHealthyPercent = d.tierMinHealthyPercent();
      backoffMemoryMs = d.backoffMemoryMs();
      backoffMaxMultiplier = d.backoffMaxMultiplier();
    }

    RoutingPolicy build() {
      return new RoutingPolicy(
          minSamples,
          degradeSuccessBelow,
          ejectSuccessBelow,
          degradeLatency,
          ejectLatency,
          peerDegradeGap,
          peerEjectGap,
          minPeers,
          degradedShare,
          maxEjectedShare,
          panicBelowHealthyShare,
          trickleWeight,
          recoveryEvaluations,
          rampSteps,
          tierMinHealthyPercent,
          backoffMemoryMs,
          backoffMaxMultiplier);
    }
  }

  /** A route evaluated again and again, carrying the memory from one decision to the next. */
  static final class Run {
    final List<PlanCarrier> plan;
    final RoutingPolicy policy;
    Map<String, CarrierMemory> memory = Map.of();
    RouteDecision last;

    /** Event time of the next evaluation; each evaluation is 5 s after the one before. */
    long at = 0;

    Run(RoutingPolicy policy, PlanCarrier... plan) {
      this.policy = policy;
      this.plan = List.of(plan);
    }

    Run(PlanCarrier... plan) {
      this(RoutingPolicy.defaults(), plan);
    }

    RouteDecision evaluate(Map<String, CarrierStats> stats) {
      last = RoutingDecider.decide(plan, stats, memory, policy, at);
      at += 5_000;
      memory = last.memory();
      return last;
    }

    CarrierDecision carrier(String id) {
      return last.carriers().stream()
          .filter(c -> c.carrierId().equals(id))
          .findFirst()
          .orElseThrow();
    }

    int[] weights() {
      return last.carriers().stream().mapToInt(CarrierDecision::weight).toArray();
    }
  }
}
