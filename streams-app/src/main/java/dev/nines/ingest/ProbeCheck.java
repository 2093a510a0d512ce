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

  public static ProbeResult valid(ProbeResult p) {
    if (p == null) {
      throw new InvalidInputException("probe-results: tombstone; expected a probe result");
    }
    List<String> problems = new ArrayList<>();
    blank(problems, "probeId", p.getProbeId());
    blank(problems, "check", p.getCheck());
    blank(problems, "region", p.getRegion());
    blank(problems, "vantage", p.getVantage());
    if (p.getService() == null || p.getService() == Service.UNKNOWN) {
      problems.add("service = " + p.getService() + ": expected SMS, VOICE or VERIFY");
    }
    if (p.getObservedAt() == null) {
      problems.add("observedAt is missing: it is the event time");
    }
    if (p.getLatencyMs() != null && p.getLatencyMs() < 0) {
      problems.add("latencyMs = " + p.getLatencyMs() + ": expected 0 or more");
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException("probe-results: probe '" + p.getProbeId() + "' rejected: "
          + String.join("; ", problems));
    }
    return p;
  }

  private static void blank(List<String> problems, String field, String value) {
    if (value == null || value.isBlank()) {
      problems.add(field + " is blank: expected a non-blank id");
    }
  }
}
