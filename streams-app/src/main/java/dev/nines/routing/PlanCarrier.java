package dev.nines.routing;

import java.util.Objects;

/**
 * One carrier of a route plan, as the operator wrote it.
 *
 * @param carrierId the carrier path
 * @param baseWeight its share when everything is healthy, relative to the others; above zero
 * @param enabled false is a manual drain: weight 0 whatever its health
 */
public record PlanCarrier(String carrierId, int baseWeight, boolean enabled) {
  public PlanCarrier {
    Objects.requireNonNull(carrierId, "carrierId");
    if (carrierId.isBlank()) {
      throw new IllegalArgumentException("plan carrier: carrierId is blank");
    }
    if (baseWeight <= 0) {
      throw new IllegalArgumentException(
          "plan carrier '" + carrierId + "': baseWeight = " + baseWeight + ", expected above 0");
    }
  }
}
