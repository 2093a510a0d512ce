package dev.nines.routing;

import static dev.nines.routing.RouteDecision.TOTAL_WEIGHT;

import dev.nines.schema.CarrierState;
import dev.nines.schema.RouteMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The last step of a decision: the route's mode, then integer weights that sum to 10000. */
final class RouteWeights {
  private RouteWeights() {}

  static RouteDecision assign(List<Assessment> route, RoutingPolicy p) {
    List<Assessment> enabled = route.stream().filter(a -> a.carrier().enabled()).toList();
    if (enabled.isEmpty()) {
      String note = "no carrier of the route is enabled, so every weight is 0";
      return decision(
          RouteMode.NORMAL,
          route.stream().map(a -> a.withNote(note)).toList(),
          new int[route.size()],
          "");
    }
    Optional<String> panic = panicReason(enabled, p);
    int[] weights = panic.isPresent() ? baseWeights(route) : normalWeights(route, p);
    String note = panic.orElse("");
    if (enabled.size() == 1) {
      note =
          Texts.join(
              note,
              "the only enabled carrier gets all "
                  + TOTAL_WEIGHT
                  + ": there is nowhere else to send");
    }
    return decision(panic.isPresent() ? RouteMode.PANIC : RouteMode.NORMAL, route, weights, note);
  }

  /**
   * Why the route must fall back to base weights, if it must. Mainly Envoy's panic threshold: too
   * little healthy weight means the verdicts are more likely wrong (a shared cause) than all those
   * carriers bad at once, and routing somewhere beats routing nowhere. The two other cases are
   * guards for policies that allow them: every enabled carrier ejected (nothing to give the
   * remainder to), and trickles that would take the whole total.
   */
  private static Optional<String> panicReason(List<Assessment> enabled, RoutingPolicy p) {
    String using = "; using base weights";
    long enabledBase = enabled.stream().mapToLong(a -> a.carrier().baseWeight()).sum();
    long healthyBase =
        enabled.stream()
            .filter(a -> a.state() == CarrierState.HEALTHY || a.state() == CarrierState.RECOVERING)
            .mapToLong(a -> a.carrier().baseWeight())
            .sum();
    if (healthyBase < p.panicBelowHealthyShare() * enabledBase) {
      return Optional.of(
          "route in PANIC: only "
              + Texts.share((double) healthyBase / enabledBase)
              + " of base weight healthy (< "
              + Texts.share(p.panicBelowHealthyShare())
              + ")"
              + using);
    }
    long ejected = enabled.stream().filter(a -> a.state() == CarrierState.EJECTED).count();
    if (ejected == enabled.size()) {
      return Optional.of("route in PANIC: every enabled carrier is ejected" + using);
    }
    if (ejected * p.trickleWeight() >= TOTAL_WEIGHT) {
      return Optional.of(
          "route in PANIC: the trickles of "
              + ejected
              + " ejected carriers would take all "
              + TOTAL_WEIGHT
              + using);
    }
    return Optional.empty();
  }

  /** PANIC: every enabled carrier in proportion to its base weight, disabled ones 0. */
  private static int[] baseWeights(List<Assessment> route) {
    double[] shares = new double[route.size()];
    for (int i = 0; i < shares.length; i++) {
      PlanCarrier c = route.get(i).carrier();
      shares[i] = c.enabled() ? c.baseWeight() : 0;
    }
    return WeightSplitter.split(TOTAL_WEIGHT, shares, ids(route));
  }

  /**
   * NORMAL: each EJECTED carrier gets the fixed trickle first (fixed, so that recovery stays
   * visible whatever its base weight); the rest is split in proportion to each state's share of
   * base weight.
   */
  private static int[] normalWeights(List<Assessment> route, RoutingPolicy p) {
    int[] trickles = new int[route.size()];
    double[] shares = new double[route.size()];
    int trickleTotal = 0;
    for (int i = 0; i < shares.length; i++) {
      Assessment a = route.get(i);
      int base = a.carrier().baseWeight();
      switch (a.state()) {
        case DISABLED -> shares[i] = 0;
        case HEALTHY -> shares[i] = base;
        case DEGRADED -> shares[i] = base * p.degradedShare();
        case RECOVERING -> shares[i] = base * p.rampShare(a.memory().rampStep());
        case EJECTED -> {
          trickles[i] = p.trickleWeight();
          trickleTotal += p.trickleWeight();
        }
        default ->
            throw new IllegalStateException(
                "carrier '" + a.id() + "' reached weighting in state " + a.state());
      }
    }
    int[] rest = WeightSplitter.split(TOTAL_WEIGHT - trickleTotal, shares, ids(route));
    for (int i = 0; i < rest.length; i++) {
      rest[i] += trickles[i];
    }
    return rest;
  }

  /** @param enabledNote what the route's situation adds to the reason of each enabled carrier */
  private static RouteDecision decision(
      RouteMode mode, List<Assessment> route, int[] weights, String enabledNote) {
    List<CarrierDecision> carriers = new ArrayList<>();
    Map<String, CarrierMemory> memory = new LinkedHashMap<>();
    for (int i = 0; i < route.size(); i++) {
      Assessment a = route.get(i);
      String reason = a.carrier().enabled() ? Texts.join(a.reason(), enabledNote) : a.reason();
      carriers.add(new CarrierDecision(a.id(), weights[i], a.state(), a.score(), reason));
      memory.put(a.id(), a.memory());
    }
    return new RouteDecision(mode, carriers, memory);
  }

  private static List<String> ids(List<Assessment> route) {
    return route.stream().map(Assessment::id).toList();
  }
}
