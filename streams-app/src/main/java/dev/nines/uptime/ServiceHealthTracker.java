package dev.nines.uptime;

import dev.nines.uptime.HealthState.CheckVantage;
import dev.nines.uptime.HealthState.Incident;
import dev.nines.uptime.HealthState.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The DOWN rule of the contract for one (service, region), applied one probe at a time:
 *
 * <ul>
 *   <li>A (check, vantage) pair has a <b>confirmed run</b> once its latest {@code confirmations}
 *       probes or more all failed. A vantage <b>confirms</b> when any of its checks has one.
 *   <li>The service goes <b>DOWN</b> on the probe after which at least {@code quorum} vantages
 *       confirm. The incident's {@code startedAt} is the earliest first failure among the confirmed
 *       runs at that moment, i.e. among the runs that make up the quorum: each of them says the
 *       service was failing from its start, and taking the run that completed the quorum instead
 *       would leave out time a confirmed run already showed to be down. (With quorum 1 this is
 *       simply the first failure of the confirming run.)
 *   <li>It is <b>UP</b> again on the first probe after which no pair is failing, i.e. the latest
 *       probe of every (check, vantage) pair seen succeeded; {@code resolvedAt} is that probe's
 *       observedAt. Quorum plays no part in recovery: once DOWN, every vantage must see the
 *       service working.
 * </ul>
 *
 * <p>A vantage with no probe for longer than {@link HealthRule#vantageSilence()} while the region's
 * other vantages report is retired: its failing checks are forgotten, so it neither counts
 * towards the quorum nor holds an incident open (UP at the first probe after which no remaining
 * pair is failing).
 *
 * <p>Observations must come in {@link ProbeObservation#EVENT_ORDER} (put a {@link ReorderBuffer}
 * in front): "consecutive" only means something in event time. A copy of a probe id applied
 * within the rule's dedup retention changes nothing; an observation older than the latest one
 * applied is a wiring error and throws.
 *
 * <p>Stateless itself: the memory is the {@link HealthState} passed in and handed back.
 */
public final class ServiceHealthTracker {
  private final HealthRule rule;

  public ServiceHealthTracker(HealthRule rule) {
    this.rule = Objects.requireNonNull(rule, "rule");
  }

  /** The new state and the transitions (none, or one) caused by one probe. */
  public record Step(HealthState state, List<HealthTransition> transitions) {
    public Step {
      Objects.requireNonNull(state, "state");
      transitions = List.copyOf(transitions);
    }
  }

  public Step observe(HealthState state, ProbeObservation o) {
    if (state.recentIds().containsKey(o.probeId())) {
      return new Step(state, List.of());
    }
    if (o.observedAt() < state.lastObservedAt()) {
      throw new IllegalArgumentException(
          "probe "
              + o.probeId()
              + " observed at "
              + o.observedAt()
              + " is before the latest applied probe ("
              + state.lastObservedAt()
              + "): feed probes in event-time order through a ReorderBuffer");
    }
    SortedMap<CheckVantage, Run> failing = new TreeMap<>(state.failing());
    SortedMap<String, Long> seen = retire(state, failing, o);
    CheckVantage pair = new CheckVantage(o.check(), o.vantage());
    if (o.success()) {
      failing.remove(pair);
    } else {
      failing.merge(pair, new Run(1, o.observedAt()), (run, first) -> run.plusOne());
    }

    List<HealthTransition> transitions = new ArrayList<>();
    Incident incident = state.incident();
    if (incident == null) {
      HealthTransition.Down down = confirmedDown(failing, o.observedAt());
      if (down != null) {
        incident = new Incident(down.startedAt(), down.checks(), down.vantages());
        transitions.add(down);
      }
    } else {
      if (!o.success()) {
        incident = incident.plus(o.check(), o.vantage());
      }
      if (failing.isEmpty()) {
        transitions.add(
            new HealthTransition.Up(
                incident.startedAt(), o.observedAt(), incident.checks(), incident.vantages()));
        incident = null;
      }
    }
    return new Step(
        new HealthState(o.observedAt(), remember(state.recentIds(), o), failing, incident, seen),
        transitions);
  }

  /**
   * The vantages' latest probe times with {@code o}'s, after retiring (from {@code failing}, in
   * place) every vantage silent for longer than the rule's vantage silence. After a gap in which
   * the whole region was silent, every vantage is given the silence again from {@code o}: a
   * region-wide gap is missing data, not a retired vantage.
   */
  private SortedMap<String, Long> retire(
      HealthState state, SortedMap<CheckVantage, Run> failing, ProbeObservation o) {
    SortedMap<String, Long> seen = new TreeMap<>(state.vantages());
    long silence = rule.vantageSilence().toMillis();
    if (silence > 0) {
      // states written before vantages were tracked: their failing vantages start now
      failing.keySet().forEach(p -> seen.putIfAbsent(p.vantage(), o.observedAt()));
      if (state.lastObservedAt() != Long.MIN_VALUE
          && o.observedAt() - state.lastObservedAt() > silence) {
        seen.replaceAll((v, at) -> o.observedAt());
      } else {
        seen.entrySet().removeIf(e -> o.observedAt() - e.getValue() > silence);
        failing.keySet().removeIf(p -> !seen.containsKey(p.vantage()));
      }
    }
    seen.put(o.vantage(), o.observedAt());
    return seen;
  }

  /** A Down if the confirmed runs reach the quorum, else null. */
  private HealthTransition.Down confirmedDown(Map<CheckVantage, Run> failing, long now) {
    TreeSet<String> checks = new TreeSet<>();
    TreeSet<String> vantages = new TreeSet<>();
    long startedAt = Long.MAX_VALUE;
    for (Map.Entry<CheckVantage, Run> e : failing.entrySet()) {
      if (e.getValue().failures() >= rule.confirmations()) {
        checks.add(e.getKey().check());
        vantages.add(e.getKey().vantage());
        startedAt = Math.min(startedAt, e.getValue().startedAt());
      }
    }
    if (vantages.size() < rule.quorum()) {
      return null;
    }
    return new HealthTransition.Down(startedAt, now, List.copyOf(checks), List.copyOf(vantages));
  }

  /** Adds the probe id and forgets the ids that fell out of the retention. */
  private SortedMap<String, Long> remember(SortedMap<String, Long> ids, ProbeObservation o) {
    long retention = rule.dedupRetention().toMillis();
    long cutoff =
        o.observedAt() < Long.MIN_VALUE + retention ? Long.MIN_VALUE : o.observedAt() - retention;
    SortedMap<String, Long> kept = new TreeMap<>(ids);
    kept.values().removeIf(at -> at < cutoff);
    kept.put(o.probeId(), o.observedAt());
    return kept;
  }
}
