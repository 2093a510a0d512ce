package dev.nines.routing;

import dev.nines.routing.CarrierJudge.Verdict;
import dev.nines.schema.CarrierState;
import java.util.function.Supplier;

/**
 * The state machine of one judged carrier, with hysteresis so that a flapping carrier does not
 * flap the routing:
 *
 * <pre>
 * HEALTHY    --degrade--> DEGRADED          --eject--> EJECTED
 * DEGRADED   --eject--> EJECTED             --healthy x recoveryEvaluations--> HEALTHY
 *            --degrade--> DEGRADED (streak reset)
 * EJECTED    --degrade or eject--> EJECTED (streak reset)
 *            --healthy x recoveryNeeded--> RECOVERING step 0
 * RECOVERING --healthy--> next step; after the last step HEALTHY
 *            (canary: --healthy--> step 0)
 *            --degrade or eject--> EJECTED (it was not ready)
 * </pre>
 *
 * <p>{@code recoveryNeeded} is {@code recoveryEvaluations} after a first ejection and a multiple
 * of it after repeated ones ({@link RoutingDecider} keeps that count).
 */
final class CarrierTransitions {
  private CarrierTransitions() {}

  /** The new memory and a sentence about the state for the reason (empty when nothing to say). */
  record Transition(CarrierMemory memory, String note) {}

  /**
   * @param previous the carrier's memory; HEALTHY, DEGRADED, EJECTED or RECOVERING (the caller
   *     maps a new, re-enabled or unknown carrier to HEALTHY first)
   */
  static Transition next(CarrierMemory previous, Verdict verdict, RoutingPolicy p) {
    return switch (previous.state()) {
      case HEALTHY ->
          switch (verdict) {
            case HEALTHY -> new Transition(CarrierMemory.of(CarrierState.HEALTHY), "");
            case DEGRADE -> degraded(p);
            case EJECT -> ejected(p, "ejected");
          };
      case DEGRADED ->
          switch (verdict) {
            case EJECT -> ejected(p, "ejected");
            case DEGRADE -> degraded(p);
            case HEALTHY ->
                healthyWhile(
                    previous,
                    p.recoveryEvaluations(),
                    p,
                    () ->
                        new Transition(
                            CarrierMemory.of(CarrierState.HEALTHY),
                            "recovered after " + p.recoveryEvaluations() + " healthy evaluations"));
          };
      case EJECTED ->
          switch (verdict) {
            case EJECT, DEGRADE -> ejected(p, "stays ejected");
            case HEALTHY -> {
              int needed = needed(previous, p);
              yield healthyWhile(previous, needed, p, () -> startRecovery(needed, p));
            }
          };
      case RECOVERING ->
          switch (verdict) {
            case EJECT, DEGRADE ->
                ejected(
                    p,
                    previous.canary()
                        ? "ejected: unhealthy during its canary"
                        : "ejected again: unhealthy while recovering");
            case HEALTHY ->
                previous.canary()
                    ? canaryPassed(p)
                    : nextRampStep(Math.min(previous.rampStep(), lastStep(p)) + 1, p);
          };
      default ->
          throw new IllegalArgumentException(
              "no transition from " + previous.state() + ": only enabled, known states are judged");
    };
  }

  private static Transition degraded(RoutingPolicy p) {
    return new Transition(
        CarrierMemory.of(CarrierState.DEGRADED),
        "degraded to " + Texts.share(p.degradedShare()) + " of base");
  }

  private static Transition ejected(RoutingPolicy p, String what) {
    return new Transition(
        CarrierMemory.of(CarrierState.EJECTED),
        what
            + ": keeps a trickle of "
            + p.trickleWeight()
            + " of "
            + RouteDecision.TOTAL_WEIGHT
            + " so that its recovery can be seen");
  }

  /** Healthy evaluations an EJECTED carrier needs: more after repeated ejections. */
  private static int needed(CarrierMemory ejected, RoutingPolicy p) {
    return Math.max(ejected.recoveryNeeded(), p.recoveryEvaluations());
  }

  /** A healthy verdict while DEGRADED or EJECTED: count it, recover once the streak is long. */
  private static Transition healthyWhile(
      CarrierMemory previous, int needed, RoutingPolicy p, Supplier<Transition> recovered) {
    int streak = previous.healthyStreak() + 1;
    if (streak >= needed) {
      return recovered.get();
    }
    return new Transition(
        new CarrierMemory(previous.state(), streak, 0),
        "healthy " + streak + " of " + needed + " evaluations before recovery");
  }

  private static Transition startRecovery(int needed, RoutingPolicy p) {
    if (p.rampSteps().isEmpty()) {
      return new Transition(
          CarrierMemory.of(CarrierState.HEALTHY),
          "recovered after " + needed + " healthy evaluations (no slow start)");
    }
    return nextRampStep(0, p);
  }

  private static Transition canaryPassed(RoutingPolicy p) {
    if (p.rampSteps().isEmpty()) {
      return new Transition(
          CarrierMemory.of(CarrierState.HEALTHY),
          "canary passed: full base weight (no slow start)");
    }
    Transition t = nextRampStep(0, p);
    return new Transition(t.memory(), "canary passed; " + t.note());
  }

  private static Transition nextRampStep(int step, RoutingPolicy p) {
    if (step >= p.rampSteps().size()) {
      return new Transition(
          CarrierMemory.of(CarrierState.HEALTHY),
          "recovered: slow start complete, full base weight");
    }
    return new Transition(
        new CarrierMemory(CarrierState.RECOVERING, 0, step),
        "recovering: step "
            + (step + 1)
            + " of "
            + p.rampSteps().size()
            + " ("
            + Texts.share(p.rampShare(step))
            + " of base)");
  }

  private static int lastStep(RoutingPolicy p) {
    return Math.max(p.rampSteps().size() - 1, 0);
  }
}
