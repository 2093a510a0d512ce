package dev.nines.uptime.stream;

import dev.nines.eventtime.Marked;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.ProbeResult;
import dev.nines.serde.Tagged;
import dev.nines.uptime.ErrorRateHour;

/**
 * What the uptime processor reads, merged: a probe, a maintenance window, an error-rate hour or
 * watermark.
 */
public sealed interface UptimeInput {

  /** A probe, released by the order gate in event-time order. */
  record Probe(ProbeResult probe) implements UptimeInput {}

  /** A maintenance window of this service by its id; a null value removes the window. */
  record Maintenance(Tagged<MaintenanceWindow> window) implements UptimeInput {}

  /**
   * An error-rate hour (the platform's, or an account's, which the credit rule reads) or a
   * by-carrier task's watermark.
   */
  record ErrorRate(Marked<ErrorRateHour> marked) implements UptimeInput {}

  /** The probe of an input, or null for a maintenance window. */
  static ProbeResult probeOf(UptimeInput in) {
    return in instanceof Probe p ? p.probe() : null;
  }
}
