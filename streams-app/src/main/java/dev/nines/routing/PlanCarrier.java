package dev.nines.routing;

import java.util.Objects;

/**
 * One carrier of a route plan, as the operator wrote it.
 *
 * @param carrierId the carrier path
 * @param baseWeight its share within its tier when everything is healthy; above zero
 * @param enabled false is a manual drain: weight 0 whatever its health
 * @param priority its tier: 0 = primary, 1 = first standby, and so on
 * @param warm true: when new to the plan (or re-enabled) it takes its share at once, without a
 *     canary
 */
public record PlanCarrier(
    String carrierId, int baseWeight, boolean enabled, int priority, boolean warm) {
  public PlanCarrier {
    Objects.requireNonNull(carrierId, "carrierId");
    if (carrierId.isBlank()) {
      throw new IllegalArgumentException("plan carrier: carrierId is blank");
    }
    if (baseWeight <= 0) {
      throw new IllegalArgumentException(
          "plan carrier '" + carrierId + "': baseWeight = " + baseWeight + ", expected above 0");
    }
    if (priority < 0) {
      throw new IllegalArgumentException(
          "plan carrier '" + carrierId + "': priority = " + priority + ", expected 0 or more");
    }
  }

  /** A primary carrier that takes a canary when new. */
  public PlanCarrier(String carrierId, int baseWeight, boolean enabled) {
    this(carrierId, baseWeight, enabled, 0, false);
  }
}
