package dev.nines.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.nines.schema.Channel;
import dev.nines.schema.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioLoadingTest {

  @Test
  void theDefaultScenarioLoadsAndHasWhatTheDemoNeeds() {
    Scenario s = Scenario.loadDefault();

    assertThat(s.regions()).hasSize(3);
    assertThat(s.vantages()).hasSize(3);
    assertThat(s.checks())
        .extracting(Scenario.Check::name, Scenario.Check::service)
        .containsExactly(
            tuple("sms-send", Service.SMS),
            tuple("voice-call", Service.VOICE),
            tuple("verify-send", Service.VERIFY));
    assertThat(s.routes())
        .extracting(Scenario.Route::id)
        .contains("US:SMS", "GB:SMS", "DE:SMS", "US:VOICE");
    assertThat(s.routes()).allSatisfy(r -> assertThat(r.carriers()).hasSizeBetween(2, 3));
    double total = s.routes().stream().mapToDouble(Scenario.Route::ratePerSecond).sum();
    assertThat(total).isBetween(100.0, 200.0);
    assertThat(s.accounts())
        .extracting(Scenario.Account::targetPercent)
        .containsExactlyInAnyOrder("99.9", "99.95", "99.99");
    assertThat(s.accounts()).allSatisfy(a -> assertThat(a.creditSchedule()).isNotEmpty());
    assertThat(s.maintenance()).isNotEmpty();

    // A viewer sees a carrier at 40% and a regional outage within the first ten minutes.
    Instant t0 = Instant.parse("2026-05-01T00:00:00Z");
    List<EventOccurrence> first10 = s.eventOccurrences(t0, t0, t0.plus(Duration.ofMinutes(10)));
    assertThat(first10)
        .anySatisfy(
            o -> {
              assertThat(o.event().carrierDegradation()).isNotNull();
              assertThat(o.event().carrierDegradation().successRate()).isEqualTo(0.40);
              assertThat(Duration.between(o.start(), o.end())).isEqualTo(Duration.ofMinutes(5));
              assertThat(o.event().repeatEvery()).isEqualTo(Duration.ofMinutes(20));
            });
    assertThat(first10)
        .anySatisfy(
            o -> {
              assertThat(o.event().serviceOutage()).isNotNull();
              assertThat(Duration.between(o.start(), o.end())).isEqualTo(Duration.ofMinutes(4));
              assertThat(o.event().repeatEvery()).isEqualTo(Duration.ofMinutes(30));
            });
  }

  @Test
  void omittedFieldsTakeTheirDocumentedDefaults() {
    Scenario s =
        Scenario.parse(
            """
        regions: [r1, r2]
        routes:
          - {country: FR, channel: SMS, ratePerSecond: 1, carriers: [{carrierId: c1, baseWeight: 1}]}
        accounts:
          - {accountId: a1, tier: t, targetPercent: "99.9", services: [{service: SMS, monthlyFeeMinor: 1}]}
        """);
    assertThat(s.seed()).isEqualTo(1L);
    assertThat(s.probeInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.probeFailureRate()).isEqualTo(0.001);
    assertThat(s.dailyShape()).isEqualTo(new Scenario.DailyShape(0.0, 14.0));
    assertThat(s.failureMix())
        .isEqualTo(new Scenario.FailureMix(0.962, 0.006, 0.02, 0.003, 0.002, 0.004, 0.003));
    assertThat(s.latency().get(Channel.SMS)).isEqualTo(new Scenario.Latency(2500.0, 20000.0));
    assertThat(s.latency().get(Channel.VOICE)).isEqualTo(new Scenario.Latency(3500.0, 12000.0));
    assertThat(s.duplicates())
        .isEqualTo(new Scenario.Duplicates(0.0, Duration.ZERO, Duration.ofSeconds(5)));
    assertThat(s.late())
        .isEqualTo(new Scenario.Late(0.0, Duration.ofSeconds(1), Duration.ofMinutes(2)));
    assertThat(s.routes().get(0).regions()).containsExactly("r1", "r2");
    assertThat(s.routes().get(0).carriers().get(0).enabled()).isTrue();
    assertThat(s.accounts().get(0).regions()).containsExactly("r1", "r2");
    assertThat(s.accounts().get(0).currency()).isEqualTo("USD");
    assertThat(s.checks()).isEmpty();
    assertThat(s.events()).isEmpty();
  }

  @Test
  void aFailureMixWithoutDeliveredMakesItTheRemainder() {
    Scenario.FailureMix mix = new Scenario.FailureMix(null, 0.1, 0.05, null, null, null, null);
    assertThat(mix.deliveredProbability()).isCloseTo(0.85, Offset.offset(1e-12));
  }

  @Test
  void loadReadsAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("s.yaml");
    Files.writeString(file, ScenarioValidationTest.VALID);
    assertThat(Scenario.load(file)).isEqualTo(Scenario.parse(ScenarioValidationTest.VALID));
  }

  @Test
  void theCompleteExampleInTheDocsIsValid() throws Exception {
    // Tests run in streams-app/; the docs live at the repository top.
    Path doc = Path.of("..", "docs", "SCENARIOS.md");
    String text = Files.readString(doc);
    int section = text.indexOf("## Complete example");
    int begin = text.indexOf("```yaml\n", section) + "```yaml\n".length();
    String yaml = text.substring(begin, text.indexOf("```", begin));
    Scenario s = Scenario.parse(yaml);
    assertThat(s.routes()).hasSize(2);
    assertThat(s.events()).hasSize(3);
    assertThat(s.failureMixOf(s.routes().get(1)).deliveredProbability())
        .isCloseTo(0.86, Offset.offset(1e-9));
  }

  @Test
  void contractTimesAreInstantsOrOffsets() {
    assertThat(TimeRef.parseText("2026-01-01T00:00:00Z").resolve(Instant.EPOCH))
        .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(TimeRef.parseText("-P30D").resolve(Instant.parse("2026-03-31T00:00:00Z")))
        .isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
  }

  @Test
  void repeatingEventsExpandIntoConcreteIntervals() {
    ScriptedEvent e =
        new ScriptedEvent(
            "e",
            Duration.ofMinutes(2),
            Duration.ofMinutes(7),
            Duration.ofMinutes(20),
            null,
            new ScriptedEvent.ServiceOutage(Service.SMS, "r", null));
    Instant o = Instant.parse("2026-05-01T10:00:00Z");
    // [2,7) [22,27) [42,47) [62,67): the span [25, 63) overlaps the last three.
    assertThat(e.occurrences(o, o.plus(Duration.ofMinutes(25)), o.plus(Duration.ofMinutes(63))))
        .extracting(EventOccurrence::start, EventOccurrence::end)
        .containsExactly(
            tuple(o.plus(Duration.ofMinutes(22)), o.plus(Duration.ofMinutes(27))),
            tuple(o.plus(Duration.ofMinutes(42)), o.plus(Duration.ofMinutes(47))),
            tuple(o.plus(Duration.ofMinutes(62)), o.plus(Duration.ofMinutes(67))));
    assertThat(e.isActiveAt(Duration.ofMinutes(22).toMillis())).isTrue();
    assertThat(e.isActiveAt(Duration.ofMinutes(27).toMillis())).isFalse();
    assertThat(e.isActiveAt(Duration.ofMinutes(1).toMillis())).isFalse();

    ScriptedEvent once =
        new ScriptedEvent(
            "once",
            Duration.ofMinutes(2),
            Duration.ofMinutes(7),
            null,
            null,
            new ScriptedEvent.ServiceOutage(Service.SMS, "r", null));
    assertThat(once.occurrences(o, o, o.plus(Duration.ofHours(5)))).hasSize(1);
    assertThat(once.occurrences(o, o.plus(Duration.ofMinutes(7)), o.plus(Duration.ofHours(5))))
        .isEmpty();
  }
}
