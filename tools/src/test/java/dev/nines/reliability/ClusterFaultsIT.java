package dev.nines.reliability;

import static dev.nines.testing.TopicRecords.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.app.NinesTopology;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Directories;
import dev.nines.platform.PortCheck;
import dev.nines.platform.TopicManager;
import dev.nines.platform.local.LocalKafka;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.CarrierHealth;
import dev.nines.schema.CarrierState;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.Incident;
import dev.nines.schema.RoutingWeights;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.UptimeLedger;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.testing.CaughtUp;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.TestTopics;
import dev.nines.testing.TopicRecords.Rec;
import dev.nines.views.Json;
import dev.nines.views.Model;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.TopologyDescription;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Issue #9 point 3 and issue #8 point 3 on a real three-node KRaft cluster (each node a combined
 * broker and controller in its own JVM, started here): replication factor 3 for every topic
 * (contract topics through {@link TopicManager}, internal ones through Streams'
 * {@code replication.factor}), {@code min.insync.replicas} 2.
 *
 * <p>The input is the simulator's history of 55 minutes across the end of October 2026
 * ({@link #SCENARIO}: a carrier degraded twice for 5 minutes, VERIFY down in us-east for 18
 * minutes across the month end, contracts credited when October closes), fed at {@link #SPEED}
 * times event time, as a live feed would arrive (the run with broker faults slower, see there;
 * the reference all at once). Every run gets the same records; each has its own topic prefix and
 * application id on the shared cluster.
 *
 * <ol>
 *   <li>{@link #referenceRun}: one instance, no fault. Its outputs are checked against what the
 *       scenario implies (incidents, the credit, finalized lines, an ejection) and are the
 *       yardstick of the others. It runs alongside the scale-out part of {@link
 *       #twoInstancesOneKilled} (after that scenario's takeover is measured; no broker is stopped
 *       then) and is asserted last.
 *   <li>{@link #brokerStopControllerMoveAndAppKill}: one instance; a broker that is not the
 *       active controller is stopped and restarted; then the active controller (from {@code
 *       describeMetadataQuorum}) is stopped, a new one takes over, and the old one comes back;
 *       then the app is killed with SIGKILL and restarted.
 *   <li>{@link #twoInstancesOneKilled}: two instances (separate JVMs); one is killed with
 *       SIGKILL, its partitions move to the other; then it is restarted and a third instance
 *       joins (scale-out): the source partitions of every task (from the consumer group) are
 *       spread over the three, none twice, and every instance's HTTP API answers every route and
 *       ledger line, itself or by forwarding.
 * </ol>
 *
 * After each, every output topic is compared with the reference run: records missing, records
 * doubled or extra, and per key the order (see {@link OutputComparison}). What was done, with
 * times, and the comparison are printed before anything is asserted.
 */
@Isolated
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultsIT {
  static final Path JAR = Path.of(System.getProperty("nines.jar", "target/nines.jar"));
  static final int NODES = 3;
  static final int PARTITIONS = 3;

  /** Simulated seconds per wall-clock second: 55 minutes of history in 33 seconds. */
  static final double SPEED = Double.parseDouble(System.getProperty("faults.it.speed", "100"));

  static final Instant ORIGIN = Instant.parse("2026-10-31T23:30:00Z");
  static final Instant END = Instant.parse("2026-11-01T00:25:00Z");
  static final long FEE = 100_000;

  /**
   * The other instance commits a killed instance's partitions within this many seconds of the
   * SIGKILL (6 s session timeout, 6 s transaction timeout): the 30 s in which the platforms nines
   * serves promise to move traffic off a failing carrier. With Kafka's defaults it took 44 to 47
   * s. On this 2-core machine (three brokers and two instances on it, test JVMs compiling with C1
   * only): 8.0 s when this class runs alone, 10.4 and 13.5 s inside a full `mvn verify`
   * (2026-12-06/07), and once 20.5 s on a busier CI machine. The p95 target (10 s) is measured
   * by `./nines bench failover`, not here: this bound catches a lost setting, not a slow day.
   */
  static final double TAKEOVER_BOUND_SECONDS = 30;

  /**
   * A killed instance restarted at once commits input again within this many seconds: a JVM
   * start, and under exactly-once the state of every task restored from its changelog (a crash
   * leaves no checkpoint). With Kafka's defaults it took about 55 s; with nines' 13.6 s alone and
   * 17 to 24 s in full `mvn verify` runs on this 2-core machine (2026-12-06/07, test JVMs on C1;
   * 14 to 28 s with C2, where the restore competed with three brokers and their compilers).
   */
  static final double RESTART_BOUND_SECONDS = 40;

  static final String SCENARIO =
      """
      name: cluster-faults-it
      seed: 9
      regions: [us-east, eu-west]
      vantages: [v1]
      probeInterval: PT60S
      probeFailureRate: 0
      checks:
        - {name: sms-send, service: SMS}
        - {name: verify-send, service: VERIFY}
      routes:
        - country: US
          channel: SMS
          ratePerSecond: 5
          carriers:
            - {carrierId: atlas, baseWeight: 50}
            - {carrierId: bluewave, baseWeight: 30}
            - {carrierId: corvid, baseWeight: 20}
      failureMix: {delivered: 0.995, carrier: 0.002, recipient: 0.003}
      duplicates: {fraction: 0.01}
      late: {fraction: 0.01, minDelay: PT1S, maxDelay: PT20S}
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
        - accountId: globex
          tier: standard
          targetPercent: "99.99"
          regions: [us-east, eu-west]
          services:
            - {service: VERIFY, monthlyFeeMinor: %d}
            - {service: SMS, monthlyFeeMinor: %d}
          currency: EUR
          creditSchedule:
            - {belowPercent: "99.99", creditPercent: 5}
      events:
        - name: bluewave-degraded
          start: PT5M
          end: PT10M
          repeatEvery: PT30M
          carrierDegradation: {route: "US:SMS", carrierId: bluewave, successRate: 0.40}
        - name: verify-down-us-east
          start: PT20M
          end: PT38M
          serviceOutage: {service: VERIFY, region: us-east}
      """
          .formatted(FEE, 2 * FEE, 3 * FEE);

  static LocalPlatform cluster;
  static RestSchemaRegistryClient registry;
  static List<PacedFeed.Sent> input;
  static CompletableFuture<Run> reference;
  static volatile AppProcess referenceApp;
  static final List<Path> TEMP_DIRS = new ArrayList<>();

  /** What every test printed as its summary; the last test prints them all together. */
  static final List<String> SUMMARY = new ArrayList<>();

  final List<AppProcess> processes = new ArrayList<>();
  final Map<AppProcess, Api> apis = new HashMap<>();
  final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    Path dir = Files.createTempDirectory("nines-cluster-");
    TEMP_DIRS.add(dir);
    var ports = PortCheck.freePorts(2 * NODES + 1);
    var options =
        new LocalKafka.Options(
            "localhost",
            ports.subList(0, NODES),
            ports.subList(NODES, 2 * NODES),
            dir.resolve("kafka"),
            true,
            "512m",
            Duration.ofSeconds(180),
            // min.insync.replicas 2 for every topic (contract and internal); a topic created
            // without
            // a replication factor gets 3
            Map.of("min.insync.replicas", "2", "default.replication.factor", "3"));
    long t0 = System.nanoTime();
    cluster = LocalPlatform.start(options, "localhost", ports.get(2 * NODES), (short) NODES);
    registry = new RestSchemaRegistryClient(cluster.schemaRegistryUrl());
    input = PacedFeed.generate(SCENARIO, 9L, ORIGIN, END);
    System.out.printf(
        "ClusterFaultsIT: %d-node KRaft cluster at %s ready in %.1f s; active "
            + "controller node %d; machine: %d cores, load %s; input: %s%n",
        NODES,
        cluster.bootstrapServers(),
        (System.nanoTime() - t0) / 1e9,
        activeController(),
        Runtime.getRuntime().availableProcessors(),
        loadAverage(),
        inputSummary());
  }

  @AfterAll
  static void stopCluster() {
    AppProcess app = referenceApp;
    if (app != null) {
      app.destroy(); // a reference still running when a scenario failed
    }
    if (!SUMMARY.isEmpty()) {
      System.out.println("ClusterFaultsIT summary:\n" + String.join("\n", SUMMARY));
    }
    if (cluster != null) {
      cluster.close();
    }
    TEMP_DIRS.forEach(Directories::deleteRecursively);
  }

  @AfterEach
  void cleanUp() {
    processes.forEach(AppProcess::destroy);
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        System.out.println("ClusterFaultsIT: error while closing: " + e);
      }
    }
    // every node must be up for the next test (a failure may have left one stopped)
    for (int id = 1; cluster != null && id <= NODES; id++) {
      if (!nodeAlive(id)) {
        cluster.kafka().startNode(id);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the scenarios

  /** Last: its run started with the first scenario (see {@link #referenceStarted}). */
  @Test
  @Order(5)
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void referenceRun() throws Exception {
    Run ref = reference();
    // the input exercised what the comparisons are about (worked out from SCENARIO alone)
    List<Incident> incidents = ref.decode(Topics.INCIDENTS, Incident.class);
    // VERIFY down in us-east at 23:50-00:08: one incident across the month end, opened and
    // resolved; nothing else fails
    assertThat(incidents)
        .extracting(i -> i.getService() + ":" + i.getRegion() + " " + i.getStatus())
        .containsExactly("VERIFY:us-east OPEN", "VERIFY:us-east RESOLVED");
    // October closes at 00:05 (month grace 5 min): one finalized line per service and region
    assertThat(
            OutputComparison.finalized(
                ref.outputs.get(Topics.UPTIME_LEDGER.name()), ref.prefix, registry))
        .extracting(l -> l.getService() + ":" + l.getRegion() + ":" + l.getMonth())
        .containsExactlyInAnyOrder(
            "SMS:us-east:2026-10",
            "SMS:eu-west:2026-10",
            "VERIFY:us-east:2026-10",
            "VERIFY:eu-west:2026-10");
    // about 10 minutes DOWN of October's 44,640: 99.98 %, below 99.99 but not 99.9; globex
    // has VERIFY in us-east (credited) and SMS (no downtime, nothing written)
    assertThat(ref.decode(Topics.SLA_CREDITS, SlaCredit.class))
        .extracting(
            c ->
                c.getAccountId()
                    + " "
                    + c.getService()
                    + " "
                    + c.getMonth()
                    + " "
                    + c.getCreditPercent()
                    + " "
                    + c.getCreditAmountMinor())
        .containsExactlyInAnyOrder(
            "acme VERIFY 2026-10 10 " + FEE / 10, "globex VERIFY 2026-10 5 " + 2 * FEE / 20);
    // bluewave at 40 % success is ejected and comes back
    List<RoutingWeights> weights = ref.decode(Topics.ROUTING_WEIGHTS, RoutingWeights.class);
    assertThat(weights).anyMatch(w -> state(w, "bluewave") == CarrierState.EJECTED);
    assertThat(weights)
        .anyMatch(w -> state(w, "bluewave") == CarrierState.HEALTHY && w.getVersion() > 1);
    summary(ref, "reference (no fault)", null);
  }

  /**
   * A second fault-free run, compared like the others: what differs here is what differs
   * between two runs without any fault (the interleaving of partitions), not what a fault did.
   * Off by default to keep the suite short: {@code -Dfaults.it.control=true}.
   */
  @Test
  @Order(2)
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  @EnabledIfSystemProperty(
      named = "faults.it.control",
      matches = "true",
      disabledReason =
          "opt-in, to keep the suite short: " + "mvn -B verify -Dfaults.it.control=true")
  void controlRunWithoutFaults() throws Exception {
    Run ref = reference();
    Run run = newRun("control");
    AppProcess app = process(run, "control-app");
    app.start();
    PacedFeed feed = feed(run, List.of(app));
    finish(run, feed, List.of(app));
    compareAndAssert(ref, run);
  }

  @Test
  @Order(4)
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void brokerStopControllerMoveAndAppKill() throws Exception {
    Run run = newRun("faults");
    // half the pace (66 s of feed): the feed must still be running when the app is killed, after
    // two broker stops and restarts of 13 to 15 s each (2026-12-06, full suite). Outputs do not
    // depend on the pace (the settings, graces included, are those of every run)
    run.speed = SPEED / 2;
    AppProcess app = process(run, "faults-app");
    app.start();
    PacedFeed feed = feed(run, List.of(app));
    try (Admin admin = admin()) {
      // (a) a broker that is not the active controller: stopped, then started again
      awaitProgress(run, feed, 0.10, List.of(app));
      int controller = activeController();
      int broker =
          IntStream.rangeClosed(1, NODES).filter(i -> i != controller).findFirst().orElseThrow();
      run.event(
          "stopping broker node %d (cleanly; the active controller is node %d)",
          broker, controller);
      long before = committedProgress(admin, run.appId);
      long t = System.nanoTime();
      cluster.kafka().stopNode(broker);
      run.event("node %d stopped in %.1f s", broker, secondsSince(t));
      awaitUntil(
          run,
          "the app commits input with node " + broker + " down",
          List.of(app),
          () -> committedProgress(admin, run.appId) > before);
      run.event("the app committed input again %.1f s after the stop began", secondsSince(t));
      t = System.nanoTime();
      cluster.kafka().startNode(broker);
      run.event("node %d started again in %.1f s", broker, secondsSince(t));
      awaitFullIsr(run, admin, List.of(app));

      // (b) the active controller: stopped; another node takes over; it comes back
      awaitProgress(run, feed, 0.35, List.of(app));
      int old = activeController();
      run.event("stopping the active controller, node %d", old);
      long before2 = committedProgress(admin, run.appId);
      t = System.nanoTime();
      cluster.kafka().stopNode(old);
      long stopped = System.nanoTime();
      awaitUntil(
          run,
          "a new active controller",
          List.of(app),
          () -> {
            int now = activeController();
            return now > 0 && now != old;
          });
      run.event(
          "node %d stopped in %.1f s; node %d is the active controller %.1f s after that",
          old, (stopped - t) / 1e9, activeController(), secondsSince(stopped));
      awaitUntil(
          run,
          "the app commits input with the old controller down",
          List.of(app),
          () -> committedProgress(admin, run.appId) > before2);
      run.event("the app committed input again %.1f s after the stop began", secondsSince(t));
      t = System.nanoTime();
      cluster.kafka().startNode(old);
      run.event(
          "node %d started again in %.1f s (active controller now node %d)",
          old, secondsSince(t), activeController());
      awaitFullIsr(run, admin, List.of(app));

      // (c) the app: SIGKILL, restarted on the same state directory
      awaitProgress(run, feed, 0.60, List.of(app));
      run.kills++;
      t = System.nanoTime();
      Set<TopicPartition> had = committed(admin, run.appId).keySet();
      app.kill();
      app.start();
      // read after the start, so the wait for the dead instance's transaction is not added to
      // the restart; the restarted app cannot commit before that transaction is resolved either
      // summed over every partition the group has then, as committedProgress sums: the killed
      // app's last transaction may have committed partitions it had not committed before (one
      // run printed "outputs flow again 0.5 s after the kill" when only `had` was summed)
      long at = sum(settledOffsets(run, admin, had, true));
      run.event("app killed with SIGKILL (committed input offsets then: %d) and restarted", at);
      awaitUntil(
          run,
          "the restarted app commits input",
          List.of(app),
          () -> committedProgress(admin, run.appId) > at);
      run.recoverySeconds.add(secondsSince(t));
      run.event(
          "outputs flow again %.1f s after the kill (first transaction of the restarted "
              + "app committed)",
          secondsSince(t));
    }
    finish(run, feed, List.of(app));
    compareAndAssert(reference(), run);
    assertRecoveredWithin(run, RESTART_BOUND_SECONDS);
  }

  @Test
  @Order(3)
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void twoInstancesOneKilled() throws Exception {
    Run run = newRun("two");
    // as docs/failover.md advises for several instances: a warm copy of each task's state on the
    // other instance, so the takeover does not wait for a restore. Without it, the takeover took
    // 14.6 and 30.8 s in two runs on this 2-core machine (ownership after 6.7 and 8.1 s, the
    // rest restoring on a loaded three-broker cluster).
    run.settings.put("kafka.num.standby.replicas", "1");
    AppProcess a = process(run, "instance-a");
    AppProcess b = process(run, "instance-b");
    a.start();
    b.start();
    List<AppProcess> apps = new ArrayList<>(List.of(a, b));
    run.instances = 2;
    PacedFeed feed = feed(run, apps);
    try (Admin admin = admin()) {
      awaitProgress(run, feed, 0.30, apps);
      // the takeover of a running instance is what is measured: both commit on partitions of
      // their own first (an instance killed while it still opens its stores hands over less)
      Set<TopicPartition> all = new HashSet<>();
      owners(admin, run.appId).values().forEach(all::addAll);
      Map<TopicPartition, Long> before = committed(admin, run.appId, all);
      awaitUntil(
          run,
          "both instances commit input",
          apps,
          () -> {
            Map<TopicPartition, Long> now = committed(admin, run.appId, all);
            Map<String, Set<TopicPartition>> o = owners(admin, run.appId);
            return List.of(a.name, b.name).stream()
                .allMatch(
                    n ->
                        o.getOrDefault(n, Set.of()).stream()
                            .anyMatch(
                                tp -> now.getOrDefault(tp, 0L) > before.getOrDefault(tp, 0L)));
          });
      Map<String, Set<TopicPartition>> owners = owners(admin, run.appId);
      run.event("partitions per instance: %s; both commit input", counts(owners));
      Set<TopicPartition> moved = owners.get(a.name);
      Set<TopicPartition> had = committed(admin, run.appId, moved).keySet();
      long t = System.nanoTime();
      run.kills++;
      a.kill();
      Map<TopicPartition, Long> at = settledOffsets(run, admin, had);
      run.event(
          "%s killed with SIGKILL; it owned %d partitions: %s",
          a.name,
          moved.size(),
          new TreeSet<>(moved.stream().map(TopicPartition::toString).toList()));
      awaitUntil(
          run,
          b.name + " owns the killed instance's partitions",
          List.of(b),
          () -> {
            var now = owners(admin, run.appId);
            return !now.containsKey(a.name)
                && now.getOrDefault(b.name, Set.of()).containsAll(moved);
          });
      run.event(
          "%s owns all %d partitions %.1f s after the kill (the group noticed the dead "
              + "member after its session timeout)",
          b.name, owners(admin, run.appId).get(b.name).size(), secondsSince(t));
      awaitUntil(
          run,
          b.name + " commits on the killed instance's partitions",
          List.of(b),
          () -> {
            Map<TopicPartition, Long> now = committed(admin, run.appId, moved);
            return moved.stream()
                .anyMatch(tp -> now.getOrDefault(tp, 0L) > at.getOrDefault(tp, 0L));
          });
      run.recoverySeconds.add(secondsSince(t));
      run.event(
          "the killed instance's partitions are processed again %.1f s after the kill",
          secondsSince(t));
      // The takeover is measured: the reference run starts now, on the same cluster, and runs
      // alongside the scale-out below, which has no bound on its time (alone, the class took
      // 206 s against 221 s with the reference first). No broker is stopped meanwhile.
      referenceStarted();
      awaitProgress(run, feed, 0.75, List.of(b));
      // the killed instance comes back and a third joins at the same time (scale-out): the
      // tasks spread over three instances, none run twice
      AppProcess c = process(run, "instance-c");
      a.start();
      c.start();
      apps.add(c);
      run.instances = 3;
      run.event("%s restarted and a third instance, %s, started", a.name, c.name);
      int sourcePartitions = sourcePartitions(run);
      Map<String, Set<TopicPartition>> spread = new TreeMap<>();
      awaitUntil(
          run,
          "the tasks spread over three instances, none twice",
          apps,
          () -> {
            spread.clear();
            spread.putAll(owners(admin, run.appId));
            Set<TopicPartition> union = new HashSet<>();
            int sum = 0;
            for (Set<TopicPartition> p : spread.values()) {
              union.addAll(p);
              sum += p.size();
            }
            return spread.keySet().equals(Set.of(a.name, b.name, c.name))
                && union.size() == sourcePartitions
                && sum == sourcePartitions;
          });
      run.event(
          "source partitions per instance: %s (all %d, each once)",
          counts(spread), sourcePartitions);
      awaitUntil(run, "the feed is done", apps, feed::done);
      awaitCaughtUp(run, admin, apps);
    }
    assertEveryInstanceAnswersEveryKey(run, apps.stream().map(this::apiOf).toList());
    finish(run, feed, apps);
    compareAndAssert(reference(), run);
    assertRecoveredWithin(run, TAKEOVER_BOUND_SECONDS);
  }

  /**
   * How many partitions the run's consumers are assigned when every task runs once: the source
   * topics of every subtopology (input and repartition topics) times their partitions.
   */
  int sourcePartitions(Run run) {
    return NinesTopology.build(run.config, registry).describe().subtopologies().stream()
            .flatMap(st -> st.nodes().stream())
            .filter(n -> n instanceof TopologyDescription.Source)
            .mapToInt(n -> ((TopologyDescription.Source) n).topicSet().size())
            .sum()
        * PARTITIONS;
  }

  static void assertRecoveredWithin(Run run, double bound) {
    assertThat(run.recoverySeconds)
        .as(
            "seconds from a SIGKILL until the killed instance's "
                + "partitions are committed again")
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(bound));
  }

  // ---------------------------------------------------------------------------------------------
  // runs

  /** One run: its topics, application id, what happened and what it wrote. */
  static final class Run {
    final String label;
    final String prefix;
    final String appId;
    final NinesConfig config;
    final Map<String, String> settings;
    final long startedNanos = System.nanoTime();
    final List<String> events = new ArrayList<>();
    final List<Double> recoverySeconds = new ArrayList<>();

    /** Simulated seconds per wall-clock second of this run's feed. */
    double speed = SPEED;

    Map<String, List<Rec>> outputs;
    int kills;
    int fenced;
    int instances = 1;
    double processingSeconds;

    Run(String label, String prefix, Map<String, String> settings) {
      this.label = label;
      this.prefix = prefix;
      this.appId = settings.get("application.id");
      this.settings = settings;
      this.config = configOf(settings);
    }

    void event(String format, Object... args) {
      String line =
          String.format("[%s %6.1f s] ", label, secondsSince(startedNanos))
              + String.format(format, args);
      events.add(line);
      System.out.println(line);
    }

    void readOutputs() {
      outputs = new LinkedHashMap<>();
      for (Topic<?> t : Topics.OUTPUTS) {
        outputs.put(t.name(), readAll(cluster, config.topics().name(t)));
      }
    }

    <T> List<T> decode(Topic<?> topic, Class<T> type) {
      var serde = topic.valueSerde(registry);
      return outputs.get(topic.name()).stream()
          .map(r -> type.cast(serde.deserializer().deserialize(prefix + topic.name(), r.value())))
          .toList();
    }

    int records() {
      return outputs.values().stream().mapToInt(List::size).sum();
    }
  }

  /** The run's configuration as its instances load it: against the cluster, not embedded. */
  static NinesConfig configOf(Map<String, String> settings) {
    Map<String, String> s = new LinkedHashMap<>(settings);
    s.put("bootstrap.servers", cluster.bootstrapServers());
    s.put("schema.registry.url", cluster.schemaRegistryUrl());
    return ConfigLoader.load(Optional.empty(), Map.of(), s);
  }

  /**
   * The reference run, started once, on a thread of its own: {@link #twoInstancesOneKilled} starts
   * it once its takeover is measured and goes on with its own run; it waits for it only to
   * compare. Whoever asks for it first otherwise (a single test run alone) starts it.
   */
  static synchronized CompletableFuture<Run> referenceStarted() {
    if (reference == null) {
      reference =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return referenceRunItself();
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              },
              Executors.newSingleThreadExecutor(
                  r -> {
                    Thread t = new Thread(r, "reference-run");
                    t.setDaemon(true);
                    return t;
                  }));
    }
    return reference;
  }

  static Run reference() throws Exception {
    try {
      return referenceStarted().get(15, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  private static Run referenceRunItself() throws Exception {
    Run run = newRun("reference");
    // Its input all at once: what is compared exactly (windows closed and routing decided by
    // watermarks, incidents, finalized lines, credits) depends on event time, not on pace; the
    // interleaving-dependent rest is reported, not asserted. A paced reference took 35 s longer.
    run.speed = Double.POSITIVE_INFINITY;
    AppProcess app =
        new AppProcess(
            "reference-app",
            JAR,
            cluster.bootstrapServers(),
            cluster.schemaRegistryUrl(),
            withOwnApiPort(run.settings),
            tempDir("reference-app"));
    referenceApp = app;
    app.start();
    try (PacedFeed feed = startFeed(run, List.of(app))) {
      finish(run, feed, List.of(app));
    } finally {
      app.destroy();
      referenceApp = null;
    }
    return run;
  }

  static Run newRun(String label) throws Exception {
    String prefix = KafkaPlatformExtension.unique(label) + ".";
    Map<String, String> s = new LinkedHashMap<>();
    s.put("topics.prefix", prefix);
    s.put("application.id", prefix + "app");
    s.put("topics.partitions", Integer.toString(PARTITIONS));
    s.put("topics.replication.factor", Integer.toString(NODES));
    // October closes 5 minutes into November, within the 55 minutes of input
    s.put("uptime.month.grace", "PT5M");
    // the input is stamped weeks ago: window changelogs must keep it, or a restarted instance
    // would restore its windows incompletely (docs/guarantees.md, retention and event time)
    s.put("streams.window.changelog.extra.retention", "P400D");
    // The feed runs SPEED times faster than event time, so a lag between partitions of one
    // wall-clock second is SPEED seconds of event time. Graces scaled by SPEED tolerate the lag
    // the defaults (30 s, 1 s) tolerate in a live run; with the defaults as such, a fault-free
    // run dropped two thirds of the receipts as late (BENCHMARKS.md, Reliability).
    // The window grace stops at 25 minutes (its value at 50x): at 100x it would be 50, and the
    // windows of the input's last 50 minutes would still be open when the feed ends. With 25,
    // the first 30 of the 55 minutes are compared window for window (84 windows, 13 routing
    // decisions on 2026-12-06).
    Duration grace = Duration.ofSeconds(30).multipliedBy((long) SPEED);
    s.put(
        "health.window.grace",
        (grace.compareTo(Duration.ofMinutes(25)) > 0 ? Duration.ofMinutes(25) : grace).toString());
    s.put("routing.bucket.grace", Duration.ofSeconds(1).multipliedBy((long) SPEED).toString());
    // No input partition may count as idle during a run: the instances start, and the feed
    // begins once they own their partitions, which can be more than the default 10 s later.
    // Partitions idle by then are left out of the watermark frontier, and the first partition
    // to get data releases buckets ahead of the others; at 50x event time, a partition whose
    // first records are processed one wall-clock second later lost them as late (2026-11-22:
    // the first routing decisions differed by 5 to 10 s of event time from the reference).
    // Idleness is liveness only (docs/guarantees.md, "What is deterministic"); these runs need
    // none.
    s.put("health.partition.idle", "PT10M");
    Run run = new Run(label, prefix, s);
    try (Admin admin = admin()) {
      // compacted outputs never roll by time, so the broker's cleaner cannot remove superseded
      // routing decisions and ledger lines before the comparison reads them (TestTopics)
      TestTopics.ensure(admin, run.config.topics(), PARTITIONS);
      String probe = run.config.topics().name(Topics.PROBE_RESULTS);
      // a new topic reaches the three brokers' metadata one after another: the broker asked may
      // not host it yet (UnknownTopicOrPartition), so ask until every one does
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                var d = admin.describeTopics(List.of(probe)).allTopicNames().get().get(probe);
                Config c =
                    admin
                        .describeConfigs(
                            List.of(new ConfigResource(ConfigResource.Type.TOPIC, probe)))
                        .all()
                        .get()
                        .values()
                        .iterator()
                        .next();
                assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(NODES));
                assertThat(c.get("min.insync.replicas").value()).isEqualTo("2");
              });
    }
    return run;
  }

  /** A run's settings with a free port for the HTTP API: several instances share this machine. */
  static Map<String, String> withOwnApiPort(Map<String, String> settings) {
    Map<String, String> s = new LinkedHashMap<>(settings);
    s.put("api.port", Integer.toString(PortCheck.freePort()));
    return s;
  }

  AppProcess process(Run run, String name) throws IOException {
    Map<String, String> settings = withOwnApiPort(run.settings);
    AppProcess p =
        new AppProcess(
            name,
            JAR,
            cluster.bootstrapServers(),
            cluster.schemaRegistryUrl(),
            settings,
            tempDir(name));
    processes.add(p);
    // api.host is left at its default, 127.0.0.1, which is also what the instance advertises
    String hostPort = "127.0.0.1:" + settings.get("api.port");
    apis.put(p, new Api("http://" + hostPort + "/", hostPort));
    return p;
  }

  /** Where an instance's HTTP API is asked, and the name it answers as (X-Nines-Served-By). */
  record Api(String url, String advertised) {}

  Api apiOf(AppProcess p) {
    return apis.get(p);
  }

  /**
   * Issue #8: with every instance running, each one answers the weights of every route and every
   * ledger line as the output topics hold them (the latest record per key), answering itself or
   * forwarding to the instance that holds the key.
   */
  void assertEveryInstanceAnswersEveryKey(Run run, List<Api> apis) throws Exception {
    run.readOutputs();
    Map<String, RoutingWeights> weights = new TreeMap<>();
    run.decode(Topics.ROUTING_WEIGHTS, RoutingWeights.class)
        .forEach(w -> weights.put(w.getRouteId(), w));
    Map<String, UptimeLedger> ledger = new TreeMap<>();
    run.decode(Topics.UPTIME_LEDGER, UptimeLedger.class)
        .forEach(l -> ledger.put(l.getService() + ":" + l.getRegion() + ":" + l.getMonth(), l));
    assertThat(weights).as("routes decided").isNotEmpty();
    assertThat(ledger).as("ledger lines").isNotEmpty();
    var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Set<String> answeredBy = new TreeSet<>();
    int[] forwarded = {0};
    // a just-finished rebalance can answer 503 ("retry shortly"): retry until all agree
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .alias("every instance answers every route and ledger line as the topics hold")
        .untilAsserted(
            () -> {
              answeredBy.clear();
              forwarded[0] = 0;
              for (Api api : apis) {
                for (RoutingWeights w : weights.values()) {
                  var r = apiGet(http, api.url() + "api/routes/" + w.getRouteId());
                  assertThat(r.statusCode()).as(api.url() + " " + w.getRouteId()).isEqualTo(200);
                  assertThat(Json.read(r.body(), Model.Route.class))
                      .as("%s asked at %s", w.getRouteId(), api.url())
                      .isEqualTo(Model.Route.of(w));
                  note(api, r, answeredBy, forwarded);
                }
                for (var e : ledger.entrySet()) {
                  UptimeLedger l = e.getValue();
                  var r =
                      apiGet(
                          http,
                          api.url()
                              + "api/ledger/"
                              + l.getService()
                              + "/"
                              + l.getRegion()
                              + "/"
                              + l.getMonth());
                  assertThat(r.statusCode()).as(api.url() + " " + e.getKey()).isEqualTo(200);
                  assertThat(Json.read(r.body(), Model.Ledger.class))
                      .as("%s asked at %s", e.getKey(), api.url())
                      .isEqualTo(Model.Ledger.of(l));
                  note(api, r, answeredBy, forwarded);
                }
              }
            });
    assertThat(forwarded[0])
        .as("questions answered by another instance than the one asked")
        .isPositive();
    run.event(
        "API: %d instances each asked %d routes and %d ledger lines; answered by %s, "
            + "%d forwarded",
        apis.size(), weights.size(), ledger.size(), answeredBy, forwarded[0]);
  }

  static HttpResponse<String> apiGet(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void note(Api asked, HttpResponse<String> r, Set<String> answeredBy, int[] forwarded) {
    String by = r.headers().firstValue("X-Nines-Served-By").orElse("?");
    answeredBy.add(by);
    if (!by.equals(asked.advertised())) {
      forwarded[0]++;
    }
  }

  PacedFeed feed(Run run, List<AppProcess> apps) throws Exception {
    PacedFeed feed = startFeed(run, apps);
    opened.add(feed);
    return feed;
  }

  /**
   * Starts the feed once every instance owns partitions: an app that starts after its input
   * would begin with a catch-up, whose interleaving of partitions differs from run to run.
   */
  static PacedFeed startFeed(Run run, List<AppProcess> apps) throws Exception {
    if (!apps.isEmpty()) {
      try (Admin admin = admin()) {
        Set<String> names = apps.stream().map(a -> a.name).collect(Collectors.toSet());
        awaitUntil(
            run,
            "every instance owns partitions",
            apps,
            () -> owners(admin, run.appId).keySet().containsAll(names));
      }
    }
    PacedFeed feed =
        new PacedFeed(cluster.bootstrapServers(), registry, input, run.prefix, ORIGIN, run.speed)
            .start();
    run.event(
        Double.isInfinite(run.speed)
            ? "feeding %d records as fast as they are written"
            : "feeding %d records at %.0fx event time",
        feed.size(),
        run.speed);
    return feed;
  }

  /** Waits for the feed and the app(s) to be done, stops the app(s) cleanly, reads outputs. */
  static void finish(Run run, PacedFeed feed, List<AppProcess> apps) throws Exception {
    awaitUntil(run, "the feed is done", apps, feed::done);
    try (Admin admin = admin()) {
      awaitCaughtUp(run, admin, apps);
    }
    run.processingSeconds = secondsSince(run.startedNanos);
    for (AppProcess app : apps) {
      app.stop();
      run.fenced += app.count("Detected that the thread is being fenced");
    }
    run.readOutputs();
    run.event(
        "done: %d output records; processed everything %.1f s after the start; stream "
            + "thread fenced and rejoined (log lines): %d",
        run.records(), run.processingSeconds, run.fenced);
  }

  static void awaitCaughtUp(Run run, Admin admin, List<AppProcess> apps) {
    awaitUntil(
        run,
        "every input and repartition record processed and committed",
        apps,
        CaughtUp.condition(admin, cluster.bootstrapServers(), run.config, registry));
  }

  static void awaitProgress(Run run, PacedFeed feed, double share, List<AppProcess> apps) {
    awaitUntil(
        run,
        String.format("%.0f %% of the input fed", share * 100),
        apps,
        () -> feed.progress() >= share);
  }

  static void awaitUntil(Run run, String what, List<AppProcess> apps, Callable<Boolean> until) {
    await()
        .atMost(Duration.ofSeconds((long) (secondsOfInput() + 600)))
        .pollInterval(Duration.ofMillis(200))
        .pollInSameThread()
        .failFast(run.label + ": an app exited", () -> apps.forEach(a -> a.requireAlive(what)))
        .alias(run.label + ": " + what)
        .ignoreExceptions()
        .until(until);
  }

  /** Every partition of the run's topics (contract and internal) has all its replicas in sync. */
  static void awaitFullIsr(Run run, Admin admin, List<AppProcess> apps) {
    long t = System.nanoTime();
    awaitUntil(
        run,
        "all replicas in sync",
        apps,
        () -> {
          List<String> mine =
              admin.listTopics().names().get().stream()
                  .filter(n -> n.startsWith(run.prefix))
                  .toList();
          return admin.describeTopics(mine).allTopicNames().get().values().stream()
              .flatMap(d -> d.partitions().stream())
              .allMatch(p -> p.isr().size() == NODES);
        });
    run.event(
        "every partition of the run's topics has %d in-sync replicas again after %.1f s",
        NODES, secondsSince(t));
  }

  // ---------------------------------------------------------------------------------------------
  // comparison

  /**
   * Parts that must equal the fault-free run record for record. Carrier-health windows close by
   * the watermarks of every input partition, and routing decisions by the watermarks relayed
   * across the by-route repartition (docs/guarantees.md, "What is deterministic"), so both are
   * exact. The others depend on how the upstream partitions interleave: non-final ledger lines
   * and burn-rate alerts come at ticks of the service's stream time. For those, what must still hold is checked
   * structurally below (every window once, decision versions 1..n without gap or repeat), and
   * the rest reported.
   */
  static final Set<String> EXACT =
      Set.of(
          Topics.INCIDENTS.name(),
          Topics.UPTIME_LEDGER.name() + " (finalized)",
          Topics.SLA_CREDITS.name(),
          Topics.DEAD_LETTERS.name(),
          Topics.CARRIER_HEALTH.name(),
          Topics.ROUTING_WEIGHTS.name());

  static void compareAndAssert(Run ref, Run run) {
    Map<String, OutputComparison.Part> parts =
        OutputComparison.compare(ref.outputs, run.outputs, ref.prefix, run.prefix, registry);
    StringBuilder b = new StringBuilder();
    b.append(run.label)
        .append(
            " vs reference: every output topic compared (= exact: must be "
                + "equal; ~ interleaving-dependent: reported, checked structurally)\n");
    for (var p : parts.values()) {
      b.append(EXACT.contains(p.name()) ? "  = " : "  ~ ").append(p.line()).append('\n');
      String topic = p.name().replace(" (finalized)", "").replace(" (not final)", "");
      b.append(OutputComparison.describe(p, topic, ref.prefix, run.prefix, registry, 6));
    }
    b.append(
        String.format(
            "  receipts counted in carrier-health windows: reference %d, run %d,"
                + " distinct receipts in the input %d (the rest: later than their window's grace, or in "
                + "windows still open when the input ended)%n",
            attempts(ref), attempts(run), distinctReceipts()));
    b.append("  routing-weights: ").append(decisionSequence(ref, run)).append('\n');
    System.out.println(b);
    summary(run, run.label, parts);
    run.events.add("routing-weights: " + decisionSequence(ref, run));
    for (var p : parts.values()) {
      if (!EXACT.contains(p.name())) {
        continue;
      }
      assertThat(p.missing()).as("%s: records of the fault-free run missing", p.name()).isEmpty();
      assertThat(p.extra())
          .as("%s: records doubled or not in the fault-free run", p.name())
          .isEmpty();
      assertThat(p.keysOutOfOrder())
          .as("%s: keys whose records come in another order", p.name())
          .isEmpty();
    }
    // carrier health: the same windows, each exactly once (their counts may differ, above)
    assertThat(windows(run))
        .as("carrier-health: carrier and window of every record, each once")
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(windows(ref));
    // routing: no decision doubled or lost: per route, versions 1..n in order
    Map<String, List<Long>> versions = new TreeMap<>();
    run.decode(Topics.ROUTING_WEIGHTS, RoutingWeights.class)
        .forEach(
            w ->
                versions
                    .computeIfAbsent(w.getRouteId(), k -> new ArrayList<>())
                    .add(w.getVersion()));
    versions.forEach(
        (route, v) ->
            assertThat(v)
                .as("routing-weights %s: versions", route)
                .isEqualTo(LongStream.rangeClosed(1, v.size()).boxed().toList()));
    assertThat(versions).as("routes with decisions").isNotEmpty();
  }

  /**
   * Whether the run made the same weight changes as the reference (per version: mode, and each
   * carrier's state and weight), and how far apart in event time they were decided.
   */
  static String decisionSequence(Run ref, Run run) {
    List<RoutingWeights> a = ref.decode(Topics.ROUTING_WEIGHTS, RoutingWeights.class);
    List<RoutingWeights> b = run.decode(Topics.ROUTING_WEIGHTS, RoutingWeights.class);
    Function<RoutingWeights, String> change =
        w ->
            w.getRouteId()
                + " v"
                + w.getVersion()
                + " "
                + w.getMode()
                + " "
                + w.getCarriers().stream()
                    .map(c -> c.getCarrierId() + ":" + c.getState() + ":" + c.getWeight())
                    .collect(Collectors.joining(","));
    List<String> ca = a.stream().map(change).toList();
    List<String> cb = b.stream().map(change).toList();
    if (!ca.equals(cb)) {
      int i = 0;
      while (i < Math.min(ca.size(), cb.size()) && ca.get(i).equals(cb.get(i))) {
        i++;
      }
      return String.format(
          "the weight changes differ (reference %d, run %d); first difference "
              + "at #%d: reference %s / run %s",
          ca.size(),
          cb.size(),
          i + 1,
          i < ca.size() ? ca.get(i) : "-",
          i < cb.size() ? cb.get(i) : "-");
    }
    long maxShift = 0;
    for (int i = 0; i < a.size(); i++) {
      maxShift =
          Math.max(
              maxShift,
              Math.abs(
                  Duration.between(a.get(i).getEffectiveAt(), b.get(i).getEffectiveAt())
                      .toSeconds()));
    }
    return String.format(
        "the same %d weight changes (mode, states, weights) in the same order; "
            + "decided up to %d s of event time apart",
        ca.size(), maxShift);
  }

  static List<String> windows(Run run) {
    return run.decode(Topics.CARRIER_HEALTH, CarrierHealth.class).stream()
        .map(h -> h.getCarrierId() + "@" + h.getWindowStart())
        .toList();
  }

  static long attempts(Run run) {
    return run.decode(Topics.CARRIER_HEALTH, CarrierHealth.class).stream()
        .mapToLong(CarrierHealth::getAttempts)
        .sum();
  }

  static long distinctReceipts() {
    return input.stream()
        .filter(x -> x.value() instanceof DeliveryReceipt)
        .map(x -> ((DeliveryReceipt) x.value()).getMessageId())
        .distinct()
        .count();
  }

  static void summary(Run run, String what, Map<String, OutputComparison.Part> parts) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "- %s: %d instance(s), %d input records, %d output records, "
                + "%d kill(s), recovery after kill %s s, processed in %.1f s, fenced %d%n",
            what,
            run.instances,
            input.size(),
            run.records(),
            run.kills,
            run.recoverySeconds.stream().map(d -> String.format("%.1f", d)).toList(),
            run.processingSeconds,
            run.fenced));
    run.events.forEach(e -> b.append("    ").append(e).append('\n'));
    if (parts != null) {
      parts.values().forEach(p -> b.append("    ").append(p.line()).append('\n'));
    }
    SUMMARY.add(b.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // cluster and group

  static Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            cluster.bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            20_000,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            10_000));
  }

  /** The node id of the active KRaft controller (the quorum's leader), -1 if none answers. */
  static int activeController() {
    try (Admin admin = admin()) {
      return admin.describeMetadataQuorum().quorumInfo().get(20, TimeUnit.SECONDS).leaderId();
    } catch (Exception e) {
      return -1;
    }
  }

  static boolean nodeAlive(int id) {
    try {
      return ProcessHandle.of(cluster.kafka().pid(id)).map(ProcessHandle::isAlive).orElse(false);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The sum of all offsets the group committed: grows with every transaction that read input. */
  static long committedProgress(Admin admin, String group) throws Exception {
    return sum(committed(admin, group));
  }

  /** Every committed offset of the group. */
  static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
    return offsets(admin, group, new ListConsumerGroupOffsetsOptions());
  }

  /** The group's committed offsets of {@code partitions} (those it has). */
  static Map<TopicPartition, Long> committed(
      Admin admin, String group, Set<TopicPartition> partitions) throws Exception {
    Map<TopicPartition, Long> m = committed(admin, group);
    m.keySet().retainAll(partitions);
    return m;
  }

  static Map<TopicPartition, Long> offsets(
      Admin admin, String group, ListConsumerGroupOffsetsOptions options) throws Exception {
    Map<TopicPartition, Long> m = new HashMap<>();
    admin
        .listConsumerGroupOffsets(group, options)
        .partitionsToOffsetAndMetadata()
        .get()
        .forEach(
            (tp, o) -> {
              if (o != null) {
                m.put(tp, o.offset());
              }
            });
    return m;
  }

  static long sum(Map<TopicPartition, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The committed offsets a killed instance left, once none of its transactions is pending:
   * read with {@code requireStable}, which leaves out a partition whose offsets wait on an open
   * transaction, until every partition that had an offset before the kill is in. So a commit
   * the instance sent just before it died is counted as its own, and only a live instance moves
   * the offsets on (read at once after the kill, one restart was "measured" at 0.3 s: the dead
   * instance's last commit landing).
   */
  static Map<TopicPartition, Long> settledOffsets(Run run, Admin admin, Set<TopicPartition> had) {
    return settledOffsets(run, admin, had, false);
  }

  /** As above; with {@code all}, every partition the group has committed, not only {@code had}. */
  static Map<TopicPartition, Long> settledOffsets(
      Run run, Admin admin, Set<TopicPartition> had, boolean all) {
    Map<TopicPartition, Long> settled = new HashMap<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .pollInSameThread()
        .alias(run.label + ": the killed instance's offsets are stable")
        .ignoreExceptions()
        .until(
            () -> {
              settled.clear();
              settled.putAll(
                  offsets(
                      admin, run.appId, new ListConsumerGroupOffsetsOptions().requireStable(true)));
              if (!all) {
                settled.keySet().retainAll(had);
              }
              return settled.keySet().containsAll(had);
            });
    return settled;
  }

  /**
   * Per instance (the {@code client.id} it was given), the partitions its consumer is assigned:
   * the source partitions of its active tasks.
   */
  static Map<String, Set<TopicPartition>> owners(Admin admin, String group) throws Exception {
    Map<String, Set<TopicPartition>> m = new TreeMap<>();
    var d =
        admin
            .describeConsumerGroups(List.of(group))
            .describedGroups()
            .get(group)
            .get(20, TimeUnit.SECONDS);
    for (MemberDescription member : d.members()) {
      String instance = member.clientId().replaceAll("-StreamThread-.*", "");
      Set<TopicPartition> parts = member.assignment().topicPartitions();
      if (!parts.isEmpty()) {
        m.computeIfAbsent(instance, k -> new HashSet<>()).addAll(parts);
      }
    }
    return m;
  }

  static Map<String, Integer> counts(Map<String, Set<TopicPartition>> owners) {
    Map<String, Integer> m = new TreeMap<>();
    owners.forEach((k, v) -> m.put(k, v.size()));
    return m;
  }

  // ---------------------------------------------------------------------------------------------
  // small things

  static CarrierState state(RoutingWeights w, String carrier) {
    return w.getCarriers().stream()
        .filter(c -> c.getCarrierId().equals(carrier))
        .findFirst()
        .orElseThrow()
        .getState();
  }

  static double secondsOfInput() {
    return Duration.between(ORIGIN, END).toSeconds() / SPEED;
  }

  static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  static Path tempDir(String name) throws IOException {
    Path d = Files.createTempDirectory("nines-" + name + "-");
    TEMP_DIRS.add(d);
    return d;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  static String inputSummary() {
    Map<String, Long> byTopic =
        input.stream()
            .collect(
                Collectors.groupingBy(PacedFeed.Sent::topic, TreeMap::new, Collectors.counting()));
    return input.size() + " records " + byTopic + " stamped " + ORIGIN + " .. " + END;
  }
}
