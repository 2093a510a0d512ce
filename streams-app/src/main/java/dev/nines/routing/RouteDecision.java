package dev.nines.routing;

import dev.nines.schema.RouteMode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The decision for one route.
 *
 * @param mode NORMAL, or PANIC when too little of the route is healthy
 * @param carriers one decision per carrier, in plan order
 * @param memory what the next evaluation needs, per carrier id (every carrier of the plan)
 */
public record RouteDecision(
    RouteMode mode, List<CarrierDecision> carriers, Map<String, CarrierMemory> memory) {

  /** The contract's total: the weights of a route with an enabled carrier sum to exactly this. */
  public static final int TOTAL_WEIGHT = 10_000;

  public RouteDecision {
    Objects.requireNonNull(mode, "mode");
    carriers = List.copyOf(carriers);
    // plan order is kept, so that printing or serializing the memory is deterministic too
    Map<String, CarrierMemory> copy = new LinkedHashMap<>();
    memory.forEach((id, m) -> copy.put(Objects.requireNonNull(id), Objects.requireNonNull(m)));
    memory = Collections.unmodifiableMap(copy);
  }

  /**
   * Whether the two decisions route traffic the same way: same mode, and the same carriers in the
   * same order with the same weights, states, tiers and canaries. Scores and reasons are left out: they move with
   * every evaluation, and rewriting a compacted topic for them would be noise. The mode is kept
   * in: it follows from the states, so it only changes alone when the policy itself changes, and a
   * router must then see it.
   */
  public boolean sameWeightsAndStates(RouteDecision other) {
    if (mode != other.mode || carriers.size() != other.carriers.size()) {
      return false;
    }
    for (int i = 0; i < carriers.size(); i++) {
      CarrierDecision a = carriers.get(i);
      CarrierDecision b = other.carriers.get(i);
      if (!a.carrierId().equals(b.carrierId())
          || a.weight() != b.weight()
          || a.state() != b.state()
          || a.priority() != b.priority()
          || a.canary() != b.canary()) {
        return false;
      }
    }
    return true;
  }
}
