package dev.nines.uptime.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.Topics;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.eventtime.ObjectStore;
import dev.nines.eventtime.OrderGateProcessor;
import dev.nines.schema.CreditTier;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Incident;
import dev.nines.schema.IncidentStatus;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.schema.ServiceFee;
import dev.nines.schema.SlaContract;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.UptimeLedger;
import dev.nines.testing.Drivers;
import dev.nines.testing.TestRegistry;
import dev.nines.uptime.RegionState;
import dev.nines.uptime.ServiceState;
import dev.nines.views.Views;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Probes through the whole topology to incidents, ledger lines, burn-rate alerts and credits,
 * with the defaults: confirmations 2, quorum 1, reorder grace 30 s, tick 1 min, month grace 1 h,
 * target 99.99, the workbook's four burn-rate rules. Every expected number is worked out by hand
 * in the comments.
 */
class UptimeTopologyTest {
  TopologyTestDriver driver;
  TestInputTopic<String, ProbeResult> probes;
  TestInputTopic<String, MaintenanceWindow> windows;
  TestInputTopic<String, SlaContract> contracts;
  TestOutputTopic<String, Incident> incidents;
  TestOutputTopic<String, UptimeLedger> ledger;
  TestOutputTopic<String, ErrorBudgetAlert> alerts;
  TestOutputTopic<String, SlaCredit> credits;
  TestOutputTopic<byte[], byte[]> deadLetters;
  TestRegistry registry;
  int seq;

  @BeforeEach
  void start() {
    start(NinesConfig.defaults());
  }

  void start(NinesConfig config) {
    registry = new TestRegistry();
    driver = Drivers.start(config, registry);
    probes =
        driver.createInputTopic(
            Topics.PROBE_RESULTS.name(),
            Topics.PROBE_RESULTS.keySerde().serializer(),
            Topics.PROBE_RESULTS.valueSerde(registry).serializer());
    windows =
        driver.createInputTopic(
            Topics.MAINTENANCE_WINDOWS.name(),
            Topics.MAINTENANCE_WINDOWS.keySerde().serializer(),
            Topics.MAINTENANCE_WINDOWS.valueSerde(registry).serializer());
    contracts =
        driver.createInputTopic(
            Topics.SLA_CONTRACTS.name(),
            Topics.SLA_CONTRACTS.keySerde().serializer(),
            Topics.SLA_CONTRACTS.valueSerde(registry).serializer());
    incidents =
        driver.createOutputTopic(
            Topics.INCIDENTS.name(),
            Topics.INCIDENTS.keySerde().deserializer(),
            Topics.INCIDENTS.valueSerde(registry).deserializer());
    ledger =
        driver.createOutputTopic(
            Topics.UPTIME_LEDGER.name(),
            Topics.UPTIME_LEDGER.keySerde().deserializer(),
            Topics.UPTIME_LEDGER.valueSerde(registry).deserializer());
    alerts =
        driver.createOutputTopic(
            Topics.ERROR_BUDGET_ALERTS.name(),
            Topics.ERROR_BUDGET_ALERTS.keySerde().deserializer(),
            Topics.ERROR_BUDGET_ALERTS.valueSerde(registry).deserializer());
    credits =
        driver.createOutputTopic(
            Topics.SLA_CREDITS.name(),
            Topics.SLA_CREDITS.keySerde().deserializer(),
            Topics.SLA_CREDITS.valueSerde(registry).deserializer());
    deadLetters =
        driver.createOutputTopic(
            Topics.DEAD_LETTERS.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  /** One probe a minute from {@code from} to {@code to} (inclusive); failing where told. */
  void minutes(String region, Instant from, Instant to, Predicate<Instant> fails) {
    for (Instant t = from; !t.isAfter(to); t = t.plus(Duration.ofMinutes(1))) {
      probe(region, t, !fails.test(t));
    }
  }

  void probe(String region, Instant at, boolean success) {
    probe(region, "v1", at, success);
  }

  void probe(String region, String vantage, Instant at, boolean success) {
    String id = "p" + (seq++);
    probes.pipeInput(
        id,
        ProbeResult.newBuilder()
            .setProbeId(id)
            .setCheck("sms-send")
            .setService(Service.SMS)
            .setRegion(region)
            .setVantage(vantage)
            .setSuccess(success)
            .setObservedAt(at)
            .build(),
        at);
  }

  static UptimeLedger lastOf(List<TestRecord<String, UptimeLedger>> lines, String key) {
    return lines.stream()
        .filter(r -> r.key().equals(key))
        .map(TestRecord::value)
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no ledger line " + key));
  }

  @Test
  void withQuorumTwoOneVantageFailingAloneIsNoIncidentAndBothFailingIs() {
    driver.close();
    start(ConfigLoader.load(Optional.empty(), Map.of(), Map.of("uptime.quorum", "2")));
    // v1 fails 10:05-10:09 (5 probes, confirmed at 10:06) while v2 succeeds: the vantages
    // disagree, quorum 2 is not reached, no incident. Then v1 fails 10:20-10:22 and v2
    // 10:21-10:22: v2 confirms at 10:22, the quorum's runs started at 10:20 and 10:21, so DOWN
    // from 10:20; both succeed at 10:23: UP at 10:23. Down 180,000 ms.
    Instant t0 = Instant.parse("2026-03-10T10:00:00Z");
    for (int m = 0; m <= 30; m++) {
      Instant t = t0.plusSeconds(60L * m);
      probe("us-east", "v1", t, !((m >= 5 && m <= 9) || (m >= 20 && m <= 22)));
      probe("us-east", "v2", t, !(m >= 21 && m <= 22));
    }
    List<Incident> inc = incidents.readValuesToList();
    assertThat(inc)
        .extracting(Incident::getStatus, Incident::getStartedAt, Incident::getResolvedAt)
        .containsExactly(
            Tuple.tuple(IncidentStatus.OPEN, t0.plusSeconds(1200), null),
            Tuple.tuple(IncidentStatus.RESOLVED, t0.plusSeconds(1200), t0.plusSeconds(1380)));
    assertThat(inc.get(0).getVantages()).containsExactly("v1", "v2");
    assertThat(lastOf(ledger.readRecordsToList(), "SMS:us-east:2026-03").getDowntimeMs())
        .isEqualTo(180_000);
  }

  @Test
  void aFlappingCheckOpensNoIncidentAndChargesNothing() {
    // fail, succeed, fail, succeed ... for an hour: never two failures in a row
    Instant t0 = Instant.parse("2026-03-10T10:00:00Z");
    minutes(
        "us-east",
        t0,
        t0.plusSeconds(3600),
        t -> (t.getEpochSecond() - t0.getEpochSecond()) / 60 % 2 == 0);
    assertThat(incidents.isEmpty()).isTrue();
    assertThat(alerts.isEmpty()).isTrue();
    UptimeLedger last = lastOf(ledger.readRecordsToList(), "SMS:us-east:2026-03");
    assertThat(last.getDowntimeMs()).isZero();
    assertThat(last.getAvailabilityPercent()).isEqualTo("100.000000");
  }

  @Test
  void anIncidentOverMidnightAtAMonthEndIsSplitBetweenTheMonths() {
    // DOWN [31 Oct 23:58, 1 Nov 00:07): October 120,000 ms, November 420,000 ms; probes until
    // 01:01 so October is finalized (month end + 1 h grace).
    minutes(
        "us-east",
        Instant.parse("2026-10-31T23:50:00Z"),
        Instant.parse("2026-11-01T01:01:00Z"),
        between("2026-10-31T23:58:00Z", "2026-11-01T00:07:00Z"));
    var lines = ledger.readRecordsToList();
    UptimeLedger oct = lastOf(lines, "SMS:us-east:2026-10");
    UptimeLedger nov = lastOf(lines, "SMS:us-east:2026-11");
    String id = "SMS-us-east-20261031T235800000Z";
    assertThat(oct.getFinalized()).isTrue();
    assertThat(oct.getDowntimeMs()).isEqualTo(120_000);
    // 31 d: 100 * (1 - 120000 / 2678400000) = 99.99551971...
    assertThat(oct.getAvailabilityPercent()).isEqualTo("99.995519");
    assertThat(oct.getIncidentIds()).containsExactly(id);
    assertThat(nov.getFinalized()).isFalse();
    assertThat(nov.getDowntimeMs()).isEqualTo(420_000);
    // 30 d = 2,592,000,000 ms: 100 * (1 - 420000 / 2592000000) = 99.98379629...
    assertThat(nov.getAvailabilityPercent()).isEqualTo("99.983796");
    assertThat(nov.getIncidentIds()).containsExactly(id);
    // one incident, opened in October and resolved in November
    assertThat(incidents.readValuesToList())
        .extracting(Incident::getIncidentId, Incident::getStatus)
        .containsExactly(
            Tuple.tuple(id, IncidentStatus.OPEN), Tuple.tuple(id, IncidentStatus.RESOLVED));
  }

  @Test
  void theMaintenanceViewHoldsAnnouncedWindowsUntilTheyAreRemoved() {
    MaintenanceWindow w =
        MaintenanceWindow.newBuilder()
            .setService(Service.VOICE)
            .setRegion("ap-south")
            .setStartsAt(Instant.parse("2026-03-10T10:00:00Z"))
            .setEndsAt(Instant.parse("2026-03-10T11:00:00Z"))
            .build();
    windows.pipeInput("mw-1", w);
    windows.pipeInput("mw-2", MaintenanceWindow.newBuilder(w).setRegion("eu-west").build());
    var store = driver.<String, MaintenanceWindow>getKeyValueStore(Views.MAINTENANCE_STORE);
    assertThat(store.get("VOICE:mw-1")).isEqualTo(w);
    assertThat(store.get("VOICE:mw-2").getRegion()).isEqualTo("eu-west");
    windows.pipeInput("mw-1", null); // a tombstone goes to every service
    assertThat(store.get("VOICE:mw-1")).isNull();
    assertThat(store.get("VOICE:mw-2")).isNotNull();
  }

  @Test
  void anIncidentWhollyInsideMaintenanceIsMaintenanceNotDowntime() {
    // window 10:00-11:00; DOWN [10:10, 10:20) lies wholly inside it
    windows.pipeInput(
        "mw-9",
        MaintenanceWindow.newBuilder()
            .setService(Service.SMS)
            .setRegion("us-east")
            .setStartsAt(Instant.parse("2026-03-10T10:00:00Z"))
            .setEndsAt(Instant.parse("2026-03-10T11:00:00Z"))
            .build());
    minutes(
        "us-east",
        Instant.parse("2026-03-10T09:55:00Z"),
        Instant.parse("2026-03-10T10:30:00Z"),
        between("2026-03-10T10:10:00Z", "2026-03-10T10:20:00Z"));
    List<Incident> inc = incidents.readValuesToList();
    assertThat(inc).hasSize(2).allSatisfy(i -> assertThat(i.getInMaintenance()).isTrue());
    UptimeLedger last = lastOf(ledger.readRecordsToList(), "SMS:us-east:2026-03");
    assertThat(last.getDowntimeMs()).isZero();
    assertThat(last.getMaintenanceMs()).isEqualTo(600_000);
    assertThat(last.getAvailabilityPercent()).isEqualTo("100.000000");
    assertThat(last.getErrorBudgetRemainingMs()).isEqualTo(267_840);
    // downtime inside an announced window burns no budget: no alert
    assertThat(alerts.isEmpty()).isTrue();
  }

  static Predicate<Instant> between(String fromIncl, String toExcl) {
    Instant a = Instant.parse(fromIncl);
    Instant b = Instant.parse(toExcl);
    return t -> !t.isBefore(a) && t.isBefore(b);
  }

  @Test
  void anIncidentOpensResolvesAndChargesTheLedgerAndTheAlerts() {
    // SMS us-east fails at 10:05, 10:06, 10:07 and succeeds from 10:08: DOWN [10:05, 10:08).
    minutes(
        "us-east",
        Instant.parse("2026-03-10T10:00:00Z"),
        Instant.parse("2026-03-10T10:40:00Z"),
        between("2026-03-10T10:05:00Z", "2026-03-10T10:08:00Z"));

    String id = "SMS-us-east-20260310T100500000Z";
    List<Incident> inc = incidents.readValuesToList();
    assertThat(inc)
        .extracting(
            Incident::getIncidentId,
            Incident::getStatus,
            Incident::getStartedAt,
            Incident::getResolvedAt)
        .containsExactly(
            Tuple.tuple(id, IncidentStatus.OPEN, Instant.parse("2026-03-10T10:05:00Z"), null),
            Tuple.tuple(
                id,
                IncidentStatus.RESOLVED,
                Instant.parse("2026-03-10T10:05:00Z"),
                Instant.parse("2026-03-10T10:08:00Z")));
    assertThat(inc.get(0).getChecks()).containsExactly("sms-send");
    assertThat(inc.get(0).getVantages()).containsExactly("v1");
    assertThat(inc.get(0).getInMaintenance()).isFalse();

    List<TestRecord<String, UptimeLedger>> lines = ledger.readRecordsToList();
    assertThat(lines).allSatisfy(r -> assertThat(r.key()).isEqualTo("SMS:us-east:2026-03"));
    // the month's first line, before any incident: 100 %
    assertThat(lines.get(0).value().getAvailabilityPercent()).isEqualTo("100.000000");
    assertThat(lines.get(0).value().getDowntimeMs()).isZero();
    // observedUntil never goes back
    for (int i = 1; i < lines.size(); i++) {
      assertThat(lines.get(i).value().getObservedUntil())
          .isAfterOrEqualTo(lines.get(i - 1).value().getObservedUntil());
    }
    UptimeLedger last = lines.get(lines.size() - 1).value();
    // March: 31 d = 2,678,400,000 ms. Down 180,000 ms: 100 * (1 - 180000 / 2678400000)
    // = 99.99327956989..., rounded down to 6 places. Budget floor(2678400000 * 0.0001) = 267,840.
    assertThat(last.getDowntimeMs()).isEqualTo(180_000);
    assertThat(last.getMaintenanceMs()).isZero();
    assertThat(last.getAvailabilityPercent()).isEqualTo("99.993279");
    assertThat(last.getTargetPercent()).isEqualTo("99.99");
    assertThat(last.getErrorBudgetRemainingMs()).isEqualTo(267_840 - 180_000);
    assertThat(last.getIncidentIds()).containsExactly(id);
    assertThat(last.getFinalized()).isFalse();
    assertThat(last.getPeriodStart()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    assertThat(last.getPeriodEnd()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));

    // Alerts are evaluated on minute boundaries up to (stream time - 30 s grace). The DOWN is
    // known once the 10:06 probe is released (at the 10:07 probe); at 10:06 both windows of
    // every rule hold 60 s of downtime, more than each threshold (largest: 1 x 3 d x 0.0001 =
    // 25,920 ms), so all four fire at 10:06. PAGE 14.4 resolves when its 5 min window holds
    // <= 432 ms: at 10:13 ([10:08, 10:13) is clean). PAGE 6 when its 30 min window holds
    // <= 1,080 ms: at 10:38. The TICKET rules' short windows (2 h, 6 h) still burn at 10:40.
    List<ErrorBudgetAlert> al = alerts.readValuesToList();
    assertThat(al)
        .extracting(
            a ->
                a.getSeverity()
                    + " "
                    + a.getBurnRate()
                    + " "
                    + a.getLongWindow()
                    + "/"
                    + a.getShortWindow()
                    + " "
                    + a.getFiredAt()
                    + " "
                    + a.getResolvedAt())
        .containsExactly(
            "PAGE 14.4 PT1H/PT5M 2026-03-10T10:06:00Z null",
            "PAGE 6.0 PT6H/PT30M 2026-03-10T10:06:00Z null",
            "TICKET 3.0 PT24H/PT2H 2026-03-10T10:06:00Z null",
            "TICKET 1.0 PT72H/PT6H 2026-03-10T10:06:00Z null",
            "PAGE 14.4 PT1H/PT5M 2026-03-10T10:06:00Z 2026-03-10T10:13:00Z",
            "PAGE 6.0 PT6H/PT30M 2026-03-10T10:06:00Z 2026-03-10T10:38:00Z");
    assertThat(credits.isEmpty()).isTrue();
  }

  @Test
  void aSingleFailureIsNotDowntimeAndDuplicatesAndReorderedProbesCountOnce() {
    Instant t0 = Instant.parse("2026-03-10T10:00:00Z");
    // one failure at 10:02 alone: no incident
    minutes("us-east", t0, t0.plusSeconds(300), t -> t.equals(t0.plusSeconds(120)));
    // then 10:06 and 10:07 fail, but arrive in the order 10:07, 10:06 and 10:07 twice, within
    // the 30 s grace of each other's stream time: still one run of two, DOWN from 10:06
    probe("us-east", t0.plusSeconds(360), true);
    String id7 = "p" + (seq++);
    ProbeResult p7 =
        ProbeResult.newBuilder()
            .setProbeId(id7)
            .setCheck("sms-send")
            .setService(Service.SMS)
            .setRegion("us-east")
            .setVantage("v1")
            .setSuccess(false)
            .setObservedAt(t0.plusSeconds(420))
            .build();
    probes.pipeInput(id7, p7, p7.getObservedAt());
    probe("us-east", t0.plusSeconds(400), false);
    probes.pipeInput(id7, p7, p7.getObservedAt());
    minutes("us-east", t0.plusSeconds(480), t0.plusSeconds(600), t -> false);

    List<Incident> inc = incidents.readValuesToList();
    // 10:06 success, 10:06:40 fail, 10:07 fail (one run of 2) -> DOWN from 10:06:40, UP 10:08
    assertThat(inc)
        .extracting(Incident::getStatus, Incident::getStartedAt, Incident::getResolvedAt)
        .containsExactly(
            Tuple.tuple(IncidentStatus.OPEN, t0.plusSeconds(400), null),
            Tuple.tuple(IncidentStatus.RESOLVED, t0.plusSeconds(400), t0.plusSeconds(480)));
    UptimeLedger last = ledger.readValuesToList().stream().reduce((a, b) -> b).orElseThrow();
    assertThat(last.getDowntimeMs()).isEqualTo(80_000); // [10:06:40, 10:08)
  }

  @Test
  void whenProbesStopTheTailTheWatermarksHoldIsReleasedAfterThePartitionIdleTime() {
    // probes until 01:00: the order gate releases up to the last watermark (01:00) less the
    // reorder grace, 00:59:30, so the 01:00 probe is held and March (month end + 1 h grace =
    // 01:00) is not finalized yet
    minutes(
        "us-east",
        Instant.parse("2026-03-31T23:50:00Z"),
        Instant.parse("2026-04-01T01:00:00Z"),
        t -> false);
    assertThat(ledger.readRecordsToList()).noneMatch(r -> r.value().getFinalized());
    // uptime.partition.idle (5 min) of wall-clock time with no probe: the only input partition
    // sends an idle mark, every partition is idle, and the gate lets the held 01:00 out
    driver.advanceWallClockTime(NinesConfig.defaults().uptime().partitionIdle().plusSeconds(1));
    UptimeLedger march = lastOf(ledger.readRecordsToList(), "SMS:us-east:2026-03");
    assertThat(march.getFinalized()).isTrue();
    assertThat(march.getObservedUntil()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
    assertThat(march.getDowntimeMs()).isZero();
  }

  @Test
  void aMonthClosesAcrossTheBoundaryAndCreditsAreIssuedOncePerAccount() {
    // SMS maintenance in us-east 23:30-23:45 on 31 March.
    windows.pipeInput(
        "mw-1",
        MaintenanceWindow.newBuilder()
            .setService(Service.SMS)
            .setRegion("us-east")
            .setStartsAt(Instant.parse("2026-03-31T23:30:00Z"))
            .setEndsAt(Instant.parse("2026-03-31T23:45:00Z"))
            .build());
    contracts.pipeInput("acme", contract("acme", List.of("us-east", "eu-west"), 10_000));
    contracts.pipeInput("beta", contract("beta", List.of("eu-west"), 5_000));
    contracts.pipeInput("gamma", contract("gamma", List.of("ap-south"), 7_000));

    // us-east DOWN [23:40, 00:07), eu-west DOWN [23:45, 23:55); probes until 01:02 so that the
    // service's stream time passes 1 April 00:00 + 1 h grace in both regions. (01:02, not 01:01:
    // the order gate releases a probe once the watermarks, sent each uptime.watermark.interval
    // of stream time, are uptime.reorder.grace past it, so the last minute stays held.)
    Instant from = Instant.parse("2026-03-31T23:30:00Z");
    Instant to = Instant.parse("2026-04-01T01:02:00Z");
    for (Instant t = from; !t.isAfter(to); t = t.plus(Duration.ofMinutes(1))) {
      probe("us-east", t, !between("2026-03-31T23:40:00Z", "2026-04-01T00:07:00Z").test(t));
      probe("eu-west", t, !between("2026-03-31T23:45:00Z", "2026-03-31T23:55:00Z").test(t));
    }

    Map<String, List<UptimeLedger>> byKey =
        ledger.readRecordsToList().stream()
            .collect(
                Collectors.groupingBy(
                    TestRecord::key, Collectors.mapping(TestRecord::value, Collectors.toList())));
    String usId = "SMS-us-east-20260331T234000000Z";
    String euId = "SMS-eu-west-20260331T234500000Z";
    // us-east March: DOWN 23:40-00:00 = 1,200,000 ms, of which 23:40-23:45 in maintenance.
    UptimeLedger usMarch = last(byKey.get("SMS:us-east:2026-03"));
    assertThat(usMarch.getFinalized()).isTrue();
    assertThat(usMarch.getObservedUntil()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
    assertThat(usMarch.getMaintenanceMs()).isEqualTo(300_000);
    assertThat(usMarch.getDowntimeMs()).isEqualTo(900_000);
    // 100 * (1 - 900000 / 2678400000) = 99.96639784946...
    assertThat(usMarch.getAvailabilityPercent()).isEqualTo("99.966397");
    assertThat(usMarch.getErrorBudgetRemainingMs()).isEqualTo(267_840 - 900_000);
    assertThat(usMarch.getIncidentIds()).containsExactly(usId);
    // exactly one finalized line per month and region
    assertThat(byKey.get("SMS:us-east:2026-03")).filteredOn(UptimeLedger::getFinalized).hasSize(1);
    // April gets the rest of the incident: 00:00-00:07 = 420,000 ms; not finalized yet
    UptimeLedger usApril = last(byKey.get("SMS:us-east:2026-04"));
    assertThat(usApril.getDowntimeMs()).isEqualTo(420_000);
    assertThat(usApril.getFinalized()).isFalse();
    assertThat(usApril.getIncidentIds()).containsExactly(usId);
    UptimeLedger euMarch = last(byKey.get("SMS:eu-west:2026-03"));
    assertThat(euMarch.getFinalized()).isTrue();
    assertThat(euMarch.getDowntimeMs()).isEqualTo(600_000);

    List<Incident> inc = incidents.readValuesToList();
    assertThat(inc)
        .filteredOn(i -> i.getIncidentId().equals(usId))
        .first()
        .satisfies(i -> assertThat(i.getInMaintenance()).isTrue());
    assertThat(inc)
        .filteredOn(i -> i.getIncidentId().equals(euId))
        .first()
        .satisfies(i -> assertThat(i.getInMaintenance()).isFalse());

    // Credits, issued at 1 April 01:00 (month end + 1 h):
    // acme covers both regions: charged us-east [23:45, 00:00) and eu-west [23:45, 23:55) -> the
    // union is 900,000 ms -> 99.966397...% < 99.99 (10 %), not < 99.9 -> 10 % of 10,000 = 1,000.
    // beta covers eu-west: 600,000 ms -> 100 * (1 - 600000/2678400000) = 99.97759856...% ->
    // 10 % of 5,000 = 500. gamma covers ap-south only: no downtime, no credit.
    List<TestRecord<String, SlaCredit>> issued = credits.readRecordsToList();
    assertThat(issued).extracting(TestRecord::key).containsExactly("acme", "beta");
    SlaCredit acme = issued.get(0).value();
    assertThat(acme.getCreditId()).isEqualTo("credit-acme-SMS-2026-03");
    assertThat(acme.getMonth()).isEqualTo("2026-03");
    assertThat(acme.getDowntimeMs()).isEqualTo(900_000);
    assertThat(acme.getAvailabilityPercent()).isEqualTo("99.966397");
    assertThat(acme.getCreditPercent()).isEqualTo(10);
    assertThat(acme.getCreditAmountMinor()).isEqualTo(1_000);
    assertThat(acme.getCurrency()).isEqualTo("EUR");
    assertThat(acme.getIncidentIds()).containsExactly(euId, usId);
    assertThat(acme.getIssuedAt()).isEqualTo(Instant.parse("2026-04-01T01:00:00Z"));
    assertThat(issued.get(0).timestamp())
        .isEqualTo(Instant.parse("2026-04-01T01:00:00Z").toEpochMilli());
    SlaCredit beta = issued.get(1).value();
    assertThat(beta.getDowntimeMs()).isEqualTo(600_000);
    assertThat(beta.getAvailabilityPercent()).isEqualTo("99.977598");
    assertThat(beta.getCreditAmountMinor()).isEqualTo(500);
    assertThat(beta.getIncidentIds()).containsExactly(euId);

    // more probes after the close change nothing for March and issue nothing again
    minutes(
        "us-east",
        Instant.parse("2026-04-01T01:02:00Z"),
        Instant.parse("2026-04-01T01:10:00Z"),
        t -> false);
    // a probe of March arriving now is late: counted, not applied. It is caught by the order
    // gate (more than uptime.reorder.grace behind its input partition's watermark), before
    // UptimeProcessor, whose own count therefore stays 0
    probe("us-east", Instant.parse("2026-03-31T23:59:00Z"), false);
    assertThat(credits.isEmpty()).isTrue();
    assertThat(ledger.readKeyValuesToMap()).doesNotContainKey("SMS:us-east:2026-03");
    assertThat(
            driver.metrics().entrySet().stream()
                .filter(
                    e ->
                        e.getKey().name().equals(OrderGateProcessor.LATE_METRIC)
                            && "behind-own-partition".equals(e.getKey().tags().get("reason")))
                .mapToDouble(e -> (Double) e.getValue().metricValue())
                .sum())
        .isEqualTo(1.0);
    assertThat(
            driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(UptimeProcessor.LATE_PROBES_METRIC))
                .mapToDouble(e -> (Double) e.getValue().metricValue())
                .sum())
        .isEqualTo(0.0);
  }

  @Test
  void theRegionAndServiceStatesAreWrittenBackAtEveryCommit() {
    // the driver commits after every record: nothing may be left only in the processor's hands
    minutes(
        "us-east",
        Instant.parse("2026-03-10T10:00:00Z"),
        Instant.parse("2026-03-10T10:05:00Z"),
        t -> false);
    ObjectStore<RegionState> regions =
        (ObjectStore<RegionState>) driver.getStateStore(UptimeTopology.REGION_STORE);
    ObjectStore<ServiceState> services =
        (ObjectStore<ServiceState>) driver.getStateStore(UptimeTopology.SERVICE_STORE);
    assertThat(regions.pending()).isZero();
    assertThat(services.pending()).isZero();
    assertThat(regions.keys("SMS:")).containsExactly("SMS:us-east");
    // read back from RocksDB: the service's stream time is the latest probe the gate released
    assertThat(services.get("SMS").clock())
        .isBetween(
            Instant.parse("2026-03-10T10:00:00Z").toEpochMilli(),
            Instant.parse("2026-03-10T10:05:00Z").toEpochMilli());
  }

  @Test
  void anInvalidContractGoesToDeadLettersAndThePreviousVersionStaysInForce() {
    contracts.pipeInput("acme", contract("acme", List.of("us-east"), 10_000));
    // the schedule out of order: rejected with the reason
    SlaContract bad = contract("acme", List.of("us-east"), 99_999);
    bad.setCreditSchedule(List.of(new CreditTier("99.9", 25), new CreditTier("99.99", 10)));
    bad.setEffectiveFrom(Instant.parse("2026-02-01T00:00:00Z"));
    contracts.pipeInput("acme", bad);
    var dl = deadLetters.readRecordsToList();
    assertThat(dl).hasSize(1);
    assertThat(header(dl.get(0), "__streams.errors.exception"))
        .isEqualTo("dev.nines.ingest.InvalidInputException");
    assertThat(header(dl.get(0), "__streams.errors.message"))
        .contains("contract of 'acme' rejected")
        .contains("belowPercent");
    assertThat(header(dl.get(0), "__streams.errors.topic")).isEqualTo("sla-contracts");
    // the original bytes, untouched
    assertThat(dl.get(0).value()).isEqualTo(driverRegistrySerialized(bad));

    // us-east DOWN [23:40, 00:07) as above: 1,200,000 ms in March, no maintenance ->
    // 100 * (1 - 1200000/2678400000) = 99.955197...% -> 10 % of the valid version's 10,000.
    Instant from = Instant.parse("2026-03-31T23:30:00Z");
    minutes(
        "us-east",
        from,
        Instant.parse("2026-04-01T01:01:00Z"),
        between("2026-03-31T23:40:00Z", "2026-04-01T00:07:00Z"));
    List<SlaCredit> issued = credits.readValuesToList();
    assertThat(issued).hasSize(1);
    assertThat(issued.get(0).getAvailabilityPercent()).isEqualTo("99.955197");
    assertThat(issued.get(0).getCreditAmountMinor()).isEqualTo(1_000);
  }

  @Test
  void aContractArrivingAfterItsMonthClosedIsCreditedOnceWhenItArrives() {
    // us-east DOWN [23:40, 00:07): 1,200,000 ms in March -> 99.955197 % -> 10 % of 10,000
    minutes(
        "us-east",
        Instant.parse("2026-03-31T23:30:00Z"),
        Instant.parse("2026-04-01T01:01:00Z"),
        between("2026-03-31T23:40:00Z", "2026-04-01T00:07:00Z"));
    assertThat(credits.isEmpty()).as("no contract yet when March closed").isTrue();
    contracts.pipeInput("acme", contract("acme", List.of("us-east"), 10_000));
    List<TestRecord<String, SlaCredit>> issued = credits.readRecordsToList();
    assertThat(issued).hasSize(1);
    assertThat(issued.get(0).value().getCreditAmountMinor()).isEqualTo(1_000);
    assertThat(issued.get(0).value().getIssuedAt())
        .isEqualTo(Instant.parse("2026-04-01T01:00:00Z"));
    // the same contract again, or a later version: March is decided for acme, nothing more
    contracts.pipeInput("acme", contract("acme", List.of("us-east"), 20_000));
    assertThat(credits.isEmpty()).isTrue();
  }

  byte[] driverRegistrySerialized(SlaContract c) {
    // the same serde and registry write the same bytes (the schema id is already registered)
    return Topics.SLA_CONTRACTS
        .valueSerde(registry)
        .serializer()
        .serialize(Topics.SLA_CONTRACTS.name(), c);
  }

  static String header(TestRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static <T> T last(List<T> l) {
    assertThat(l).isNotEmpty();
    return l.get(l.size() - 1);
  }

  static SlaContract contract(String account, List<String> regions, long fee) {
    return SlaContract.newBuilder()
        .setAccountId(account)
        .setTier("enterprise")
        .setTargetPercent("99.99")
        .setRegions(regions)
        .setServices(List.of(new ServiceFee(Service.SMS, fee)))
        .setCurrency("EUR")
        .setCreditSchedule(List.of(new CreditTier("99.99", 10), new CreditTier("99.9", 25)))
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
        .setEffectiveTo(null)
        .build();
  }

  @Test
  void probesOfOneRegionStoppingRaiseNoDataAndTheGapIsUnobservedTime() {
    // us-east probes every minute 10:00-10:40; eu-west 10:00-10:10, then nothing until 10:30.
    // At 10:16 the service's stream time is 6 min past eu-west's latest (10:10), more than the
    // 5 min limit (at 10:15 it is exactly 5): NO_DATA, fired at 10:10 + 5 min = 10:15. The
    // probe at 10:30 resolves it; the gap [10:10, 10:30) is 1,200,000 ms unobserved.
    Instant t0 = Instant.parse("2026-03-10T10:00:00Z");
    for (int m = 0; m <= 40; m++) {
      Instant t = t0.plusSeconds(60L * m);
      probe("us-east", t, true);
      if (m <= 10 || m >= 30) {
        probe("eu-west", t, true);
      }
    }
    List<TestRecord<String, ErrorBudgetAlert>> got = alerts.readRecordsToList();
    assertThat(got)
        .extracting(
            TestRecord::key,
            r -> r.value().getSeverity(),
            r -> r.value().getFiredAt(),
            r -> r.value().getResolvedAt(),
            r -> r.value().getLongWindow())
        .containsExactly(
            Tuple.tuple(
                "SMS:eu-west",
                dev.nines.schema.AlertSeverity.NO_DATA,
                t0.plusSeconds(15 * 60),
                null,
                "PT5M"),
            Tuple.tuple(
                "SMS:eu-west",
                dev.nines.schema.AlertSeverity.NO_DATA,
                t0.plusSeconds(15 * 60),
                t0.plusSeconds(30 * 60),
                "PT5M"));
    var lines = ledger.readRecordsToList();
    assertThat(lastOf(lines, "SMS:eu-west:2026-03").getUnobservedMs()).isEqualTo(1_200_000);
    assertThat(lastOf(lines, "SMS:eu-west:2026-03").getDowntimeMs()).isZero();
    assertThat(lastOf(lines, "SMS:us-east:2026-03").getUnobservedMs()).isZero();
    assertThat(incidents.isEmpty()).isTrue();
  }

  @Test
  void theStatusViewShowsARegionWithoutDataUntilItsProbesReturn() {
    Instant t0 = Instant.parse("2026-03-10T10:00:00Z");
    var regions =
        driver.<String, dev.nines.views.RegionHistory>getKeyValueStore(Views.REGION_STORE);
    for (int m = 0; m <= 20; m++) {
      probe("us-east", t0.plusSeconds(60L * m), true);
      if (m <= 10) {
        probe("eu-west", t0.plusSeconds(60L * m), true);
      }
    }
    // silent since its latest probe, 10:10
    assertThat(regions.get("SMS:eu-west").noDataSinceMs())
        .isEqualTo(t0.plusSeconds(600).toEpochMilli());
    assertThat(regions.get("SMS:us-east").noDataSinceMs()).isEqualTo(Long.MIN_VALUE);
    // its probes return at 10:21 (released by the order gate once the watermarks pass it)
    probe("eu-west", t0.plusSeconds(21 * 60), true);
    for (int m = 21; m <= 23; m++) {
      probe("us-east", t0.plusSeconds(60L * m), true);
    }
    assertThat(regions.get("SMS:eu-west").noDataSinceMs()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void aVantageRetiredMidIncidentNoLongerKeepsItOpen() {
    // v1 and v2 probe every minute; v2 fails at 10:05 and 10:06 (DOWN from 10:05) and then stops
    // for good, v1 keeps succeeding. At 10:11 v2's latest is exactly 5 min back; at 10:12 it is
    // 6: v2 leaves the quorum and the incident resolves at 10:12. Down [10:05, 10:12) = 420,000.
    Instant t0 = Instant.parse("2026-03-10T10:00:00Z");
    for (int m = 0; m <= 20; m++) {
      Instant t = t0.plusSeconds(60L * m);
      probe("us-east", "v1", t, true);
      if (m <= 6) {
        probe("us-east", "v2", t, m < 5);
      }
    }
    assertThat(incidents.readValuesToList())
        .extracting(Incident::getStatus, Incident::getStartedAt, Incident::getResolvedAt)
        .containsExactly(
            Tuple.tuple(IncidentStatus.OPEN, t0.plusSeconds(300), null),
            Tuple.tuple(IncidentStatus.RESOLVED, t0.plusSeconds(300), t0.plusSeconds(720)));
    assertThat(lastOf(ledger.readRecordsToList(), "SMS:us-east:2026-03").getDowntimeMs())
        .isEqualTo(420_000);
  }

  @Test
  void whenTheWholeServiceWasSilentTheRegionsResumingInTurnRaiseNoNoData() {
    // both regions probe 10:00-10:10, nothing at all until 10:40 (the probers were away), then
    // us-east resumes at 10:40 and eu-west at 10:43: eu-west is 3 min behind the resumption,
    // under the 5 min limit, so no alert; both gaps count as unobserved time
    Instant t0 = Instant.parse("2026-03-10T10:00:00Z");
    for (int m = 0; m <= 10; m++) {
      probe("us-east", t0.plusSeconds(60L * m), true);
      probe("eu-west", t0.plusSeconds(60L * m), true);
    }
    for (int m = 40; m <= 50; m++) {
      probe("us-east", t0.plusSeconds(60L * m), true);
      if (m >= 43) {
        probe("eu-west", t0.plusSeconds(60L * m), true);
      }
    }
    assertThat(alerts.readValuesToList()).isEmpty();
    var lines = ledger.readRecordsToList();
    // [10:10, 10:40) = 1,800,000 ms; [10:10, 10:43) = 1,980,000 ms
    assertThat(lastOf(lines, "SMS:us-east:2026-03").getUnobservedMs()).isEqualTo(1_800_000);
    assertThat(lastOf(lines, "SMS:eu-west:2026-03").getUnobservedMs()).isEqualTo(1_980_000);
  }
}
