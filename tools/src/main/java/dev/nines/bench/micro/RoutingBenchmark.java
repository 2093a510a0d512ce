package dev.nines.bench.micro;

import dev.nines.routing.CarrierMemory;
import dev.nines.routing.CarrierStats;
import dev.nines.routing.PlanCarrier;
import dev.nines.routing.RouteDecision;
import dev.nines.routing.RoutingDecider;
import dev.nines.routing.RoutingPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One evaluation of a route's weights, the pure part of the routing rule
 * ({@link RoutingDecider}: judging each carrier against thresholds and its peers, state
 * transitions, the ejection cap, panic mode, largest-remainder weights, the reasons), on a route
 * of five carriers with one degraded; next to the floor: base weights split in proportion among
 * the carriers above the degrade threshold, in plain code, and nothing else.
 */
@State(Scope.Thread)
public class RoutingBenchmark {
  /** A minute of a busy route's receipts per carrier: well above the default minSamples. */
  private static final long RECEIPTS = 1_000;

  /** The default scenario's healthy carriers deliver about 99%. */
  private static final double HEALTHY_SUCCESS = 0.99;

  private static final long MINUTE_MS = 60_000;

  RoutingPolicy policy;
  List<PlanCarrier> plan;
  Map<String, CarrierStats> stats;

  /** What the previous evaluation left: the degraded carrier is DEGRADED already. */
  Map<String, CarrierMemory> memory;

  /** The carrier that is degraded. */
  String degraded;

  @Setup
  public void setup() {
    policy = RoutingPolicy.defaults();
    plan =
        List.of(
            new PlanCarrier("atlas", 30, true),
            new PlanCarrier("bluewave", 25, true),
            new PlanCarrier("corvid", 20, true),
            new PlanCarrier("delta-mobile", 15, true),
            new PlanCarrier("ember-tel", 10, true));
    degraded = plan.get(1).carrierId();
    // p95 of realistic latencies, so the latency rule is evaluated on a real value, not null
    Long p95 = Latencies.warmCounts().latencyMs(0.95);
    // halfway between the eject and the degrade thresholds: degraded, not ejected
    double degradedSuccess = (policy.ejectSuccessBelow() + policy.degradeSuccessBelow()) / 2;
    stats = new LinkedHashMap<>();
    for (PlanCarrier c : plan) {
      double success = c.carrierId().equals(degraded) ? degradedSuccess : HEALTHY_SUCCESS;
      long delivered = Math.round(success * RECEIPTS);
      stats.put(
          c.carrierId(), new CarrierStats(delivered, RECEIPTS - delivered, 0, 0, p95, MINUTE_MS));
    }
    // one evaluation first: the benchmark measures a route under a lasting problem, the steady
    // state, rather than the one evaluation in which the carrier's state changes
    memory = RoutingDecider.decide(plan, stats, Map.of(), policy, 0).memory();
  }

  @Benchmark
  public RouteDecision ninesEvaluate() {
    return RoutingDecider.decide(plan, stats, memory, policy, 0);
  }

  @Benchmark
  public int[] baselineEvaluate() {
    int[] weights = new int[plan.size()];
    boolean[] healthy = new boolean[plan.size()];
    long healthyBase = 0;
    for (int i = 0; i < weights.length; i++) {
      PlanCarrier c = plan.get(i);
      healthy[i] =
          c.enabled() && stats.get(c.carrierId()).successRatio() >= policy.degradeSuccessBelow();
      healthyBase += healthy[i] ? c.baseWeight() : 0;
    }
    if (healthyBase == 0) {
      return weights;
    }
    int given = 0;
    int first = -1;
    for (int i = 0; i < weights.length; i++) {
      if (healthy[i]) {
        weights[i] = (int) (RouteDecision.TOTAL_WEIGHT * plan.get(i).baseWeight() / healthyBase);
        given += weights[i];
        first = first < 0 ? i : first;
      }
    }
    // integer division leaves a few units: the first healthy carrier takes them, so the weights
    // still sum to the total
    weights[first] += RouteDecision.TOTAL_WEIGHT - given;
    return weights;
  }
}
