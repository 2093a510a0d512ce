package dev.nines.uptime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Probe fixtures on a minute grid from {@link #T0}, and a way to run them through a tracker. */
final class Probes {
  static final long T0 = Instant.parse("2024-10-31T10:00:00Z").toEpochMilli();
  static final long MINUTE = 60_000L;

  private Probes() {}

  static long at(int minute) {
    return T0 + minute * MINUTE;
  }

  static ProbeObservation ok(String check, String vantage, int minute) {
    return new ProbeObservation(id(check, vantage, minute), check, vantage, true, at(minute));
  }

  static ProbeObservation fail(String check, String vantage, int minute) {
    return new ProbeObservation(id(check, vantage, minute), check, vantage, false, at(minute));
  }

  static String id(String check, String vantage, int minute) {
    return check + "@" + vantage + "#" + minute;
  }

  /** The final state and every transition of feeding {@code probes} in the order given. */
  record Run(HealthState state, List<HealthTransition> transitions) {}

  static Run feed(HealthRule rule, List<ProbeObservation> probes) {
    ServiceHealthTracker tracker = new ServiceHealthTracker(rule);
    HealthState state = HealthState.initial();
    List<HealthTransition> out = new ArrayList<>();
    for (ProbeObservation p : probes) {
      ServiceHealthTracker.Step step = tracker.observe(state, p);
      state = step.state();
      out.addAll(step.transitions());
    }
    return new Run(state, out);
  }

  static Run feed(ProbeObservation... probes) {
    return feed(HealthRule.defaults(), List.of(probes));
  }
}
