package dev.nines.uptime;

import java.util.Comparator;
import java.util.Objects;

/**
 * One probe execution, as far as the uptime rule cares; the service and region are the key it
 * arrives under.
 *
 * @param probeId unique per execution: a repeated id is a duplicate and counts once
 * @param check e.g. {@code sms-send}
 * @param vantage where the probe ran from
 * @param success end-to-end success
 * @param observedAt the event time, epoch ms
 */
public record ProbeObservation(
    String probeId, String check, String vantage, boolean success, long observedAt) {

  /**
   * Event-time order, ties by probe id: the order in which observations are applied, so that the
   * result does not depend on the order in which they arrived.
   */
  public static final Comparator<ProbeObservation> EVENT_ORDER =
      Comparator.comparingLong(ProbeObservation::observedAt)
          .thenComparing(ProbeObservation::probeId);

  public ProbeObservation {
    Objects.requireNonNull(probeId, "probeId");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(vantage, "vantage");
  }
}
