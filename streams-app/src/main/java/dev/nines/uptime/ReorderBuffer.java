package dev.nines.uptime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts probe observations of one key back into event-time order. The health rule counts
 * <em>consecutive</em> probes, so applying them in arrival order would make the result depend on
 * network delays; instead an observation is held until stream time has moved more than
 * {@code grace} past its {@code observedAt}, and then released in {@link
 * ProbeObservation#EVENT_ORDER}. Any arrival order within the grace gives the same released
 * sequence.
 *
 * <p>Exactly, with {@code watermark = streamTime - grace}:
 *
 * <ul>
 *   <li>an observation is <b>late</b> if {@code observedAt < watermark} when it arrives: it is
 *       returned in {@link Released#late()} and not applied (everything at or before it may have
 *       been released already, so applying it would break the order);
 *   <li>held observations are <b>released</b> once {@code observedAt < watermark}.
 * </ul>
 *
 * <p>Both use the same strict test, so every released observation is before every accepted one
 * and the released sequence over all calls is in order. A copy of a held probe id is returned in
 * {@link Released#duplicates()} and dropped; a copy of an already released one is late by the same
 * test (it carries the same observedAt), so duplicates count once either way. Copies are expected
 * to be identical; if they are not, the copy held first wins.
 */
public final class ReorderBuffer {
  private final long graceMs;

  /** @param grace how far behind stream time an observation may arrive and still be applied */
  public ReorderBuffer(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("reorder grace = " + grace + ": expected 0 or more");
    }
    this.graceMs = grace.toMillis();
  }

  /**
   * What one call hands back.
   *
   * @param state the new state to store
   * @param ready observations to apply now, in event order
   * @param late observations that arrived beyond the grace: not applied, for the caller to report
   * @param duplicates copies of a probe id already held: dropped
   */
  public record Released(
      ReorderState state,
      List<ProbeObservation> ready,
      List<ProbeObservation> late,
      List<ProbeObservation> duplicates) {
    public Released {
      ready = List.copyOf(ready);
      late = List.copyOf(late);
      duplicates = List.copyOf(duplicates);
    }
  }

  /** Takes one arriving observation; stream time moves to its observedAt if that is later. */
  public Released offer(ReorderState state, ProbeObservation o) {
    if (o.observedAt() < watermark(state.streamTime())) {
      return new Released(state, List.of(), List.of(o), List.of());
    }
    long streamTime = Math.max(state.streamTime(), o.observedAt());
    boolean duplicate = state.held().stream().anyMatch(h -> h.probeId().equals(o.probeId()));
    List<ProbeObservation> held = new ArrayList<>(state.held());
    if (!duplicate) {
      held.add(o);
    }
    return release(streamTime, held, duplicate ? List.of(o) : List.of());
  }

  /**
   * Moves stream time forward without an observation of this key (e.g. stream time of the
   * partition advanced on other keys) and releases what is due. An earlier time changes nothing.
   */
  public Released advance(ReorderState state, long streamTime) {
    return release(Math.max(state.streamTime(), streamTime), state.held(), List.of());
  }

  private Released release(
      long streamTime, List<ProbeObservation> held, List<ProbeObservation> duplicates) {
    long watermark = watermark(streamTime);
    List<ProbeObservation> ready = new ArrayList<>();
    List<ProbeObservation> kept = new ArrayList<>();
    for (ProbeObservation h : held) {
      (h.observedAt() < watermark ? ready : kept).add(h);
    }
    ready.sort(ProbeObservation.EVENT_ORDER);
    return new Released(new ReorderState(streamTime, kept), ready, List.of(), duplicates);
  }

  /** streamTime - grace, without wrapping below Long.MIN_VALUE before the first observation. */
  private long watermark(long streamTime) {
    return streamTime < Long.MIN_VALUE + graceMs ? Long.MIN_VALUE : streamTime - graceMs;
  }
}
