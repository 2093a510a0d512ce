package dev.nines.simulate;

import dev.nines.schema.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A scripted event of a scenario: active from {@code start} to {@code end} (offsets from the
 * scenario start, end exclusive), and again every {@code repeatEvery} after that when set (so a
 * live demo keeps showing it). Exactly one of {@code carrierDegradation}, {@code serviceOutage},
 * {@code carrierAdded}, {@code policyChange} and {@code probesStop} says what happens.
 */
public record ScriptedEvent(
    String name,
    Duration start,
    Duration end,
    Duration repeatEvery,
    CarrierDegradation carrierDegradation,
    ServiceOutage serviceOutage,
    CarrierAdded carrierAdded,
    PolicyChange policyChange,
    ServiceOutage probesStop) {

  public ScriptedEvent(
      String name,
      Duration start,
      Duration end,
      Duration repeatEvery,
      CarrierDegradation carrierDegradation,
      ServiceOutage serviceOutage,
      CarrierAdded carrierAdded,
      PolicyChange policyChange) {
    this(
        name,
        start,
        end,
        repeatEvery,
        carrierDegradation,
        serviceOutage,
        carrierAdded,
        policyChange,
        null);
  }

  public ScriptedEvent(
      String name,
      Duration start,
      Duration end,
      Duration repeatEvery,
      CarrierDegradation carrierDegradation,
      ServiceOutage serviceOutage) {
    this(name, start, end, repeatEvery, carrierDegradation, serviceOutage, null, null, null);
  }

  /**
   * A carrier joins a route's plan while the event lasts (a new plan version at its start, the
   * scenario's plan again at its end) and gets its base share of the simulated traffic meanwhile.
   */
  public record CarrierAdded(
      String route, String carrierId, Integer baseWeight, Integer priority, Boolean warm) {
    public CarrierAdded {
      priority = priority == null ? 0 : priority;
      warm = warm == null ? Boolean.FALSE : warm;
    }
  }

  /**
   * A routing-policies profile takes these settings while the event lasts; at its end it goes
   * back to the scenario's version of the profile (no settings if the scenario has none).
   */
  public record PolicyChange(String name, Map<String, String> settings) {
    public PolicyChange {
      settings = settings == null ? Map.of() : Map.copyOf(settings);
    }
  }

  /**
   * A carrier of a route delivers worse: CARRIER-cause failures rise so that
   * delivered / (delivered + carrier failures) is about {@code successRate} (EXPIRED counts as a
   * carrier failure, as in the contract), latency grows by {@code extraLatencyMs}, and probes of
   * checks on that carrier path fail with probability 1 − successRate.
   */
  public record CarrierDegradation(
      String route, String carrierId, Double successRate, Long extraLatencyMs) {
    public CarrierDegradation {
      extraLatencyMs = extraLatencyMs == null ? 0L : extraLatencyMs;
    }
  }

  /**
   * Every probe of {@code service} in {@code region} fails, from the listed vantages (all when
   * the list is empty or absent). As {@code probesStop}: those probes are not written at all (the
   * probers are away).
   */
  public record ServiceOutage(Service service, String region, List<String> vantages) {
    public ServiceOutage {
      vantages =
          vantages == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(vantages));
    }

    /** Whether a probe run from {@code vantage} is hit. */
    public boolean affectsVantage(String vantage) {
      return vantages.isEmpty() || vantages.contains(vantage);
    }
  }

  /** Whether the event is active {@code offsetMs} milliseconds after the scenario start. */
  public boolean isActiveAt(long offsetMs) {
    long s = start.toMillis();
    if (offsetMs < s) {
      return false;
    }
    long length = end.toMillis() - s;
    if (repeatEvery == null) {
      return offsetMs - s < length;
    }
    return Math.floorMod(offsetMs - s, repeatEvery.toMillis()) < length;
  }

  /**
   * The concrete occurrences that overlap [from, to), not clipped, for a scenario started at
   * {@code origin}; in time order.
   */
  public List<EventOccurrence> occurrences(Instant origin, Instant from, Instant to) {
    long o = origin.toEpochMilli();
    long f = from.toEpochMilli() - o;
    long t = to.toEpochMilli() - o;
    long s = start.toMillis();
    long length = end.toMillis() - s;
    List<EventOccurrence> out = new ArrayList<>();
    if (repeatEvery == null) {
      if (s < t && s + length > f) {
        out.add(occurrence(o, s, length));
      }
      return out;
    }
    long period = repeatEvery.toMillis();
    // First repetition k whose end lies after `from`: s + k*period + length > f.
    long k = Math.max(0, Math.floorDiv(f - s - length, period) + 1);
    for (long begin = s + k * period; begin < t; begin += period) {
      out.add(occurrence(o, begin, length));
    }
    return out;
  }

  private EventOccurrence occurrence(long originMs, long beginOffset, long length) {
    Instant begin = Instant.ofEpochMilli(originMs + beginOffset);
    return new EventOccurrence(this, begin, begin.plusMillis(length));
  }
}
