package dev.nines.ingest;

import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import java.util.ArrayList;
import java.util.List;

/**
 * A probe result the pipeline can use: it has the ids the DOWN rule counts by (probeId, check,
 * vantage, region), a known service, and an event time. Anything else goes to dead-letters.
 */
public final class ProbeCheck {
  private ProbeCheck() {}

  /** What is wrong with {@code p}; empty when nothing is. */
  public static List<Problem> problems(ProbeResult p) {
    List<Problem> problems = new ArrayList<>();
    Problem.requireText(problems, "probeId", p.getProbeId());
    Problem.requireText(problems, "check", p.getCheck());
    Problem.requireText(problems, "region", p.getRegion());
    Problem.requireText(problems, "vantage", p.getVantage());
    if (p.getService() == null || p.getService() == Service.UNKNOWN) {
      problems.add(
          new Problem(
              Problem.UNKNOWN_SYMBOL,
              "service = " + p.getService() + ": expected SMS, VOICE or VERIFY"));
    }
    if (p.getObservedAt() == null) {
      problems.add(new Problem(Problem.MISSING, "observedAt is missing: it is the event time"));
    }
    if (p.getLatencyMs() != null && p.getLatencyMs() < 0) {
      problems.add(
          new Problem(
              Problem.NEGATIVE, "latencyMs = " + p.getLatencyMs() + ": expected 0 or more"));
    }
    return problems;
  }
}
