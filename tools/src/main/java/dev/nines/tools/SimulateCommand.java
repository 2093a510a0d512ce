package dev.nines.tools;

import dev.nines.cli.ConfigOptions;
import dev.nines.cli.Main;
import dev.nines.cli.Platforms;
import dev.nines.config.NinesConfig;
import dev.nines.config.Settings;
import dev.nines.platform.Platform;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.simulate.KafkaSimSink;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.ScenarioException;
import dev.nines.simulate.SimSink;
import dev.nines.simulate.Simulator;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Produces scenario traffic into a running cluster (embedded via './nines platform' or not). */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Produce realistic delivery-receipts and probe-results (and seed route-plans, "
          + "sla-contracts, maintenance-windows) from a scenario file (docs/SCENARIOS.md).",
      "Needs a running cluster: './nines platform' in another terminal, or "
          + "--bootstrap-servers/--schema-registry-url."
    })
final class SimulateCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Option(
      names = "--scenario",
      paramLabel = "FILE",
      description = "Scenario YAML (default: the built-in scenario).")
  String scenario;

  @Option(
      names = "--pace",
      paramLabel = "live|history",
      description =
          "live: event time = now, paced (default); history: a past span, as fast as "
              + "the broker takes it.")
  String pace;

  @Option(
      names = "--span",
      paramLabel = "DURATION",
      description = "History pace: how much to produce, ISO-8601 (default P1D, e.g. P30D).")
  String span;

  @Option(
      names = "--end",
      paramLabel = "INSTANT",
      description = "History pace: end of the span (default: start of the current UTC day).")
  String end;

  @Option(
      names = "--rate-scale",
      paramLabel = "FACTOR",
      description = "Multiply every route's receipt rate (default 1.0).")
  String rateScale;

  @Option(names = "--seed", description = "Random seed (default: the scenario's).")
  Long seed;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> flags = new LinkedHashMap<>();
    ConfigOptions.put(flags, "simulate.scenario", scenario);
    ConfigOptions.put(flags, "simulate.pace", pace);
    ConfigOptions.put(flags, "simulate.span", span);
    ConfigOptions.put(flags, "simulate.end", end);
    ConfigOptions.put(flags, "simulate.rate.scale", rateScale);
    NinesConfig config = options.load(flags);
    Platform platform =
        config.cluster().embedded()
            ? Platform.external(
                new NinesConfig.Cluster(
                    config.platform().host() + ":" + config.platform().kafkaPort(),
                    "http://" + config.platform().host() + ":" + config.platform().registryPort(),
                    config.cluster().kafkaOverrides()))
            : Platform.external(config.cluster());
    Platforms.requireReachable(platform);
    Platforms.ensureTopics(platform, config);
    Simulator sim = simulator(config, seed);
    if (config.simulate().pace() == Settings.Pace.LIVE) {
      CountDownLatch done = new CountDownLatch(1);
      LiveSimulation live = new LiveSimulation(sim, platform, config.topics().prefix());
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    live.close();
                    System.err.println("nines: simulator stopped after " + sim.stats());
                    done.countDown();
                  },
                  "simulate-stop"));
      System.out.println(
          "simulating scenario '"
              + sim.scenario().name()
              + "' live into "
              + platform.bootstrapServers()
              + "; Ctrl-C stops it");
      done.await();
      return 0;
    }
    Instant to = config.simulate().end().orElse(Instant.now().truncatedTo(ChronoUnit.DAYS));
    Instant from = to.minus(config.simulate().span());
    try (KafkaProducer<String, Object> producer = producer(platform)) {
      SimSink sink = SimSink.withTopicPrefix(new KafkaSimSink(producer), config.topics().prefix());
      long t0 = System.nanoTime();
      sim.seed(sink, from);
      sim.history(sink, from, to);
      sink.flush();
      System.out.printf(
          "produced %s from %s to %s in %.1f s%n",
          sim.stats(), from, to, (System.nanoTime() - t0) / 1e9);
    }
    return 0;
  }

  static Simulator simulator(NinesConfig config, Long seedOverride) {
    return simulator(config, seedOverride, config.simulate().rateScale());
  }

  static Simulator simulator(NinesConfig config, Long seedOverride, double rateScale) {
    return simulator(config, seedOverride, rateScale, UnaryOperator.identity());
  }

  static Simulator simulator(
      NinesConfig config, Long seedOverride, double rateScale, UnaryOperator<Scenario> adjust) {
    Scenario s;
    try {
      s =
          config.simulate().scenario().isPresent()
              ? Scenario.load(config.simulate().scenario().get())
              : Scenario.loadDefault();
    } catch (ScenarioException e) {
      throw new Main.UserError(e.getMessage());
    } catch (IOException e) {
      throw new Main.UserError(
          "cannot read scenario file '"
              + config.simulate().scenario().orElseThrow()
              + "': "
              + e.getMessage());
    }
    s = adjust.apply(s);
    long seed = seedOverride != null ? seedOverride : s.seed() != null ? s.seed() : 1L;
    return new Simulator(s, seed, rateScale);
  }

  static KafkaProducer<String, Object> producer(Platform platform) {
    Map<String, Object> c = new HashMap<>(platform.clientOverrides());
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return new KafkaProducer<>(
        c, new StringSerializer(), new AnyAvroSerializer(platform.registryClient()));
  }

  /** Live simulation in a background thread of the run command. */
  static AutoCloseable startLive(NinesConfig config, Platform platform) {
    return new LiveSimulation(simulator(config, null), platform, config.topics().prefix());
  }

  /**
   * The end of the previous UTC month as history: from {@code simulate.prelude.span} before the
   * current month's start to past its close (month start + {@code uptime.month.grace} + two
   * ticks), at {@code simulate.prelude.rate.scale}. The contracts it seeds take effect at the
   * previous month's start, so that month closes with its ledger lines final and its credits
   * issued, minutes after start-up instead of at the end of the month.
   */
  static void prelude(NinesConfig config, Platform platform, Instant now) {
    Instant monthStart =
        now.atZone(ZoneOffset.UTC)
            .with(TemporalAdjusters.firstDayOfMonth())
            .truncatedTo(ChronoUnit.DAYS)
            .toInstant();
    Instant from = monthStart.minus(config.simulate().preludeSpan());
    Instant to =
        monthStart.plus(config.uptime().monthGrace()).plus(config.uptime().tick().multipliedBy(2));
    // the live run seeds the scenario's windows again, relative to its own start: the prelude's
    // get ids of their own, or the live seed would move them out from under the closed month
    Simulator sim =
        simulator(
            config,
            null,
            config.simulate().preludeRateScale(),
            s ->
                new Scenario(
                    s.name(),
                    s.seed(),
                    s.regions(),
                    s.vantages(),
                    s.checks(),
                    s.probeInterval(),
                    s.probeFailureRate(),
                    s.routes(),
                    s.dailyShape(),
                    s.failureMix(),
                    s.latency(),
                    s.duplicates(),
                    s.late(),
                    s.accounts(),
                    s.maintenance().stream()
                        .map(
                            w ->
                                new Scenario.Window(
                                    "prelude-" + w.id(),
                                    w.service(),
                                    w.region(),
                                    w.start(),
                                    w.end()))
                        .toList(),
                    s.events(),
                    s.policies()));
    try (KafkaProducer<String, Object> producer = producer(platform)) {
      SimSink sink = SimSink.withTopicPrefix(new KafkaSimSink(producer), config.topics().prefix());
      long t0 = System.nanoTime();
      sim.seed(sink, from);
      sim.history(sink, from, to);
      sink.flush();
      System.out.printf(
          "nines: prelude: replayed %s to %s (%s) in %.1f s, so that %s closes%n",
          from,
          to,
          sim.stats(),
          (System.nanoTime() - t0) / 1e9,
          YearMonth.from(from.atZone(ZoneOffset.UTC)));
    }
  }

  /** Seeds reference data and then produces live traffic until closed. */
  static final class LiveSimulation implements AutoCloseable {
    private final KafkaProducer<String, Object> producer;
    private final Thread thread;
    private volatile boolean running = true;

    LiveSimulation(Simulator sim, Platform platform, String prefix) {
      this.producer = producer(platform);
      SimSink sink = SimSink.withTopicPrefix(new KafkaSimSink(producer), prefix);
      sim.seed(sink, Instant.now());
      sink.flush();
      this.thread = new Thread(() -> sim.live(sink, Clock.systemUTC(), () -> running), "simulator");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      running = false;
      try {
        thread.join(Duration.ofSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      producer.close(Duration.ofSeconds(10));
    }
  }
}
