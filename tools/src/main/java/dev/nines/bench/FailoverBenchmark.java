package dev.nines.bench;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import dev.nines.platform.TopicManager;
import dev.nines.schema.CarrierState;
import dev.nines.serde.RestSchemaRegistryClient;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How fast nines itself fails over, on the real broker with live traffic: several app instances
 * (separate JVMs, {@code java -jar nines.jar run}, one application id) serve the closed-loop
 * traffic of {@link ClosedLoopRouter}. Each trial waits a random healthy spell, kills one
 * instance that owns partitions with SIGKILL, and in every other trial makes a carrier deliver
 * 40 % from a random moment within 2 s after the kill. It measures (1) from the kill until every
 * partition the killed instance owned that has records waiting is committed again (by another
 * instance), and (2) from the failing carrier's first bad receipt until the router sees it
 * ejected. After each trial the killed instance is restarted on its state directory. Then a few
 * clean stops (SIGTERM) are measured the same way. Throughout, the route's routing-weights
 * versions must run 1, 2, 3, ... with none missing or doubled.
 */
public final class FailoverBenchmark {
  public record Options(
      int trials,
      int cleanStops,
      int instances,
      int ratePerSecond,
      long seed,
      Duration timeout,
      Path jar,
      Path workDir,
      Map<String, String> settings) {}

  /**
   * @param ejectionSeconds NaN when no carrier failed in this trial
   * @param versionFaults routing-weights versions missing or doubled so far
   */
  public record Trial(
      int n,
      String how,
      String instance,
      int partitions,
      double recoverySeconds,
      double ejectionSeconds,
      int versionFaults) {}

  private static final double FAILING_SUCCESS = 0.40;

  private final NinesConfig config;
  private final Platform platform;
  private final Options options;
  private final PrintStream out;
  private final List<AppInstance> instances = new ArrayList<>();

  public FailoverBenchmark(
      NinesConfig config, Platform platform, Options options, PrintStream out) {
    this.config = config;
    this.platform = platform;
    this.options = options;
    this.out = out;
  }

  public List<Trial> run() throws Exception {
    Map<String, Object> adminProps = new HashMap<>(platform.clientOverrides());
    adminProps.put("bootstrap.servers", platform.bootstrapServers());
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    String group = config.streams().applicationId();
    List<Trial> trials = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(options.seed());
    Thread reaper = new Thread(this::destroyAll, "bench-failover-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    try (Admin admin = Admin.create(adminProps);
        ClosedLoopRouter router =
            new ClosedLoopRouter(
                config, platform, registry, options.ratePerSecond(), random.split())) {
      TopicManager.ensure(admin, Topics.ALL, config.topics());
      for (int i = 1; i <= options.instances(); i++) {
        Map<String, String> s = new TreeMap<>(options.settings());
        s.put("topics.prefix", config.topics().prefix());
        s.put("application.id", config.streams().applicationId());
        s.put("topics.partitions", Integer.toString(config.topics().partitions()));
        instances.add(
            new AppInstance(
                    "instance-" + i,
                    options.workDir().resolve("instance-" + i),
                    options.jar(),
                    platform.bootstrapServers(),
                    platform.schemaRegistryUrl(),
                    s)
                .start());
      }
      router.start();
      await(router::decided, "the first routing decision");
      await(
          () -> owners(admin, group).keySet().size() == instances.size(),
          "every instance owning partitions");
      out.printf(
          "%d instances running, partitions per instance: %s%n",
          instances.size(), counts(owners(admin, group)));
      for (int n = 1; n <= options.trials(); n++) {
        Thread.sleep(5_000 + random.nextInt(10_000)); // a random healthy spell
        boolean carrierFails = n % 2 == 1;
        String carrier =
            ClosedLoopRouter.CARRIERS[random.nextInt(ClosedLoopRouter.CARRIERS.length)];
        long failAfterMs = random.nextInt(2_000);
        Map<String, Set<TopicPartition>> owners = owners(admin, group);
        List<AppInstance> candidates =
            instances.stream().filter(x -> owners.containsKey(x.name)).toList();
        AppInstance victim = candidates.get(random.nextInt(candidates.size()));
        Set<TopicPartition> moved = owners.get(victim.name);
        long killed = System.nanoTime();
        victim.kill();
        Map<TopicPartition, Long> at = settledOffsets(admin, group, moved);
        double ejection = Double.NaN;
        if (carrierFails) {
          Thread.sleep(failAfterMs);
          router.fail(carrier, FAILING_SUCCESS);
        }
        double recovery = awaitRecovered(admin, group, moved, at, killed, options.timeout());
        if (carrierFails) {
          await(() -> router.state(carrier) == CarrierState.EJECTED, carrier + " ejected");
          ejection = (System.nanoTime() - router.firstBadNanos()) / 1e9;
          router.heal(carrier);
        }
        int faults = versionFaults(router.versions());
        Trial t = new Trial(n, "SIGKILL", victim.name, moved.size(), recovery, ejection, faults);
        trials.add(t);
        out.printf(
            Locale.ROOT,
            "trial %2d: %s killed (%d partitions): committed "
                + "again by the others after %.2f s%s; routing-weights versions missing or "
                + "doubled so far: %d%n",
            n,
            victim.name,
            moved.size(),
            recovery,
            carrierFails
                ? String.format(
                    Locale.ROOT,
                    "; %s failing %.1f s after "
                        + "the kill, ejected %.2f s after its first bad receipt",
                    carrier,
                    failAfterMs / 1000.0,
                    ejection)
                : "",
            faults);
        victim.start();
        await(() -> owners(admin, group).containsKey(victim.name), victim.name + " back");
        await(router::allHealthyAtBase, "every carrier healthy at its base weight");
      }
      for (int n = 1; n <= options.cleanStops(); n++) {
        Thread.sleep(5_000 + random.nextInt(5_000));
        Map<String, Set<TopicPartition>> owners = owners(admin, group);
        AppInstance victim =
            instances.stream()
                .filter(x -> owners.containsKey(x.name))
                .toList()
                .get(random.nextInt(owners.size()));
        Set<TopicPartition> moved = owners.get(victim.name);
        long stopped = System.nanoTime();
        victim.stop();
        Map<TopicPartition, Long> at = settledOffsets(admin, group, moved);
        double recovery = awaitRecovered(admin, group, moved, at, stopped, options.timeout());
        int faults = versionFaults(router.versions());
        trials.add(
            new Trial(n, "SIGTERM", victim.name, moved.size(), recovery, Double.NaN, faults));
        out.printf(
            Locale.ROOT,
            "stop %2d: %s stopped (SIGTERM, %d partitions): "
                + "committed again by the others after %.2f s; versions missing or doubled so "
                + "far: %d%n",
            n,
            victim.name,
            moved.size(),
            recovery,
            faults);
        victim.start();
        await(() -> owners(admin, group).containsKey(victim.name), victim.name + " back");
      }
    } finally {
      destroyAll();
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
    return trials;
  }

  /**
   * Seconds from {@code since} until every partition of {@code moved} that has committed records
   * beyond its offset at the kill has been committed past that offset by the group.
   */
  static double awaitRecovered(
      Admin admin,
      String group,
      Set<TopicPartition> moved,
      Map<TopicPartition, Long> at,
      long since,
      Duration timeout)
      throws Exception {
    long deadline = since + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Map<TopicPartition, Long> now;
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends;
      try {
        now = committed(admin, group, moved);
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        moved.forEach(tp -> ask.put(tp, OffsetSpec.latest()));
        ends =
            admin
                .listOffsets(ask, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all()
                .get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // e.g. the group coordinator or a leader moving after a broker died: ask again
        Thread.sleep(100);
        continue;
      }
      boolean waiting = false;
      boolean any = false;
      for (TopicPartition tp : moved) {
        long from = at.getOrDefault(tp, 0L);
        // more than a transaction marker beyond the offset at the kill: records to process
        if (ends.get(tp).offset() > from + 1) {
          any = true;
          waiting |= now.getOrDefault(tp, 0L) <= from;
        }
      }
      if (any && !waiting) {
        return (System.nanoTime() - since) / 1e9;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "benchmark: the partitions of the stopped instance were not "
            + "committed again within "
            + timeout.toSeconds()
            + " s");
  }

  /**
   * The committed offsets the stopped instance left, once none of its transactions is pending:
   * read with {@code requireStable}, which leaves out a partition whose offsets wait on an open
   * transaction, until every partition that had a committed offset is in. So a commit the
   * instance sent just before it died counts as its own, and only another instance moves the
   * offsets on. (Read at once after the kill, they missed the victim's own last commit, and a
   * trial measured 0.9 s.)
   */
  static Map<TopicPartition, Long> settledOffsets(
      Admin admin, String group, Set<TopicPartition> partitions) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Set<TopicPartition> had = null;
    while (true) {
      try {
        if (had == null) {
          had = committed(admin, group, partitions, false).keySet();
        }
        Map<TopicPartition, Long> stable = committed(admin, group, partitions, true);
        if (stable.keySet().containsAll(had)) {
          return stable;
        }
      } catch (ExecutionException | TimeoutException e) {
        // e.g. the group coordinator moving after a broker died: ask again
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "benchmark: the committed offsets of group "
                + group
                + " were not stable (a transaction still open) within 60 s");
      }
      Thread.sleep(50);
    }
  }

  /** Versions that are not exactly one more than the one before (the first must be 1). */
  static int versionFaults(List<Long> versions) {
    int faults = 0;
    long expected = 1;
    for (long v : versions) {
      if (v != expected) {
        faults++;
      }
      expected = v + 1;
    }
    return faults;
  }

  private void await(Check condition, String what) throws Exception {
    long deadline = System.nanoTime() + options.timeout().toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "benchmark: no "
                + what
                + " within "
                + options.timeout().toSeconds()
                + " s; instance logs in "
                + options.workDir());
      }
      for (AppInstance i : instances) {
        i.requireAliveIfStarted();
      }
      Thread.sleep(50);
    }
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  static Map<TopicPartition, Long> committed(
      Admin admin, String group, Set<TopicPartition> partitions) throws Exception {
    return committed(admin, group, partitions, false);
  }

  /** With {@code stable}, a partition whose offsets wait on an open transaction is left out. */
  static Map<TopicPartition, Long> committed(
      Admin admin, String group, Set<TopicPartition> partitions, boolean stable) throws Exception {
    Map<TopicPartition, Long> m = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> all =
        admin
            .listConsumerGroupOffsets(
                group, new ListConsumerGroupOffsetsOptions().requireStable(stable))
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    all.forEach(
        (tp, o) -> {
          if (o != null && partitions.contains(tp)) {
            m.put(tp, o.offset());
          }
        });
    return m;
  }

  /** Per instance (its {@code client.id}), the partitions its stream threads are assigned. */
  static Map<String, Set<TopicPartition>> owners(Admin admin, String group) throws Exception {
    Map<String, Set<TopicPartition>> m = new TreeMap<>();
    var d =
        admin
            .describeConsumerGroups(List.of(group))
            .describedGroups()
            .get(group)
            .get(10, TimeUnit.SECONDS);
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

  private void destroyAll() {
    instances.forEach(AppInstance::destroy);
  }
}
