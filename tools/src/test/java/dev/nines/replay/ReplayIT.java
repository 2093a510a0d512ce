package dev.nines.replay;

import static dev.nines.testing.TopicRecords.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.cli.Main;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Directories;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.CarrierState;
import dev.nines.schema.Incident;
import dev.nines.schema.IncidentStatus;
import dev.nines.schema.RoutingWeights;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.UptimeLedger;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.simulate.KafkaSimSink;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.SimSink;
import dev.nines.simulate.Simulator;
import dev.nines.testing.CaughtUp;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.TestTopics;
import dev.nines.testing.TopicRecords.Rec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #9 point 4 on a real broker: {@code nines replay}.
 *
 * <ol>
 *   <li>The live app runs while 25 minutes of history are produced into its input: US:SMS with
 *       carrier bluewave at 40 % success from minute 2 to 7 (it is ejected), VERIFY down in
 *       us-east from minute 3 to 11 (an incident, alerts, downtime on the ledger), across the end
 *       of October, whose month closes 5 minutes into November (uptime.month.grace = PT5M) with
 *       a credit for the one contract.
 *   <li>{@code nines replay} over the whole range with the same configuration: every shadow
 *       output topic holds exactly the live records (key, value bytes, timestamp, per partition
 *       in order), checked here by reading both, and the command's own summary says so.
 *   <li>{@code nines replay --policy} with a lenient eject rule ({@code
 *       routing.eject.success.below=0.3}, no peer ejection), a DOWN rule that needs 10 failures
 *       in a row (the outage has 8 failed probes) and a 99.9 % objective. Worked out from those
 *       rules alone: bluewave at 40 % is DEGRADED but never EJECTED, so every live decision that
 *       ejects it differs; there is no incident, hence no alert and no credit; every ledger line
 *       carries another target, so every one differs; carrier health does not depend on these
 *       keys and stays byte-identical.
 * </ol>
 *
 * <p>One partition per topic: with several, the interleaving of partitions in the repartition
 * topics depends on timing, and routing buckets (1 s grace) close differently from run to run
 * (docs/guarantees.md, "What is deterministic").
 */
@ExtendWith(KafkaPlatformExtension.class)
class ReplayIT {
  static final Instant ORIGIN = Instant.parse("2026-10-31T23:45:00Z");
  static final Instant END = Instant.parse("2026-11-01T00:10:00Z");

  /** The replay range: every record (late receipts are stamped up to 90 s after END). */
  static final Instant FROM = ORIGIN;

  static final Instant TO = END.plus(Duration.ofHours(1));
  static final long FEE = 100_000;

  static final String SCENARIO =
      """
      name: replay-it
      seed: 11
      regions: [us-east]
      vantages: [v1]
      probeInterval: PT60S
      probeFailureRate: 0
      checks:
        - {name: sms-send, service: SMS}
        - {name: verify-send, service: VERIFY}
      routes:
        - country: US
          channel: SMS
          ratePerSecond: 30
          carriers:
            - {carrierId: atlas, baseWeight: 50}
            - {carrierId: bluewave, baseWeight: 30}
            - {carrierId: corvid, baseWeight: 20}
      failureMix: {delivered: 0.995, carrier: 0.002, recipient: 0.003}
      duplicates: {fraction: 0.01}
      late: {fraction: 0.01, minDelay: PT1S, maxDelay: PT90S}
      accounts:
        - accountId: acme
          tier: standard
          targetPercent: "99.99"
          regions: [us-east]
          services:
            - {service: VERIFY, monthlyFeeMinor: %d}
          currency: USD
          creditSchedule:
            - {belowPercent: "99.99", creditPercent: 10}
            - {belowPercent: "99.9", creditPercent: 25}
      events:
        - name: bluewave-degraded
          start: PT2M
          end: PT7M
          carrierDegradation: {route: "US:SMS", carrierId: bluewave, successRate: 0.40}
        - name: verify-down
          start: PT3M
          end: PT11M
          serviceOutage: {service: VERIFY, region: us-east}
      """
          .formatted(FEE);

  final List<Path> tempDirs = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    tempDirs.forEach(Directories::deleteRecursively);
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void replayIsByteIdenticalWithTheSamePolicyAndReportsWhatAnotherPolicyChanges() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("replay") + ".";
    Path state = Files.createTempDirectory("replay-it-live-");
    tempDirs.add(state);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("topics.prefix", prefix);
    settings.put("application.id", prefix + "app");
    settings.put("topics.partitions", "1");
    settings.put("uptime.month.grace", "PT5M");
    // the last carrier-health windows close once every input partition is idle (docs/guarantees.md,
    // "What is deterministic"): short here, so that the live run gets there quickly
    settings.put("health.partition.idle", "PT2S");
    NinesConfig config =
        ConfigLoader.load(
            Optional.empty(), Map.of(), with(settings, "state.dir", state.toString()));
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    long t0 = System.nanoTime();

    // 1. the live run: the app is up while the history arrives
    try (Admin admin = platform.kafka().admin()) {
      TestTopics.ensure(admin, config.topics());
      try (NinesApp app = NinesApp.start(config, platform, registry)) {
        produceHistory(platform, registry, prefix);
        var caughtUp = CaughtUp.condition(admin, platform.bootstrapServers(), config, registry);
        await()
            .atMost(Duration.ofMinutes(4))
            .pollInterval(Duration.ofMillis(500))
            .alias("the live app processed all its input")
            .until(caughtUp);
        // then as a live app is some seconds after its input stops: every input partition idle,
        // the last windows closed, and that processed too
        await()
            .pollDelay(config.health().partitionIdle().plusSeconds(2))
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(500))
            .alias("the live app idle and through its input again")
            .until(caughtUp);
      }
    }
    long t1 = System.nanoTime();
    Map<String, List<Rec>> live = read(platform, config.topics());
    // the history has what the test is about
    List<RoutingWeights> liveWeights =
        decode(live, Topics.ROUTING_WEIGHTS, config.topics(), registry, RoutingWeights.class);
    long liveEjecting =
        liveWeights.stream().filter(w -> state(w, "bluewave") == CarrierState.EJECTED).count();
    assertThat(liveEjecting).as("live decisions with bluewave EJECTED").isPositive();
    List<Incident> incidents =
        decode(live, Topics.INCIDENTS, config.topics(), registry, Incident.class);
    assertThat(incidents)
        .extracting(Incident::getStatus)
        .containsExactly(IncidentStatus.OPEN, IncidentStatus.RESOLVED);
    assertThat(incidents.get(1).getStartedAt())
        .isBetween(ORIGIN.plusSeconds(180), ORIGIN.plusSeconds(240));
    assertThat(incidents.get(1).getResolvedAt())
        .isBetween(ORIGIN.plusSeconds(660), ORIGIN.plusSeconds(720));
    List<SlaCredit> credits =
        decode(live, Topics.SLA_CREDITS, config.topics(), registry, SlaCredit.class);
    // about 8 minutes DOWN of October's 31 days: availability about 99.982 %, below 99.99 only
    assertThat(credits)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getMonth()).isEqualTo("2026-10");
              assertThat(c.getCreditPercent()).isEqualTo(10);
              assertThat(c.getCreditAmountMinor()).isEqualTo(FEE / 10);
            });
    List<UptimeLedger> ledger =
        decode(live, Topics.UPTIME_LEDGER, config.topics(), registry, UptimeLedger.class);
    assertThat(ledger)
        .anyMatch(l -> l.getFinalized() && l.getMonth().equals("2026-10") && l.getDowntimeMs() > 0);
    assertThat(live.get(Topics.ERROR_BUDGET_ALERTS.name())).isNotEmpty();
    assertThat(live.get(Topics.CARRIER_HEALTH.name())).isNotEmpty();

    // 2. replay with the same policy: byte for byte the live outputs
    Run same = replay(platform, settings, "--suffix", ".same");
    long t2 = System.nanoTime();
    assertThat(same.exit).as("replay exit code\n%s", same).isZero();
    Map<String, List<Rec>> shadow = read(platform, config.topics().withSuffix(".same"));
    // the live topics never roll by time (TestTopics), so the broker's cleaner leaves them
    // whole: every output, compacted or not, must be equal record for record
    for (Topic<?> t : Topics.OUTPUTS) {
      assertThat(shadow.get(t.name()))
          .as(
              "%s: the replay's records (key, value bytes, timestamp, in order) equal the "
                  + "live ones",
              t.name())
          .isEqualTo(live.get(t.name()));
    }
    for (Topic<?> t : Topics.OUTPUTS) {
      assertThat(same.row(t.name()))
          .as("summary row of %s\n%s", t.name(), same)
          .satisfies(
              r -> {
                assertThat(r.identical()).isTrue();
                assertThat(r.differing()).isZero();
                assertThat(r.replay()).isEqualTo(r.live());
              });
    }
    assertThat(same.row("dead-letters").live()).isZero();
    assertThat(same.err).contains("replay: copying", "replay: processing", "100%");
    assertThat(same.credits())
        .isEqualTo("live USD " + FEE / 10 + " (1 credit); replay USD " + FEE / 10 + " (1 credit)");

    // 3. another policy: what would it have done?
    Path policy = Files.createTempFile("replay-it-policy-", ".properties");
    tempDirs.add(policy);
    Files.writeString(
        policy,
        """
        routing.eject.success.below=0.3
        routing.peer.eject.gap=1.0
        uptime.confirmations=10
        uptime.target.percent=99.9
        """);
    Run lenient = replay(platform, settings, "--suffix", ".lenient", "--policy", policy.toString());
    long t3 = System.nanoTime();
    assertThat(lenient.exit).as("replay exit code\n%s", lenient).isZero();
    System.out.printf(
        "ReplayIT: live run %.1f s, same-policy replay %.1f s, other-policy replay "
            + "%.1f s%n%s%n%s%n",
        (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, same, lenient);
    Map<String, List<Rec>> other = read(platform, config.topics().withSuffix(".lenient"));
    List<RoutingWeights> otherWeights =
        decode(
            other,
            Topics.ROUTING_WEIGHTS,
            config.topics().withSuffix(".lenient"),
            registry,
            RoutingWeights.class);
    assertThat(otherWeights)
        .as("no carrier is ejected under the lenient policy")
        .allSatisfy(
            w -> assertThat(w.getCarriers()).noneMatch(c -> c.getState() == CarrierState.EJECTED))
        .anyMatch(w -> state(w, "bluewave") == CarrierState.DEGRADED);

    assertThat(lenient.row("carrier-health"))
        .satisfies(
            r -> {
              assertThat(r.identical()).isTrue();
              assertThat(r.differing()).isZero();
            });
    assertThat(lenient.row("routing-weights"))
        .satisfies(
            r -> {
              assertThat(r.identical()).isFalse();
              // routing-weights is compacted: the broker's cleaner may have removed superseded live
              // records since they were read above (docs/replay.md, "Compaction")
              assertThat(r.live()).isPositive().isLessThanOrEqualTo(liveWeights.size());
              assertThat(r.replay()).isEqualTo(otherWeights.size());
              assertThat(r.differing()).isGreaterThanOrEqualTo((int) liveEjecting);
            });
    assertThat(lenient.row("incidents"))
        .isEqualTo(new OutputDiff.Row("incidents", "incidents", 1, 0, 1, false));
    assertThat(lenient.row("sla-credits"))
        .isEqualTo(new OutputDiff.Row("sla-credits", "credits", 1, 0, 1, false));
    int alerts = live.get(Topics.ERROR_BUDGET_ALERTS.name()).size();
    assertThat(lenient.row("error-budget-alerts"))
        .satisfies(
            r -> {
              assertThat(r.replay()).isZero();
              assertThat(r.identical()).isFalse();
              assertThat(r.differing())
                  .isEqualTo(r.live())
                  .isPositive()
                  .isLessThanOrEqualTo(alerts);
            });
    long ledgerKeys =
        live.get(Topics.UPTIME_LEDGER.name()).stream().map(Rec::key).distinct().count();
    assertThat(lenient.row("uptime-ledger"))
        .isEqualTo(
            new OutputDiff.Row(
                "uptime-ledger",
                "lines",
                (int) ledgerKeys,
                (int) ledgerKeys,
                (int) ledgerKeys,
                false));
    assertThat(lenient.row("dead-letters"))
        .isEqualTo(new OutputDiff.Row("dead-letters", "records", 0, 0, 0, true));
    assertThat(lenient.credits()).isEqualTo("live USD " + FEE / 10 + " (1 credit); replay none");

    // 4. the same suffix again is refused in one line, unless --replace
    Run again = replay(platform, settings, "--suffix", ".same", "--no-diff");
    assertThat(again.exit).isEqualTo(2);
    assertThat(again.err.lines())
        .singleElement()
        .asString()
        .startsWith("nines: a replay with suffix '.same' exists already (")
        .endsWith("choose another --suffix, or add --replace to delete it first");
  }

  static Map<String, String> with(Map<String, String> m, String k, String v) {
    Map<String, String> c = new LinkedHashMap<>(m);
    c.put(k, v);
    return c;
  }

  static void produceHistory(
      LocalPlatform platform, RestSchemaRegistryClient registry, String prefix) {
    Simulator sim = new Simulator(Scenario.parse(SCENARIO), 11L);
    try (var producer =
        new KafkaProducer<String, Object>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024),
            new StringSerializer(),
            new AnyAvroSerializer(registry))) {
      SimSink sink = SimSink.withTopicPrefix(new KafkaSimSink(producer), prefix);
      sim.seed(sink, ORIGIN);
      sim.history(sink, ORIGIN, END);
      sink.flush();
    }
  }

  static Map<String, List<Rec>> read(LocalPlatform platform, NinesConfig.TopicLayout layout) {
    Map<String, List<Rec>> m = new LinkedHashMap<>();
    for (Topic<?> t : Topics.OUTPUTS) {
      m.put(t.name(), readAll(platform, layout.name(t)));
    }
    return m;
  }

  static <T> List<T> decode(
      Map<String, List<Rec>> recs,
      Topic<?> topic,
      NinesConfig.TopicLayout layout,
      RestSchemaRegistryClient registry,
      Class<T> type) {
    var serde = topic.valueSerde(registry);
    return recs.get(topic.name()).stream()
        .map(r -> type.cast(serde.deserialize(layout.name(topic), r.value())))
        .toList();
  }

  static CarrierState state(RoutingWeights w, String carrier) {
    return w.getCarriers().stream()
        .filter(c -> c.getCarrierId().equals(carrier))
        .findFirst()
        .orElseThrow()
        .getState();
  }

  /** One {@code nines replay}, run in this JVM as a user runs it, against the test broker. */
  record Run(int exit, String out, String err) {
    static final Pattern ROW =
        Pattern.compile(
            "^(\\S+)\\s+(\\S+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(yes|no)$", Pattern.MULTILINE);

    OutputDiff.Row row(String topic) {
      Matcher m = ROW.matcher(out);
      while (m.find()) {
        if (m.group(1).equals(topic)) {
          return new OutputDiff.Row(
              topic,
              m.group(2),
              Integer.parseInt(m.group(3)),
              Integer.parseInt(m.group(4)),
              Integer.parseInt(m.group(5)),
              m.group(6).equals("yes"));
        }
      }
      throw new AssertionError("no summary row for " + topic + " in:\n" + out + "\n" + err);
    }

    String credits() {
      return out.lines()
          .filter(l -> l.startsWith("credit totals (minor units): "))
          .findFirst()
          .map(l -> l.substring("credit totals (minor units): ".length()))
          .orElseThrow(() -> new AssertionError("no credit totals in:\n" + out));
    }

    @Override
    public String toString() {
      return "stdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  Run replay(LocalPlatform platform, Map<String, String> settings, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "replay",
                "--bootstrap-servers",
                platform.bootstrapServers(),
                "--schema-registry-url",
                platform.schemaRegistryUrl(),
                "--from",
                FROM.toString(),
                "--to",
                TO.toString()));
    settings.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    args.addAll(List.of(extra));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.execute(
            new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }
}
