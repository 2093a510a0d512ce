package dev.nines.uptime;

import java.util.List;

/** A change of a (service, region) between UP and DOWN, as decided by the health tracker. */
public sealed interface HealthTransition {

  /** observedAt of the first failed probe of the confirming run: the incident's start. */
  long startedAt();

  /** The service went DOWN. */
  record Down(long startedAt, long confirmedAt, List<String> checks, List<String> vantages)
      implements HealthTransition {
    /**
     * @param startedAt the earliest start among the confirmed runs that make up the quorum
     * @param confirmedAt observedAt of the probe that completed the quorum (the decision time;
     *     {@code startedAt} lies before it by design)
     * @param checks checks with a confirmed run at that moment, sorted
     * @param vantages vantages with a confirmed run at that moment, sorted
     */
    public Down {
      checks = List.copyOf(checks);
      vantages = List.copyOf(vantages);
      if (confirmedAt < startedAt) {
        throw new IllegalArgumentException("confirmedAt before startedAt");
      }
    }
  }

  /** The service is UP again. */
  record Up(long startedAt, long resolvedAt, List<String> checks, List<String> vantages)
      implements HealthTransition {
    /**
     * @param startedAt the start of the incident this ends (same as its {@link Down})
     * @param resolvedAt observedAt of the first probe after which every (check, vantage) pair
     *     seen has succeeded again
     * @param checks every check that failed at least once during the incident, sorted
     * @param vantages every vantage that saw a failure during the incident, sorted
     */
    public Up {
      checks = List.copyOf(checks);
      vantages = List.copyOf(vantages);
      if (resolvedAt < startedAt) {
        throw new IllegalArgumentException("resolvedAt before startedAt");
      }
    }
  }
}
