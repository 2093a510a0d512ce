package dev.nines.routing;

import dev.nines.routing.CarrierJudge.Judgement;
import dev.nines.routing.CarrierTransitions.Transition;
import dev.nines.schema.CarrierState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Decides a route's weights. Pure and deterministic: the same plan, evidence, memory and policy
 * always give the same decision, so replaying the input replays the output.
 *
 * <p>The steps, in order:
 *
 * <ol>
 *   <li>A disabled carrier is DISABLED with weight 0, whatever its health (a manual drain).
 *   <li>A carrier new to the plan, or re-enabled after a drain, starts as a canary at the trickle
 *       weight (RECOVERING), unless the plan marks it warm or no other enabled carrier of the route
 *       is established (a new route has nothing to protect). It is judged from the next
 *       evaluation on: the evidence before it was in the plan is not its canary's.
 *   <li>A carrier with fewer than {@code minSamples} samples is not judged and keeps its state.
 *   <li>Every other carrier is judged against the absolute thresholds and against the median of
 *       its judged peers, and its state moves ({@link CarrierTransitions}).
 *   <li>The ejection cap holds the least bad of the ejected at DEGRADED ({@link EjectionCap}).
 *   <li>Ejection backoff: a carrier ejected for the n-th time within the backoff memory needs
 *       {@code recoveryEvaluations * min(n, backoffMaxMultiplier)} healthy evaluations to
 *       recover ({@link #backoff}).
 *   <li>Mode (PANIC or NORMAL), tiers and weights ({@link RouteWeights}).
 * </ol>
 */
public final class RoutingDecider {
  private RoutingDecider() {}

  /**
   * @param plan the route's carriers, in plan order (the decision keeps it); ids must be unique
   * @param stats evidence per carrier id; a carrier without an entry has no evidence
   * @param previous the previous decision's memory per carrier id; a carrier without an entry is
   *     new. Entries for carriers no longer in the plan are dropped.
   * @param policy the knobs
   * @param at the event time of the decision (ejections are remembered by it, for the backoff)
   */
  public static RouteDecision decide(
      List<PlanCarrier> plan,
      Map<String, CarrierStats> stats,
      Map<String, CarrierMemory> previous,
      RoutingPolicy policy,
      long at) {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(stats, "stats");
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(policy, "policy");
    requireUniqueIds(plan);

    boolean established =
        plan.stream().anyMatch(c -> c.enabled() && isEstablished(previous.get(c.carrierId())));
    List<Assessment> route = new ArrayList<>();
    for (PlanCarrier c : plan) {
      route.add(assess(c, plan, stats, previous.get(c.carrierId()), policy, established));
    }
    List<Assessment> capped = EjectionCap.apply(route, policy);
    List<Assessment> remembered = new ArrayList<>();
    for (Assessment a : capped) {
      remembered.add(backoff(a, previous.get(a.id()), policy, at));
    }
    return RouteWeights.assign(remembered, policy);
  }

  /** Took part in the route's last decision as an enabled carrier. */
  private static boolean isEstablished(CarrierMemory m) {
    return m != null && m.state() != CarrierState.DISABLED;
  }

  private static Assessment assess(
      PlanCarrier c,
      List<PlanCarrier> plan,
      Map<String, CarrierStats> stats,
      CarrierMemory before,
      RoutingPolicy p,
      boolean routeEstablished) {
    CarrierStats evidence = evidence(stats, c);
    if (!c.enabled()) {
      return new Assessment(
          c,
          evidence,
          CarrierMemory.of(CarrierState.DISABLED),
          "disabled in route plan (manual drain)");
    }
    boolean reEnabled = before != null && before.state() == CarrierState.DISABLED;
    String intro = reEnabled ? "re-enabled after a manual drain" : "";
    boolean arriving = before == null || reEnabled;
    if (arriving && !c.warm() && routeEstablished && p.trickleWeight() > 0) {
      // only a carrier that others can cover for: the route's established carriers take the rest
      return new Assessment(
          c,
          evidence,
          CarrierMemory.canaryStart(),
          Texts.join(
              reEnabled ? intro : "new in the route plan",
              "canary at the trickle of "
                  + p.trickleWeight()
                  + " of "
                  + RouteDecision.TOTAL_WEIGHT
                  + " before its slow start (warm = true skips it)"));
    }
    CarrierMemory start = startingMemory(before);
    if (evidence.samples() < p.minSamples()) {
      // too little evidence to judge in either direction: the state and the streak stay put
      return new Assessment(
          c,
          evidence,
          start,
          Texts.join(
              intro,
              "not judged: n="
                  + evidence.samples()
                  + Texts.over(evidence)
                  + " is below the "
                  + p.minSamples()
                  + " samples needed; stays "
                  + start.state()));
    }
    OptionalDouble peerMedian = CarrierJudge.peerMedian(peerSuccess(c, plan, stats, p), p);
    Judgement j = CarrierJudge.judge(evidence, peerMedian, p);
    Transition t = CarrierTransitions.next(start, j.verdict(), p);
    return new Assessment(c, evidence, t.memory(), Texts.join(intro, j.reason(), t.note()));
  }

  /**
   * The memory a carrier starts this evaluation from. New carriers start HEALTHY; so do
   * re-enabled ones (the operator has just put it back: its pre-drain penalties are history), and
   * any state this code does not know (UNKNOWN from a newer writer), rather than failing. It is
   * then judged on this evaluation's evidence like any carrier: re-enabling a carrier that still
   * fails must not hand it its full weight.
   */
  private static CarrierMemory startingMemory(CarrierMemory before) {
    if (before == null) {
      return CarrierMemory.fresh();
    }
    return switch (before.state()) {
      case HEALTHY, DEGRADED, EJECTED, RECOVERING -> before;
      default -> CarrierMemory.fresh();
    };
  }

  /**
   * Remembers the carrier's ejections within the backoff memory, and sets the recovery a new
   * ejection needs. After the ejection cap, so that a carrier held at DEGRADED was not ejected.
   */
  static Assessment backoff(Assessment a, CarrierMemory before, RoutingPolicy p, long at) {
    List<Long> past = new ArrayList<>();
    if (before != null) {
      for (long t : before.ejections()) {
        if (t > at - p.backoffMemoryMs() && t <= at) {
          past.add(t);
        }
      }
    }
    CarrierMemory m = a.memory();
    if (m.state() != CarrierState.EJECTED) {
      return new Assessment(a.carrier(), a.stats(), m.withBackoff(past, 0), a.reason());
    }
    boolean wasEjected = before != null && before.state() == CarrierState.EJECTED;
    if (wasEjected) {
      return new Assessment(
          a.carrier(), a.stats(), m.withBackoff(past, before.recoveryNeeded()), a.reason());
    }
    past.add(at);
    int n = past.size();
    int needed = p.recoveryAfterEjection(n);
    String note =
        n == 1
            ? ""
            : "ejected "
                + n
                + " times in "
                + Texts.duration(p.backoffMemoryMs())
                + ": recovery needs "
                + needed
                + " evaluations";
    return a.withMemory(m.withBackoff(past, needed), note);
  }

  /** Success of the carrier's judged peers: the other enabled carriers with enough samples. */
  private static List<Double> peerSuccess(
      PlanCarrier self, List<PlanCarrier> plan, Map<String, CarrierStats> stats, RoutingPolicy p) {
    List<Double> out = new ArrayList<>();
    for (PlanCarrier peer : plan) {
      CarrierStats s = evidence(stats, peer);
      boolean judged = peer.enabled() && s.samples() >= p.minSamples();
      if (judged && !peer.carrierId().equals(self.carrierId())) {
        out.add(s.successRatio());
      }
    }
    return out;
  }

  private static CarrierStats evidence(Map<String, CarrierStats> stats, PlanCarrier c) {
    CarrierStats s = stats.get(c.carrierId());
    return s == null ? CarrierStats.none() : s;
  }

  private static void requireUniqueIds(List<PlanCarrier> plan) {
    Set<String> seen = new HashSet<>();
    for (PlanCarrier c : plan) {
      if (!seen.add(c.carrierId())) {
        throw new IllegalArgumentException(
            "route plan lists carrier '" + c.carrierId() + "' twice");
      }
    }
  }
}
