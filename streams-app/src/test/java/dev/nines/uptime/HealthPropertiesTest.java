package dev.nines.uptime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Invariants of the reorder buffer and the tracker over random probe series: two checks from
 * two vantages, gaps of 0 to 90 s between probes (0 makes ties), each probe arriving 0 to
 * {@link #GRACE} after its observedAt, some twice, under random rules.
 */
class HealthPropertiesTest {
  private static final long GRACE = 120_000;
  private static final List<String> CHECKS = List.of("sms-send", "verify-send");
  private static final List<String> VANTAGES = List.of("fra", "iad");

  /** One generated probe and how it arrives. */
  record Draw(
      int check,
      int vantage,
      boolean success,
      int gapMs,
      int delayMs,
      boolean copied,
      int copyDelayMs,
      int tieBreak) {}

  /** A probe (or its copy) with its arrival time. */
  record Arrival(ProbeObservation probe, long arrivesAt, int tieBreak) {}

  record Series(List<ProbeObservation> probes, List<Arrival> arrivals, HealthRule rule) {}

  @Provide
  Arbitrary<Series> series() {
    Arbitrary<Draw> draw =
        Combinators.combine(
                Arbitraries.integers().between(0, CHECKS.size() - 1),
                Arbitraries.integers().between(0, VANTAGES.size() - 1),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 90_000).edgeCases(c -> c.add(0)),
                Arbitraries.integers().between(0, (int) GRACE),
                Arbitraries.of(false, false, false, true),
                Arbitraries.integers().between(0, (int) GRACE),
                Arbitraries.integers())
            .as(Draw::new);
    Arbitrary<HealthRule> rule =
        Combinators.combine(
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 2))
            .as((c, q) -> new HealthRule(c, q, Duration.ofMinutes(10)));
    return Combinators.combine(draw.list().ofMinSize(4).ofMaxSize(80), rule)
        .as(HealthPropertiesTest::build);
  }

  private static Series build(List<Draw> draws, HealthRule rule) {
    List<ProbeObservation> probes = new ArrayList<>();
    List<Arrival> arrivals = new ArrayList<>();
    long t = Probes.T0;
    for (int i = 0; i < draws.size(); i++) {
      Draw d = draws.get(i);
      t += d.gapMs();
      ProbeObservation p =
          new ProbeObservation(
              "p" + i, CHECKS.get(d.check()), VANTAGES.get(d.vantage()), d.success(), t);
      probes.add(p);
      arrivals.add(new Arrival(p, t + d.delayMs(), d.tieBreak()));
      if (d.copied()) {
        arrivals.add(new Arrival(p, t + d.copyDelayMs(), ~d.tieBreak()));
      }
    }
    // arrival order: by arrival time, ties in a random order
    arrivals.sort(Comparator.comparingLong(Arrival::arrivesAt).thenComparingInt(Arrival::tieBreak));
    return new Series(probes, arrivals, rule);
  }

  @Property(tries = 500)
  void anyArrivalOrderWithinTheGraceGivesTheTransitionsOfEventOrder(@ForAll("series") Series s) {
    List<ProbeObservation> inOrder = new ArrayList<>(s.probes());
    inOrder.sort(ProbeObservation.EVENT_ORDER);
    List<HealthTransition> expected = Probes.feed(s.rule(), inOrder).transitions();

    ReorderBuffer buffer = new ReorderBuffer(Duration.ofMillis(GRACE));
    ReorderState state = ReorderState.empty();
    List<ProbeObservation> applied = new ArrayList<>();
    List<ProbeObservation> late = new ArrayList<>();
    for (Arrival a : s.arrivals()) {
      ReorderBuffer.Released r = buffer.offer(state, a.probe());
      state = ReorderState.fromBytes(r.state().toBytes());
      applied.addAll(r.ready());
      late.addAll(r.late());
    }
    applied.addAll(buffer.advance(state, Long.MAX_VALUE).ready());

    // every original arrives within the grace, so only copies may come late
    assertThat(applied).containsExactlyElementsOf(inOrder);
    assertThat(late).allSatisfy(p -> assertThat(s.probes()).contains(p));
    assertThat(Probes.feed(s.rule(), applied).transitions()).isEqualTo(expected);

    // the series must exercise the rule, not only trivially agree on "nothing happened"
    Statistics.label("transitions").collect(expected.isEmpty() ? "none" : "some");
    Statistics.label("copies").collect(s.arrivals().size() > s.probes().size() ? "some" : "none");
    Statistics.label("transitions").coverage(c -> c.check("some").percentage(p -> p > 30));
    Statistics.label("copies").coverage(c -> c.check("some").percentage(p -> p > 30));
  }

  @Property(tries = 500)
  void transitionsAlternateDownAndUpAndStayInTime(@ForAll("series") Series s) {
    List<ProbeObservation> inOrder = new ArrayList<>(s.probes());
    inOrder.sort(ProbeObservation.EVENT_ORDER);
    Probes.Run run = Probes.feed(s.rule(), inOrder);

    boolean down = false;
    long lastStart = Long.MIN_VALUE;
    for (HealthTransition t : run.transitions()) {
      if (t instanceof HealthTransition.Down d) {
        assertThat(down).as("Down while down").isFalse();
        assertThat(d.startedAt()).isLessThanOrEqualTo(d.confirmedAt());
        assertThat(d.vantages().size()).isGreaterThanOrEqualTo(s.rule().quorum());
        assertThat(d.startedAt()).isGreaterThanOrEqualTo(lastStart);
        lastStart = d.startedAt();
      } else if (t instanceof HealthTransition.Up u) {
        assertThat(down).as("Up while up").isTrue();
        assertThat(u.startedAt()).isEqualTo(lastStart);
        assertThat(u.resolvedAt()).isGreaterThanOrEqualTo(u.startedAt());
      }
      down = t instanceof HealthTransition.Down;
    }
    assertThat(run.state().isDown()).isEqualTo(down);
  }

  @Property(tries = 300)
  void feedingTwiceChangesNothingAndTheStateSurvivesBytesAtEveryStep(@ForAll("series") Series s) {
    List<ProbeObservation> inOrder = new ArrayList<>(s.probes());
    inOrder.sort(ProbeObservation.EVENT_ORDER);
    ServiceHealthTracker tracker = new ServiceHealthTracker(s.rule());
    HealthState state = HealthState.initial();
    Map<String, Integer> transitions = new LinkedHashMap<>();
    for (ProbeObservation p : inOrder) {
      ServiceHealthTracker.Step step = tracker.observe(state, p);
      assertThat(HealthState.fromBytes(step.state().toBytes())).isEqualTo(step.state());
      // the same probe again, right after: a duplicate, no change
      ServiceHealthTracker.Step again = tracker.observe(step.state(), p);
      assertThat(again.transitions()).isEmpty();
      assertThat(again.state()).isEqualTo(step.state());
      state = step.state();
      transitions.merge(p.probeId(), step.transitions().size(), Integer::sum);
    }
    assertThat(transitions.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1));
  }
}
