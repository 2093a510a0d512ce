package dev.nines.routing;

import dev.nines.schema.CarrierState;
import java.util.List;
import java.util.Objects;

/**
 * What one evaluation hands to the next about a carrier: the decision has hysteresis (a streak of
 * healthy evaluations before recovery, a ramp of steps, a canary, a longer recovery after repeated
 * ejections), so it cannot be made from the evidence alone.
 *
 * @param state the state last decided
 * @param healthyStreak consecutive healthy evaluations so far while DEGRADED or EJECTED
 * @param rampStep the slow-start step while RECOVERING (0 = first step)
 * @param canary RECOVERING at the trickle weight, before the first slow-start step: a carrier new
 *     to the plan or re-enabled
 * @param ejections the event times of its ejections within the backoff memory, oldest first
 * @param recoveryNeeded while EJECTED: healthy evaluations it needs before RECOVERING (the policy's
 *     {@code recoveryEvaluations} times the backoff multiplier); 0 = the policy's value
 */
public record CarrierMemory(
    CarrierState state,
    int healthyStreak,
    int rampStep,
    boolean canary,
    List<Long> ejections,
    int recoveryNeeded) {
  public CarrierMemory {
    Objects.requireNonNull(state, "state");
    ejections = List.copyOf(ejections);
    if (healthyStreak < 0 || rampStep < 0 || recoveryNeeded < 0) {
      throw new IllegalArgumentException(
          "carrier memory: healthyStreak = "
              + healthyStreak
              + ", rampStep = "
              + rampStep
              + ", recoveryNeeded = "
              + recoveryNeeded
              + ": expected 0 or more");
    }
  }

  public CarrierMemory(CarrierState state, int healthyStreak, int rampStep) {
    this(state, healthyStreak, rampStep, false, List.of(), 0);
  }

  /** A carrier seen for the first time, or re-enabled: innocent until judged. */
  public static CarrierMemory fresh() {
    return new CarrierMemory(CarrierState.HEALTHY, 0, 0);
  }

  /** A carrier new to the plan (or re-enabled) that starts at the trickle weight. */
  static CarrierMemory canaryStart() {
    return new CarrierMemory(CarrierState.RECOVERING, 0, 0, true, List.of(), 0);
  }

  static CarrierMemory of(CarrierState state) {
    return new CarrierMemory(state, 0, 0);
  }

  /** This memory with the backoff bookkeeping set. */
  CarrierMemory withBackoff(List<Long> ejectionTimes, int needed) {
    return new CarrierMemory(state, healthyStreak, rampStep, canary, ejectionTimes, needed);
  }
}
