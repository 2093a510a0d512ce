package dev.nines.tools;

import dev.nines.bench.micro.MicroRunner;
import dev.nines.cli.Main;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * JMH micro-benchmarks of the hot paths, each next to a plain baseline. No broker: they run in
 * forked JVMs on this machine, with this jar's classpath.
 */
@Command(
    name = "micro",
    mixinStandardHelpOptions = true,
    description =
        "JMH micro-benchmarks of the hot paths (serde, latency sketch, routing weight "
            + "evaluation), each next to a plain baseline; prints a Markdown table of ns/op.")
final class BenchMicroCommand implements Callable<Integer> {
  @Option(
      names = "--forks",
      defaultValue = "1",
      description = "JVMs forked per benchmark (default 1; 0 runs in this JVM, less reliable).")
  int forks;

  @Option(
      names = "--warmup-iterations",
      defaultValue = "3",
      description = "Warm-up iterations per fork (default 3).")
  int warmupIterations;

  @Option(
      names = "--iterations",
      defaultValue = "5",
      description = "Measurement iterations per fork (default 5).")
  int iterations;

  @Option(
      names = "--time",
      defaultValue = "1s",
      description = "Length of each iteration: a number and ns, us, ms, s, min (default 1s).")
  String time;

  @Option(
      names = "--include",
      defaultValue = "^dev\\.nines\\.bench\\.micro\\.",
      description =
          "Regex over the benchmarks' full names (default: all of " + "dev.nines.bench.micro).")
  String include;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write JMH's JSON results to FILE.")
  Path json;

  @Override
  public Integer call() throws Exception {
    MicroRunner.Settings settings = settings();
    List<MicroRunner.Pair> pairs;
    try {
      pairs = MicroRunner.run(settings);
    } catch (NoBenchmarksException e) {
      throw new Main.UserError(
          "--include '"
              + include
              + "' matches no benchmark; they are "
              + "named dev.nines.bench.micro.<Class>.<method>, e.g. 'SerdeBenchmark'");
    }
    System.out.println();
    System.out.print(MicroRunner.markdown(settings, pairs));
    return 0;
  }

  /** The options, checked: each bad value is one line saying what would be right. */
  MicroRunner.Settings settings() {
    if (forks < 0) {
      throw new Main.UserError("--forks must be 0 or more (0 runs in this JVM), not " + forks);
    }
    if (warmupIterations < 0) {
      throw new Main.UserError("--warmup-iterations must be 0 or more, not " + warmupIterations);
    }
    if (iterations < 1) {
      throw new Main.UserError("--iterations must be at least 1, not " + iterations);
    }
    TimeValue t = iterationTime();
    try {
      Pattern.compile(include);
    } catch (PatternSyntaxException e) {
      throw new Main.UserError(
          "--include must be a regular expression (e.g. 'SerdeBenchmark'), "
              + "not '"
              + include
              + "': "
              + e.getDescription());
    }
    return new MicroRunner.Settings(
        forks,
        warmupIterations,
        iterations,
        t,
        include,
        Optional.ofNullable(json),
        VerboseMode.NORMAL);
  }

  /** {@code --time} as JMH reads it ("1s", "200ms", "500us"; a bare number is seconds). */
  private TimeValue iterationTime() {
    try {
      TimeValue t = TimeValue.fromString(time);
      // 0 would mean a single-shot iteration to JMH, which is another mode than average time
      if (t.getTime() > 0) {
        return t;
      }
    } catch (IllegalArgumentException e) {
      // not a duration: the message below says what would be
    }
    throw new Main.UserError(
        "--time must be a positive duration such as 1s, 200ms or 500us, " + "not '" + time + "'");
  }
}
