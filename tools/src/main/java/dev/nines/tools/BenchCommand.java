package dev.nines.tools;

import dev.nines.bench.FailoverBenchmark;
import dev.nines.bench.FaultBenchmark;
import dev.nines.bench.ReactionBenchmark;
import dev.nines.bench.ThroughputBenchmark;
import dev.nines.bench.ThroughputReport;
import dev.nines.bench.UptimeReplayBenchmark;
import dev.nines.cli.ConfigOptions;
import dev.nines.cli.Main;
import dev.nines.cli.Platforms;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Directories;
import dev.nines.platform.Platform;
import dev.nines.platform.PortCheck;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Benchmarks on the real broker. Results are printed as Markdown for BENCHMARKS.md. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmarks: on a real broker (embedded, temporary, unless "
            + "--bootstrap-servers is given), and JMH micro-benchmarks (micro).",
    subcommands = {
      BenchCommand.Reaction.class,
      BenchCommand.Failover.class,
      BenchCommand.Faults.class,
      BenchCommand.Uptime.class,
      BenchCommand.Throughput.class,
      BenchMicroCommand.class
    })
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /**
   * Flags for a benchmark's own temporary platform (free ports) and a fresh topic prefix and
   * application id; a caller adds its own. --set and the config file still win.
   */
  static Map<String, String> ownPlatform() {
    String prefix = "bench-" + System.currentTimeMillis() + ".";
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("platform.ephemeral", "true");
    flags.put("topics.prefix", prefix);
    flags.put("application.id", prefix + "app");
    List<Integer> ports = PortCheck.freePorts(3);
    flags.put("platform.kafka.port", Integer.toString(ports.get(0)));
    flags.put("platform.controller.port", Integer.toString(ports.get(1)));
    flags.put("platform.registry.port", Integer.toString(ports.get(2)));
    return flags;
  }

  /** The jar app instances run: {@code --jar}, or the one running this; it must exist. */
  static Path appJar(Path jar) throws URISyntaxException {
    Path self =
        jar != null
            ? jar
            : Path.of(
                BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (!Files.isRegularFile(self)) {
      throw new Main.UserError(
          "--jar must name the nines jar (e.g. "
              + "streams-app/target/nines.jar), not '"
              + self
              + "'");
    }
    return self;
  }

  @Command(
      name = "reaction",
      mixinStandardHelpOptions = true,
      description =
          "Wall-clock time from a carrier's first bad receipt to the routing update "
              + "that ejects it, and from its recovery to its full share again.")
  static final class Reaction implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Option(names = "--trials", defaultValue = "20", description = "Trials (default 20).")
    int trials;

    @Option(
        names = "--rate",
        defaultValue = "300",
        description = "Receipts per second on the route (default 300).")
    int rate;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42).")
    long seed;

    @Override
    public Integer call() throws Exception {
      if (trials < 1 || rate < 10) {
        throw new Main.UserError("--trials must be at least 1 and --rate at least 10");
      }
      Map<String, String> flags = ownPlatform();
      flags.put("topics.partitions", "3");
      NinesConfig config = options.load(flags);
      try (Platform platform = Platforms.startOrConnect(config)) {
        List<ReactionBenchmark.Trial> results =
            new ReactionBenchmark(
                    config,
                    platform,
                    new ReactionBenchmark.Options(trials, rate, 0.40, seed, Duration.ofMinutes(5)),
                    System.out)
                .run();
        List<Double> reaction =
            results.stream().map(ReactionBenchmark.Trial::reactionSeconds).toList();
        List<Double> restore =
            results.stream().map(ReactionBenchmark.Trial::restoreSeconds).toList();
        System.out.printf(
            "%n| %s | trials | p50 | p95 | max |%n|---|---|---|---|---|%n",
            "reaction ("
                + LocalDate.now(ZoneOffset.UTC)
                + ", "
                + rate
                + " receipts/s, "
                + "interval "
                + config.routing().interval().toSeconds()
                + " s)");
        row("first bad receipt -> ejecting update seen", reaction);
        row("recovery -> full share seen", restore);
      }
      return 0;
    }

    static void row(String name, List<Double> v) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %.2f s | %.2f s | %.2f s |%n",
          name,
          v.size(),
          ReactionBenchmark.quantile(v, 0.50),
          ReactionBenchmark.quantile(v, 0.95),
          v.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }
  }

  @Command(
      name = "failover",
      mixinStandardHelpOptions = true,
      description =
          "Kills one of several app instances (separate JVMs) with SIGKILL while "
              + "live traffic runs, and measures how long until its partitions are committed again "
              + "by the others, and how long a carrier that starts failing within 2 s of the kill "
              + "takes to be ejected; then the same after clean stops (SIGTERM). Routing-weights "
              + "versions are checked for gaps and doubles.")
  static final class Failover implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Option(names = "--trials", defaultValue = "20", description = "Kills (default 20).")
    int trials;

    @Option(names = "--stops", defaultValue = "5", description = "Clean stops (default 5).")
    int stops;

    @Option(names = "--instances", defaultValue = "2", description = "Instances (default 2).")
    int instances;

    @Option(
        names = "--rate",
        defaultValue = "300",
        description = "Receipts per second on the route (default 300).")
    int rate;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42).")
    long seed;

    @Option(
        names = "--jar",
        paramLabel = "FILE",
        description = "The nines jar the instances run (default: the one running this).")
    Path jar;

    @Override
    public Integer call() throws Exception {
      if (trials < 1 || stops < 0 || instances < 2 || rate < 10) {
        throw new Main.UserError(
            "--trials must be at least 1, --stops at least 0, "
                + "--instances at least 2 and --rate at least 10");
      }
      Path self = appJar(jar);
      Map<String, String> flags = ownPlatform();
      flags.put("topics.partitions", "3");
      NinesConfig config = options.load(flags);
      // the instances get the same --set values, except where the platform is
      Map<String, String> forInstances = new TreeMap<>(options.sets());
      forInstances.keySet().removeIf(k -> k.startsWith("platform."));
      Path work = Files.createTempDirectory("nines-bench-failover-");
      List<FailoverBenchmark.Trial> results;
      try (Platform platform = Platforms.startOrConnect(config)) {
        results =
            new FailoverBenchmark(
                    config,
                    platform,
                    new FailoverBenchmark.Options(
                        trials,
                        stops,
                        instances,
                        rate,
                        seed,
                        Duration.ofMinutes(3),
                        self,
                        work,
                        forInstances),
                    System.out)
                .run();
      }
      Directories.deleteRecursively(work);
      var kills = results.stream().filter(t -> t.how().equals("SIGKILL")).toList();
      List<Double> recovery = kills.stream().map(FailoverBenchmark.Trial::recoverySeconds).toList();
      List<Double> ejection =
          kills.stream()
              .map(FailoverBenchmark.Trial::ejectionSeconds)
              .filter(x -> !x.isNaN())
              .toList();
      List<Double> clean =
          results.stream()
              .filter(t -> t.how().equals("SIGTERM"))
              .map(FailoverBenchmark.Trial::recoverySeconds)
              .toList();
      int faults = results.isEmpty() ? 0 : results.get(results.size() - 1).versionFaults();
      System.out.printf(
          "%n| %s | trials | p50 | p95 | max |%n|---|---|---|---|---|%n",
          "failover ("
              + LocalDate.now(ZoneOffset.UTC)
              + ", "
              + instances
              + " instances, "
              + rate
              + " receipts/s)");
      Reaction.row("SIGKILL -> its partitions committed again by the others", recovery);
      if (!ejection.isEmpty()) {
        Reaction.row(
            "carrier failing within 2 s of the kill: first bad receipt -> ejected", ejection);
      }
      if (!clean.isEmpty()) {
        Reaction.row("SIGTERM -> its partitions committed again by the others", clean);
      }
      System.out.printf("%nrouting-weights versions missing or doubled: %d%n", faults);
      return faults == 0 ? 0 : 1;
    }
  }

  @Command(
      name = "faults",
      mixinStandardHelpOptions = true,
      description =
          "Hard faults at sustained load on its own three-node cluster with two app "
              + "instances (separate JVMs, default settings): a broker killed with SIGKILL, an "
              + "instance paused (SIGSTOP) past its session timeout, the schema registry "
              + "unreachable while the instances restart, an upgrade from the previous release on "
              + "its state. Each run is checked by an oracle computed from the generated input: "
              + "every valid receipt counted once in its carrier-health window, every bad record in "
              + "dead-letters once, nothing else there.")
  static final class Faults implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Option(
        names = "--faults",
        split = ",",
        paramLabel = "FAULT",
        defaultValue = "broker-kill,instance-pause,registry-outage,upgrade",
        description =
            "Faults to strike, comma-separated (default: all of broker-kill, "
                + "instance-pause, registry-outage, upgrade; upgrade needs --previous-jar).")
    List<String> faults;

    @Option(names = "--runs", defaultValue = "10", description = "Runs per fault (default 10).")
    int runs;

    @Option(
        names = "--rate",
        defaultValue = "10000",
        description = "Receipts per second (default 10000).")
    int rate;

    @Option(
        names = "--seconds",
        defaultValue = "30",
        description = "Seconds of feed per run (default 30).")
    int seconds;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42).")
    long seed;

    @Option(
        names = "--jar",
        paramLabel = "FILE",
        description = "The nines jar the instances run (default: the one running this).")
    Path jar;

    @Option(
        names = "--previous-jar",
        paramLabel = "FILE",
        description = "The previous release's jar, for the upgrade fault.")
    Path previousJar;

    @Override
    public Integer call() throws Exception {
      List<FaultBenchmark.Fault> chosen = new ArrayList<>();
      for (String f : faults) {
        try {
          chosen.add(FaultBenchmark.Fault.of(f.trim()));
        } catch (IllegalArgumentException e) {
          throw new Main.UserError(
              "--faults: unknown fault '"
                  + f
                  + "'; expected broker-kill, "
                  + "instance-pause, registry-outage or upgrade");
        }
      }
      if (runs < 1 || rate < 100 || seconds < 10) {
        throw new Main.UserError(
            "--runs must be at least 1, --rate at least 100 and --seconds " + "at least 10");
      }
      Path self = appJar(jar);
      if (chosen.contains(FaultBenchmark.Fault.UPGRADE)
          && (previousJar == null || !Files.isRegularFile(previousJar))) {
        throw new Main.UserError(
            "the upgrade fault needs --previous-jar naming the previous "
                + "release's nines jar (or leave upgrade out of --faults)");
      }
      // the instances get --set values as given, except where the platform is
      Map<String, String> forInstances = new TreeMap<>(options.sets());
      forInstances.keySet().removeIf(k -> k.startsWith("platform."));
      Path work = Files.createTempDirectory("nines-bench-faults-");
      List<FaultBenchmark.Result> results =
          new FaultBenchmark(
                  new FaultBenchmark.Options(
                      chosen,
                      runs,
                      rate,
                      Duration.ofSeconds(seconds),
                      seed,
                      self,
                      previousJar,
                      work,
                      forInstances,
                      Duration.ofMinutes(5)),
                  System.out)
              .run();
      System.out.printf(
          "%nfaults (%s, %d receipts/s, %d s of feed per run, 1 record in %d " + "bad)%n",
          LocalDate.now(ZoneOffset.UTC), rate, seconds, FaultBenchmark.BAD_EVERY);
      FaultBenchmark.table(results, rate, System.out);
      boolean clean = results.stream().allMatch(FaultBenchmark.Result::clean);
      if (clean) {
        Directories.deleteRecursively(work);
      } else {
        System.out.println("instance logs kept in " + work);
      }
      return clean ? 0 : 1;
    }
  }

  @Command(
      name = "uptime",
      mixinStandardHelpOptions = true,
      description =
          "Replays a month of probe history (default: 6 regions x 3 services x 3 "
              + "vantages, one probe a minute, September 2026: 2,332,800 probes) and measures the "
              + "wall time from app start until every ledger line of the month is finalized.")
  static final class Uptime implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Option(names = "--regions", defaultValue = "6", description = "Regions (default 6).")
    int regions;

    @Option(names = "--vantages", defaultValue = "3", description = "Vantages (default 3).")
    int vantages;

    @Option(
        names = "--month",
        defaultValue = "2026-09",
        description = "UTC month replayed, yyyy-MM (default 2026-09, 30 days).")
    String month;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42).")
    long seed;

    @Option(
        names = "--timeout",
        defaultValue = "PT20M",
        description = "Give up after this long (ISO-8601, default PT20M).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
      YearMonth m;
      try {
        m = YearMonth.parse(month);
      } catch (DateTimeParseException e) {
        throw new Main.UserError("--month must be yyyy-MM, e.g. 2026-09, not '" + month + "'");
      }
      UptimeReplayBenchmark.Options o;
      try {
        o = new UptimeReplayBenchmark.Options(regions, vantages, m, seed, timeout);
      } catch (IllegalArgumentException e) {
        throw new Main.UserError(e.getMessage());
      }
      // one partition unless set: comparable with the earlier measurements in BENCHMARKS.md
      // (before the uptime watermarks, several input partitions also made regions drift apart)
      Map<String, String> flags = ownPlatform();
      flags.put("topics.partitions", options.sets().getOrDefault("topics.partitions", "1"));
      NinesConfig config = options.load(flags);
      UptimeReplayBenchmark.Result r;
      try (Platform platform = Platforms.startOrConnect(config)) {
        r = new UptimeReplayBenchmark(config, platform, o, System.out).run();
      }
      System.out.println();
      r.finalizedLines().forEach(l -> System.out.println("  " + l));
      System.out.printf(
          Locale.ROOT,
          "%nstage progress (s since app start: probes "
              + "committed through stage 1 / offset committed on the uptime repartition topic):%n");
      int step = Math.max(1, r.stages().size() / 20);
      for (int i = 0; i < r.stages().size(); i++) {
        if (i % step != 0 && i != r.stages().size() - 1) {
          continue;
        }
        long[] s = r.stages().get(i);
        System.out.printf(Locale.ROOT, "  %4d s  %,10d  %,10d%n", s[0], s[1], s[2]);
      }
      long mib = 1L << 20;
      System.out.printf(
          Locale.ROOT,
          "%n| uptime replay (%s, %d regions x 3 services x "
              + "%d vantages, 1 probe/min, %s, %d partition(s)) | value |%n|---|---|%n",
          LocalDate.now(ZoneOffset.UTC),
          regions,
          vantages,
          m,
          config.topics().partitions());
      System.out.printf(
          Locale.ROOT,
          "| probes | %,d in the month + %,d to close it " + "= %,d |%n",
          r.monthProbes(),
          r.probes() - r.monthProbes(),
          r.probes());
      System.out.printf(Locale.ROOT, "| load (simulator -> broker) | %.1f s |%n", r.loadSeconds());
      System.out.printf(
          Locale.ROOT,
          "| processing (app start -> %d ledgers " + "finalized, read_committed) | %.1f s |%n",
          r.ledgersFinalized(),
          r.processingSeconds());
      System.out.printf(
          Locale.ROOT,
          "| of which: all probes through stage 1 " + "(read, check, re-key) | %s |%n",
          Double.isNaN(r.firstStageSeconds())
              ? "not before the end"
              : String.format(Locale.ROOT, "%.0f s", r.firstStageSeconds()));
      System.out.printf(Locale.ROOT, "| throughput | %,.0f probes/s |%n", r.probesPerSecond());
      System.out.printf(
          Locale.ROOT, "| load + processing | %.1f s |%n", r.loadSeconds() + r.processingSeconds());
      System.out.printf(
          Locale.ROOT,
          "| peak heap in use (sampled, whole JVM, of " + "%d MiB max) | %d MiB |%n",
          r.maxHeapBytes() / mib,
          r.peakHeapBytes() / mib);
      System.out.printf(
          Locale.ROOT,
          "| CPU while processing: bench JVM (app) / its "
              + "stream threads / broker | %.0f s / %.0f s / %s |%n",
          r.cpu().jvmSeconds(),
          r.cpu().streamThreadSeconds(),
          r.cpu().brokerSeconds() < 0
              ? "n/a"
              : String.format(Locale.ROOT, "%.0f s", r.cpu().brokerSeconds()));
      System.out.printf(
          Locale.ROOT, "| uptime store changelogs (end offsets) | %,d |%n", r.changelogOffsets());
      System.out.printf(Locale.ROOT, "| probes dropped as late | %d |%n", r.lateProbes());
      return r.lateProbes() == 0 ? 0 : 1;
    }
  }

  /**
   * {@code --threads}, or one stream thread per processor, as one would deploy nines: on 2 cores
   * 2 threads took 10-18% more receipts/s than 1 (BENCHMARKS.md); threads beyond the
   * partitions would idle.
   */
  static int streamThreads(Integer given, int processors, int partitions) {
    return given != null ? given : Math.max(1, Math.min(processors, partitions));
  }

  @Command(
      name = "throughput",
      mixinStandardHelpOptions = true,
      description =
          "Records per second of nines next to Kafka's own perf tools and a "
              + "pass-through Streams app, CPU and memory, latency at half rate, and scaling with "
              + "partitions, instances and routes. Prints Markdown; writes PNG charts.")
  static final class Throughput implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Option(
        names = "--receipts",
        defaultValue = "20000000",
        description = "Receipts loaded for the main runs (default 20,000,000).")
    long receipts;

    @Option(
        names = "--partitions",
        defaultValue = "4",
        description = "Partitions of every topic in the main runs (default 4).")
    int partitions;

    @Option(
        names = "--routes",
        defaultValue = "100",
        description =
            "Routes of the main runs (default 100; at most 747 = 249 ISO countries "
                + "x SMS, MMS, VOICE).")
    int routes;

    @Option(
        names = "--carriers",
        defaultValue = "5",
        description = "Carriers per route in the main runs (default 5).")
    int carriers;

    @Option(
        names = "--event-rate",
        defaultValue = "20000",
        description =
            "Receipts per second of event time in the loaded history (default 20000)."
                + " The load is written as fast as the broker takes it.")
    double eventRate;

    @Option(
        names = "--threads",
        description =
            "Stream threads per app instance (default: the machine's processors, at "
                + "most --partitions; the same for nines and the pass-through app).")
    Integer threads;

    @Option(
        names = "--heap",
        defaultValue = "512m",
        description = "-Xmx of each app and perf-tool JVM (default 512m).")
    String heap;

    @Option(
        names = "--parts",
        split = ",",
        defaultValue = "ceiling,passthrough,nines,latency," + "scaling",
        description = "Which parts to run (default all): ${DEFAULT-VALUE}.")
    List<String> parts;

    @Option(
        names = "--ceiling-records",
        defaultValue = "5000000",
        description = "Records kafka-producer-perf-test writes (default 5,000,000).")
    long ceilingRecords;

    @Option(
        names = "--latency-run",
        defaultValue = "PT30S",
        description =
            "How long receipts are sent live for the latency part (default PT30S: "
                + "300 cohorts of 100 ms).")
    Duration latencyRun;

    @Option(
        names = "--latency-warmup",
        defaultValue = "PT15S",
        description =
            "Receipts are sent live at least this long, and until the app has caught "
                + "up, before the latency part measures (default PT15S): the backlog of its start is "
                + "not its latency.")
    Duration latencyWarmup;

    @Option(
        names = "--scaling-receipts",
        defaultValue = "500000",
        description =
            "Receipts per scaling load (default 500,000; each partition count's load "
                + "is read by every instance count in turn).")
    long scalingReceipts;

    @Option(
        names = "--scaling-partitions",
        split = ",",
        defaultValue = "1,2,4,8",
        description = "Partition counts of the scaling table (default 1,2,4,8).")
    List<Integer> scalingPartitions;

    @Option(
        names = "--scaling-instances",
        split = ",",
        defaultValue = "1,2",
        description = "Instance counts of the scaling table (default 1,2).")
    List<Integer> scalingInstances;

    @Option(
        names = "--scaling-routes",
        split = ",",
        defaultValue = "747,747x67",
        description =
            "Routes of the scaling table at --partitions and 1 instance, next to the "
                + "--routes row of the partitions sweep; each ROUTES (5 carriers) or ROUTESxCARRIERS "
                + "(default ${DEFAULT-VALUE}; 747 x 67 = 50,049 carrier paths, as many as 10,000 "
                + "routes x 5 carriers: route ids allow at most 747 routes).")
    List<String> scalingRoutes;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42).")
    long seed;

    @Option(
        names = "--timeout",
        defaultValue = "PT15M",
        description = "Give up on one app run after this long (default PT15M).")
    Duration timeout;

    @Option(
        names = "--charts",
        defaultValue = "docs/bench",
        description = "Directory the PNG charts are written to (default docs/bench).")
    Path charts;

    @Override
    public Integer call() throws Exception {
      Set<ThroughputBenchmark.Part> which = EnumSet.noneOf(ThroughputBenchmark.Part.class);
      for (String p : parts) {
        try {
          which.add(ThroughputBenchmark.Part.valueOf(p.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new Main.UserError(
              "--parts: unknown part '"
                  + p
                  + "'; expected some of "
                  + "ceiling,passthrough,nines,latency,scaling");
        }
      }
      if (receipts < 1000 || scalingReceipts < 1000 || ceilingRecords < 1000) {
        throw new Main.UserError(
            "--receipts, --scaling-receipts and --ceiling-records must be " + "at least 1000");
      }
      int streamThreads =
          streamThreads(threads, Runtime.getRuntime().availableProcessors(), partitions);
      if (partitions < 1
          || streamThreads < 1
          || eventRate < 1
          || scalingPartitions.stream().anyMatch(n -> n < 1)
          || scalingInstances.stream().anyMatch(n -> n < 1)) {
        throw new Main.UserError(
            "--partitions, --threads, --event-rate and the scaling counts " + "must be at least 1");
      }
      if (!heap.matches("[0-9]+[kmgKMG]")) {
        throw new Main.UserError(
            "--heap must be a JVM size such as 512m or 2g, not '" + heap + "'");
      }
      Path work = Files.createTempDirectory("nines-bench-");
      ThroughputBenchmark.Options o;
      try {
        o =
            new ThroughputBenchmark.Options(
                receipts,
                partitions,
                new ThroughputBenchmark.Routes(routes, carriers),
                eventRate,
                streamThreads,
                heap,
                which,
                ceilingRecords,
                latencyRun,
                latencyWarmup,
                scalingReceipts,
                scalingPartitions,
                scalingInstances,
                scalingRoutes.stream().map(ThroughputBenchmark.Routes::parse).toList(),
                seed,
                timeout,
                work);
      } catch (IllegalArgumentException e) {
        throw new Main.UserError(e.getMessage());
      }
      NinesConfig config = options.load(ownPlatform());
      System.out.printf("work directory (worker logs, perf-tool output): %s%n", work);
      ThroughputBenchmark.Result r;
      try (Platform platform = Platforms.startOrConnect(config)) {
        r = new ThroughputBenchmark(config, platform, o, System.out).run();
      }
      ThroughputReport.print(r, o, System.out);
      for (var png : ThroughputReport.charts(r, charts)) {
        System.out.println("chart: " + png);
      }
      return 0;
    }
  }
}
