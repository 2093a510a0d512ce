package dev.nines.uptime;

import java.util.Objects;

/**
 * A DOWN period of one (service, region) as the ledger and the alerts see it: an incident from
 * its start to its resolution, or still open.
 *
 * @param incidentId see {@link IncidentId}
 * @param startedAt epoch ms, inclusive
 * @param resolvedAt epoch ms, exclusive; null while the incident is open (its end is not known
 *     yet: it counts as DOWN up to the time the caller has observed)
 */
public record Outage(String incidentId, long startedAt, Long resolvedAt) {
  public Outage {
    Objects.requireNonNull(incidentId, "incidentId");
    if (resolvedAt != null && resolvedAt < startedAt) {
      throw new IllegalArgumentException(
          "outage " + incidentId + ": resolvedAt " + resolvedAt + " before startedAt " + startedAt);
    }
  }

  public static Outage open(String incidentId, long startedAt) {
    return new Outage(incidentId, startedAt, null);
  }

  public static Outage resolved(String incidentId, long startedAt, long resolvedAt) {
    return new Outage(incidentId, startedAt, resolvedAt);
  }

  public boolean isOpen() {
    return resolvedAt == null;
  }

  /**
   * The DOWN time known at {@code observedUntil}: an open outage runs up to it, a resolved one is
   * cut at it too (nothing after the observed time is known). Empty if it starts later.
   */
  public Interval knownUntil(long observedUntil) {
    long end = isOpen() ? observedUntil : Math.min(resolvedAt, observedUntil);
    return new Interval(startedAt, Math.max(startedAt, end));
  }
}
