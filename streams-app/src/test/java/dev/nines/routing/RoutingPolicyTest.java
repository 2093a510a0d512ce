package dev.nines.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RoutingPolicyTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    RoutingPolicy d = RoutingPolicy.defaults();
    assertThat(d.minSamples()).isEqualTo(100);
    assertThat(d.degradeSuccessBelow()).isEqualTo(0.95);
    assertThat(d.ejectSuccessBelow()).isEqualTo(0.80);
    assertThat(d.degradeLatencyP95MsAbove()).isEqualTo(30_000);
    assertThat(d.ejectLatencyP95MsAbove()).isEqualTo(60_000);
    assertThat(d.peerDegradeGap()).isEqualTo(0.05);
    assertThat(d.peerEjectGap()).isEqualTo(0.15);
    assertThat(d.minPeers()).isEqualTo(2);
    assertThat(d.degradedShare()).isEqualTo(0.5);
    assertThat(d.maxEjectedShare()).isEqualTo(0.5);
    assertThat(d.panicBelowHealthyShare()).isEqualTo(0.5);
    assertThat(d.trickleWeight()).isEqualTo(100);
    assertThat(d.recoveryEvaluations()).isEqualTo(3);
    assertThat(d.rampSteps()).containsExactly(0.25, 0.5, 0.75);
  }

  @Test
  void rampShareClampsToTheLastStepAndIsFullWithoutSteps() {
    RoutingPolicy d = RoutingPolicy.defaults();
    assertThat(d.rampShare(0)).isEqualTo(0.25);
    assertThat(d.rampShare(2)).isEqualTo(0.75);
    assertThat(d.rampShare(9)).isEqualTo(0.75);
    assertThat(with(p -> p.rampSteps = List.of()).rampShare(0)).isEqualTo(1.0);
  }

  @Test
  void eachBadKnobFailsWithOneLine() {
    rejects(p -> p.minSamples = 0, "routing policy: minSamples = 0: expected at least 1");
    rejects(
        p -> p.degradeSuccessBelow = 1.5,
        "routing policy: degradeSuccessBelow = 1.5: expected a ratio from 0 to 1");
    rejects(
        p -> p.ejectSuccessBelow = Double.NaN,
        "routing policy: ejectSuccessBelow = NaN: expected a ratio from 0 to 1");
    rejects(
        p -> p.ejectSuccessBelow = 0.97,
        "routing policy: ejectSuccessBelow = 0.97 is above"
            + " degradeSuccessBelow = 0.95: ejecting must be the stricter test");
    rejects(
        p -> p.degradeLatency = 0,
        "routing policy: degradeLatencyP95MsAbove = 0: expected a positive number of ms");
    rejects(
        p -> p.ejectLatency = 10_000,
        "routing policy: ejectLatencyP95MsAbove = 10000 is below"
            + " degradeLatencyP95MsAbove = 30000: ejecting must be the stricter test");
    rejects(
        p -> p.peerDegradeGap = -0.1,
        "routing policy: peerDegradeGap = -0.1: expected a ratio from 0 to 1");
    rejects(
        p -> p.peerEjectGap = 0.01,
        "routing policy: peerEjectGap = 0.01 is below"
            + " peerDegradeGap = 0.05: ejecting must be the stricter test");
    rejects(p -> p.minPeers = 0, "routing policy: minPeers = 0: expected at least 1");
    rejects(
        p -> p.degradedShare = 0,
        "routing policy: degradedShare = 0.0: expected a ratio in (0, 1]");
    rejects(
        p -> p.maxEjectedShare = 2,
        "routing policy: maxEjectedShare = 2.0: expected a ratio from 0 to 1");
    rejects(
        p -> p.panicBelowHealthyShare = -1,
        "routing policy: panicBelowHealthyShare = -1.0: expected a ratio from 0 to 1");
    rejects(
        p -> p.trickleWeight = 10_000, "routing policy: trickleWeight = 10000: expected 0 to 9999");
    rejects(
        p -> p.recoveryEvaluations = 0,
        "routing policy: recoveryEvaluations = 0: expected at least 1");
    rejects(
        p -> p.rampSteps = List.of(0.5, 0.5),
        "routing policy: rampSteps = [0.5, 0.5]: expected strictly increasing shares in (0, 1)");
    rejects(
        p -> p.rampSteps = List.of(0.5, 1.0),
        "routing policy: rampSteps = [0.5, 1.0]: expected strictly increasing shares in (0, 1)");
    rejects(
        p -> p.rampSteps = List.of(0.0),
        "routing policy: rampSteps = [0.0]: expected strictly increasing shares in (0, 1)");
  }

  @Test
  void equalDegradeAndEjectThresholdsAreAllowed() {
    RoutingPolicy p =
        with(
            x -> {
              x.ejectSuccessBelow = 0.95;
              x.ejectLatency = 30_000;
              x.peerEjectGap = 0.05;
            });
    assertThat(p.ejectSuccessBelow()).isEqualTo(p.degradeSuccessBelow());
  }

  @Test
  void rampStepsAreCopied() {
    ArrayList<Double> steps = new ArrayList<>(List.of(0.5));
    RoutingPolicy p = with(x -> x.rampSteps = steps);
    steps.add(0.9);
    assertThat(p.rampSteps()).containsExactly(0.5);
  }

  @Test
  void evidenceCountsProbes() {
    CarrierStats s = new CarrierStats(80, 10, 6, 4, 1200L, 60_000);
    assertThat(s.samples()).isEqualTo(100);
    assertThat(s.successRatio()).isEqualTo(0.86);
    assertThat(CarrierStats.none().successRatio()).isEqualTo(1.0);
    assertThatThrownBy(() -> new CarrierStats(-1, 0, 0, 0, null, 0))
        .hasMessage("carrier stats: counts must not be negative");
    assertThatThrownBy(() -> new PlanCarrier("a", 0, true))
        .hasMessage("plan carrier 'a': baseWeight = 0, expected above 0");
  }

  private static RoutingPolicy with(Consumer<Fixtures.Policy> change) {
    Fixtures.Policy p = new Fixtures.Policy();
    change.accept(p);
    return p.build();
  }

  private static void rejects(Consumer<Fixtures.Policy> change, String message) {
    assertThatThrownBy(() -> with(change))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
