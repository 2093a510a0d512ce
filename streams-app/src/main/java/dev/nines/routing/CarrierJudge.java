package dev.nines.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Judges one carrier's evidence: healthy, deserving degradation, or deserving ejection. Only the
 * verdict of this evaluation; what it does to the carrier's state is {@link CarrierTransitions}.
 */
final class CarrierJudge {
  private CarrierJudge() {}

  enum Verdict {
    HEALTHY,
    DEGRADE,
    EJECT
  }

  record Judgement(Verdict verdict, String reason) {}

  /**
   * The median success of the peers, or empty when there are fewer than {@code minPeers} of them
   * (then the peer rule does not apply). Even count: the mean of the two middle values.
   */
  static OptionalDouble peerMedian(List<Double> peerSuccess, RoutingPolicy p) {
    if (peerSuccess.size() < p.minPeers() || peerSuccess.isEmpty()) {
      return OptionalDouble.empty();
    }
    double[] sorted = peerSuccess.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = sorted.length / 2;
    return OptionalDouble.of(
        sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
  }

  /** The verdict on a carrier that has enough samples to be judged. */
  static Judgement judge(CarrierStats s, OptionalDouble peerMedian, RoutingPolicy p) {
    List<String> eject =
        breaches(
            s,
            peerMedian,
            p,
            "eject",
            p.ejectSuccessBelow(),
            p.ejectLatencyP95MsAbove(),
            p.peerEjectGap());
    if (!eject.isEmpty()) {
      return new Judgement(Verdict.EJECT, Texts.join(eject.toArray(String[]::new)));
    }
    List<String> degrade =
        breaches(
            s,
            peerMedian,
            p,
            "degrade",
            p.degradeSuccessBelow(),
            p.degradeLatencyP95MsAbove(),
            p.peerDegradeGap());
    if (!degrade.isEmpty()) {
      return new Judgement(Verdict.DEGRADE, Texts.join(degrade.toArray(String[]::new)));
    }
    String latency = s.latencyP95Ms() == null ? "" : ", p95 " + s.latencyP95Ms() + " ms";
    return new Judgement(Verdict.HEALTHY, Texts.evidence(s) + latency + ": within thresholds");
  }

  /** Every rule of one level that the carrier breaks, each as a sentence with its numbers. */
  private static List<String> breaches(
      CarrierStats s,
      OptionalDouble peerMedian,
      RoutingPolicy p,
      String level,
      double successBelow,
      long latencyAbove,
      double peerGap) {
    List<String> out = new ArrayList<>();
    double success = s.successRatio();
    if (success < successBelow) {
      out.add(Texts.evidence(s) + " below " + level + " threshold " + Texts.percent(successBelow));
    } else if (peerMedian.isPresent() && success < peerMedian.getAsDouble() - peerGap) {
      // only when the absolute rule is silent: one sentence about success is enough
      out.add(
          Texts.evidence(s)
              + " is "
              + Texts.points(peerMedian.getAsDouble() - success)
              + " points below the peer median "
              + Texts.percent(peerMedian.getAsDouble())
              + " (eject gap "
              + Texts.points(p.peerEjectGap())
              + ", degrade gap "
              + Texts.points(p.peerDegradeGap())
              + ")");
    }
    Long p95 = s.latencyP95Ms();
    if (p95 != null && p95 > latencyAbove) {
      out.add(
          "p95 latency "
              + p95
              + " ms"
              + Texts.over(s)
              + " above "
              + level
              + " threshold "
              + latencyAbove
              + " ms");
    }
    return out;
  }
}
