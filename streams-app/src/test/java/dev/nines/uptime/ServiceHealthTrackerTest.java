package dev.nines.uptime;

import static dev.nines.uptime.Probes.at;
import static dev.nines.uptime.Probes.fail;
import static dev.nines.uptime.Probes.feed;
import static dev.nines.uptime.Probes.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.uptime.HealthTransition.Down;
import dev.nines.uptime.HealthTransition.Up;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceHealthTrackerTest {
  private static final String SEND = "sms-send";
  private static final String VERIFY = "verify-send";
  private static final String A = "fra";
  private static final String B = "iad";

  @Test
  void oneFailedProbeFollowedByASuccessIsNotDowntime() {
    Probes.Run run = feed(ok(SEND, A, 0), fail(SEND, A, 1), ok(SEND, A, 2), ok(SEND, A, 3));

    assertThat(run.transitions()).isEmpty();
    assertThat(run.state().isDown()).isFalse();
    assertThat(run.state().failing()).isEmpty();
  }

  @Test
  void twoConsecutiveFailuresAreDownFromTheFirstUntilTheNextSuccess() {
    Probes.Run run =
        feed(
            ok(SEND, A, 0),
            fail(SEND, A, 1),
            fail(SEND, A, 2),
            fail(SEND, A, 3),
            ok(SEND, A, 4),
            ok(SEND, A, 5));

    assertThat(run.transitions())
        .containsExactly(
            // decided at minute 2, but DOWN from the first failure of the run
            new Down(at(1), at(2), List.of(SEND), List.of(A)),
            new Up(at(1), at(4), List.of(SEND), List.of(A)));
    assertThat(run.state().isDown()).isFalse();
  }

  @Test
  void moreConfirmationsNeedALongerRun() {
    HealthRule three = HealthRule.defaults().withConfirmations(3);

    assertThat(
            Probes.feed(three, List.of(fail(SEND, A, 1), fail(SEND, A, 2), ok(SEND, A, 3)))
                .transitions())
        .isEmpty();
    assertThat(
            Probes.feed(three, List.of(fail(SEND, A, 1), fail(SEND, A, 2), fail(SEND, A, 3)))
                .transitions())
        .containsExactly(new Down(at(1), at(3), List.of(SEND), List.of(A)));
  }

  @Test
  void withQuorumTwoOneConfirmingVantageAgainstOneSucceedingIsNotDown() {
    List<ProbeObservation> probes = new ArrayList<>();
    for (int m = 1; m <= 10; m++) {
      probes.add(fail(SEND, A, m));
      probes.add(ok(SEND, B, m));
    }
    HealthRule quorum2 = HealthRule.defaults().withQuorum(2);

    Probes.Run run = Probes.feed(quorum2, probes);

    assertThat(run.transitions()).isEmpty();
    // the same probes with quorum 1: A alone takes the region down
    assertThat(Probes.feed(HealthRule.defaults(), probes).transitions())
        .containsExactly(new Down(at(1), at(2), List.of(SEND), List.of(A)));
  }

  @Test
  void withQuorumTwoTheIncidentStartsAtTheEarliestRunOfTheQuorum() {
    // A fails from minute 1 (confirmed at 2); B fails from minute 4 (confirmed at 5, quorum
    // reached). The runs making up the quorum started at 1 and 4: DOWN from minute 1.
    HealthRule quorum2 = HealthRule.defaults().withQuorum(2);
    List<ProbeObservation> probes =
        List.of(
            fail(SEND, A, 1), ok(SEND, B, 1),
            fail(SEND, A, 2), ok(SEND, B, 2),
            fail(SEND, A, 3), ok(SEND, B, 3),
            fail(SEND, A, 4), fail(SEND, B, 4),
            fail(SEND, A, 5), fail(SEND, B, 5),
            ok(SEND, A, 6), fail(SEND, B, 6),
            ok(SEND, A, 7), ok(SEND, B, 7));

    Probes.Run run = Probes.feed(quorum2, probes);

    assertThat(run.transitions())
        .containsExactly(
            new Down(at(1), at(5), List.of(SEND), List.of(A, B)),
            // recovery needs every vantage, quorum or not: B is healthy again only at minute 7
            new Up(at(1), at(7), List.of(SEND), List.of(A, B)));
  }

  @Test
  void withQuorumTwoARunThatEndsBeforeTheOtherVantageConfirmsDoesNotCount() {
    HealthRule quorum2 = HealthRule.defaults().withQuorum(2);
    List<ProbeObservation> probes =
        List.of(
            fail(SEND, A, 1),
            fail(SEND, A, 2),
            ok(SEND, A, 3),
            fail(SEND, B, 3),
            fail(SEND, B, 4),
            ok(SEND, B, 5));

    assertThat(Probes.feed(quorum2, probes).transitions()).isEmpty();
  }

  @Test
  void aFlappingCheckNeverConfirms() {
    List<ProbeObservation> probes = new ArrayList<>();
    for (int m = 0; m < 60; m++) {
      probes.add(m % 2 == 0 ? fail(SEND, A, m) : ok(SEND, A, m));
    }

    Probes.Run run = Probes.feed(HealthRule.defaults(), probes);

    assertThat(run.transitions()).isEmpty();
    assertThat(run.state().isDown()).isFalse();
  }

  @Test
  void recoveryRequiresTheLatestProbeOfEveryCheckFromEveryVantageToSucceed() {
    Probes.Run run =
        feed(
            ok(SEND, A, 0),
            ok(SEND, B, 0),
            ok(VERIFY, A, 0),
            ok(VERIFY, B, 0),
            fail(SEND, A, 1),
            fail(SEND, A, 2), // DOWN from minute 1, decided at 2
            fail(VERIFY, B, 3), // one failure only, but during the incident
            ok(SEND, A, 4), // the confirming pair is fine again...
            ok(SEND, B, 5),
            ok(VERIFY, A, 5), // ...and so are the pairs that never failed...
            fail(SEND, B, 6), // ...but now this one fails
            ok(VERIFY, B, 7), // verify-send from iad: fine again
            ok(SEND, B, 8), // the last failing pair succeeds: UP
            ok(SEND, A, 9));

    assertThat(run.transitions())
        .containsExactly(
            new Down(at(1), at(2), List.of(SEND), List.of(A)),
            new Up(at(1), at(8), List.of(SEND, VERIFY), List.of(A, B)));
  }

  @Test
  void aPairSeenOnlySucceedingNeverHoldsUpRecovery() {
    Probes.Run run = feed(ok(VERIFY, B, 0), fail(SEND, A, 1), fail(SEND, A, 2), ok(SEND, A, 3));

    assertThat(run.transitions())
        .extracting(HealthTransition::getClass)
        .containsExactly(Down.class, Up.class);
  }

  @Test
  void aDuplicateProbeCountsOnce() {
    ProbeObservation first = fail(SEND, A, 1);

    // the copy does not make a run of two
    assertThat(feed(first, first, ok(SEND, A, 2)).transitions()).isEmpty();

    // nor does a copy of the resolving success resolve anything twice, nor a copy of a failure
    // re-open the incident
    ProbeObservation resolving = ok(SEND, A, 3);
    Probes.Run run =
        feed(fail(SEND, A, 1), fail(SEND, A, 2), resolving, resolving, fail(SEND, A, 2));
    assertThat(run.transitions())
        .containsExactly(
            new Down(at(1), at(2), List.of(SEND), List.of(A)),
            new Up(at(1), at(3), List.of(SEND), List.of(A)));
  }

  @Test
  void probesOutOfEventOrderAreAWiringError() {
    ServiceHealthTracker tracker = new ServiceHealthTracker(HealthRule.defaults());
    HealthState state = tracker.observe(HealthState.initial(), fail(SEND, A, 5)).state();

    assertThatThrownBy(() -> tracker.observe(state, fail(SEND, B, 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ReorderBuffer");
  }

  @Test
  void probesAtTheSameInstantAreFine() {
    Probes.Run run =
        feed(
            new ProbeObservation("p1", SEND, A, false, at(1)),
            new ProbeObservation("p2", SEND, A, false, at(1)));

    assertThat(run.transitions())
        .containsExactly(new Down(at(1), at(1), List.of(SEND), List.of(A)));
  }

  @Test
  void rememberedProbeIdsAreBoundedByTheRetention() {
    List<ProbeObservation> probes = new ArrayList<>();
    for (int m = 0; m < 100; m++) {
      probes.add(ok(SEND, A, m));
    }
    Probes.Run run = Probes.feed(new HealthRule(2, 1, Duration.ofMinutes(10)), probes);

    // minutes 89 to 99: the cutoff is inclusive
    assertThat(run.state().recentIds()).hasSize(11).containsKey(Probes.id(SEND, A, 89));
  }

  @Test
  void theStateSurvivesBytes() {
    Probes.Run run = feed(ok(VERIFY, B, 0), fail(SEND, A, 1), fail(SEND, A, 2), fail(VERIFY, B, 3));
    HealthState state = run.state();
    assertThat(state.isDown()).isTrue();

    assertThat(HealthState.fromBytes(state.toBytes())).isEqualTo(state);
    assertThat(HealthState.fromBytes(HealthState.initial().toBytes()))
        .isEqualTo(HealthState.initial());
  }

  @Test
  void unreadableStateBytesAreRefusedLoudly() {
    byte[] bytes = HealthState.initial().toBytes();
    byte[] otherFormat = bytes.clone();
    otherFormat[0] = 9;
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);

    assertThatThrownBy(() -> HealthState.fromBytes(otherFormat))
        .hasMessageContaining("unknown format 9");
    assertThatThrownBy(() -> HealthState.fromBytes(longer)).hasMessageContaining("left over");
    assertThatThrownBy(() -> HealthState.fromBytes(Arrays.copyOf(bytes, 5)))
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> HealthState.fromBytes(new byte[0])).hasMessageContaining("no bytes");
  }

  @Test
  void badRulesFailAtConstruction() {
    assertThatThrownBy(() -> new HealthRule(0, 1, Duration.ZERO))
        .hasMessageContaining("confirmations = 0");
    assertThatThrownBy(() -> new HealthRule(2, 0, Duration.ZERO))
        .hasMessageContaining("quorum = 0");
  }

  @Test
  void aVantageSilentForLongerThanTheLimitLeavesAndNoLongerHoldsTheIncidentOpen() {
    // B fails at 1 and 2: DOWN from 1. B then stops for good; A keeps succeeding every minute.
    // At 7, B's latest (2) is exactly 5 min back: still in. At 8 it is 6 min: B leaves, no pair
    // is failing any more, UP at 8.
    List<ProbeObservation> probes = new ArrayList<>();
    for (int m = 1; m <= 10; m++) {
      probes.add(ok(SEND, A, m));
      if (m <= 2) {
        probes.add(fail(SEND, B, m));
      }
    }
    Probes.Run run = feed(HealthRule.defaults(), probes);
    assertThat(run.transitions())
        .containsExactly(
            new Down(at(1), at(2), List.of(SEND), List.of(B)),
            new Up(at(1), at(8), List.of(SEND), List.of(B)));
    assertThat(run.state().vantages()).containsOnlyKeys(A);
    // the contract's rule as written (no retirement): the incident stays open
    assertThat(feed(HealthRule.defaults().withVantageSilence(Duration.ZERO), probes).transitions())
        .containsExactly(new Down(at(1), at(2), List.of(SEND), List.of(B)));
  }

  @Test
  void aSilentVantageDoesNotCountTowardsTheQuorum() {
    // quorum 2. B fails at 1 and 2 (confirmed) and goes silent; A fails from 9: at 10 A confirms,
    // but B (latest 2, 8 min back) has left: one vantage, no quorum, no incident
    List<ProbeObservation> probes = new ArrayList<>();
    probes.add(fail(SEND, B, 1));
    probes.add(fail(SEND, B, 2));
    for (int m = 1; m <= 10; m++) {
      probes.add(m >= 9 ? fail(SEND, A, m) : ok(SEND, A, m));
    }
    probes.sort(Comparator.comparingLong(ProbeObservation::observedAt));
    HealthRule quorum2 = HealthRule.defaults().withQuorum(2);
    assertThat(feed(quorum2, probes).transitions()).isEmpty();
    // without retirement, B's confirmed run still counts: DOWN from B's first failure at 1
    assertThat(feed(quorum2.withVantageSilence(Duration.ZERO), probes).transitions())
        .containsExactly(new Down(at(1), at(10), List.of(SEND), List.of(A, B)));
  }

  @Test
  void aGapOfTheWholeRegionRetiresNoVantage() {
    // A and B fail at 1 and 2: DOWN from 1. Nothing at all from 3 to 19 (the probers were
    // away). At 20 A succeeds: B is not retired for the region-wide gap, so B's failing pair
    // still holds the incident; B fails again at 20 and succeeds at 21: UP at 21.
    List<ProbeObservation> probes =
        List.of(
            fail(SEND, A, 1),
            fail(SEND, B, 1),
            fail(SEND, A, 2),
            fail(SEND, B, 2),
            ok(SEND, A, 20),
            fail(SEND, B, 20),
            ok(SEND, A, 21),
            ok(SEND, B, 21));
    assertThat(feed(HealthRule.defaults(), probes).transitions())
        .containsExactly(
            new Down(at(1), at(2), List.of(SEND), List.of(A)),
            new Up(at(1), at(21), List.of(SEND), List.of(A, B)));
  }
}
