package dev.nines.uptime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.schema.AlertSeverity;
import dev.nines.uptime.AlertEvent.Fired;
import dev.nines.uptime.AlertEvent.Resolved;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * Scripted outages against the default rules at 99.99% (allowed DOWN fraction 0.0001). The
 * thresholds, as DOWN ms that must be exceeded in each window:
 *
 * <pre>
 * PAGE   14.4x  1h: 14.4 * 0.0001 *  3_600_000 =  5_184   5m: 14.4 * 0.0001 *   300_000 =   432
 * PAGE      6x  6h:    6 * 0.0001 * 21_600_000 = 12_960  30m:    6 * 0.0001 * 1_800_000 = 1_080
 * TICKET    3x  1d:    3 * 0.0001 * 86_400_000 = 25_920   2h:    3 * 0.0001 * 7_200_000 = 2_160
 * TICKET    1x  3d:    1 * 0.0001 *259_200_000 = 25_920   6h:    1 * 0.0001 *21_600_000 = 2_160
 * </pre>
 *
 * Evaluated every minute of stream time from 09:00 to 17:00.
 */
class BurnRateAlertsTest {
  private static final long T9 = Instant.parse("2024-11-05T09:00:00Z").toEpochMilli();
  private static final List<BurnRule> RULES = BurnRule.defaults();
  private static final BurnRule PAGE_FAST = RULES.get(0);
  private static final BurnRule PAGE_SLOW = RULES.get(1);
  private static final BurnRule TICKET_FAST = RULES.get(2);
  private static final BurnRule TICKET_SLOW = RULES.get(3);

  private static long at(String hhmmss) {
    return Instant.parse("2024-11-05T" + hhmmss + "Z").toEpochMilli();
  }

  /** Ticks every minute from 09:00 to 17:00 with the outages known at each tick. */
  private static List<AlertEvent> tick(
      BurnRateAlerts alerts, LongFunction<List<Outage>> known, List<Interval> maintenance) {
    AlertState state = AlertState.initial();
    List<AlertEvent> events = new ArrayList<>();
    for (long now = T9; now <= at("17:00:00"); now += 60_000) {
      BurnRateAlerts.Step step = alerts.evaluate(state, now, known.apply(now), maintenance);
      state = AlertState.fromBytes(step.state().toBytes());
      assertThat(state).isEqualTo(step.state());
      events.addAll(step.events());
    }
    return events;
  }

  @Test
  void aTenSecondOutagePagesOnceAndResolvesOnce() {
    // DOWN 10:00:30 to 10:00:40 = 10_000 ms: above 5_184 (PAGE 14.4x, 1h) but below every other
    // long threshold (12_960, 25_920, 25_920), so only the fast page can fire.
    // 10:00: the windows end at 10:00, nothing in them yet.
    // 10:01: 1h [09:01, 10:01) and 5m [09:56, 10:01) both hold 10_000 -> fires.
    // 10:05: 5m [10:00, 10:05) still holds 10_000.
    // 10:06: 5m [10:01, 10:06) holds nothing -> resolves (the 1h window still holds it).
    Outage o = Outage.resolved("x", at("10:00:30"), at("10:00:40"));

    List<AlertEvent> events =
        tick(
            BurnRateAlerts.defaults(),
            now -> now < o.resolvedAt() ? List.of(Outage.open("x", o.startedAt())) : List.of(o),
            List.of());

    assertThat(events)
        .containsExactly(
            new Fired(PAGE_FAST, at("10:01:00")),
            new Resolved(PAGE_FAST, at("10:01:00"), at("10:06:00")));
  }

  @Test
  void aTwentyMinuteOutageFiresEveryRuleAndEachResolvesWhenItsShortWindowIsClear() {
    // DOWN 10:00 to 10:20, open until then. At 10:01 every window holds 60_000 ms, above every
    // threshold: all four fire. The short window [t - S, t) is clear once t - S >= 10:20:
    // 5m -> 10:25, 30m -> 10:50, 2h -> 12:20, 6h -> 16:20. Before that it holds at least the
    // minute 10:19-10:20 (60_000 ms), above every short threshold.
    long start = at("10:00:00");
    long end = at("10:20:00");

    List<AlertEvent> events =
        tick(
            BurnRateAlerts.defaults(),
            now -> List.of(now < end ? Outage.open("x", start) : Outage.resolved("x", start, end)),
            List.of());

    long fired = at("10:01:00");
    assertThat(events)
        .containsExactly(
            new Fired(PAGE_FAST, fired),
            new Fired(PAGE_SLOW, fired),
            new Fired(TICKET_FAST, fired),
            new Fired(TICKET_SLOW, fired),
            new Resolved(PAGE_FAST, fired, at("10:25:00")),
            new Resolved(PAGE_SLOW, fired, at("10:50:00")),
            new Resolved(TICKET_FAST, fired, at("12:20:00")),
            new Resolved(TICKET_SLOW, fired, at("16:20:00")));
  }

  @Test
  void theThresholdIsExceededStrictlyAndExactly() {
    // exactly 5_184 ms: the 1h burn is exactly 14.4, not above it -> nothing at all
    List<Outage> atThreshold =
        List.of(Outage.resolved("x", at("10:00:00"), at("10:00:00") + 5_184));
    assertThat(tick(BurnRateAlerts.defaults(), now -> atThreshold, List.of())).isEmpty();

    // one ms more: 14.4028 -> pages at 10:01, clear of the 5m window at 10:06
    List<Outage> above = List.of(Outage.resolved("x", at("10:00:00"), at("10:00:00") + 5_185));
    assertThat(tick(BurnRateAlerts.defaults(), now -> above, List.of()))
        .containsExactly(
            new Fired(PAGE_FAST, at("10:01:00")),
            new Resolved(PAGE_FAST, at("10:01:00"), at("10:06:00")));
  }

  @Test
  void downtimeInsideMaintenanceBurnsNoBudget() {
    List<Outage> outage = List.of(Outage.resolved("x", at("10:00:00"), at("10:20:00")));
    List<Interval> window = List.of(Interval.of(at("09:30:00"), at("11:00:00")));

    assertThat(tick(BurnRateAlerts.defaults(), now -> outage, window)).isEmpty();
  }

  @Test
  void aReplayedOrEarlierTickChangesNothing() {
    BurnRateAlerts alerts = BurnRateAlerts.defaults();
    List<Outage> outage = List.of(Outage.open("x", at("10:00:00")));
    BurnRateAlerts.Step first =
        alerts.evaluate(AlertState.initial(), at("10:01:00"), outage, List.of());
    assertThat(first.events()).hasSize(4);

    BurnRateAlerts.Step again =
        alerts.evaluate(first.state(), at("10:01:00"), List.of(), List.of());
    assertThat(again.events()).isEmpty();
    assertThat(again.state()).isEqualTo(first.state());
    assertThat(alerts.evaluate(first.state(), at("10:00:30"), List.of(), List.of()).events())
        .isEmpty();
  }

  @Test
  void aFiringRuleDroppedFromTheConfigurationResolvesAtTheNextEvaluation() {
    List<Outage> outage = List.of(Outage.open("x", at("10:00:00")));
    AlertState firing =
        BurnRateAlerts.defaults()
            .evaluate(AlertState.initial(), at("10:01:00"), outage, List.of())
            .state();
    BurnRateAlerts ticketsOnly =
        new BurnRateAlerts(new BigDecimal("99.99"), List.of(TICKET_FAST, TICKET_SLOW));

    BurnRateAlerts.Step step = ticketsOnly.evaluate(firing, at("10:02:00"), outage, List.of());

    assertThat(step.events())
        .containsExactly(
            new Resolved(PAGE_FAST, at("10:01:00"), at("10:02:00")),
            new Resolved(PAGE_SLOW, at("10:01:00"), at("10:02:00")));
    assertThat(step.state().firing())
        .extracting(f -> f.rule())
        .containsExactlyInAnyOrder(TICKET_FAST, TICKET_SLOW);
  }

  @Test
  void rulesAreValidatedAndNamed() {
    assertThat(RULES)
        .extracting(BurnRule::id)
        .containsExactly(
            "PAGE 14.4x 1h/5m", "PAGE 6x 6h/30m", "TICKET 3x 1d/2h", "TICKET 1x 3d/6h");
    assertThat(BurnRule.of(AlertSeverity.PAGE, "14.40", Duration.ofHours(1), Duration.ofMinutes(5)))
        .isEqualTo(PAGE_FAST);
    assertThatThrownBy(
            () -> BurnRule.of(AlertSeverity.PAGE, "2", Duration.ofMinutes(5), Duration.ofHours(1)))
        .hasMessageContaining("not shorter");
    assertThatThrownBy(
            () ->
                BurnRule.of(AlertSeverity.UNKNOWN, "2", Duration.ofHours(1), Duration.ofMinutes(5)))
        .hasMessageContaining("PAGE or TICKET");
    assertThatThrownBy(
            () -> BurnRule.of(AlertSeverity.PAGE, "0", Duration.ofHours(1), Duration.ofMinutes(5)))
        .hasMessageContaining("more than 0");
    assertThatThrownBy(
            () -> new BurnRateAlerts(new BigDecimal("99.99"), List.of(PAGE_FAST, PAGE_FAST)))
        .hasMessageContaining("given twice");
  }

  @Test
  void theStateSurvivesBytes() {
    AlertState state =
        new AlertState(
            at("10:01:00"),
            List.of(
                new AlertState.Firing(TICKET_SLOW, at("10:01:00")),
                new AlertState.Firing(
                    BurnRule.of(
                        AlertSeverity.PAGE, "60", Duration.ofMillis(1500), Duration.ofMillis(1)),
                    at("09:00:00"))));

    assertThat(AlertState.fromBytes(state.toBytes())).isEqualTo(state);
    assertThat(AlertState.fromBytes(AlertState.initial().toBytes()))
        .isEqualTo(AlertState.initial());
  }
}
