package dev.nines.health;

import dev.nines.schema.ProbeResult;

/** One piece of evidence about a carrier: a receipt's outcome and latency, or a probe result. */
public sealed interface HealthSample {
  record Receipt(Outcome outcome, long latencyMs) implements HealthSample {
    @Override
    public HealthCounts addTo(HealthCounts c) {
      return c.addReceipt(outcome, latencyMs);
    }
  }

  record Probe(boolean success) implements HealthSample {
    @Override
    public HealthCounts addTo(HealthCounts c) {
      return c.addProbe(success);
    }
  }

  static HealthSample of(ProbeResult p) {
    return new Probe(p.getSuccess());
  }

  HealthCounts addTo(HealthCounts c);
}
