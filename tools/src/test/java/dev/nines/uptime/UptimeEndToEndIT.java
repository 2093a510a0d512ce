package dev.nines.uptime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.config.NinesConfig;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.Incident;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.schema.UptimeLedger;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.simulate.EventOccurrence;
import dev.nines.simulate.KafkaSimSink;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.ScriptedEvent;
import dev.nines.simulate.SimSink;
import dev.nines.simulate.Simulator;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.TestTopics;
import dev.nines.testing.TopicRecords;
import dev.nines.uptime.stream.UptimeProcessor;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #4 on the real broker: a whole month of probes from the simulator, with scripted
 * outages ({@code scenarios/uptime-e2e.yaml}: 2 regions × 2 vantages × 2 services, one probe a
 * minute, 30 days of September 2026 plus 70 minutes of October, about 346,000 probes), through
 * the real app; {@code uptime-ledger} and {@code incidents} are read back {@code read_committed}.
 *
 * <p>The expectation is computed here from the scenario and the probe grid alone, with no class
 * of {@code dev.nines.uptime}. With {@code probeFailureRate: 0}, the only failed probes are those
 * inside a scripted {@code serviceOutage} [start, end), from the vantages it names. The DOWN rule
 * (CONTRACT.md, "Semantics"; defaults confirmations 2, quorum 1) then gives, for an outage that
 * every affected (check, vantage) series sees at least twice:
 *
 * <ul>
 *   <li><b>DOWN from</b> the earliest first probe at/after the outage start over the affected
 *       series: the series that fails first also fails a second time first (all series run at
 *       the same interval), which confirms the run, and the incident starts at that run's first
 *       failure. No other series has a confirmed run yet at that moment.
 *   <li><b>UP at</b> the latest first probe at/after the outage end over the affected series:
 *       until then some series' latest probe is a failure; at that probe every series has
 *       succeeded again ("the first probe after which every check from every vantage has
 *       succeeded again"). Series the outage does not touch never fail, so they hold nothing up.
 *   <li>An outage in which no series fails twice (a blip shorter than the interval) is no
 *       downtime at all.
 * </ul>
 *
 * <p>Each series' phase (where in the minute it probes) is taken from the probes actually written
 * to {@code probe-results}, read back before the app starts; the test also checks that every
 * series is a complete grid (one probe every interval, none missing). DOWN time is then split at
 * the month boundary, maintenance windows (from the scenario) are taken out of it, and every
 * ledger line is compared with the balance at its own {@code observedUntil}: an incident counts
 * once it has been confirmed (second failure of the first failing series), up to {@code
 * observedUntil}. The finalized lines are exactly the four of September.
 *
 * <p>One partition per topic. It was needed before the uptime watermarks (over several input
 * partitions the regions of a service drifted apart by more than {@code uptime.region.idle});
 * with them, {@link UptimeAcrossPartitionsIT} shows 1 and 3 skewed partitions give the same
 * outputs. Switching this month-long test to 3 partitions has not been run yet (issue #9).
 */
@ExtendWith(KafkaPlatformExtension.class)
class UptimeEndToEndIT {
  static final String SCENARIO = "scenarios/uptime-e2e.yaml";
  static final Instant ORIGIN = Instant.parse("2026-09-01T00:00:00Z");

  /** September closes once every region reaches 1 Oct 01:00 (month end + 1 h grace). */
  static final Instant HISTORY_END = Instant.parse("2026-10-01T01:10:00Z");

  static final YearMonth SEPTEMBER = YearMonth.of(2026, 9);
  static final int CONFIRMATIONS = 2;
  static final BigDecimal TARGET = new BigDecimal("99.99");
  static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void everyLedgerLineOfAMonthOfHistoryMatchesTheScenario() throws Exception {
    Scenario scenario = scenario();
    assertThat(scenario.probeFailureRate()).as("the expectation needs exact failures").isZero();
    assertThat(scenario.routes()).as("no receipts").isEmpty();
    assertThat(scenario.events())
        .as("only service outages make probes fail")
        .allSatisfy(e -> assertThat(e.serviceOutage()).isNotNull());

    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("e2e-uptime") + ".";
    NinesConfig config = KafkaPlatformExtension.config(prefix, 1);
    try (Admin admin = platform.kafka().admin()) {
      TestTopics.ensure(admin, config.topics());
    }
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());

    long t0 = System.nanoTime();
    try (var producer =
        new KafkaProducer<String, Object>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                262_144),
            new StringSerializer(),
            new AnyAvroSerializer(registry))) {
      SimSink sink = SimSink.withTopicPrefix(new KafkaSimSink(producer), prefix);
      Simulator sim = new Simulator(scenario);
      sim.seed(sink, ORIGIN); // the maintenance windows, stamped ORIGIN
      sim.history(sink, ORIGIN, HISTORY_END);
      sink.flush();
    }
    long t1 = System.nanoTime();

    // ---- the independent expectation: scenario + the probe grid as written ----
    String probeTopic = config.topics().name(Topics.PROBE_RESULTS);
    var probeReader = Topics.PROBE_RESULTS.valueSerde(registry).deserializer();
    Map<Series, Grid> grids =
        grids(
            readAll(platform, probeTopic, r -> probeReader.deserialize(probeTopic, r.value())),
            scenario.probeInterval().toMillis());
    int probes = grids.values().stream().mapToInt(Grid::count).sum();
    assertThat(grids.keySet())
        .as("every check from every vantage into every region")
        .hasSize(scenario.checks().size() * scenario.vantages().size() * scenario.regions().size());
    List<ExpectedIncident> incidents = expectedIncidents(scenario, grids);
    Map<String, List<Interval>> windows = windows(scenario);
    long t2 = System.nanoTime();

    // ---- the app, for real ----
    List<ConsumerRecord<String, byte[]>> ledgerRecords = new ArrayList<>();
    List<ConsumerRecord<String, byte[]>> incidentRecords = new ArrayList<>();
    String ledgerTopic = config.topics().name(Topics.UPTIME_LEDGER);
    String incidentTopic = config.topics().name(Topics.INCIDENTS);
    var ledgerSerde = Topics.UPTIME_LEDGER.valueSerde(registry);
    var incidentSerde = Topics.INCIDENTS.valueSerde(registry);
    List<String> keys = new ArrayList<>();
    for (Service s : List.of(Service.SMS, Service.VERIFY)) {
      for (String region : scenario.regions()) {
        keys.add(s + ":" + region);
      }
    }
    long lateProbes;
    long t3;
    try (NinesApp app = NinesApp.start(config, platform, registry);
        var ledger = committedConsumer(platform, ledgerTopic);
        var incidentsConsumer = committedConsumer(platform, incidentTopic);
        Admin admin = platform.kafka().admin()) {
      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                ledger.poll(Duration.ofMillis(200)).forEach(ledgerRecords::add);
                incidentsConsumer.poll(Duration.ofMillis(10)).forEach(incidentRecords::add);
                long finalized =
                    ledgerRecords.stream()
                        .filter(
                            r ->
                                ledgerSerde
                                    .deserializer()
                                    .deserialize(ledgerTopic, r.value())
                                    .getFinalized())
                        .count();
                return finalized >= keys.size()
                    && caughtUp(admin, config.streams().applicationId(), probeTopic);
              });
      t3 = System.nanoTime();
      // everything the app committed, to the end of each output
      drain(platform, ledger, ledgerRecords);
      drain(platform, incidentsConsumer, incidentRecords);
      lateProbes =
          app.streams().metrics().entrySet().stream()
              .filter(e -> e.getKey().name().equals(UptimeProcessor.LATE_PROBES_METRIC))
              .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue())
              .sum();
    }
    List<UptimeLedger> lines =
        ledgerRecords.stream()
            .map(r -> ledgerSerde.deserializer().deserialize(ledgerTopic, r.value()))
            .toList();
    List<Incident> written =
        incidentRecords.stream()
            .map(r -> incidentSerde.deserializer().deserialize(incidentTopic, r.value()))
            .toList();
    System.out.printf(
        Locale.ROOT,
        "UptimeEndToEndIT: %d probes written in %.1f s, "
            + "read back and expectation in %.1f s, app to the last finalized line and caught up "
            + "in %.1f s; %d ledger lines, %d incident records, %d expected incidents%n",
        probes,
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        (t3 - t2) / 1e9,
        lines.size(),
        written.size(),
        incidents.size());

    // ---- the checks ----
    assertThat(lateProbes).as("probes dropped as late or for a finalized month").isZero();
    assertThat(ledgerRecords)
        .allSatisfy(
            r -> {
              UptimeLedger l = ledgerSerde.deserializer().deserialize(ledgerTopic, r.value());
              assertThat(r.key())
                  .isEqualTo(l.getService() + ":" + l.getRegion() + ":" + l.getMonth());
            });

    // incidents: one OPEN and one RESOLVED per expected incident, nothing else
    List<String> expectedIncidentRecords = new ArrayList<>();
    for (ExpectedIncident e : incidents) {
      expectedIncidentRecords.add(e.describe(false));
      expectedIncidentRecords.add(e.describe(true));
    }
    assertThat(written.stream().map(UptimeEndToEndIT::describe).toList())
        .as("incidents")
        .containsExactlyInAnyOrderElementsOf(expectedIncidentRecords);
    assertThat(incidentRecords)
        .allSatisfy(
            r ->
                assertThat(r.key())
                    .isEqualTo(
                        incidentSerde
                                .deserializer()
                                .deserialize(incidentTopic, r.value())
                                .getService()
                            + ":"
                            + incidentSerde
                                .deserializer()
                                .deserialize(incidentTopic, r.value())
                                .getRegion()));

    // the finalized lines: exactly one per service and region for September, nothing else
    Map<String, List<UptimeLedger>> finalized =
        lines.stream()
            .filter(UptimeLedger::getFinalized)
            .collect(
                Collectors.groupingBy(
                    l -> l.getService() + ":" + l.getRegion() + ":" + l.getMonth(),
                    TreeMap::new,
                    Collectors.toList()));
    assertThat(finalized.keySet())
        .as("finalized ledger lines")
        .containsExactlyInAnyOrderElementsOf(keys.stream().map(k -> k + ":" + SEPTEMBER).toList());
    finalized.forEach(
        (key, ls) -> {
          assertThat(ls).as(key + ": finalized once").hasSize(1);
          assertThat(ls.get(0).getObservedUntil())
              .as(key + ": final balance good to the month end")
              .isEqualTo(ls.get(0).getPeriodEnd());
        });

    // every line, finalized or not, is the balance at its observedUntil
    for (UptimeLedger l : lines) {
      String serviceRegion = l.getService() + ":" + l.getRegion();
      YearMonth m = YearMonth.parse(l.getMonth());
      ExpectedLine e =
          expectedLine(
              serviceRegion,
              m,
              l.getObservedUntil().toEpochMilli(),
              incidents,
              windows.getOrDefault(serviceRegion, List.of()));
      assertThat(describe(l))
          .as("ledger line %s:%s observed until %s", serviceRegion, m, l.getObservedUntil())
          .isEqualTo(e.describe(l.getFinalized()));
    }
    // and every key has its September and October lines, October not finalized
    for (String k : keys) {
      assertThat(lines)
          .as(k)
          .anyMatch(
              l ->
                  (l.getService() + ":" + l.getRegion()).equals(k)
                      && l.getMonth().equals("2026-10")
                      && !l.getFinalized());
    }

    // what the September lines say, for the record
    finalized.forEach((key, ls) -> System.out.printf("  %s%n", describe(ls.get(0))));
    // the scenario's cases are all there: a 100 % line, maintenance partly and wholly, the
    // month boundary
    assertThat(finalized.get("VERIFY:us-east:2026-09").get(0).getAvailabilityPercent())
        .isEqualTo("100.000000");
    assertThat(finalized.get("VERIFY:us-east:2026-09").get(0).getIncidentIds()).isEmpty();
    UptimeLedger smsEu = finalized.get("SMS:eu-west:2026-09").get(0);
    assertThat(smsEu.getDowntimeMs()).isPositive();
    assertThat(smsEu.getMaintenanceMs()).isPositive();
    assertThat(incidents)
        .anyMatch(
            i ->
                i.serviceRegion().equals("SMS:us-east")
                    && i.inMaintenance()
                    && windows.get("SMS:us-east").stream()
                        .anyMatch(w -> w.start() <= i.start() && i.end() <= w.end()));
    assertThat(incidents)
        .anyMatch(
            i ->
                i.start() < monthStart(SEPTEMBER.plusMonths(1))
                    && i.end() > monthStart(SEPTEMBER.plusMonths(1)));
  }

  // ---------------------------------------------------------------------------------------------
  // the hand check

  /**
   * The arithmetic of the expectation, worked by hand on a made-up grid: two series with phases
   * 12.345 s and 47.500 s, an outage 10 Sep 12:00:30 - 12:04:30.
   *
   * <ul>
   *   <li>Phase 47.5: probes 12:00:47.5, 12:01:47.5, 12:02:47.5, 12:03:47.5 fail (4), 12:04:47.5
   *       succeeds. Phase 12.345: 12:00:12.345 succeeds (before the start), 12:01:12.345 to
   *       12:04:12.345 fail (4), 12:05:12.345 succeeds.
   *   <li>The 47.5 series fails first and confirms at 12:01:47.5: DOWN from 12:00:47.500.
   *   <li>The 12.345 series is the last to succeed again, at 12:05:12.345: UP then.
   *   <li>DOWN = 12:05:12.345 - 12:00:47.500 = 4 min 24.845 s = 264,845 ms.
   *   <li>September has 30 × 86,400,000 = 2,592,000,000 ms; availability = 100 × (1 - 264,845 /
   *       2,592,000,000) = 99.98978221450617... -> 99.989782 (6 decimals, rounded down).
   *   <li>Budget = 2,592,000,000 × 0.01 / 100 = 259,200 ms; remaining 259,200 - 264,845 = -5,645.
   * </ul>
   */
  @Test
  void theExpectationAgreesWithAHandComputation() {
    long min = 60_000;
    Map<Series, Grid> grid =
        Map.of(
            new Series(Service.SMS, "sms-send", "a", "us-east"),
            new Grid(12_345, at("2026-09-01T00:00:12.345Z"), at("2026-09-30T23:59:12.345Z"), min),
            new Series(Service.SMS, "sms-send", "b", "us-east"),
            new Grid(47_500, at("2026-09-01T00:00:47.500Z"), at("2026-09-30T23:59:47.500Z"), min));
    ExpectedIncident i =
        incident(
            Service.SMS,
            "us-east",
            List.of("a", "b"),
            grid,
            at("2026-09-10T12:00:30Z"),
            at("2026-09-10T12:04:30Z"),
            Map.of());
    assertThat(i.start()).isEqualTo(at("2026-09-10T12:00:47.500Z"));
    assertThat(i.end()).isEqualTo(at("2026-09-10T12:05:12.345Z"));
    assertThat(i.vantagesAtOpen()).containsExactly("b");
    assertThat(i.id()).isEqualTo("SMS-us-east-20260910T120047500Z");
    ExpectedLine line =
        expectedLine(
            "SMS:us-east", SEPTEMBER, monthStart(YearMonth.of(2026, 10)), List.of(i), List.of());
    assertThat(line.downtimeMs()).isEqualTo(264_845);
    assertThat(line.availability()).isEqualTo("99.989782");
    assertThat(line.budgetRemainingMs()).isEqualTo(-5_645);
    // a window from 12:02:00: 12,500 + 60,000 = 72,500 ms before it are downtime, the rest
    // maintenance
    ExpectedLine inWindow =
        expectedLine(
            "SMS:us-east",
            SEPTEMBER,
            monthStart(YearMonth.of(2026, 10)),
            List.of(i),
            List.of(new Interval(at("2026-09-10T12:02:00Z"), at("2026-09-10T13:00:00Z"))));
    assertThat(inWindow.downtimeMs()).isEqualTo(12_500 + 60_000);
    assertThat(inWindow.maintenanceMs()).isEqualTo(264_845 - 72_500);
  }

  // ---------------------------------------------------------------------------------------------
  // the expectation

  record Series(Service service, String check, String vantage, String region) {}

  /** A series' probe times: {@code phase + k × interval}, every one from first to last. */
  record Grid(long phaseMs, long first, long last, long intervalMs) {
    int count() {
      return (int) ((last - first) / intervalMs) + 1;
    }

    long firstAtOrAfter(long t) {
      long p = t + Math.floorMod(phaseMs - t, intervalMs);
      if (p < first || p > last) {
        throw new AssertionError("no probe written at/after " + Instant.ofEpochMilli(t));
      }
      return p;
    }

    /** Probes in [from, to). */
    int countIn(long from, long to) {
      int n = 0;
      for (long p = firstAtOrAfter(from); p < to; p += intervalMs) {
        n++;
      }
      return n;
    }
  }

  /** From the probes as written: each series must be one probe every interval, no gaps. */
  static Map<Series, Grid> grids(List<ProbeResult> written, long intervalMs) {
    Map<Series, TreeSet<Long>> times = new HashMap<>();
    for (ProbeResult p : written) {
      times
          .computeIfAbsent(
              new Series(p.getService(), p.getCheck(), p.getVantage(), p.getRegion()),
              k -> new TreeSet<>())
          .add(p.getObservedAt().toEpochMilli());
    }
    Map<Series, Grid> grids = new HashMap<>();
    times.forEach(
        (s, t) -> {
          long phase = Math.floorMod(t.first(), intervalMs);
          Grid g = new Grid(phase, t.first(), t.last(), intervalMs);
          assertThat(t)
              .as("%s: one probe every %d ms, none missing", s, intervalMs)
              .hasSize(g.count())
              .allMatch(x -> Math.floorMod(x, intervalMs) == phase);
          assertThat(t.first())
              .as("%s starts in the first interval", s)
              .isLessThan(ORIGIN.toEpochMilli() + intervalMs);
          assertThat(t.last())
              .as("%s runs to the end", s)
              .isGreaterThanOrEqualTo(HISTORY_END.toEpochMilli() - intervalMs);
          grids.put(s, g);
        });
    return grids;
  }

  /**
   * @param start DOWN from (the incident's startedAt)
   * @param end UP at (resolvedAt)
   * @param confirmedAt when the rule confirms it: the second failure of the first failing series
   * @param vantagesAtOpen the vantages with a confirmed run at that moment
   * @param vantages every vantage that saw a failure during it
   */
  record ExpectedIncident(
      Service service,
      String region,
      long start,
      long end,
      long confirmedAt,
      List<String> checksAtOpen,
      List<String> vantagesAtOpen,
      List<String> checks,
      List<String> vantages,
      boolean inMaintenance) {
    String serviceRegion() {
      return service + ":" + region;
    }

    String id() {
      return service + "-" + region + "-" + ID_TIME.format(Instant.ofEpochMilli(start));
    }

    String describe(boolean resolved) {
      return id()
          + " "
          + service
          + " "
          + region
          + " "
          + (resolved ? "RESOLVED" : "OPEN")
          + " "
          + Instant.ofEpochMilli(start)
          + " "
          + (resolved ? Instant.ofEpochMilli(end) : null)
          + " "
          + (resolved ? checks : checksAtOpen)
          + " "
          + (resolved ? vantages : vantagesAtOpen)
          + " maintenance="
          + inMaintenance;
    }
  }

  static String describe(Incident i) {
    return i.getIncidentId()
        + " "
        + i.getService()
        + " "
        + i.getRegion()
        + " "
        + i.getStatus()
        + " "
        + i.getStartedAt()
        + " "
        + i.getResolvedAt()
        + " "
        + i.getChecks()
        + " "
        + i.getVantages()
        + " maintenance="
        + i.getInMaintenance();
  }

  static List<ExpectedIncident> expectedIncidents(Scenario scenario, Map<Series, Grid> grids) {
    Map<String, List<Interval>> windows = windows(scenario);
    List<ExpectedIncident> out = new ArrayList<>();
    for (EventOccurrence occ : scenario.eventOccurrences(ORIGIN, ORIGIN, HISTORY_END)) {
      ScriptedEvent.ServiceOutage o = occ.event().serviceOutage();
      List<String> vantages = scenario.vantages().stream().filter(o::affectsVantage).toList();
      ExpectedIncident i =
          incident(
              o.service(),
              o.region(),
              vantages,
              grids,
              occ.start().toEpochMilli(),
              occ.end().toEpochMilli(),
              windows);
      if (i != null) {
        out.add(i);
      }
    }
    out.sort(
        Comparator.comparing(ExpectedIncident::serviceRegion)
            .thenComparingLong(ExpectedIncident::start));
    for (int k = 1; k < out.size(); k++) {
      ExpectedIncident a = out.get(k - 1);
      ExpectedIncident b = out.get(k);
      if (a.serviceRegion().equals(b.serviceRegion())) {
        assertThat(a.end())
            .as("outages of %s must not run into each other", a.serviceRegion())
            .isLessThan(b.start());
      }
    }
    return out;
  }

  /** The incident an outage [from, to) of the vantages causes, or null if none. */
  static ExpectedIncident incident(
      Service service,
      String region,
      List<String> vantages,
      Map<Series, Grid> grids,
      long from,
      long to,
      Map<String, List<Interval>> windows) {
    Map<Series, Grid> hit =
        new TreeMap<>(Comparator.comparing(Series::check).thenComparing(Series::vantage));
    grids.forEach(
        (s, g) -> {
          if (s.service() == service
              && s.region().equals(region)
              && vantages.contains(s.vantage())) {
            hit.put(s, g);
          }
        });
    assertThat(hit).as("series hit by the outage of %s:%s", service, region).isNotEmpty();
    List<Integer> failures = hit.values().stream().map(g -> g.countIn(from, to)).toList();
    if (failures.stream().allMatch(n -> n < CONFIRMATIONS)) {
      return null; // no series fails twice in a row: not downtime
    }
    assertThat(failures)
        .as(
            "outage %s:%s from %s: every series fails at least %d times, or the "
                + "rule above does not give the whole answer",
            service, region, Instant.ofEpochMilli(from), CONFIRMATIONS)
        .allMatch(n -> n >= CONFIRMATIONS);
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (Grid g : hit.values()) {
      start = Math.min(start, g.firstAtOrAfter(from));
      end = Math.max(end, g.firstAtOrAfter(to));
    }
    long confirmedAt = Long.MAX_VALUE;
    for (Grid g : hit.values()) {
      confirmedAt = Math.min(confirmedAt, g.firstAtOrAfter(from) + g.intervalMs());
    }
    TreeSet<String> checksAtOpen = new TreeSet<>();
    TreeSet<String> vantagesAtOpen = new TreeSet<>();
    TreeSet<String> checks = new TreeSet<>();
    TreeSet<String> seen = new TreeSet<>();
    for (Map.Entry<Series, Grid> e : hit.entrySet()) {
      checks.add(e.getKey().check());
      seen.add(e.getKey().vantage());
      if (e.getValue().firstAtOrAfter(from) + e.getValue().intervalMs() <= confirmedAt) {
        checksAtOpen.add(e.getKey().check());
        vantagesAtOpen.add(e.getKey().vantage());
      }
    }
    long s = start;
    boolean inMaintenance =
        windows.getOrDefault(service + ":" + region, List.of()).stream()
            .anyMatch(w -> w.start() <= s && s < w.end());
    return new ExpectedIncident(
        service,
        region,
        start,
        end,
        confirmedAt,
        List.copyOf(checksAtOpen),
        List.copyOf(vantagesAtOpen),
        List.copyOf(checks),
        List.copyOf(seen),
        inMaintenance);
  }

  /** [start, end) in epoch ms; the test's own, not {@code dev.nines.uptime.Interval}. */
  record Interval(long start, long end) {}

  /** Maintenance windows by {@code SERVICE:region}, from the scenario. */
  static Map<String, List<Interval>> windows(Scenario scenario) {
    Map<String, List<Interval>> out = new HashMap<>();
    for (Scenario.Window w : scenario.maintenance()) {
      out.computeIfAbsent(w.service() + ":" + w.region(), k -> new ArrayList<>())
          .add(
              new Interval(
                  ORIGIN.plus(w.start()).toEpochMilli(), ORIGIN.plus(w.end()).toEpochMilli()));
    }
    out.values()
        .forEach(
            ws -> {
              ws.sort(Comparator.comparingLong(Interval::start));
              for (int k = 1; k < ws.size(); k++) {
                assertThat(ws.get(k - 1).end())
                    .as("windows of one region do not overlap")
                    .isLessThanOrEqualTo(ws.get(k).start());
              }
            });
    return out;
  }

  record ExpectedLine(
      String key,
      long periodStart,
      long periodEnd,
      long observedUntil,
      long downtimeMs,
      long maintenanceMs,
      String availability,
      long budgetRemainingMs,
      List<String> incidentIds) {
    String describe(boolean finalized) {
      return key
          + " ["
          + Instant.ofEpochMilli(periodStart)
          + ", "
          + Instant.ofEpochMilli(periodEnd)
          + ") until "
          + Instant.ofEpochMilli(observedUntil)
          + " down "
          + downtimeMs
          + " maint "
          + maintenanceMs
          + " avail "
          + availability
          + " target "
          + TARGET.toPlainString()
          + " budget "
          + budgetRemainingMs
          + " incidents "
          + incidentIds
          + " final "
          + finalized;
    }
  }

  static String describe(UptimeLedger l) {
    return l.getService()
        + ":"
        + l.getRegion()
        + ":"
        + l.getMonth()
        + " ["
        + l.getPeriodStart()
        + ", "
        + l.getPeriodEnd()
        + ") until "
        + l.getObservedUntil()
        + " down "
        + l.getDowntimeMs()
        + " maint "
        + l.getMaintenanceMs()
        + " avail "
        + l.getAvailabilityPercent()
        + " target "
        + l.getTargetPercent()
        + " budget "
        + l.getErrorBudgetRemainingMs()
        + " incidents "
        + l.getIncidentIds()
        + " final "
        + l.getFinalized();
  }

  /**
   * The balance of {@code serviceRegion} in month {@code m} as known at {@code observedUntil}:
   * incidents confirmed by then, each up to then, clipped to the month; time inside a window is
   * maintenance, the rest downtime; the denominator is always the whole month. ({@code
   * observedUntil} may lie past the month's end: a line refreshed while an incident that began
   * in the month is still open, before the month is finalized.)
   */
  static ExpectedLine expectedLine(
      String serviceRegion,
      YearMonth m,
      long observedUntil,
      List<ExpectedIncident> incidents,
      List<Interval> windows) {
    long from = monthStart(m);
    long to = monthStart(m.plusMonths(1));
    long until = Math.min(to, observedUntil);
    long down = 0;
    long maintenance = 0;
    List<String> ids = new ArrayList<>();
    for (ExpectedIncident i : incidents) {
      if (!i.serviceRegion().equals(serviceRegion) || i.confirmedAt() > observedUntil) {
        continue;
      }
      long a = Math.max(i.start(), from);
      long b = Math.min(i.end(), until);
      if (a >= b) {
        continue;
      }
      long inWindows = 0;
      for (Interval w : windows) {
        inWindows += Math.max(0, Math.min(b, w.end()) - Math.max(a, w.start()));
      }
      maintenance += inWindows;
      down += (b - a) - inWindows;
      ids.add(i.id());
    }
    long length = to - from;
    String availability =
        BigDecimal.valueOf(100L)
            .multiply(BigDecimal.valueOf(length - down))
            .divide(BigDecimal.valueOf(length), 6, RoundingMode.DOWN)
            .toPlainString();
    long budget =
        BigDecimal.valueOf(length)
            .multiply(BigDecimal.valueOf(100).subtract(TARGET))
            .divide(BigDecimal.valueOf(100), 0, RoundingMode.FLOOR)
            .longValueExact();
    return new ExpectedLine(
        serviceRegion + ":" + m,
        from,
        to,
        observedUntil,
        down,
        maintenance,
        availability,
        budget - down,
        ids);
  }

  // ---------------------------------------------------------------------------------------------
  // plumbing

  static Scenario scenario() throws Exception {
    try (InputStream in = UptimeEndToEndIT.class.getClassLoader().getResourceAsStream(SCENARIO)) {
      assertThat(in).as(SCENARIO).isNotNull();
      return Scenario.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  static long monthStart(YearMonth m) {
    return m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  static KafkaConsumer<String, byte[]> committedConsumer(LocalPlatform platform, String topic) {
    KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5_000),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> parts =
        c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  /** Every record of a topic, decoded, from the beginning to the end it has now. */
  static <T> List<T> readAll(
      LocalPlatform platform, String topic, Function<ConsumerRecord<String, byte[]>, T> decode) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (var c = committedConsumer(platform, topic)) {
      drain(platform, c, records);
    }
    return records.stream().map(decode).toList();
  }

  /**
   * Polls until the consumer's position is at the (read_committed) end of its partitions, once
   * the commit markers of what the app wrote so far have landed ({@link
   * TopicRecords#settledEnds}).
   */
  static void drain(
      LocalPlatform platform,
      KafkaConsumer<String, byte[]> c,
      List<ConsumerRecord<String, byte[]>> into) {
    String topic = c.assignment().iterator().next().topic();
    Map<TopicPartition, Long> ends = TopicRecords.settledEnds(platform, topic, c);
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              c.poll(Duration.ofMillis(200)).forEach(into::add);
              return ends.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
            });
  }

  /**
   * Whether the app has committed every partition it reads to its end: probe-results exactly
   * (written without transactions), its own repartition topics up to the last commit marker.
   */
  static boolean caughtUp(Admin admin, String groupId, String probeTopic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
    if (committed.keySet().stream().noneMatch(tp -> tp.topic().equals(probeTopic))) {
      return false;
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    var ends =
        admin
            .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
            .all()
            .get();
    return committed.entrySet().stream()
        .allMatch(
            e -> {
              long end = ends.get(e.getKey()).offset();
              long at = e.getValue().offset();
              return e.getKey().topic().equals(probeTopic) ? at == end : at >= end - 1;
            });
  }
}
