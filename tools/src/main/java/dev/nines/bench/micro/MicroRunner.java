package dev.nines.bench.micro;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the micro-benchmarks with JMH (average time per operation, in ns) and pairs each nines
 * benchmark with its baseline. The pairing is by name: in each benchmark class, {@code ninesX}
 * is measured against {@code baselineX}.
 */
public final class MicroRunner {
  private MicroRunner() {}

  private static final String NINES = "nines";
  private static final String BASELINE = "baseline";
  private static final String CLASS_SUFFIX = "Benchmark";

  /**
   * How to run.
   *
   * @param forks JVMs forked per benchmark; 0 runs in this JVM (only for tests: less isolated)
   * @param time the length of each warm-up and measurement iteration
   * @param include regex over the benchmarks' full names (JMH's {@code -include})
   * @param json where JMH writes its JSON results, if anywhere
   * @param verbosity JMH's own progress output
   */
  public record Settings(
      int forks,
      int warmupIterations,
      int iterations,
      TimeValue time,
      String include,
      Optional<Path> json,
      VerboseMode verbosity) {}

  /** A score in ns/op and its error (the 99.9% confidence half-width; NaN from one sample). */
  public record Score(double nsPerOp, double error) {
    static Score of(Result<?> r) {
      return new Score(r.getScore(), r.getScoreError());
    }
  }

  /**
   * One row: an operation measured in nines and in its baseline. A side is empty when the
   * include regex left it out.
   */
  public record Pair(String name, Optional<Score> nines, Optional<Score> baseline) {
    /** nines / baseline, when both sides ran. */
    public Optional<Double> ratio() {
      return nines.flatMap(n -> baseline.map(b -> n.nsPerOp() / b.nsPerOp()));
    }
  }

  /** @throws org.openjdk.jmh.runner.NoBenchmarksException when the include regex matches none */
  public static List<Pair> run(Settings s) throws RunnerException {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(s.include())
            .forks(s.forks())
            .warmupIterations(s.warmupIterations())
            .warmupTime(s.time())
            .measurementIterations(s.iterations())
            .measurementTime(s.time())
            .mode(Mode.AverageTime)
            .timeUnit(TimeUnit.NANOSECONDS)
            // a benchmark that throws must fail the run, not quietly leave its row empty
            .shouldFailOnError(true)
            .verbosity(s.verbosity());
    s.json().ifPresent(p -> options.resultFormat(ResultFormatType.JSON).result(p.toString()));
    return pairs(new Runner(options.build()).run());
  }

  /** Rows sorted by name, e.g. "serde: serialize" from SerdeBenchmark.ninesSerialize. */
  static List<Pair> pairs(Collection<RunResult> results) {
    Map<String, Score> nines = new HashMap<>();
    Map<String, Score> baselines = new HashMap<>();
    for (RunResult r : results) {
      // e.g. dev.nines.bench.micro.SerdeBenchmark.ninesSerialize
      String benchmark = r.getParams().getBenchmark();
      int dot = benchmark.lastIndexOf('.');
      String method = benchmark.substring(dot + 1);
      String group =
          benchmark
              .substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot)
              .replace(CLASS_SUFFIX, "")
              .toLowerCase(Locale.ROOT);
      Score score = Score.of(r.getPrimaryResult());
      if (method.startsWith(NINES)) {
        nines.put(group + ": " + operation(method, NINES), score);
      } else if (method.startsWith(BASELINE)) {
        baselines.put(group + ": " + operation(method, BASELINE), score);
      } else {
        throw new IllegalStateException(
            "benchmark "
                + benchmark
                + " is neither "
                + NINES
                + "X nor "
                + BASELINE
                + "X: it has no place in the table");
      }
    }
    SortedSet<String> names = new TreeSet<>(nines.keySet());
    names.addAll(baselines.keySet());
    List<Pair> rows = new ArrayList<>();
    for (String name : names) {
      rows.add(
          new Pair(
              name,
              Optional.ofNullable(nines.get(name)),
              Optional.ofNullable(baselines.get(name))));
    }
    return rows;
  }

  private static String operation(String method, String prefix) {
    String rest = method.substring(prefix.length());
    return rest.isEmpty() ? rest : Character.toLowerCase(rest.charAt(0)) + rest.substring(1);
  }

  /** The results as a Markdown table for BENCHMARKS.md; the first header cell says how run. */
  public static String markdown(Settings s, List<Pair> pairs) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "| micro-benchmark (%s, JDK %s, %d fork(s), %d x %s "
                + "after %d warm-up(s), average time) | nines ns/op | baseline ns/op "
                + "| nines / baseline |%n|---|---|---|---|%n",
            LocalDate.now(ZoneOffset.UTC),
            System.getProperty("java.version"),
            s.forks(),
            s.iterations(),
            s.time(),
            s.warmupIterations()));
    for (Pair p : pairs) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s |%n",
              p.name(),
              cell(p.nines()),
              cell(p.baseline()),
              p.ratio().map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("-")));
    }
    return out.toString();
  }

  private static String cell(Optional<Score> score) {
    return score
        .map(
            s ->
                Double.isFinite(s.error())
                    ? String.format(Locale.ROOT, "%,.1f +/- %,.1f", s.nsPerOp(), s.error())
                    : String.format(Locale.ROOT, "%,.1f", s.nsPerOp()))
        .orElse("-");
  }
}
