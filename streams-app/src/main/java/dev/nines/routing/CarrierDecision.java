package dev.nines.routing;

import dev.nines.schema.CarrierState;
import java.util.Objects;

/**
 * The decision for one carrier of a route, as published on {@code routing-weights}.
 *
 * @param carrierId the carrier path
 * @param weight its share of the route's traffic, out of {@link RouteDecision#TOTAL_WEIGHT}
 * @param state its health state
 * @param score its success ratio over the history (1.0 without samples)
 * @param reason a human sentence with the numbers behind the decision
 * @param priority its tier from the plan (0 = primary)
 * @param canary RECOVERING at the trickle before its slow start (new to the plan or re-enabled)
 */
public record CarrierDecision(
    String carrierId,
    int weight,
    CarrierState state,
    double score,
    String reason,
    int priority,
    boolean canary) {

  /** A primary carrier outside a canary. */
  public CarrierDecision(
      String carrierId, int weight, CarrierState state, double score, String reason) {
    this(carrierId, weight, state, score, reason, 0, false);
  }

  public CarrierDecision {
    Objects.requireNonNull(carrierId, "carrierId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
    if (weight < 0 || weight > RouteDecision.TOTAL_WEIGHT) {
      throw new IllegalArgumentException(
          "carrier decision '"
              + carrierId
              + "': weight = "
              + weight
              + " is outside 0.."
              + RouteDecision.TOTAL_WEIGHT);
    }
  }
}
