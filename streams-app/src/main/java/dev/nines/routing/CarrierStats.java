package dev.nines.routing;

/**
 * The evidence about one carrier over the sliding history: receipt outcomes that count against a
 * carrier, probe results on its path, and its p95 latency.
 *
 * @param delivered receipts DELIVERED
 * @param carrierFailures receipts failed for the carrier's fault (per the contract's attribution)
 * @param probeSuccesses probes on this carrier's path that succeeded
 * @param probeFailures probes on this carrier's path that failed
 * @param latencyP95Ms p95 of submit-to-outcome latency in ms, or null without latency samples
 * @param historyMillis how long the history is, only to say so in reasons
 */
public record CarrierStats(
    long delivered,
    long carrierFailures,
    long probeSuccesses,
    long probeFailures,
    Long latencyP95Ms,
    long historyMillis) {

  public CarrierStats {
    if (delivered < 0 || carrierFailures < 0 || probeSuccesses < 0 || probeFailures < 0) {
      throw new IllegalArgumentException("carrier stats: counts must not be negative");
    }
    if (latencyP95Ms != null && latencyP95Ms < 0) {
      throw new IllegalArgumentException(
          "carrier stats: latencyP95Ms = " + latencyP95Ms + " is negative");
    }
    if (historyMillis < 0) {
      throw new IllegalArgumentException(
          "carrier stats: historyMillis = " + historyMillis + " is negative");
    }
  }

  /** No evidence at all: what a carrier in the plan without any traffic or probes has. */
  public static CarrierStats none() {
    return new CarrierStats(0, 0, 0, 0, null, 0);
  }

  public long samples() {
    return Math.addExact(
        Math.addExact(delivered, carrierFailures), Math.addExact(probeSuccesses, probeFailures));
  }

  /**
   * (delivered + successful probes) / samples. Probes count: a carrier that silently drops traffic
   * produces no failure receipts, but its failed probes show it. 1.0 without samples: no evidence
   * is not evidence of failure.
   */
  public double successRatio() {
    long n = samples();
    return n == 0 ? 1.0 : (double) (delivered + probeSuccesses) / n;
  }
}
