package dev.nines.uptime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The NO_DATA rule with a 5-minute limit; times in minutes from 0, worked out by hand. */
class NoDataRuleTest {
  static final long MIN = 60_000L;
  final NoDataRule rule = new NoDataRule(Duration.ofMinutes(5));

  @Test
  void aRegionSilentForExactlyTheLimitIsNotSilentYetAndOneMsMoreIs() {
    // latest probe at 10; the service at 15 is exactly 5 min on: not more than the limit
    assertThat(rule.evaluate(null, 10 * MIN, Long.MIN_VALUE, 15 * MIN)).isNull();
    // 1 ms more: fires, at 10 + 5 = 15 (when the limit was reached), not at the evaluation
    assertThat(rule.evaluate(null, 10 * MIN, Long.MIN_VALUE, 15 * MIN + 1))
        .isEqualTo(new NoDataRule.Silence(10 * MIN, 15 * MIN));
    // evaluated later (the service's stream time at 40): the same firing time
    assertThat(rule.evaluate(null, 10 * MIN, Long.MIN_VALUE, 40 * MIN))
        .isEqualTo(new NoDataRule.Silence(10 * MIN, 15 * MIN));
  }

  @Test
  void aSilenceInForceDoesNotFireAgainAndARegionNeverSeenNeverFires() {
    NoDataRule.Silence s = new NoDataRule.Silence(10 * MIN, 15 * MIN);
    assertThat(rule.evaluate(s, 10 * MIN, Long.MIN_VALUE, 60 * MIN)).isNull();
    assertThat(rule.evaluate(null, Long.MIN_VALUE, Long.MIN_VALUE, 60 * MIN)).isNull();
  }

  @Test
  void theNextProbeResolvesTheAlertAndRecordsTheWholeGap() {
    NoDataRule.Silence s = new NoDataRule.Silence(10 * MIN, 15 * MIN);
    NoDataRule.Arrival a = rule.arrive(List.of(), s, 10 * MIN, 30 * MIN);
    assertThat(a.resolved()).isEqualTo(s);
    assertThat(a.silence()).isNull();
    // [10, 30): 20 minutes no probe covered
    assertThat(a.gaps()).containsExactly(new Interval(10 * MIN, 30 * MIN));
  }

  @Test
  void aGapOfExactlyTheLimitIsNotAGapAndAnEarlierProbeChangesNothing() {
    assertThat(rule.arrive(List.of(), null, 10 * MIN, 15 * MIN).gaps()).isEmpty();
    assertThat(rule.arrive(List.of(), null, 10 * MIN, 15 * MIN + 1).gaps())
        .containsExactly(new Interval(10 * MIN, 15 * MIN + 1));
    // a probe at or before the latest is held or late in the reorder buffer: nothing changes
    NoDataRule.Silence s = new NoDataRule.Silence(10 * MIN, 15 * MIN);
    NoDataRule.Arrival a = rule.arrive(List.of(), s, 10 * MIN, 9 * MIN);
    assertThat(a.resolved()).isNull();
    assertThat(a.silence()).isEqualTo(s);
  }

  @Test
  void unobservedTimeIsTheGapsClippedToThePeriodAndTheOpenOneUpToObservedUntil() {
    Interval period = new Interval(0, 100 * MIN);
    // closed gaps [-20, 10) and [30, 40): 10 + 10 min in the period; open since 90, observed
    // until 95: 5 more; the open one is cut at the period's end too
    List<Interval> gaps =
        List.of(new Interval(-20 * MIN, 10 * MIN), new Interval(30 * MIN, 40 * MIN));
    NoDataRule.Silence open = new NoDataRule.Silence(90 * MIN, 95 * MIN);
    assertThat(NoDataRule.unobservedMs(gaps, open, period, 95 * MIN)).isEqualTo(25 * MIN);
    assertThat(NoDataRule.unobservedMs(gaps, open, period, 130 * MIN)).isEqualTo(30 * MIN);
    assertThat(NoDataRule.unobservedMs(gaps, null, period, 130 * MIN)).isEqualTo(20 * MIN);
  }

  @Test
  void afterAGapOfTheWholeServiceARegionsSilenceCountsFromTheResumption() {
    // every region silent from 10 to 60; the service resumes at 60 with one region: another
    // region whose latest is 10 is not silent at 62 (2 min after the resumption), it is at 65:01,
    // fired at 60 + 5 = 65, and dated from its own latest probe, 10
    assertThat(rule.evaluate(null, 10 * MIN, 60 * MIN, 62 * MIN)).isNull();
    assertThat(rule.evaluate(null, 10 * MIN, 60 * MIN, 65 * MIN + 1))
        .isEqualTo(new NoDataRule.Silence(10 * MIN, 65 * MIN));
  }

  @Test
  void aZeroLimitIsRefused() {
    assertThatThrownBy(() -> new NoDataRule(Duration.ZERO))
        .hasMessageContaining("expected more than 0");
  }
}
