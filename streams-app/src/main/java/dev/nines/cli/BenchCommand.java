package dev.nines.cli;

import dev.nines.bench.ReactionBenchmark;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Benchmarks on the real broker. Results are printed as Markdown for BENCHMARKS.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks on a real broker (embedded, temporary, unless "
        + "--bootstrap-servers is given).",
    subcommands = {BenchCommand.Reaction.class})
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "reaction", mixinStandardHelpOptions = true,
      description = "Wall-clock time from a carrier's first bad receipt to the routing update "
          + "that ejects it, and from its recovery to its full share again.")
  static final class Reaction implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--trials", defaultValue = "20", description = "Trials (default 20).")
    int trials;

    @Option(names = "--rate", defaultValue = "300",
        description = "Receipts per second on the route (default 300).")
    int rate;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42).")
    long seed;

    @Override
    public Integer call() throws Exception {
      if (trials < 1 || rate < 10) {
        throw new Main.UserError("--trials must be at least 1 and --rate at least 10");
      }
      String prefix = "bench-" + System.currentTimeMillis() + ".";
      NinesConfig config = options.load(Map.of("platform.ephemeral", "true",
          "topics.prefix", prefix, "application.id", prefix + "app", "topics.partitions", "3",
          "platform.kafka.port", Integer.toString(dev.nines.platform.PortCheck.freePort()),
          "platform.controller.port", Integer.toString(dev.nines.platform.PortCheck.freePort()),
          "platform.registry.port", Integer.toString(dev.nines.platform.PortCheck.freePort())));
      try (Platform platform = Platforms.startOrConnect(config)) {
        List<ReactionBenchmark.Trial> results = new ReactionBenchmark(config, platform,
            new ReactionBenchmark.Options(trials, rate, 0.40, seed, Duration.ofMinutes(5)),
            System.out).run();
        List<Double> reaction = results.stream().map(ReactionBenchmark.Trial::reactionSeconds)
            .toList();
        List<Double> restore = results.stream().map(ReactionBenchmark.Trial::restoreSeconds)
            .toList();
        System.out.printf("%n| %s | trials | p50 | p95 | max |%n|---|---|---|---|---|%n",
            "reaction (" + LocalDate.now(ZoneOffset.UTC) + ", " + rate + " receipts/s, "
                + "interval " + config.routing().interval().toSeconds() + " s)");
        row("first bad receipt -> ejecting update seen", reaction);
        row("recovery -> full share seen", restore);
      }
      return 0;
    }

    private static void row(String name, List<Double> v) {
      System.out.printf(java.util.Locale.ROOT, "| %s | %d | %.2f s | %.2f s | %.2f s |%n", name,
          v.size(), ReactionBenchmark.quantile(v, 0.50), ReactionBenchmark.quantile(v, 0.95),
          v.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }
  }
}
