package dev.nines.credits.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.Topics;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.schema.Channel;
import dev.nines.schema.CreditTier;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.DownInterval;
import dev.nines.schema.DowntimeCause;
import dev.nines.schema.ErrorRateDowntimeRule;
import dev.nines.schema.FailureCause;
import dev.nines.schema.MaintenanceCategory;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.schema.ServiceFee;
import dev.nines.schema.SlaAdjustment;
import dev.nines.schema.SlaContract;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.SlaCreditKind;
import dev.nines.schema.SlaStatement;
import dev.nines.schema.UptimeLedger;
import dev.nines.testing.Drivers;
import dev.nines.testing.Records;
import dev.nines.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Statements, maintenance notice, contract time zones and adjustments through the whole
 * topology, with the defaults (confirmations 2, month grace 1 h, dispute window P60D). SMS
 * probes once a minute in us-east from 21:30 on 31 March 2026 to 01:02 on 1 April: UTC March
 * closes at 01:00. Every expected number is worked out by hand in the comments.
 */
class CreditTopologyTest {
  static final String INCIDENT = "SMS-us-east-20260331T234000000Z";
  TopologyTestDriver driver;
  TestRegistry registry;
  TestInputTopic<String, ProbeResult> probes;
  TestInputTopic<String, MaintenanceWindow> windows;
  TestInputTopic<String, SlaContract> contracts;
  TestInputTopic<String, SlaAdjustment> adjustments;
  TestOutputTopic<String, SlaCredit> credits;
  TestOutputTopic<String, SlaStatement> statements;
  TestOutputTopic<byte[], byte[]> deadLetters;
  int seq;

  @BeforeEach
  void start() {
    registry = new TestRegistry();
    driver = Drivers.start(NinesConfig.defaults(), registry);
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
    adjustments =
        driver.createInputTopic(
            Topics.SLA_ADJUSTMENTS.name(),
            Topics.SLA_ADJUSTMENTS.keySerde().serializer(),
            Topics.SLA_ADJUSTMENTS.valueSerde(registry).serializer());
    credits =
        driver.createOutputTopic(
            Topics.SLA_CREDITS.name(),
            Topics.SLA_CREDITS.keySerde().deserializer(),
            Topics.SLA_CREDITS.valueSerde(registry).deserializer());
    statements =
        driver.createOutputTopic(
            Topics.SLA_STATEMENTS.name(),
            Topics.SLA_STATEMENTS.keySerde().deserializer(),
            Topics.SLA_STATEMENTS.valueSerde(registry).deserializer());
    deadLetters =
        driver.createOutputTopic(
            Topics.DEAD_LETTERS.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void everyAccountGetsAStatementAndLateMaintenanceIsChargedToContractsAskingNotice() {
    // us-east DOWN [23:40, 23:50) = 600,000 ms, inside a window announced at 23:00 for
    // 23:40-23:50: 40 minutes' notice
    windows.pipeInput(
        "mw-1",
        MaintenanceWindow.newBuilder()
            .setService(Service.SMS)
            .setRegion("us-east")
            .setStartsAt(Instant.parse("2026-03-31T23:40:00Z"))
            .setEndsAt(Instant.parse("2026-03-31T23:50:00Z"))
            .setAnnouncedAt(Instant.parse("2026-03-31T23:00:00Z"))
            .setCategory(MaintenanceCategory.EMERGENCY)
            .build(),
        Instant.parse("2026-03-31T23:00:00Z"));
    // strict asks 1 h of notice: the window excuses nothing for it
    contracts.pipeInput("strict", contract("strict", "us-east", null, "PT1H"));
    contracts.pipeInput("lenient", contract("lenient", "us-east", null, null));
    contracts.pipeInput("south", contract("south", "ap-south", null, null));
    probesUntilMarchCloses(between("2026-03-31T23:40:00Z", "2026-03-31T23:50:00Z"));

    // strict: 600,000 ms of 2,678,400,000 -> 99.977598...% < 99.99 -> 10 % of 10,000
    List<SlaCredit> issued = credits.readValuesToList();
    assertThat(issued).extracting(SlaCredit::getAccountId).containsExactly("strict");
    assertThat(issued.get(0).getCreditAmountMinor()).isEqualTo(1_000);
    assertThat(issued.get(0).getKind()).isEqualTo(SlaCreditKind.MONTHLY);

    Map<String, SlaStatement> st = byAccount(statements.readRecordsToList());
    assertThat(st).containsOnlyKeys("strict", "lenient", "south");
    SlaStatement strict = st.get("strict");
    assertThat(strict.getStatementId()).isEqualTo("statement-strict-SMS-2026-03");
    assertThat(strict.getMonth()).isEqualTo("2026-03");
    assertThat(strict.getTimeZone()).isEqualTo("UTC");
    assertThat(strict.getPeriodStart()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    assertThat(strict.getPeriodEnd()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
    assertThat(strict.getDowntimeMs()).isEqualTo(600_000);
    assertThat(strict.getMaintenanceMs()).isZero();
    assertThat(strict.getAvailabilityPercent()).isEqualTo("99.977598");
    assertThat(strict.getDownIntervals())
        .containsExactly(
            new DownInterval(
                Instant.parse("2026-03-31T23:40:00Z"),
                Instant.parse("2026-03-31T23:50:00Z"),
                DowntimeCause.PROBES,
                List.of(INCIDENT)));
    assertThat(strict.getCreditId()).isEqualTo("credit-strict-SMS-2026-03");
    assertThat(strict.getClosedAt()).isEqualTo(Instant.parse("2026-04-01T01:00:00Z"));
    // close + 60 days
    assertThat(strict.getDisputeUntil()).isEqualTo(Instant.parse("2026-05-31T01:00:00Z"));
    // lenient: the same 600,000 ms are maintenance; no credit, still a statement
    SlaStatement lenient = st.get("lenient");
    assertThat(lenient.getDowntimeMs()).isZero();
    assertThat(lenient.getMaintenanceMs()).isEqualTo(600_000);
    assertThat(lenient.getAvailabilityPercent()).isEqualTo("100.000000");
    assertThat(lenient.getCreditId()).isNull();
    assertThat(lenient.getDownIntervals()).isEmpty();
    // south: ap-south had no probe in March, so none of its 31 days was observed
    assertThat(st.get("south").getUnobservedMs()).isEqualTo(31L * 86_400_000L);
    assertThat(st.get("south").getDowntimeMs()).isZero();
  }

  @Test
  void aBerlinContractIsDecidedOnItsOwnMonthWithItsTrueLength() {
    // DOWN [21:40, 21:50)Z = 23:40-23:50 CEST on 31 March, and [22:10, 22:20)Z = 00:10-00:20 on
    // 1 April in Berlin. Berlin March = [2026-02-28T23:00Z, 2026-03-31T22:00Z), 743 h =
    // 2,674,800,000 ms: 600,000 ms DOWN -> 99.977568...% -> 10 %. UTC March has both: 1,200,000
    // ms -> 99.955197...% -> still 10 %.
    contracts.pipeInput("berlin", contract("berlin", "us-east", "Europe/Berlin", null));
    contracts.pipeInput("utc", contract("utc", "us-east", null, null));
    Predicate<Instant> fails =
        between("2026-03-31T21:40:00Z", "2026-03-31T21:50:00Z")
            .or(between("2026-03-31T22:10:00Z", "2026-03-31T22:20:00Z"));
    probesUntilMarchCloses(fails);

    Map<String, SlaStatement> st = byAccount(statements.readRecordsToList());
    SlaStatement berlin = st.get("berlin");
    assertThat(berlin.getMonth()).isEqualTo("2026-03");
    assertThat(berlin.getTimeZone()).isEqualTo("Europe/Berlin");
    assertThat(berlin.getPeriodStart()).isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
    assertThat(berlin.getPeriodEnd()).isEqualTo(Instant.parse("2026-03-31T22:00:00Z"));
    assertThat(berlin.getDowntimeMs()).isEqualTo(600_000);
    assertThat(berlin.getAvailabilityPercent()).isEqualTo("99.977568");
    // its first hour lies in UTC February, which had no probe at all: unobserved
    assertThat(berlin.getUnobservedMs()).isEqualTo(3_600_000);
    assertThat(st.get("utc").getDowntimeMs()).isEqualTo(1_200_000);
    assertThat(st.get("utc").getAvailabilityPercent()).isEqualTo("99.955197");
    Map<String, SlaCredit> cr =
        credits.readValuesToList().stream()
            .collect(Collectors.toMap(SlaCredit::getAccountId, c -> c));
    assertThat(cr.get("berlin").getCreditId()).isEqualTo("credit-berlin-SMS-2026-03");
    assertThat(cr.get("berlin").getDowntimeMs()).isEqualTo(600_000);
    assertThat(cr.get("utc").getDowntimeMs()).isEqualTo(1_200_000);
  }

  @Test
  void aContractThatChangesItsZoneIsDecidedOncePerMonth() {
    // v1 in UTC; v2 in New York from 1 April 00:00Z. UTC March is decided with v1 when UTC March
    // closes; New York's March ends 1 April 04:00Z, where v2 (New York) is in force, and would be
    // decided again when UTC April closes: once is what counts
    contracts.pipeInput("shift", contract("shift", "us-east", null, null));
    SlaContract v2 = contract("shift", "us-east", "America/New_York", null);
    v2.setEffectiveFrom(Instant.parse("2026-04-01T00:00:00Z"));
    contracts.pipeInput("shift", v2);
    probesUntilMarchCloses(between("2026-03-31T23:40:00Z", "2026-03-31T23:50:00Z"));
    // then one probe an hour until UTC April has closed (1 May 01:00 + the order gate's margin)
    Instant t = Instant.parse("2026-04-01T02:00:00Z");
    for (; !t.isAfter(Instant.parse("2026-05-01T03:00:00Z")); t = t.plus(Duration.ofHours(1))) {
      probeAt(t, true);
    }
    // UTC April has closed (its ledger line is final), and March was not decided a second time
    assertThat(
            driver
                .createOutputTopic(
                    Topics.UPTIME_LEDGER.name(),
                    Topics.UPTIME_LEDGER.keySerde().deserializer(),
                    Topics.UPTIME_LEDGER.valueSerde(registry).deserializer())
                .readValuesToList())
        .anyMatch(l -> l.getMonth().equals("2026-04") && l.getFinalized());
    assertThat(statements.readValuesToList())
        .extracting(st -> st.getMonth() + " " + st.getTimeZone())
        .containsExactly("2026-03 UTC");
    assertThat(credits.readValuesToList())
        .extracting(SlaCredit::getCreditId)
        .containsExactly("credit-shift-SMS-2026-03");
  }

  @Test
  void anAdjustmentIsIssuedOncePerIdAndAnInvalidOneIsDeadLetteredAsWritten() {
    contracts.pipeInput("acme", contract("acme", "us-east", null, null));
    // d-early is written before March can close (01:00 on 1 April): rejected at once. d-wait is
    // written after it, but arrives first: held until March is decided, then issued.
    pipe(adjustment("d-early", 10, null, null, "2026-03-31T12:00:00Z"));
    pipe(adjustment("d-wait", 5, null, null, "2026-04-01T02:00:00Z"));
    // an account without a contract yet: it waits (a contract may still come and decide March)
    SlaAdjustment none = adjustment("d-none", 5, null, null, "2026-04-01T02:00:00Z");
    none.setAccountId("nobody");
    pipe(none);
    // a newer version of the pending d-wait: 7 % instead of 5 %, it replaces the first
    pipe(adjustment("d-wait", 7, null, null, "2026-04-01T02:30:00Z"));
    assertThat(credits.isEmpty()).isTrue();
    probesUntilMarchCloses(between("2026-03-31T23:40:00Z", "2026-03-31T23:50:00Z"));
    // the monthly credit (10 % of 10,000), then d-wait once, its newer version: 7 % = 700
    List<SlaCredit> first = credits.readValuesToList();
    assertThat(first)
        .extracting(SlaCredit::getCreditId)
        .containsExactly("credit-acme-SMS-2026-03", "adjustment-d-wait");
    assertThat(first.get(1).getCreditAmountMinor()).isEqualTo(700);

    // 20 % of 10,000 = 2,000, on 2 April
    pipe(adjustment("d1", 20, null, null, "2026-04-02T00:00:00Z"));
    // the same id again changes nothing
    pipe(adjustment("d1", 30, null, null, "2026-04-03T00:00:00Z"));
    // an amount in another currency than the contract's (EUR)
    pipe(adjustment("d2", null, 500L, "USD", "2026-04-02T00:00:00Z"));
    // 1 ms after the dispute window (close + 60 days = 31 May 01:00)
    pipe(adjustment("d3", 10, null, null, "2026-05-31T01:00:00.001Z"));
    // exactly at its end: accepted, an amount of 700 EUR
    pipe(adjustment("d4", null, 700L, "EUR", "2026-05-31T01:00:00Z"));
    // both a percent and an amount: rejected as read
    pipe(adjustment("d5", 10, 100L, "EUR", "2026-04-02T00:00:00Z"));

    List<TestRecord<String, SlaCredit>> issued = credits.readRecordsToList();
    assertThat(issued)
        .extracting(r -> r.value().getCreditId())
        .containsExactly("adjustment-d1", "adjustment-d4");
    SlaCredit d1 = issued.get(0).value();
    assertThat(d1.getKind()).isEqualTo(SlaCreditKind.ADJUSTMENT);
    assertThat(d1.getAdjustmentId()).isEqualTo("d1");
    assertThat(d1.getMonth()).isEqualTo("2026-03");
    assertThat(d1.getCreditPercent()).isEqualTo(20);
    assertThat(d1.getCreditAmountMinor()).isEqualTo(2_000);
    assertThat(d1.getCurrency()).isEqualTo("EUR");
    assertThat(d1.getDowntimeMs()).isEqualTo(600_000);
    assertThat(d1.getIssuedAt()).isEqualTo(Instant.parse("2026-04-02T00:00:00Z"));
    assertThat(issued.get(0).timestamp())
        .isEqualTo(Instant.parse("2026-04-02T00:00:00Z").toEpochMilli());
    assertThat(issued.get(1).value().getCreditAmountMinor()).isEqualTo(700);
    assertThat(issued.get(1).value().getCreditPercent()).isZero();

    // d-early, d2, d3, d5 in dead-letters, each the record as written, with its place and why
    // (d-none still waits: its month can be decided as long as March is kept)
    List<TestRecord<byte[], byte[]>> dl = new ArrayList<>(deadLetters.readRecordsToList());
    assertThat(dl)
        .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
        .containsExactly("d-early", "d2", "d3", "d5");
    assertThat(dl)
        .allSatisfy(
            r -> assertThat(header(r, "__streams.errors.topic")).isEqualTo("sla-adjustments"));
    assertThat(header(dl.get(0), "__streams.errors.message"))
        .contains("before its month 2026-03 closed");
    assertThat(header(dl.get(0), "__streams.errors.offset")).isEqualTo("0");
    assertThat(header(dl.get(1), "__streams.errors.message")).contains("currency = USD");
    assertThat(header(dl.get(1), "__streams.errors.offset")).isEqualTo("6");
    assertThat(header(dl.get(2), "__streams.errors.message")).contains("dispute window");
    assertThat(header(dl.get(3), "__streams.errors.message"))
        .contains("either creditPercent or amountMinor");
    assertThat(dl.get(1).value())
        .isEqualTo(
            Topics.SLA_ADJUSTMENTS
                .valueSerde(registry)
                .serializer()
                .serialize(
                    Topics.SLA_ADJUSTMENTS.name(),
                    adjustment("d2", null, 500L, "USD", "2026-04-02T00:00:00Z")));
  }

  void pipe(SlaAdjustment a) {
    adjustments.pipeInput(a.getAdjustmentId(), a, a.getCreatedAt());
  }

  @Test
  void platformFailuresInReceiptsAreDowntimeForAContractWithAnErrorRateRule() {
    // rate: more than 5 % platform failures in a 5-minute period, with at least 10 attempts
    SlaContract rate = contract("rate", "us-east", null, null);
    rate.setErrorRateDowntime(new ErrorRateDowntimeRule("5", "PT5M", 10));
    contracts.pipeInput("rate", rate);
    // plain: the same receipts, no rule: probes alone, all green
    contracts.pipeInput("plain", contract("plain", "us-east", null, null));
    // [23:00, 23:05): 20 attempts, 2 platform failures = 10 % > 5 %: down
    receipts("rate", "us-east", Channel.SMS, "2026-03-31T23:00:00Z", 20, 2, FailureCause.PLATFORM);
    // [23:05, 23:10): 20 attempts, 1 platform failure = 5 %, not more than 5 %: up; ...
    receipts("rate", "us-east", Channel.SMS, "2026-03-31T23:05:00Z", 20, 1, FailureCause.PLATFORM);
    // ... 20 more platform failures in eu-west, which the contract does not cover: still up;
    receipts("rate", "eu-west", Channel.SMS, "2026-03-31T23:05:00Z", 20, 20, FailureCause.PLATFORM);
    // ... 20 in VOICE, another service: still up; and another account's: still up
    receipts(
        "rate", "us-east", Channel.VOICE, "2026-03-31T23:05:00Z", 20, 20, FailureCause.PLATFORM);
    receipts(
        "other", "us-east", Channel.SMS, "2026-03-31T23:05:00Z", 20, 20, FailureCause.PLATFORM);
    // [23:10, 23:15): 9 attempts, all failed: one attempt short of 10: says nothing
    receipts("rate", "us-east", Channel.SMS, "2026-03-31T23:10:00Z", 9, 9, FailureCause.PLATFORM);
    // [23:15, 23:20): exactly 10 attempts, 1 platform failure = 10 %: down
    receipts("rate", "us-east", Channel.SMS, "2026-03-31T23:15:00Z", 10, 1, FailureCause.PLATFORM);
    // [23:20, 23:25): 20 attempts, 10 carrier failures: not the platform's: up
    receipts("rate", "us-east", Channel.SMS, "2026-03-31T23:20:00Z", 20, 10, FailureCause.CARRIER);
    // [23:25, 23:30): MMS counts for SMS: 10 attempts, 2 platform failures: down
    receipts("rate", "us-east", Channel.MMS, "2026-03-31T23:25:00Z", 10, 2, FailureCause.PLATFORM);
    // the receipts' partition moves on past March's end, so its hours can close
    receiptsInput()
        .pipeInput(
            "end",
            Records.endOfInputReceipt(0, Instant.parse("2026-04-01T01:05:00Z")),
            Instant.parse("2026-04-01T01:05:00Z"));
    probesUntilMarchCloses(t -> false);

    Map<String, SlaStatement> st = byAccount(statements.readRecordsToList());
    assertThat(st).containsOnlyKeys("rate", "plain");
    // 3 periods of 5 minutes = 900,000 ms of 2,678,400,000: 99.9663978...% -> "99.966397"
    SlaStatement r = st.get("rate");
    assertThat(r.getDownIntervals())
        .extracting(d -> d.getFrom() + "/" + d.getTo() + " " + d.getCause())
        .containsExactly(
            "2026-03-31T23:00:00Z/2026-03-31T23:05:00Z ERROR_RATE",
            "2026-03-31T23:15:00Z/2026-03-31T23:20:00Z ERROR_RATE",
            "2026-03-31T23:25:00Z/2026-03-31T23:30:00Z ERROR_RATE");
    assertThat(r.getDowntimeMs()).isEqualTo(900_000);
    assertThat(r.getAvailabilityPercent()).isEqualTo("99.966397");
    assertThat(st.get("plain").getDowntimeMs()).isZero();
    assertThat(st.get("plain").getAvailabilityPercent()).isEqualTo("100.000000");
    // below 99.99: 10 % of 10,000
    assertThat(credits.readValuesToList())
        .extracting(
            c -> c.getAccountId() + " " + c.getCreditAmountMinor() + " " + c.getDowntimeMs())
        .containsExactly("rate 1000 900000");
  }

  @Test
  void aMonthWithAnErrorRateContractWaitsForTheReceiptsOfItsEnd() {
    SlaContract rate = contract("rate", "us-east", null, null);
    rate.setErrorRateDowntime(new ErrorRateDowntimeRule("5", "PT1M", 1));
    contracts.pipeInput("rate", rate);
    contracts.pipeInput("plain", contract("plain", "us-east", null, null));
    // a platform failure in March's last minute; the receipts' partition stays there
    receipts("rate", "us-east", Channel.SMS, "2026-03-31T23:59:00Z", 1, 1, FailureCause.PLATFORM);
    probesUntilMarchCloses(t -> false);
    // March has closed by the probes; its statements wait, all of them, for rate's receipts:
    // they come out together, in one order, whichever came first
    assertThat(statements.readValuesToList()).isEmpty();
    // the receipts move on: both are decided, rate with the failing minute, stamped with the
    // close
    receiptsInput()
        .pipeInput(
            "end",
            Records.endOfInputReceipt(0, Instant.parse("2026-04-01T01:05:00Z")),
            Instant.parse("2026-04-01T01:05:00Z"));
    List<SlaStatement> later = statements.readValuesToList();
    assertThat(later).extracting(SlaStatement::getAccountId).containsExactly("plain", "rate");
    assertThat(later.get(1).getDowntimeMs()).isEqualTo(60_000);
    assertThat(later.get(1).getClosedAt()).isEqualTo(Instant.parse("2026-04-01T01:00:00Z"));
    assertThat(later.get(0).getDowntimeMs()).isZero();
  }

  @Test
  void theLedgerShowsThePlatformsErrorRatePeriodsOnceTheReceiptsOfTheMonthAreIn() {
    driver.close();
    // the platform's objective: more than 5 % in a 5-minute period, at least 10 receipts
    NinesConfig config =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(),
            Map.of(
                "uptime.error.rate.percent", "5",
                "uptime.error.rate.period", "PT5M",
                "uptime.error.rate.min.attempts", "10"));
    driver = Drivers.start(config, registry);
    probes =
        driver.createInputTopic(
            Topics.PROBE_RESULTS.name(),
            Topics.PROBE_RESULTS.keySerde().serializer(),
            Topics.PROBE_RESULTS.valueSerde(registry).serializer());
    var ledger =
        driver.createOutputTopic(
            Topics.UPTIME_LEDGER.name(),
            Topics.UPTIME_LEDGER.keySerde().deserializer(),
            Topics.UPTIME_LEDGER.valueSerde(registry).deserializer());
    // every account of us-east together: [23:00, 23:05) a 20 + b 10 receipts, 3 platform
    // failures = 10 %: counted; [23:05, 23:10) a 20 (1 failed) + b 5 (1 failed) = 8 %: counted;
    // [23:10, 23:15) b 9, all failed: fewer than 10 receipts, not counted. 600,000 ms.
    receipts("a", "us-east", Channel.SMS, "2026-03-31T23:00:00Z", 20, 0, FailureCause.PLATFORM);
    receipts("b", "us-east", Channel.SMS, "2026-03-31T23:00:00Z", 10, 3, FailureCause.PLATFORM);
    receipts("a", "us-east", Channel.SMS, "2026-03-31T23:05:00Z", 20, 1, FailureCause.PLATFORM);
    receipts("b", "us-east", Channel.SMS, "2026-03-31T23:05:00Z", 5, 1, FailureCause.PLATFORM);
    receipts("b", "us-east", Channel.SMS, "2026-03-31T23:10:00Z", 9, 9, FailureCause.PLATFORM);
    probesUntilMarchCloses(t -> false);
    // the probes have passed March's close, the receipts not: not finalized yet
    assertThat(ledger.readValuesToList()).noneMatch(UptimeLedger::getFinalized);
    receiptsInput()
        .pipeInput(
            "end",
            Records.endOfInputReceipt(0, Instant.parse("2026-04-01T01:05:00Z")),
            Instant.parse("2026-04-01T01:05:00Z"));
    List<UptimeLedger> finalized =
        ledger.readValuesToList().stream().filter(UptimeLedger::getFinalized).toList();
    assertThat(finalized)
        .extracting(
            l ->
                l.getService()
                    + ":"
                    + l.getRegion()
                    + ":"
                    + l.getMonth()
                    + " "
                    + l.getErrorRateDowntimeMs()
                    + " "
                    + l.getDowntimeMs()
                    + " "
                    + l.getAvailabilityPercent())
        .containsExactly("SMS:us-east:2026-03 600000 0 100.000000");
  }

  @Test
  void statementsAndCreditsDoNotDependOnWhetherProbesOrReceiptsPassTheMonthsEndFirst() {
    // the same input twice: the receipts' partition past March's end before the probes close
    // March, then after: the same statements and credits, in the same order
    List<String> receiptsFirst = errorRateScenario(true);
    driver.close();
    start();
    List<String> probesFirst = errorRateScenario(false);
    assertThat(receiptsFirst).hasSize(6).isEqualTo(probesFirst);
  }

  /** Three accounts, one with an error-rate rule; returns what was written, in order. */
  List<String> errorRateScenario(boolean receiptsFirst) {
    SlaContract rate = contract("rate", "us-east", null, null);
    rate.setErrorRateDowntime(new ErrorRateDowntimeRule("5", "PT5M", 10));
    contracts.pipeInput("rate", rate);
    contracts.pipeInput("a-plain", contract("a-plain", "us-east", null, null));
    contracts.pipeInput("z-plain", contract("z-plain", "us-east", null, null));
    receipts("rate", "us-east", Channel.SMS, "2026-03-31T23:00:00Z", 20, 4, FailureCause.PLATFORM);
    Runnable end =
        () ->
            receiptsInput()
                .pipeInput(
                    "end",
                    Records.endOfInputReceipt(0, Instant.parse("2026-04-01T01:05:00Z")),
                    Instant.parse("2026-04-01T01:05:00Z"));
    if (receiptsFirst) {
      end.run();
    }
    probesUntilMarchCloses(between("2026-03-31T23:40:00Z", "2026-03-31T23:50:00Z"));
    if (!receiptsFirst) {
      end.run();
    }
    List<String> out = new ArrayList<>();
    statements.readRecordsToList().forEach(r -> out.add(r.key() + " " + r.value()));
    credits.readRecordsToList().forEach(r -> out.add(r.key() + " " + r.value()));
    return out;
  }

  @Test
  void aMonthInAZoneHalfAnHourFromUtcCountsTheErrorRateOfItsOwnHalfHours() {
    // Asia/Kolkata (+05:30): its March is [28 Feb 18:30Z, 31 Mar 18:30Z), 744 h (no DST).
    // Failing 5-minute periods 18:00-18:30Z on 31 March are in it; 18:30-19:00Z are April's.
    SlaContract kolkata = contract("kolkata", "us-east", "Asia/Kolkata", null);
    kolkata.setErrorRateDowntime(new ErrorRateDowntimeRule("5", "PT5M", 10));
    contracts.pipeInput("kolkata", kolkata);
    receipts(
        "kolkata", "us-east", Channel.SMS, "2026-03-31T18:00:00Z", 20, 20, FailureCause.PLATFORM);
    for (String at :
        List.of(
            "2026-03-31T18:05:00Z",
            "2026-03-31T18:10:00Z",
            "2026-03-31T18:15:00Z",
            "2026-03-31T18:20:00Z",
            "2026-03-31T18:25:00Z",
            "2026-03-31T18:30:00Z",
            "2026-03-31T18:45:00Z")) {
      receipts("kolkata", "us-east", Channel.SMS, at, 20, 20, FailureCause.PLATFORM);
    }
    receiptsInput()
        .pipeInput(
            "end",
            Records.endOfInputReceipt(0, Instant.parse("2026-04-01T01:05:00Z")),
            Instant.parse("2026-04-01T01:05:00Z"));
    probesUntilMarchCloses(t -> false);
    SlaStatement st = byAccount(statements.readRecordsToList()).get("kolkata");
    assertThat(st.getPeriodStart()).isEqualTo(Instant.parse("2026-02-28T18:30:00Z"));
    assertThat(st.getPeriodEnd()).isEqualTo(Instant.parse("2026-03-31T18:30:00Z"));
    // six periods, 18:00-18:30Z: 1,800,000 ms of 2,678,400,000 -> 99.93279569... -> "99.932795"
    assertThat(st.getDownIntervals())
        .extracting(d -> d.getFrom() + "/" + d.getTo() + " " + d.getCause())
        .containsExactly("2026-03-31T18:00:00Z/2026-03-31T18:30:00Z ERROR_RATE");
    assertThat(st.getDowntimeMs()).isEqualTo(1_800_000);
    assertThat(st.getAvailabilityPercent()).isEqualTo("99.932795");
    assertThat(credits.readValuesToList())
        .extracting(c -> c.getAccountId() + " " + c.getMonth() + " " + c.getCreditAmountMinor())
        .containsExactly("kolkata 2026-03 1000");
  }

  TestInputTopic<String, DeliveryReceipt> receiptsInput() {
    return driver.createInputTopic(
        Topics.DELIVERY_RECEIPTS.name(),
        Topics.DELIVERY_RECEIPTS.keySerde().serializer(),
        Topics.DELIVERY_RECEIPTS.valueSerde(registry).serializer());
  }

  /**
   * {@code n} receipts of the account, one every 15 s from {@code from} (so 4 a minute, all in
   * one 5-minute period for n up to 20), the first {@code failed} of them failed for {@code
   * cause}, spread over two carriers (two by-carrier shares of one hour).
   */
  void receipts(
      String account,
      String region,
      Channel channel,
      String from,
      int n,
      int failed,
      FailureCause cause) {
    TestInputTopic<String, DeliveryReceipt> in = receiptsInput();
    Instant t0 = Instant.parse(from);
    for (int i = 0; i < n; i++) {
      Instant at = t0.plusSeconds(15L * i);
      String id = "r" + (seq++);
      DeliveryReceipt r =
          Records.receipt(
              id,
              i % 2 == 0 ? "atlas" : "bluewave",
              i < failed ? DeliveryStatus.FAILED : DeliveryStatus.DELIVERED,
              i < failed ? cause : FailureCause.NONE,
              at,
              1_000);
      r.setAccountId(account);
      r.setRegion(region);
      r.setChannel(channel);
      in.pipeInput(id, r, at);
    }
  }

  void probesUntilMarchCloses(Predicate<Instant> fails) {
    Instant from = Instant.parse("2026-03-31T21:30:00Z");
    Instant to = Instant.parse("2026-04-01T01:02:00Z");
    for (Instant t = from; !t.isAfter(to); t = t.plus(Duration.ofMinutes(1))) {
      probeAt(t, !fails.test(t));
    }
  }

  void probeAt(Instant t, boolean success) {
    String id = "p" + (seq++);
    probes.pipeInput(
        id,
        ProbeResult.newBuilder()
            .setProbeId(id)
            .setCheck("sms-send")
            .setService(Service.SMS)
            .setRegion("us-east")
            .setVantage("v1")
            .setSuccess(success)
            .setObservedAt(t)
            .build(),
        t);
  }

  static Predicate<Instant> between(String fromIncl, String toExcl) {
    Instant a = Instant.parse(fromIncl);
    Instant b = Instant.parse(toExcl);
    return t -> !t.isBefore(a) && t.isBefore(b);
  }

  static Map<String, SlaStatement> byAccount(List<TestRecord<String, SlaStatement>> records) {
    // one statement per account here: a second would fail the collector
    return records.stream().collect(Collectors.toMap(TestRecord::key, TestRecord::value));
  }

  static String header(TestRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static SlaContract contract(String account, String region, String zone, String notice) {
    return SlaContract.newBuilder()
        .setAccountId(account)
        .setTier("enterprise")
        .setTargetPercent("99.99")
        .setRegions(List.of(region))
        .setServices(List.of(new ServiceFee(Service.SMS, 10_000L)))
        .setCurrency("EUR")
        .setCreditSchedule(List.of(new CreditTier("99.99", 10), new CreditTier("99.9", 25)))
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
        .setEffectiveTo(null)
        .setTimeZone(zone)
        .setMinMaintenanceNotice(notice)
        .build();
  }

  static SlaAdjustment adjustment(
      String id, Integer percent, Long amount, String currency, String createdAt) {
    return SlaAdjustment.newBuilder()
        .setAdjustmentId(id)
        .setAccountId("acme")
        .setService(Service.SMS)
        .setMonth("2026-03")
        .setCreditPercent(percent)
        .setAmountMinor(amount)
        .setCurrency(currency)
        .setReason("disputed outage on 31 March")
        .setApprovedBy("billing-lead")
        .setCreatedAt(Instant.parse(createdAt))
        .build();
  }
}
