package dev.nines.routing;

import static dev.nines.routing.Fixtures.BAD;
import static dev.nines.routing.Fixtures.GOOD;
import static dev.nines.routing.Fixtures.MEDIOCRE;
import static dev.nines.routing.Fixtures.on;
import static dev.nines.routing.Fixtures.stats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.CarrierState;
import dev.nines.schema.RouteMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every transition of one carrier, x (base 1000), next to two healthy peers (4500 each), so that
 * neither the ejection cap nor panic gets in the way: ejecting x is 10% of the base weight.
 */
class CarrierTransitionsTest {

  private final Fixtures.Run run = new Fixtures.Run(on("x", 1000), on("p", 4500), on("q", 4500));

  private CarrierDecision x(CarrierStats evidence) {
    RouteDecision d = run.evaluate(stats("x", evidence, "p", GOOD, "q", GOOD));
    assertThat(d.mode()).isEqualTo(RouteMode.NORMAL);
    return run.carrier("x");
  }

  /** The state machine's part of x's memory (the backoff's bookkeeping has its own tests). */
  private CarrierMemory memory() {
    CarrierMemory m = run.memory.get("x");
    return new CarrierMemory(m.state(), m.healthyStreak(), m.rampStep(), m.canary(), List.of(), 0);
  }

  @Test
  void healthyStaysHealthyWithFullBaseWeight() {
    CarrierDecision d = x(GOOD);
    assertThat(d.state()).isEqualTo(CarrierState.HEALTHY);
    assertThat(d.reason()).isEqualTo("success 99.5% over 2m (n=1000): within thresholds");
    assertThat(run.weights()).containsExactly(1000, 4500, 4500);
    assertThat(memory()).isEqualTo(new CarrierMemory(CarrierState.HEALTHY, 0, 0));
  }

  @Test
  void healthyToDegradedOnLowSuccess() {
    CarrierDecision d = x(MEDIOCRE);
    assertThat(d.state()).isEqualTo(CarrierState.DEGRADED);
    assertThat(d.reason())
        .isEqualTo(
            "success 90.0% over 2m (n=1000) below degrade threshold 95.0%; degraded to 50% of base");
    // shares 500 : 4500 : 4500 of 10000 -> 526.3, 4736.8, 4736.8; the two units left go to the
    // largest remainders (.842, .842 before .316)
    assertThat(run.weights()).containsExactly(526, 4737, 4737);
  }

  @Test
  void healthyToEjectedOnVeryLowSuccess() {
    CarrierDecision d = x(Fixtures.success(0.412, 1184));
    assertThat(d.state()).isEqualTo(CarrierState.EJECTED);
    assertThat(d.reason())
        .isEqualTo(
            "success 41.2% over 2m (n=1184) below eject threshold 80.0%;"
                + " ejected: keeps a trickle of 100 of 10000 so that its recovery can be seen");
    // the trickle first, then 9900 split 4500 : 4500
    assertThat(run.weights()).containsExactly(100, 4950, 4950);
  }

  @Test
  void latencyDegradesAndEjects() {
    assertThat(x(Fixtures.latency(35_000)).reason())
        .startsWith("p95 latency 35000 ms over 2m above degrade threshold 30000 ms; degraded");
    assertThat(run.carrier("x").state()).isEqualTo(CarrierState.DEGRADED);

    assertThat(x(Fixtures.latency(72_300)).reason())
        .startsWith("p95 latency 72300 ms over 2m above eject threshold 60000 ms; ejected");
    assertThat(run.carrier("x").state()).isEqualTo(CarrierState.EJECTED);
  }

  @Test
  void bothRulesBrokenAreBothQuoted() {
    CarrierStats slowAndFailing = new CarrierStats(500, 500, 0, 0, 61_000L, Fixtures.TWO_MINUTES);
    assertThat(x(slowAndFailing).reason())
        .startsWith(
            "success 50.0% over 2m (n=1000) below eject threshold 80.0%;"
                + " p95 latency 61000 ms over 2m above eject threshold 60000 ms; ejected");
  }

  @Test
  void degradedToEjected() {
    x(MEDIOCRE);
    assertThat(x(BAD).state()).isEqualTo(CarrierState.EJECTED);
    assertThat(memory()).isEqualTo(new CarrierMemory(CarrierState.EJECTED, 0, 0));
  }

  @Test
  void degradedRecoversAfterThreeHealthyEvaluations() {
    x(MEDIOCRE);
    assertThat(x(GOOD).reason()).endsWith("healthy 1 of 3 evaluations before recovery");
    assertThat(memory()).isEqualTo(new CarrierMemory(CarrierState.DEGRADED, 1, 0));
    assertThat(x(GOOD).reason()).endsWith("healthy 2 of 3 evaluations before recovery");
    assertThat(run.carrier("x").state()).isEqualTo(CarrierState.DEGRADED);
    CarrierDecision third = x(GOOD);
    assertThat(third.state()).isEqualTo(CarrierState.HEALTHY);
    assertThat(third.reason()).endsWith("recovered after 3 healthy evaluations");
    assertThat(third.weight()).isEqualTo(1000);
  }

  @Test
  void aDegradeVerdictResetsTheStreak() {
    x(MEDIOCRE);
    x(GOOD);
    x(GOOD);
    assertThat(x(MEDIOCRE).state()).isEqualTo(CarrierState.DEGRADED);
    assertThat(memory().healthyStreak()).isZero();
    assertThat(x(GOOD).reason()).endsWith("healthy 1 of 3 evaluations before recovery");
  }

  @Test
  void ejectedStaysEjectedOnADegradeVerdict() {
    x(BAD);
    x(GOOD);
    CarrierDecision d = x(MEDIOCRE);
    assertThat(d.state()).isEqualTo(CarrierState.EJECTED);
    assertThat(d.reason()).contains("stays ejected");
    assertThat(memory()).isEqualTo(new CarrierMemory(CarrierState.EJECTED, 0, 0));
  }

  @Test
  void ejectedBecomesRecoveringAfterThreeHealthyEvaluations() {
    x(BAD);
    assertThat(x(GOOD).reason()).endsWith("healthy 1 of 3 evaluations before recovery");
    CarrierDecision second = x(GOOD);
    assertThat(second.state()).isEqualTo(CarrierState.EJECTED);
    assertThat(second.weight()).isEqualTo(100);
    assertThat(second.reason())
        .isEqualTo(
            "success 99.5% over 2m (n=1000): within thresholds;"
                + " healthy 2 of 3 evaluations before recovery");
    CarrierDecision third = x(GOOD);
    assertThat(third.state()).isEqualTo(CarrierState.RECOVERING);
    assertThat(third.reason()).endsWith("recovering: step 1 of 3 (25% of base)");
    assertThat(memory()).isEqualTo(new CarrierMemory(CarrierState.RECOVERING, 0, 0));
  }

  @Test
  void recoveringClimbsTheRampThenIsHealthy() {
    ejectThenRecover();
    assertThat(x(GOOD).reason()).endsWith("recovering: step 2 of 3 (50% of base)");
    assertThat(memory()).isEqualTo(new CarrierMemory(CarrierState.RECOVERING, 0, 1));
    assertThat(x(GOOD).reason()).endsWith("recovering: step 3 of 3 (75% of base)");
    CarrierDecision healthy = x(GOOD);
    assertThat(healthy.state()).isEqualTo(CarrierState.HEALTHY);
    assertThat(healthy.reason()).endsWith("recovered: slow start complete, full base weight");
    assertThat(healthy.weight()).isEqualTo(1000);
  }

  @Test
  void recoveringIsEjectedAgainOnADegradeVerdict() {
    ejectThenRecover();
    x(GOOD);
    CarrierDecision d = x(MEDIOCRE);
    assertThat(d.state()).isEqualTo(CarrierState.EJECTED);
    assertThat(d.reason()).contains("ejected again: unhealthy while recovering");
    assertThat(memory()).isEqualTo(new CarrierMemory(CarrierState.EJECTED, 0, 0));
  }

  @Test
  void recoveringIsEjectedAgainOnAnEjectVerdict() {
    ejectThenRecover();
    assertThat(x(BAD).state()).isEqualTo(CarrierState.EJECTED);
    assertThat(memory()).isEqualTo(new CarrierMemory(CarrierState.EJECTED, 0, 0));
  }

  @Test
  void withoutRampStepsRecoveryGoesStraightToHealthy() {
    Fixtures.Policy p = new Fixtures.Policy();
    p.rampSteps = List.of();
    Fixtures.Run noRamp = new Fixtures.Run(p.build(), on("x", 1000), on("p", 4500), on("q", 4500));
    noRamp.evaluate(stats("x", BAD, "p", GOOD, "q", GOOD));
    noRamp.evaluate(stats("x", GOOD, "p", GOOD, "q", GOOD));
    noRamp.evaluate(stats("x", GOOD, "p", GOOD, "q", GOOD));
    noRamp.evaluate(stats("x", GOOD, "p", GOOD, "q", GOOD));
    assertThat(noRamp.carrier("x").state()).isEqualTo(CarrierState.HEALTHY);
    assertThat(noRamp.carrier("x").reason()).endsWith("(no slow start)");
  }

  @Test
  void oneRecoveryEvaluationIsEnoughWhenThePolicySaysSo() {
    Fixtures.Policy p = new Fixtures.Policy();
    p.recoveryEvaluations = 1;
    Fixtures.Run quick = new Fixtures.Run(p.build(), on("x", 1000), on("p", 4500), on("q", 4500));
    quick.evaluate(stats("x", BAD, "p", GOOD, "q", GOOD));
    quick.evaluate(stats("x", GOOD, "p", GOOD, "q", GOOD));
    assertThat(quick.carrier("x").state()).isEqualTo(CarrierState.RECOVERING);
  }

  private void ejectThenRecover() {
    x(BAD);
    x(GOOD);
    x(GOOD);
    assertThat(x(GOOD).state()).isEqualTo(CarrierState.RECOVERING);
  }
}
