package dev.nines.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BenchWorker} process started by the benchmark driver: the JVM under test. Its CPU
 * time is read from the operating system ({@link ProcessHandle}), its memory from the stats
 * file it keeps.
 */
final class Worker implements AutoCloseable {
  /** How long a worker gets to close its Streams app on SIGTERM before it is killed. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  /** Extra JVM options for the apps under test ({name} becomes the worker's name). */
  static final String JVM_OPTIONS_ENV = "NINES_BENCH_WORKER_OPTS";

  /**
   * Memory a worker reported, -1 where it could not be read; and its stream threads' time split
   * (shares of the loop, averaged over the run: process, commit, poll, punctuate), NaN where
   * it could not be read.
   */
  record Memory(
      long peakHeap,
      long peakLiveHeap,
      long peakRocksDb,
      long maxHeap,
      long peakRss,
      double processRatio,
      double commitRatio,
      double pollRatio,
      double punctuateRatio) {}

  private final Process process;
  private final Path stats;
  private final Path log;
  private long peakRss = -1;

  private Worker(Process process, Path stats, Path log) {
    this.process = process;
    this.stats = stats;
    this.log = log;
  }

  /** Starts {@code java -Xmx<heap> -cp <this classpath> BenchWorker mode stats flags...}. */
  static Worker start(String mode, Path dir, String name, String heap, Map<String, String> flags)
      throws IOException {
    Files.createDirectories(dir);
    Path stats = dir.resolve(name + ".stats");
    Path log = dir.resolve(name + ".log");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-Dlog4j2.level=WARN"));
    // e.g. -XX:StartFlightRecording=filename=/tmp/w.jfr to profile the app under test
    String extra = System.getenv().getOrDefault(JVM_OPTIONS_ENV, "").trim();
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.replace("{name}", name).split("\\s+")));
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            BenchWorker.class.getName(),
            mode,
            stats.toString()));
    flags.forEach((k, v) -> cmd.add(k + "=" + v));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Worker(p, stats, log);
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** CPU seconds this worker has used so far. */
  double cpuSeconds() {
    return process
        .toHandle()
        .info()
        .totalCpuDuration()
        .map(d -> d.toNanos() / 1e9)
        .orElse(Double.NaN);
  }

  /** Samples the resident set size (heap, RocksDB, code, threads: everything the OS counts). */
  void sampleRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          peakRss = Math.max(peakRss, kb * 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone: no RSS figure
    }
  }

  /** The state the worker last reported (CREATED, REBALANCING, RUNNING, ...), or "" if none. */
  String state() {
    return read().getProperty("state", "");
  }

  /** Stops the worker (SIGTERM: a clean close) and returns the memory it reported. */
  Memory stop() throws InterruptedException {
    sampleRss();
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    Properties p = read();
    return new Memory(
        num(p, "peakHeap"),
        num(p, "peakLiveHeap"),
        num(p, "peakRocksDb"),
        num(p, "maxHeap"),
        peakRss,
        ratio(p, "process-ratio"),
        ratio(p, "commit-ratio"),
        ratio(p, "poll-ratio"),
        ratio(p, "punctuate-ratio"));
  }

  /** Kills the process without waiting (from a shutdown hook). */
  void kill() {
    process.destroyForcibly();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
  }

  private Properties read() {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(stats)) {
      p.load(in);
    } catch (IOException e) {
      // not written yet
    }
    return p;
  }

  private static double ratio(Properties p, String key) {
    try {
      return Double.parseDouble(p.getProperty(key, "NaN"));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static long num(Properties p, String key) {
    try {
      return Long.parseLong(p.getProperty(key, "-1"));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
