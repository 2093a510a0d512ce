package dev.nines.uptime;

import static dev.nines.uptime.Probes.at;
import static dev.nines.uptime.Probes.fail;
import static dev.nines.uptime.Probes.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReorderBufferTest {
  private static final String SEND = "sms-send";
  private static final String A = "fra";
  private final ReorderBuffer buffer = new ReorderBuffer(Duration.ofMinutes(2));

  /** Offers each probe in turn, collecting what is released. */
  private record Fed(
      ReorderState state,
      List<ProbeObservation> ready,
      List<ProbeObservation> late,
      List<ProbeObservation> duplicates) {}

  private Fed offer(ReorderState state, ProbeObservation... probes) {
    List<ProbeObservation> ready = new ArrayList<>();
    List<ProbeObservation> late = new ArrayList<>();
    List<ProbeObservation> duplicates = new ArrayList<>();
    for (ProbeObservation p : probes) {
      ReorderBuffer.Released r = buffer.offer(state, p);
      state = r.state();
      ready.addAll(r.ready());
      late.addAll(r.late());
      duplicates.addAll(r.duplicates());
    }
    return new Fed(state, ready, late, duplicates);
  }

  @Test
  void holdsUntilStreamTimePassesTheGraceThenReleasesInEventOrder() {
    // stream time 5 -> watermark 3: minutes 3 and 4 are still on time, nothing is past it
    Fed fed = offer(ReorderState.empty(), ok(SEND, A, 5), fail(SEND, A, 3), ok(SEND, A, 4));
    assertThat(fed.ready()).isEmpty();
    assertThat(fed.late()).isEmpty();
    assertThat(fed.state().held()).hasSize(3);

    // stream time 10 -> watermark 8: 3, 4 and 5 go, in event order
    Fed next = offer(fed.state(), ok(SEND, A, 10));
    assertThat(next.ready()).containsExactly(fail(SEND, A, 3), ok(SEND, A, 4), ok(SEND, A, 5));
    assertThat(next.state().held()).containsExactly(ok(SEND, A, 10));
    assertThat(next.state().streamTime()).isEqualTo(at(10));
  }

  @Test
  void anObservationBeforeTheWatermarkIsLateAndNotApplied() {
    ReorderState state = offer(ReorderState.empty(), ok(SEND, A, 10)).state();

    // watermark 8: minute 8 exactly is still on time, a millisecond earlier is late
    ProbeObservation onTheMark = fail(SEND, A, 8);
    ProbeObservation justLate = new ProbeObservation("x", SEND, A, false, at(8) - 1);
    Fed fed = offer(state, justLate, onTheMark);

    assertThat(fed.late()).containsExactly(justLate);
    assertThat(fed.state().held()).containsExactly(onTheMark, ok(SEND, A, 10));
  }

  @Test
  void aLateFailureCannotConfirmAnIncident() {
    // minute 1 fails on time; its partner at minute 2 arrives after stream time reached 5
    Fed fed = offer(ReorderState.empty(), fail(SEND, A, 1), ok(SEND, A, 5), fail(SEND, A, 2));
    List<ProbeObservation> applied = new ArrayList<>(fed.ready());
    applied.addAll(buffer.advance(fed.state(), Long.MAX_VALUE).ready());

    assertThat(fed.late()).containsExactly(fail(SEND, A, 2));
    assertThat(applied).containsExactly(fail(SEND, A, 1), ok(SEND, A, 5));
    assertThat(Probes.feed(HealthRule.defaults(), applied).transitions()).isEmpty();
  }

  @Test
  void aCopyOfAHeldProbeIsADuplicateAndACopyOfAReleasedOneIsLate() {
    ProbeObservation p = fail(SEND, A, 1);
    Fed fed = offer(ReorderState.empty(), p, p);
    assertThat(fed.duplicates()).containsExactly(p);
    assertThat(fed.state().held()).containsExactly(p);

    Fed later = offer(fed.state(), ok(SEND, A, 9), p);
    assertThat(later.ready()).containsExactly(p);
    assertThat(later.late()).containsExactly(p);
  }

  @Test
  void probesAtTheSameInstantAreReleasedByProbeId() {
    ProbeObservation b = new ProbeObservation("b", SEND, A, true, at(1));
    ProbeObservation a = new ProbeObservation("a", SEND, "iad", false, at(1));
    Fed fed = offer(ReorderState.empty(), b, a, ok(SEND, A, 9));

    assertThat(fed.ready()).containsExactly(a, b);
  }

  @Test
  void advancingStreamTimeReleasesWithoutAnObservationAndNeverGoesBack() {
    // stream time 3 -> watermark 1: minute 1 is held
    ReorderState state = offer(ReorderState.empty(), ok(SEND, A, 1), ok(SEND, A, 3)).state();
    assertThat(state.held()).hasSize(2);

    ReorderBuffer.Released r = buffer.advance(state, at(4));
    assertThat(r.ready()).containsExactly(ok(SEND, A, 1));

    ReorderBuffer.Released back = buffer.advance(r.state(), at(0));
    assertThat(back.ready()).isEmpty();
    assertThat(back.state().streamTime()).isEqualTo(at(4));
  }

  @Test
  void withoutGraceAnObservationWaitsOnlyForStreamTimeToMove() {
    ReorderBuffer noGrace = new ReorderBuffer(Duration.ZERO);
    ReorderBuffer.Released first = noGrace.offer(ReorderState.empty(), ok(SEND, A, 1));
    assertThat(first.ready()).isEmpty();
    // another probe at the same instant is still on time
    ReorderBuffer.Released same = noGrace.offer(first.state(), fail(SEND, "iad", 1));
    assertThat(same.late()).isEmpty();

    ReorderBuffer.Released moved = noGrace.offer(same.state(), ok(SEND, A, 2));
    assertThat(moved.ready()).containsExactly(ok(SEND, A, 1), fail(SEND, "iad", 1));
  }

  @Test
  void theStateSurvivesBytes() {
    ReorderState state =
        offer(ReorderState.empty(), ok(SEND, A, 5), fail(SEND, "iad", 4), ok("voice-call", A, 5))
            .state();

    assertThat(ReorderState.fromBytes(state.toBytes())).isEqualTo(state);
    assertThat(ReorderState.fromBytes(ReorderState.empty().toBytes()))
        .isEqualTo(ReorderState.empty());
  }
}
