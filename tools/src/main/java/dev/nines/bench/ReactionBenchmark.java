package dev.nines.bench;

import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import dev.nines.platform.TopicManager;
import dev.nines.schema.CarrierState;
import dev.nines.serde.RestSchemaRegistryClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * How fast a failing carrier is taken out of rotation, measured in wall-clock time on the real
 * broker with the real app. A generator plays the traffic router: it sends live receipts for one
 * route with three carriers, split by the weights it reads back from routing-weights (closed
 * loop, as a router would). Each trial waits a random healthy spell, then makes one carrier
 * deliver 40 %, and measures (1) from the first bad receipt produced to the first committed
 * routing-weights record that ejects it, and (2) after the carrier is healthy again, until a
 * record gives it back its full base share.
 */
public final class ReactionBenchmark {
  public record Options(
      int trials, int ratePerSecond, double failingSuccess, long seed, Duration timeout) {}

  public record Trial(int n, String carrier, double reactionSeconds, double restoreSeconds) {}

  private final NinesConfig config;
  private final Platform platform;
  private final Options options;
  private final PrintStream out;

  public ReactionBenchmark(
      NinesConfig config, Platform platform, Options options, PrintStream out) {
    this.config = config;
    this.platform = platform;
    this.options = options;
    this.out = out;
  }

  public List<Trial> run() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()))) {
      TopicManager.ensure(admin, Topics.ALL, config.topics());
    }
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    List<Trial> trials = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(options.seed());
    try (NinesApp app = NinesApp.start(config, platform, registry);
        ClosedLoopRouter router =
            new ClosedLoopRouter(
                    config, platform, registry, options.ratePerSecond(), random.split())
                .start()) {
      awaitUntil(router::decided, "the first routing decision", options.timeout());
      for (int n = 1; n <= options.trials(); n++) {
        Thread.sleep(10_000 + random.nextInt(20_000)); // a random healthy spell
        String carrier =
            ClosedLoopRouter.CARRIERS[random.nextInt(ClosedLoopRouter.CARRIERS.length)];
        router.fail(carrier, options.failingSuccess());
        awaitUntil(
            () -> router.state(carrier) == CarrierState.EJECTED,
            carrier + " ejected",
            options.timeout());
        double reaction = (System.nanoTime() - router.firstBadNanos()) / 1e9;
        router.heal(carrier);
        long healthyAgain = System.nanoTime();
        awaitUntil(router::allHealthyAtBase, carrier + " restored", options.timeout());
        double restore = (System.nanoTime() - healthyAgain) / 1e9;
        Trial t = new Trial(n, carrier, reaction, restore);
        trials.add(t);
        out.printf(
            "trial %2d: %-6s ejected %.2f s after the first bad receipt, "
                + "full share again %.1f s after recovery%n",
            n, carrier, reaction, restore);
      }
    }
    return trials;
  }

  static void awaitUntil(BooleanSupplier condition, String what, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "benchmark: no " + what + " within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(10);
    }
  }

  /** The q-quantile (nearest rank) of the values. */
  public static double quantile(List<Double> values, double q) {
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
