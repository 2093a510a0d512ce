package dev.nines.uptime.stream;

import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.ProbeResult;
import dev.nines.serde.Tagged;

/** What the uptime processor reads, merged from two topics: a probe or a maintenance window. */
public sealed interface UptimeInput {

  /** A probe, released by the order gate in event-time order. */
  record Probe(ProbeResult probe) implements UptimeInput {}

  /** A maintenance window of this service by its id; a null value removes the window. */
  record Maintenance(Tagged<MaintenanceWindow> window) implements UptimeInput {}

  /** The probe of an input, or null for a maintenance window. */
  static ProbeResult probeOf(UptimeInput in) {
    return in instanceof Probe p ? p.probe() : null;
  }
}
