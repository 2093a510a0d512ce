package dev.nines.routing;

import static dev.nines.routing.RouteDecision.TOTAL_WEIGHT;

import dev.nines.schema.CarrierState;
import dev.nines.schema.RouteMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The last step of a decision: the route's mode, the traffic of each tier, then integer weights
 * that sum to 10000.
 *
 * <pre>
 * PANIC  when no tier has panicBelowHealthyShare of its base weight healthy (or nothing can take
 *        the traffic beyond the trickles): the first tier at base weights, the others 0
 * NORMAL trickles first (EJECTED carriers and canaries of the tiers up to the last in use), then
 *        per tier in priority order: load(t) = min(left, capacity(t) / tierMinHealthy) where
 *        capacity is the share of its base weight HEALTHY or RECOVERING past its canary; what no
 *        tier can take goes to the last tier with capacity; within a tier, by state shares
 * </pre>
 *
 * <p>A route of one tier is the same as before tiers existed: it carries all the traffic.
 */
final class RouteWeights {
  private RouteWeights() {}

  /** The enabled carriers of one priority. */
  private record Tier(
      int priority,
      List<Integer> members,
      long base,
      long healthy,
      long capacity,
      boolean canTake) {
    double healthyShare() {
      return (double) healthy / base;
    }

    String name() {
      return "priority " + priority;
    }
  }

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
    List<Tier> tiers = tiers(route, p);
    Optional<String> panic =
        tiers.size() == 1 ? panicReason(enabled, p) : tieredPanicReason(enabled, tiers, p);
    int[] weights;
    String note;
    if (panic.isPresent()) {
      weights = baseWeights(route, tiers.get(0));
      note = panic.get();
    } else {
      double[] load = loads(tiers, p);
      weights = normalWeights(route, tiers, load, p);
      note = tiers.size() == 1 ? "" : tierNote(tiers, load, p);
    }
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

  private static List<Tier> tiers(List<Assessment> route, RoutingPolicy p) {
    Map<Integer, List<Integer>> byPriority = new TreeMap<>();
    for (int i = 0; i < route.size(); i++) {
      if (route.get(i).carrier().enabled()) {
        byPriority
            .computeIfAbsent(route.get(i).carrier().priority(), k -> new ArrayList<>())
            .add(i);
      }
    }
    List<Tier> tiers = new ArrayList<>();
    byPriority.forEach(
        (priority, members) -> {
          long base = 0;
          long healthy = 0;
          long capacity = 0;
          boolean canTake = false;
          for (int i : members) {
            Assessment a = route.get(i);
            int w = a.carrier().baseWeight();
            base += w;
            canTake |= share(a, p) > 0;
            if (countsHealthy(a)) {
              healthy += w;
              if (!a.memory().canary()) {
                capacity += w;
              }
            }
          }
          tiers.add(new Tier(priority, members, base, healthy, capacity, canTake));
        });
    return tiers;
  }

  /** HEALTHY or RECOVERING: a canary counts too, so that adding a carrier cannot cause PANIC. */
  private static boolean countsHealthy(Assessment a) {
    return a.state() == CarrierState.HEALTHY || a.state() == CarrierState.RECOVERING;
  }

  /** On the trickle: EJECTED, or a canary. */
  private static boolean onTrickle(Assessment a) {
    return a.state() == CarrierState.EJECTED || a.memory().canary();
  }

  /**
   * Why a route of one tier must fall back to base weights, if it must. Mainly Envoy's panic
   * threshold: too little healthy weight means the verdicts are more likely wrong (a shared cause)
   * than all those carriers bad at once, and routing somewhere beats routing nowhere. The other
   * cases are guards for policies and states that allow them: every enabled carrier ejected or on
   * a canary (nothing to give the remainder to), and trickles that would take the whole total.
   */
  private static Optional<String> panicReason(List<Assessment> enabled, RoutingPolicy p) {
    String using = "; using base weights";
    long enabledBase = enabled.stream().mapToLong(a -> a.carrier().baseWeight()).sum();
    long healthyBase =
        enabled.stream()
            .filter(RouteWeights::countsHealthy)
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
    return guards(enabled, p, using);
  }

  private static Optional<String> guards(List<Assessment> enabled, RoutingPolicy p, String using) {
    long ejected = enabled.stream().filter(a -> a.state() == CarrierState.EJECTED).count();
    if (ejected == enabled.size()) {
      return Optional.of("route in PANIC: every enabled carrier is ejected" + using);
    }
    long trickles = enabled.stream().filter(RouteWeights::onTrickle).count();
    if (trickles == enabled.size()) {
      return Optional.of(
          "route in PANIC: every enabled carrier is ejected or on its canary" + using);
    }
    if (trickles * p.trickleWeight() >= TOTAL_WEIGHT) {
      return Optional.of(
          "route in PANIC: the trickles of "
              + trickles
              + (trickles == ejected ? " ejected carriers" : " carriers")
              + " would take all "
              + TOTAL_WEIGHT
              + using);
    }
    return Optional.empty();
  }

  /** PANIC of a route with several tiers: none of them is healthy enough to be trusted. */
  private static Optional<String> tieredPanicReason(
      List<Assessment> enabled, List<Tier> tiers, RoutingPolicy p) {
    String using = "; using the base weights of " + tiers.get(0).name();
    List<String> shares = new ArrayList<>();
    boolean anyHealthy = false;
    for (Tier t : tiers) {
      shares.add(t.name() + " " + Texts.share(t.healthyShare()));
      anyHealthy |= t.healthy() >= p.panicBelowHealthyShare() * t.base();
    }
    if (!anyHealthy) {
      return Optional.of(
          "route in PANIC: no tier has "
              + Texts.share(p.panicBelowHealthyShare())
              + " of its base weight healthy ("
              + String.join(", ", shares)
              + ")"
              + using);
    }
    return guards(enabled, p, using);
  }

  /**
   * The share of the traffic beyond the trickles that each tier carries: in priority order, as
   * much of what is left as its capacity allows; what none can take goes to the last tier with
   * capacity, or, without any, to the first tier with a carrier that can take traffic (a DEGRADED
   * one); the guards have made sure there is one.
   */
  private static double[] loads(List<Tier> tiers, RoutingPolicy p) {
    double min = p.tierMinHealthyPercent() / 100.0;
    double[] load = new double[tiers.size()];
    double left = 1.0;
    int lastWithCapacity = -1;
    for (int t = 0; t < tiers.size(); t++) {
      Tier tier = tiers.get(t);
      double capacity = Math.min(1.0, (double) tier.capacity() / tier.base() / min);
      load[t] = Math.min(left, capacity);
      left -= load[t];
      if (capacity > 0) {
        lastWithCapacity = t;
      }
    }
    if (left > 0) {
      int to = lastWithCapacity;
      for (int t = 0; to < 0 && t < tiers.size(); t++) {
        if (tiers.get(t).canTake()) {
          to = t;
        }
      }
      load[Math.max(to, 0)] += left;
    }
    return load;
  }

  /** PANIC: every enabled carrier of the first tier in proportion to its base weight. */
  private static int[] baseWeights(List<Assessment> route, Tier first) {
    double[] shares = new double[route.size()];
    for (int i : first.members()) {
      shares[i] = route.get(i).carrier().baseWeight();
    }
    return WeightSplitter.split(TOTAL_WEIGHT, shares, ids(route));
  }

  /**
   * NORMAL: each carrier on a trickle (EJECTED, or a canary) in a tier up to the last one in use
   * gets the fixed trickle first (fixed, so that recovery stays visible whatever its base weight);
   * the rest goes to the tiers by their load, and within a tier in proportion to each state's
   * share of base weight.
   */
  private static int[] normalWeights(
      List<Assessment> route, List<Tier> tiers, double[] load, RoutingPolicy p) {
    int lastUsed = 0;
    for (int t = 0; t < tiers.size(); t++) {
      if (load[t] > 0) {
        lastUsed = t;
      }
    }
    int[] out = new int[route.size()];
    int trickleTotal = 0;
    for (int t = 0; t <= lastUsed; t++) {
      for (int i : tiers.get(t).members()) {
        if (onTrickle(route.get(i))) {
          out[i] = p.trickleWeight();
          trickleTotal += p.trickleWeight();
        }
      }
    }
    List<String> tierNames = tiers.stream().map(Tier::name).toList();
    int[] units = WeightSplitter.split(TOTAL_WEIGHT - trickleTotal, load, tierNames);
    for (int t = 0; t < tiers.size(); t++) {
      if (units[t] == 0) {
        continue;
      }
      double[] shares = new double[route.size()];
      double sum = 0;
      for (int i : tiers.get(t).members()) {
        shares[i] = share(route.get(i), p);
        sum += shares[i];
      }
      if (!(sum > 0)) {
        // a tier given traffic without a carrier to take it; the guards make this unreachable
        for (int i : tiers.get(t).members()) {
          shares[i] = route.get(i).carrier().baseWeight();
        }
      }
      int[] split = WeightSplitter.split(units[t], shares, ids(route));
      for (int i = 0; i < out.length; i++) {
        out[i] += split[i];
      }
    }
    return out;
  }

  private static double share(Assessment a, RoutingPolicy p) {
    int base = a.carrier().baseWeight();
    if (a.memory().canary()) {
      return 0;
    }
    return switch (a.state()) {
      case DISABLED, EJECTED -> 0;
      case HEALTHY -> base;
      case DEGRADED -> base * p.degradedShare();
      case RECOVERING -> base * p.rampShare(a.memory().rampStep());
      default ->
          throw new IllegalStateException(
              "carrier '" + a.id() + "' reached weighting in state " + a.state());
    };
  }

  /** "tiers: priority 0 50% healthy (< 70%) carries 71.4%; priority 1 100% healthy carries ..." */
  private static String tierNote(List<Tier> tiers, double[] load, RoutingPolicy p) {
    List<String> parts = new ArrayList<>();
    double min = p.tierMinHealthyPercent() / 100.0;
    for (int t = 0; t < tiers.size(); t++) {
      Tier tier = tiers.get(t);
      double capacityShare = (double) tier.capacity() / tier.base();
      String shortOf =
          capacityShare < min && t < tiers.size() - 1 ? " (< " + Texts.share(min) + ")" : "";
      parts.add(
          tier.name()
              + " "
              + Texts.share(capacityShare)
              + " of base healthy"
              + shortOf
              + " carries "
              + Texts.share(load[t]));
    }
    return "tiers: " + String.join(", ", parts);
  }

  /** @param enabledNote what the route's situation adds to the reason of each enabled carrier */
  private static RouteDecision decision(
      RouteMode mode, List<Assessment> route, int[] weights, String enabledNote) {
    List<CarrierDecision> carriers = new ArrayList<>();
    Map<String, CarrierMemory> memory = new LinkedHashMap<>();
    for (int i = 0; i < route.size(); i++) {
      Assessment a = route.get(i);
      String reason = a.carrier().enabled() ? Texts.join(a.reason(), enabledNote) : a.reason();
      carriers.add(
          new CarrierDecision(
              a.id(),
              weights[i],
              a.state(),
              a.score(),
              reason,
              a.carrier().priority(),
              a.memory().canary()));
      memory.put(a.id(), a.memory());
    }
    return new RouteDecision(mode, carriers, memory);
  }

  private static List<String> ids(List<Assessment> route) {
    return route.stream().map(Assessment::id).toList();
  }
}
