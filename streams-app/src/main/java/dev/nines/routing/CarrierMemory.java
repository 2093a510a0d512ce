package dev.nines.routing;

import dev.nines.schema.CarrierState;
import java.util.Objects;

/**
 * What one evaluation hands to the next about a carrier: the decision has hysteresis (a streak of
 * healthy evaluations before recovery, a ramp of steps), so it cannot be made from the evidence
 * alone.
 *
 * @param state the state last decided
 * @param healthyStreak consecutive healthy evaluations so far while DEGRADED or EJECTED
 * @param rampStep the slow-start step while RECOVERING (0 = first step)
 */
public record CarrierMemory(CarrierState state, int healthyStreak, int rampStep) {
  public CarrierMemory {
    Objects.requireNonNull(state, "state");
    if (healthyStreak < 0 || rampStep < 0) {
      throw new IllegalArgumentException(
          "carrier memory: healthyStreak = "
              + healthyStreak
              + ", rampStep = "
              + rampStep
              + ": expected 0 or more");
    }
  }

  /** A carrier seen for the first time, or re-enabled: innocent until judged. */
  public static CarrierMemory fresh() {
    return new CarrierMemory(CarrierState.HEALTHY, 0, 0);
  }

  static CarrierMemory of(CarrierState state) {
    return new CarrierMemory(state, 0, 0);
  }
}
