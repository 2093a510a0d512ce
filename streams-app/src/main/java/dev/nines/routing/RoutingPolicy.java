package dev.nines.routing;

import java.util.List;
import java.util.Objects;

/**
 * Every knob of the routing-weight decision. Immutable; {@link #defaults()} gives the values
 * documented below. Validated on construction, so a bad configuration fails at start-up with one
 * line instead of producing strange weights later.
 *
 * @param minSamples samples (receipts plus probes) a carrier needs over the history before it is
 *     judged at all; default 30. Below it a ratio is noise: 1 failure in 3 is not a 67% carrier.
 * @param degradeSuccessBelow success ratio below which a carrier is DEGRADED; default 0.95.
 * @param ejectSuccessBelow success ratio below which a carrier is EJECTED; default 0.80. Must not
 *     be above {@code degradeSuccessBelow}: degrading is the milder penalty.
 * @param degradeLatencyP95MsAbove p95 latency in ms above which a carrier is DEGRADED; default
 *     20000 (an SMS that takes 20 s is late for a verification code).
 * @param ejectLatencyP95MsAbove p95 latency in ms above which a carrier is EJECTED; default 60000.
 *     Must not be below {@code degradeLatencyP95MsAbove}.
 * @param peerDegradeGap a carrier whose success is this far (as a ratio, 0.05 = 5 points) below the
 *     median success of its judged peers is DEGRADED even above the absolute threshold; default
 *     0.05. Peers are the other enabled carriers of the route with at least {@code minSamples}.
 * @param peerEjectGap the same gap for EJECTED; default 0.15. Must not be below
 *     {@code peerDegradeGap}. This catches a carrier that is bad relative to what the destination
 *     allows, when every carrier of a hard destination sits below the absolute thresholds.
 * @param minPeers judged peers needed before the peer rule applies; default 2. With one peer,
 *     "the median" is just that one carrier, and two carriers would judge each other.
 * @param degradedShare a DEGRADED carrier's share of its base weight; default 0.5. In (0, 1]:
 *     zero would eject it without counting against the ejection cap.
 * @param maxEjectedShare at most this fraction of the route's enabled base weight may be EJECTED
 *     at once; default 0.5. Beyond it the worst carriers are ejected first and the rest stay
 *     DEGRADED. Ejecting everything would move all traffic onto carriers that may not cope.
 * @param panicBelowHealthyShare if the base-weight share of HEALTHY and RECOVERING carriers falls
 *     below this, the route goes to PANIC and every enabled carrier gets its base weight; default
 *     0.5. When most of a route looks bad the cause is more likely shared (our platform, the
 *     destination) than the carriers, and routing somewhere beats routing nowhere.
 * @param trickleWeight the weight (of 10000) an EJECTED carrier keeps, so that its recovery can be
 *     seen in real traffic; default 100 (1%). Fixed, not proportional to its base weight.
 * @param recoveryEvaluations consecutive healthy evaluations before EJECTED becomes RECOVERING and
 *     before DEGRADED becomes HEALTHY; default 3. One good evaluation is not a recovery.
 * @param rampSteps shares of base weight while RECOVERING, one step per further healthy
 *     evaluation, then HEALTHY; default [0.25, 0.5, 0.75]. Strictly increasing, each in (0, 1).
 *     A carrier that has just come back should not take its full share at once (Envoy's slow
 *     start). An empty list turns slow start off: recovery goes straight to HEALTHY. A carrier
 *     new to a plan, or re-enabled, runs one evaluation at {@code trickleWeight} (its canary)
 *     before the first step, unless the plan marks it warm.
 * @param tierMinHealthyPercent a tier of a plan with several priorities carries all the traffic
 *     left to it while at least this percentage of its base weight is HEALTHY or RECOVERING past
 *     its canary; below, it carries {@code healthy / tierMinHealthyPercent} of it and spills the
 *     rest to the next tier (Envoy's priority load with an overprovisioning factor of 100 / this);
 *     default 70. A route of one tier never spills.
 * @param backoffMemoryMs how far back (event time) a carrier's ejections count for the backoff;
 *     default 24 h
 * @param backoffMaxMultiplier the recovery a carrier needs after its n-th ejection within the
 *     memory is {@code recoveryEvaluations * min(n, this)}; default 10 (Envoy: a 300 s maximum
 *     ejection time over a 30 s base). 1 turns the backoff off.
 */
public record RoutingPolicy(
    int minSamples,
    double degradeSuccessBelow,
    double ejectSuccessBelow,
    long degradeLatencyP95MsAbove,
    long ejectLatencyP95MsAbove,
    double peerDegradeGap,
    double peerEjectGap,
    int minPeers,
    double degradedShare,
    double maxEjectedShare,
    double panicBelowHealthyShare,
    int trickleWeight,
    int recoveryEvaluations,
    List<Double> rampSteps,
    int tierMinHealthyPercent,
    long backoffMemoryMs,
    int backoffMaxMultiplier) {

  private static final String STRICTER = "ejecting must be the stricter test";

  public RoutingPolicy {
    require(minSamples >= 1, "minSamples = %d: expected at least 1", minSamples);
    requireRatio("degradeSuccessBelow", degradeSuccessBelow);
    requireRatio("ejectSuccessBelow", ejectSuccessBelow);
    require(
        ejectSuccessBelow <= degradeSuccessBelow,
        "ejectSuccessBelow = %s is above degradeSuccessBelow = %s: " + STRICTER,
        ejectSuccessBelow,
        degradeSuccessBelow);
    require(
        degradeLatencyP95MsAbove > 0,
        "degradeLatencyP95MsAbove = %d: expected a positive number of ms",
        degradeLatencyP95MsAbove);
    require(
        ejectLatencyP95MsAbove >= degradeLatencyP95MsAbove,
        "ejectLatencyP95MsAbove = %d is below degradeLatencyP95MsAbove = %d: " + STRICTER,
        ejectLatencyP95MsAbove,
        degradeLatencyP95MsAbove);
    requireRatio("peerDegradeGap", peerDegradeGap);
    requireRatio("peerEjectGap", peerEjectGap);
    require(
        peerEjectGap >= peerDegradeGap,
        "peerEjectGap = %s is below peerDegradeGap = %s: " + STRICTER,
        peerEjectGap,
        peerDegradeGap);
    require(minPeers >= 1, "minPeers = %d: expected at least 1", minPeers);
    require(
        degradedShare > 0 && degradedShare <= 1,
        "degradedShare = %s: expected a ratio in (0, 1]",
        degradedShare);
    requireRatio("maxEjectedShare", maxEjectedShare);
    requireRatio("panicBelowHealthyShare", panicBelowHealthyShare);
    require(
        trickleWeight >= 0 && trickleWeight < RouteDecision.TOTAL_WEIGHT,
        "trickleWeight = %d: expected 0 to %d",
        trickleWeight,
        RouteDecision.TOTAL_WEIGHT - 1);
    require(
        recoveryEvaluations >= 1,
        "recoveryEvaluations = %d: expected at least 1",
        recoveryEvaluations);
    Objects.requireNonNull(rampSteps, "rampSteps");
    rampSteps = List.copyOf(rampSteps);
    double previous = 0;
    for (Double step : rampSteps) {
      require(
          step > previous && step < 1,
          "rampSteps = %s: expected strictly increasing shares in (0, 1)",
          rampSteps);
      previous = step;
    }
    require(
        tierMinHealthyPercent >= 1 && tierMinHealthyPercent <= 100,
        "tierMinHealthyPercent = %d: expected 1 to 100",
        tierMinHealthyPercent);
    require(backoffMemoryMs >= 0, "backoffMemoryMs = %d: expected 0 or more", backoffMemoryMs);
    require(
        backoffMaxMultiplier >= 1,
        "backoffMaxMultiplier = %d: expected at least 1",
        backoffMaxMultiplier);
  }

  /**
   * Healthy evaluations a carrier needs to recover after its n-th ejection within the backoff
   * memory (n from 1): never fewer than {@code recoveryEvaluations}.
   */
  public int recoveryAfterEjection(int n) {
    return Math.multiplyExact(recoveryEvaluations, Math.min(Math.max(n, 1), backoffMaxMultiplier));
  }

  /** The documented defaults (see the parameter descriptions). */
  public static RoutingPolicy defaults() {
    return new RoutingPolicy(
        100,
        0.95,
        0.80,
        30_000,
        60_000,
        0.05,
        0.15,
        2,
        0.5,
        0.5,
        0.5,
        100,
        3,
        List.of(0.25, 0.5, 0.75),
        70,
        24 * 3_600_000L,
        10);
  }

  /**
   * The share of base weight of a RECOVERING carrier at this step. A step past the end (memory
   * written under a policy with more steps) uses the last step rather than failing: a policy change
   * must not break the routes in flight. Without steps, full base weight.
   */
  public double rampShare(int step) {
    return rampSteps.isEmpty() ? 1.0 : rampSteps.get(Math.min(step, rampSteps.size() - 1));
  }

  private static void requireRatio(String name, double value) {
    // written so that NaN fails too
    require(value >= 0 && value <= 1, "%s = %s: expected a ratio from 0 to 1", name, value);
  }

  private static void require(boolean ok, String format, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException("routing policy: " + Texts.format(format, args));
    }
  }
}
