package dev.nines.bench;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import dev.nines.platform.TopicManager;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.simulate.KafkaSimSink;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.SimSink;
import dev.nines.simulate.Simulator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How many receipts per second one instance takes, next to what Kafka itself moves on
 * the same machine, and how that grows with partitions, instances and routes.
 *
 * <p>Each part loads its input first (the simulator's history pace: event time advances at the
 * scenario's rate, records are written as fast as the broker takes them), then starts the
 * application under test in its own JVM ({@link BenchWorker}) and times it from process start
 * until the broker shows it through every record: its committed offsets reach the end of every
 * input topic and of every repartition topic it wrote on the way (with exactly-once, a committed
 * offset means every output of that record is committed too).
 *
 * <ol>
 *   <li>ceiling: kafka-consumer-perf-test reads the loaded receipts; kafka-producer-perf-test
 *       writes records of their average size, transactionally;
 *   <li>pass-through: a Streams app that only deserializes and re-serializes the receipts, with
 *       the same exactly-once settings;
 *   <li>nines: the whole topology on receipts and probes;
 *   <li>latency: nines fed live at half the rate it reached, time from a receipt being sent to
 *       the app being through it;
 *   <li>scaling: partitions × instances, and carrier paths (routes × carriers per route).
 * </ol>
 */
public final class ThroughputBenchmark {
  /** Channels a route id may have: three per ISO country, so at most 249 × 3 routes. */
  static final List<String> CHANNELS = List.of("SMS", "MMS", "VOICE");

  static final List<String> COUNTRIES =
      new ArrayList<>(new TreeSet<>(List.of(Locale.getISOCountries())));
  static final int CARRIERS_PER_ROUTE = 5;

  /** Most carriers a benchmark route may have (the state per route grows with them). */
  static final int MAX_CARRIERS = 200;

  /** Shortest history loaded: a few one-minute health windows close within it. */
  static final long MIN_LOAD_SECONDS = 10;

  /** How often the broker is asked where an app stands. */
  static final Duration POLL = Duration.ofMillis(100);

  public enum Part {
    CEILING,
    PASSTHROUGH,
    NINES,
    LATENCY,
    SCALING
  }

  /**
   * Routes of {@code carriers} carriers each. Route ids are {@code <ISO country>:<channel>}, so
   * the contract allows at most 747 routes; more carrier paths (route x carrier, what the
   * windows, buckets and route state grow with) come from more carriers per route.
   */
  public record Routes(int routes, int carriers) {
    public Routes {
      if (routes < 1 || routes > maxRoutes()) {
        throw new IllegalArgumentException(
            "routes must be 1.."
                + maxRoutes()
                + " (route ids are <ISO country>:<channel>), not "
                + routes);
      }
      if (carriers < 1 || carriers > MAX_CARRIERS) {
        throw new IllegalArgumentException(
            "carriers per route must be 1.." + MAX_CARRIERS + ", not " + carriers);
      }
    }

    /** "300" (five carriers each) or "747x67". */
    public static Routes parse(String text) {
      String[] p = text.trim().split("[xX]");
      try {
        if (p.length == 1) {
          return new Routes(Integer.parseInt(p[0]), CARRIERS_PER_ROUTE);
        }
        if (p.length == 2) {
          return new Routes(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
        }
      } catch (NumberFormatException e) {
        // below
      }
      throw new IllegalArgumentException(
          "expected ROUTES or ROUTESxCARRIERS such as 300 or " + "747x67, not '" + text + "'");
    }

    /** Carrier paths: route x carrier. */
    public int paths() {
      return routes * carriers;
    }

    @Override
    public String toString() {
      return routes + " x " + carriers;
    }
  }

  public record Options(
      long receipts,
      int partitions,
      Routes routes,
      double eventRate,
      int threads,
      String heap,
      Set<Part> parts,
      long ceilingRecords,
      Duration latencyRun,
      Duration latencyWarmup,
      long scalingReceipts,
      List<Integer> scalingPartitions,
      List<Integer> scalingInstances,
      List<Routes> scalingRoutes,
      long seed,
      Duration timeout,
      Path workDir) {}

  static int maxRoutes() {
    return COUNTRIES.size() * CHANNELS.size();
  }

  /** What was loaded for one run. */
  public record Load(
      String prefix, long receipts, long probes, long other, double seconds, int receiptBytes) {
    public long events() {
      return receipts + probes;
    }
  }

  /**
   * One timed run of an app: events processed, seconds from process start until through,
   * CPU seconds of the app processes and of the broker in that time, the memory each reported.
   */
  public record AppRun(
      String what,
      int partitions,
      int instances,
      Routes routes,
      long events,
      double seconds,
      double appCpu,
      double brokerCpu,
      List<Worker.Memory> memory) {
    public double rate() {
      return events / seconds;
    }

    /** CPU seconds per million events, app processes only. */
    public double cpuPerMillion() {
      return appCpu / (events / 1e6);
    }

    public long peakLiveHeap() {
      return memory.stream().mapToLong(Worker.Memory::peakLiveHeap).max().orElse(-1);
    }

    public long peakHeap() {
      return memory.stream().mapToLong(Worker.Memory::peakHeap).max().orElse(-1);
    }

    public long peakRocksDb() {
      return memory.stream().mapToLong(Worker.Memory::peakRocksDb).max().orElse(-1);
    }

    public long peakRss() {
      return memory.stream().mapToLong(Worker.Memory::peakRss).max().orElse(-1);
    }

    /**
     * How the stream threads spent their time, averaged over the instances: "process 61% /
     * commit 27% / poll 9%" (punctuation is part of processing in nines' processors, and
     * negligible), or "n/a" if no worker reported it.
     */
    public String threadTime() {
      double[] sums = new double[3];
      int n = 0;
      for (Worker.Memory m : memory) {
        if (!Double.isNaN(m.processRatio())) {
          sums[0] += m.processRatio();
          sums[1] += m.commitRatio();
          sums[2] += m.pollRatio();
          n++;
        }
      }
      return n == 0
          ? "n/a"
          : String.format(
              Locale.ROOT,
              "%.0f%% / %.0f%% / %.0f%%",
              100 * sums[0] / n,
              100 * sums[1] / n,
              100 * sums[2] / n);
    }
  }

  /** End-to-end latency of receipts sent live at {@code rate}: seconds at the quantiles. */
  public record Latency(double rate, long sent, int cohorts, double p50, double p99, double max) {}

  public record Result(
      Load load,
      PerfTools.Rate producer,
      PerfTools.Rate consumer,
      AppRun passThrough,
      AppRun nines,
      Latency latency,
      List<AppRun> scaling,
      List<String> unfinished) {}

  private final NinesConfig config;
  private final Platform platform;
  private final Options options;
  private final PrintStream out;
  private final String runId = Long.toString(System.currentTimeMillis(), 36);
  private int runs;

  public ThroughputBenchmark(
      NinesConfig config, Platform platform, Options options, PrintStream out) {
    this.config = config;
    this.platform = platform;
    this.options = options;
    this.out = out;
  }

  public Result run() throws Exception {
    try (Admin admin = Admin.create(clientConfig())) {
      Offsets offsets = new Offsets(admin);
      Set<Part> parts = options.parts();
      Load load = null;
      PerfTools.Rate producer = null;
      PerfTools.Rate consumer = null;
      AppRun passThrough = null;
      AppRun nines = null;
      Latency latency = null;
      boolean needsMain =
          parts.contains(Part.CEILING)
              || parts.contains(Part.PASSTHROUGH)
              || parts.contains(Part.NINES);
      if (needsMain) {
        load = load(admin, options.partitions(), options.routes(), options.receipts());
      }
      if (parts.contains(Part.CEILING)) {
        String receipts = load.prefix() + Topics.DELIVERY_RECEIPTS.name();
        out.printf(Locale.ROOT, "ceiling: kafka-consumer-perf-test on %s%n", receipts);
        consumer =
            PerfTools.consume(
                platform.bootstrapServers(),
                receipts,
                load.receipts(),
                options.heap(),
                options.workDir(),
                options.timeout());
        out.printf(Locale.ROOT, "  %,.0f records/s%n", consumer.recordsPerSecond());
        String scratch = load.prefix() + "perf-producer";
        createTopic(admin, scratch, options.partitions());
        long n = Math.min(options.ceilingRecords(), load.receipts());
        out.printf(
            Locale.ROOT,
            "ceiling: kafka-producer-perf-test, %,d records of %d bytes%n",
            n,
            load.receiptBytes());
        producer =
            PerfTools.produce(
                platform.bootstrapServers(),
                scratch,
                n,
                load.receiptBytes(),
                commitIntervalMs(),
                options.heap(),
                options.workDir(),
                options.timeout());
        out.printf(Locale.ROOT, "  %,.0f records/s%n", producer.recordsPerSecond());
      }
      if (parts.contains(Part.PASSTHROUGH)) {
        String in = load.prefix() + Topics.DELIVERY_RECEIPTS.name();
        createTopic(admin, in + BenchWorker.PASSTHROUGH_SUFFIX, options.partitions());
        passThrough =
            runApp(offsets, "passthrough", load, 1, options.routes(), List.of(in), load.receipts());
      }
      if (parts.contains(Part.NINES)) {
        nines =
            runApp(
                offsets,
                "nines",
                load,
                1,
                options.routes(),
                inputTopics(load.prefix()),
                load.events());
      }
      if (parts.contains(Part.LATENCY)) {
        double rate = nines != null ? nines.rate() / 2 : options.eventRate();
        latency = latency(admin, offsets, rate);
      }
      List<AppRun> scaling = new ArrayList<>();
      List<String> unfinished = new ArrayList<>();
      if (parts.contains(Part.SCALING)) {
        // one load per partition count, read by each instance count in turn (each its own app)
        for (int p : options.scalingPartitions()) {
          Load l = load(admin, p, options.routes(), options.scalingReceipts());
          for (int i : options.scalingInstances()) {
            scale(offsets, l, p, i, options.routes(), scaling, unfinished);
          }
        }
        for (Routes r : options.scalingRoutes()) {
          if (r.equals(options.routes())
              && options.scalingPartitions().contains(options.partitions())
              && options.scalingInstances().contains(1)) {
            out.printf(
                Locale.ROOT,
                "scaling: %s routes x carriers, %d partitions, 1 instance: " + "the row above%n",
                r,
                options.partitions());
            continue;
          }
          scale(
              offsets,
              load(admin, options.partitions(), r, options.scalingReceipts()),
              options.partitions(),
              1,
              r,
              scaling,
              unfinished);
        }
      }
      return new Result(load, producer, consumer, passThrough, nines, latency, scaling, unfinished);
    }
  }

  /** One row of the scaling table; a run that does not finish is reported, not fatal. */
  private void scale(
      Offsets offsets,
      Load l,
      int partitions,
      int instances,
      Routes routes,
      List<AppRun> done,
      List<String> unfinished)
      throws Exception {
    try {
      done.add(runApp(offsets, "nines", l, instances, routes, inputTopics(l.prefix()), l.events()));
    } catch (IllegalStateException e) {
      String what =
          String.format(
              Locale.ROOT,
              "%d partition(s) x %d instance(s), %s routes x " + "carriers: %s",
              partitions,
              instances,
              routes,
              e.getMessage());
      out.println("  did not finish: " + what);
      unfinished.add(what);
    }
  }

  // ---- load -------------------------------------------------------------------------------

  /** The benchmark's scenario: the routes, probes, one contract. */
  String scenarioYaml(Routes routes, double eventRate) {
    StringBuilder r = new StringBuilder();
    double perRoute = eventRate / routes.routes();
    for (int i = 0; i < routes.routes(); i++) {
      String country = COUNTRIES.get(i / CHANNELS.size());
      String channel = CHANNELS.get(i % CHANNELS.size());
      r.append("  - country: ")
          .append(country)
          .append("\n    channel: ")
          .append(channel)
          .append(String.format(Locale.ROOT, "%n    ratePerSecond: %.6f%n", perRoute))
          .append("    carriers:\n");
      for (int c = 0; c < routes.carriers(); c++) {
        r.append("      - {carrierId: ")
            .append(country.toLowerCase(Locale.ROOT))
            .append('-')
            .append(channel.toLowerCase(Locale.ROOT))
            .append("-c")
            .append(c)
            .append(", baseWeight: ")
            .append(routes.carriers() - c)
            .append("}\n");
      }
    }
    return """
        name: bench-throughput
        seed: %d
        regions: [us-east, eu-west, ap-south]
        vantages: [probe-virginia, probe-frankfurt, probe-singapore]
        probeInterval: PT60S
        checks:
          - {name: sms-send, service: SMS}
          - {name: voice-call, service: VOICE}
          - {name: verify-send, service: VERIFY}
        routes:
        %s
        accounts:
          - accountId: bench-account
            tier: standard
            targetPercent: "99.9"
            services:
              - {service: SMS, monthlyFeeMinor: 250000}
              - {service: VOICE, monthlyFeeMinor: 100000}
            currency: USD
            creditSchedule:
              - {belowPercent: "99.9", creditPercent: 10}
        """
        .formatted(options.seed(), r.toString().stripTrailing());
  }

  /** Creates a fresh set of topics and loads about {@code receipts} receipts plus probes. */
  Load load(Admin admin, int partitions, Routes routes, long receipts) throws Exception {
    String prefix = "bench-" + runId + "-" + (++runs) + ".";
    NinesConfig.TopicLayout layout = layout(prefix, partitions);
    TopicManager.ensure(admin, Topics.ALL, layout);
    Scenario scenario = Scenario.parse(scenarioYaml(routes, options.eventRate()));
    // The simulator adds its configured duplicates and late re-sends on top of the rate.
    Instant from = Instant.parse("2026-10-01T00:00:00Z");
    long seconds = Math.max(MIN_LOAD_SECONDS, Math.round(receipts / options.eventRate()));
    Instant to = from.plusSeconds(seconds);
    AtomicLong receiptBytes = new AtomicLong();
    AtomicLong receiptCount = new AtomicLong();
    String receiptTopic = prefix + Topics.DELIVERY_RECEIPTS.name();
    var registry = platform.registryClient();
    AnyAvroSerializer avro = new AnyAvroSerializer(registry);
    Serializer<Object> counting =
        (topic, value) -> {
          byte[] b = avro.serialize(topic, value);
          if (topic.equals(receiptTopic)) {
            receiptBytes.addAndGet(b.length);
            receiptCount.incrementAndGet();
          }
          return b;
        };
    Map<String, Object> p = clientConfig();
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    out.printf(
        Locale.ROOT,
        "load %s: %d partitions, %d routes x %d carriers, %,.0f receipts/s "
            + "of event time for %d s%n",
        prefix,
        partitions,
        routes.routes(),
        routes.carriers(),
        options.eventRate(),
        seconds);
    long start = System.nanoTime();
    try (var producer = new KafkaProducer<String, Object>(p, new StringSerializer(), counting)) {
      SimSink sink = SimSink.withTopicPrefix(new KafkaSimSink(producer), prefix);
      Simulator sim = new Simulator(scenario);
      sim.seed(sink, from);
      sim.history(sink, from, to);
      sink.flush();
    }
    double took = (System.nanoTime() - start) / 1e9;
    Offsets offsets = new Offsets(admin);
    long probes = offsets.count(List.of(prefix + Topics.PROBE_RESULTS.name()));
    long all = offsets.count(inputTopics(prefix));
    long n = receiptCount.get();
    Load load =
        new Load(
            prefix,
            n,
            probes,
            all - n - probes,
            took,
            (int) Math.round(receiptBytes.get() / (double) Math.max(1, n)));
    out.printf(
        Locale.ROOT,
        "  %,d receipts (%d bytes each on average), %,d probes, %,d "
            + "reference records in %.1f s%n",
        n,
        load.receiptBytes(),
        probes,
        load.other(),
        took);
    return load;
  }

  // ---- one app run -------------------------------------------------------------------------

  AppRun runApp(
      Offsets offsets,
      String mode,
      Load load,
      int instances,
      Routes routes,
      List<String> inputs,
      long events)
      throws Exception {
    // one app id per instance count: several runs may read the same load
    String appId = load.prefix() + mode + (instances > 1 ? "-x" + instances : "") + "-app";
    int partitions = offsets.ends(List.of(inputs.get(0))).size();
    out.printf(
        Locale.ROOT,
        "%s: %,d events, %d partition(s), %d instance(s), %d routes x %d " + "carriers%n",
        mode,
        events,
        partitions,
        instances,
        routes.routes(),
        routes.carriers());
    List<Worker> workers = new CopyOnWriteArrayList<>();
    // Ctrl-C or SIGTERM on the benchmark: its app processes must not outlive it
    Thread reaper = new Thread(() -> workers.forEach(Worker::kill), "bench-stop-workers");
    Runtime.getRuntime().addShutdownHook(reaper);
    double brokerBefore = brokerCpu(workers);
    long start = System.nanoTime();
    try {
      for (int i = 0; i < instances; i++) {
        workers.add(
            Worker.start(
                mode,
                options.workDir(),
                appId + "-" + i,
                options.heap(),
                workerFlags(load.prefix(), appId, partitions, i)));
      }
      long deadline = start + options.timeout().toNanos();
      Map<TopicPartition, Long> inputEnds = offsets.ends(inputs);
      double[] cpu = new double[instances];
      long lastReport = start;
      while (true) {
        for (int i = 0; i < instances; i++) {
          Worker w = workers.get(i);
          if (!w.alive()) {
            throw new IllegalStateException(mode + " worker " + i + " exited; see " + w.log());
          }
          cpu[i] = w.cpuSeconds();
          w.sampleRss();
        }
        var snap = offsets.snapshot(appId, inputs);
        if (snap.covers(inputEnds, false)) {
          List<String> internal = offsets.repartitionTopics(appId);
          if (internal.isEmpty() || offsets.through(appId, internal, clientConfig())) {
            break;
          }
        }
        long now = System.nanoTime();
        if (now - lastReport > Duration.ofSeconds(10).toNanos()) {
          out.printf(
              Locale.ROOT,
              "  %3.0f s: %,d of %,d input records committed%n",
              (now - start) / 1e9,
              snap.committedSum(inputs),
              events);
          lastReport = now;
        }
        if (now > deadline) {
          throw new IllegalStateException(
              String.format(
                  Locale.ROOT,
                  "%s was not through its "
                      + "input within %d s (%,d of %,d input records committed); see %s",
                  mode,
                  options.timeout().toSeconds(),
                  snap.committedSum(inputs),
                  events,
                  workers.get(0).log()));
        }
        Thread.sleep(POLL.toMillis());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double brokerCpu = brokerCpu(workers) - brokerBefore;
      List<Worker.Memory> memory = new ArrayList<>();
      for (Worker w : workers) {
        memory.add(w.stop());
      }
      double appCpu = 0;
      for (double c : cpu) {
        appCpu += c;
      }
      AppRun run =
          new AppRun(
              mode, partitions, instances, routes, events, seconds, appCpu, brokerCpu, memory);
      out.printf(
          Locale.ROOT,
          "  through in %.1f s: %,.0f events/s, %.1f CPU s per million "
              + "events, peak live heap %d MiB, RocksDB %s, stream thread process / commit / poll "
              + "%s%n",
          seconds,
          run.rate(),
          run.cpuPerMillion(),
          run.peakLiveHeap() >> 20,
          mib(run.peakRocksDb()),
          run.threadTime());
      return run;
    } finally {
      for (Worker w : workers) {
        w.close();
      }
      Runtime.getRuntime().removeShutdownHook(reaper);
    }
  }

  // ---- latency -----------------------------------------------------------------------------

  /**
   * Receipts sent live (event time = now) at {@code rate} for {@link Options#latencyRun} into a
   * running nines. Every {@link #POLL} the driver notes the input end offsets (a cohort: the
   * receipts sent since the last note), then finds the first note at which the app's committed
   * offsets cover that cohort on the inputs, and after that on the repartition topics as they
   * stood then (and once more, for the stage after). Latency of a cohort = that time − the
   * time it was noted; so it is an upper bound, within one poll interval.
   */
  Latency latency(Admin admin, Offsets offsets, double rate) throws Exception {
    String prefix = "bench-" + runId + "-" + (++runs) + ".";
    TopicManager.ensure(admin, Topics.ALL, layout(prefix, options.partitions()));
    Scenario scenario = Scenario.parse(scenarioYaml(options.routes(), rate));
    String appId = prefix + "nines-app";
    List<String> inputs = inputTopics(prefix);
    out.printf(
        Locale.ROOT,
        "latency: nines fed live at %,.0f receipts/s, measured for %d s "
            + "once it has caught up after a warm-up of %d s%n",
        rate,
        options.latencyRun().toSeconds(),
        options.latencyWarmup().toSeconds());
    Map<String, Object> p = clientConfig();
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    AtomicBoolean sending = new AtomicBoolean(true);
    AtomicLong sent = new AtomicLong();
    try (Worker worker =
            Worker.start(
                "nines",
                options.workDir(),
                appId,
                options.heap(),
                workerFlags(prefix, appId, options.partitions(), 0));
        var producer =
            new KafkaProducer<String, Object>(
                p, new StringSerializer(), new AnyAvroSerializer(platform.registryClient()))) {
      SimSink sink = SimSink.withTopicPrefix(new KafkaSimSink(producer), prefix);
      Simulator sim = new Simulator(scenario);
      sim.seed(sink, Instant.now());
      sink.flush();
      long deadline = System.nanoTime() + options.timeout().toNanos();
      while (!worker.state().equals("RUNNING")) {
        if (!worker.alive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("nines did not start; see " + worker.log());
        }
        Thread.sleep(POLL.toMillis());
      }
      SimSink counting =
          new SimSink() {
            @Override
            public void send(String topic, String key, SpecificRecord value, long timestampMs) {
              sink.send(topic, key, value, timestampMs);
              sent.incrementAndGet();
            }

            @Override
            public void flush() {
              sink.flush();
            }
          };
      Thread sender =
          new Thread(
              () -> sim.live(counting, Clock.systemUTC(), sending::get), "bench-live-sender");
      sender.start();
      List<Offsets.Snapshot> notes = new ArrayList<>();
      // Cohorts are measured from the first note, after the warm-up, at which the app has
      // caught up (committed the input as it stood a second before): the backlog of its start
      // (JIT, first metadata of new internal topics) is not its steady latency.
      long measureFrom = System.nanoTime() + options.latencyWarmup().toNanos();
      long stopAt = Long.MAX_VALUE;
      int firstMeasured = -1;
      int second = (int) (1000 / POLL.toMillis());
      List<String> internal = List.of();
      while (System.nanoTime() < stopAt) {
        if (internal.isEmpty()) {
          internal = offsets.repartitionTopics(appId);
        }
        List<String> all = new ArrayList<>(inputs);
        all.addAll(internal);
        Offsets.Snapshot now = offsets.snapshot(appId, all);
        notes.add(now);
        long t = System.nanoTime();
        if (firstMeasured < 0
            && t >= measureFrom
            && notes.size() > second
            && now.covers(notes.get(notes.size() - 1 - second).endsOf(inputs), false)) {
          firstMeasured = notes.size() - 1;
          stopAt = t + options.latencyRun().toNanos();
        }
        if (firstMeasured < 0 && t > deadline) {
          sending.set(false);
          sender.join();
          throw new IllegalStateException(
              String.format(
                  Locale.ROOT,
                  "latency: nines never "
                      + "caught up with %,.0f receipts/s sent live within %d s; see %s",
                  rate,
                  options.timeout().toSeconds(),
                  worker.log()));
        }
        Thread.sleep(POLL.toMillis());
      }
      sending.set(false);
      sender.join();
      // keep noting until the app is through what was sent, so late cohorts get a time
      long drain = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      List<String> all = new ArrayList<>(inputs);
      all.addAll(internal);
      int cohorts = notes.size();
      while (System.nanoTime() < drain) {
        Offsets.Snapshot s = offsets.snapshot(appId, all);
        notes.add(s);
        if (s.covers(s.endsOf(inputs), false) && s.covers(s.endsOf(internal), true)) {
          break;
        }
        Thread.sleep(POLL.toMillis());
      }
      List<Double> seconds = new ArrayList<>();
      int measured = Math.max(1, firstMeasured);
      for (int i = measured; i < cohorts; i++) {
        int j = first(notes, i, notes.get(i).endsOf(inputs), false);
        // stage 2 (carrier health, routing), then stage 3 (what stage 2 re-keyed again)
        for (int stage = 0; stage < 2 && j >= 0; stage++) {
          j = first(notes, j, notes.get(j).endsOf(internal), true);
        }
        if (j >= 0) {
          seconds.add((notes.get(j).nanos() - notes.get(i).nanos()) / 1e9);
        }
      }
      worker.stop();
      if (seconds.isEmpty()) {
        throw new IllegalStateException("latency: no cohort was through; see " + worker.log());
      }
      Latency l =
          new Latency(
              rate,
              sent.get(),
              seconds.size(),
              quantile(seconds, 0.50),
              quantile(seconds, 0.99),
              seconds.stream().mapToDouble(d -> d).max().orElse(0));
      out.printf(
          Locale.ROOT,
          "  %,d receipts and probes sent, %d of %d cohorts through: "
              + "p50 %.2f s, p99 %.2f s, max %.2f s%n",
          sent.get(),
          seconds.size(),
          cohorts - measured,
          l.p50(),
          l.p99(),
          l.max());
      return l;
    }
  }

  /** Index of the first note at or after {@code from} whose committed offsets cover targets. */
  private static int first(
      List<Offsets.Snapshot> notes,
      int from,
      Map<TopicPartition, Long> targets,
      boolean transactional) {
    for (int k = from; k < notes.size(); k++) {
      if (notes.get(k).covers(targets, transactional)) {
        return k;
      }
    }
    return -1;
  }

  static double quantile(List<Double> values, double q) {
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private Map<String, String> workerFlags(String prefix, String appId, int partitions, int i) {
    Map<String, String> f = new LinkedHashMap<>();
    // the user's Kafka settings (--set kafka.commit.interval.ms=...), the same for every app
    // under test, nines and the pass-through alike; the benchmark's own keys below win. Not
    // the security ones: arguments of a process are visible to every user of the machine.
    config
        .cluster()
        .kafkaOverrides()
        .forEach(
            (k, v) -> {
              if (!k.startsWith("sasl.")
                  && !k.startsWith("ssl.")
                  && !k.equals("security.protocol")) {
                f.put("kafka." + k, v);
              }
            });
    f.put("bootstrap.servers", platform.bootstrapServers());
    f.put("schema.registry.url", platform.schemaRegistryUrl());
    f.put("topics.prefix", prefix);
    f.put("topics.partitions", Integer.toString(partitions));
    f.put("application.id", appId);
    f.put("state.dir", options.workDir().resolve("state-" + appId + "-" + i).toString());
    f.put("kafka.num.stream.threads", Integer.toString(options.threads()));
    return f;
  }

  private List<String> inputTopics(String prefix) {
    return Topics.INPUTS.stream().map(t -> prefix + t.name()).toList();
  }

  private NinesConfig.TopicLayout layout(String prefix, int partitions) {
    NinesConfig.TopicLayout t = config.topics();
    return new NinesConfig.TopicLayout(
        partitions, t.replicationFactor(), prefix, t.retentionMs(), t.suffix());
  }

  private void createTopic(Admin admin, String name, int partitions) throws Exception {
    // records keep their event-time stamps (October 2026 history): kept forever, or the
    // broker's default 7-day retention deletes them while they are counted
    admin
        .createTopics(
            List.of(
                new NewTopic(name, partitions, config.topics().replicationFactor())
                    .configs(Map.of("retention.ms", "-1"))))
        .all()
        .get();
  }

  /** Kafka Streams' commit interval under exactly-once (its default, unless overridden). */
  private long commitIntervalMs() {
    return Long.parseLong(
        config.cluster().kafkaOverrides().getOrDefault("commit.interval.ms", "100"));
  }

  /** CPU seconds of this JVM's child processes that are not workers: the embedded broker. */
  private double brokerCpu(List<Worker> workers) {
    if (!platform.embedded()) {
      return Double.NaN;
    }
    Set<Long> mine = new HashSet<>();
    workers.forEach(w -> mine.add(w.pid()));
    return ProcessHandle.current()
        .children()
        .filter(p -> !mine.contains(p.pid()))
        .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0))
        .sum();
  }

  private Map<String, Object> clientConfig() {
    Map<String, Object> c = new HashMap<>(platform.clientOverrides());
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    return c;
  }

  static String mib(long bytes) {
    return bytes < 0 ? "n/a" : (bytes >> 20) + " MiB";
  }
}
