package dev.nines.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ceiling: Kafka's own {@code kafka-producer-perf-test} and {@code kafka-consumer-perf-test}
 * (org.apache.kafka:kafka-tools), each run as a separate JVM with the same heap as the apps, on
 * the same broker and record sizes. Their output is parsed, not re-measured.
 */
final class PerfTools {
  private PerfTools() {}

  /** Records per second and MB per second that a perf tool reported. */
  record Rate(long records, double recordsPerSecond, double mbPerSecond, double cpuSeconds) {}

  private static final Pattern PRODUCER =
      Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec \\(([0-9.]+) MB/sec\\)");

  /**
   * {@code kafka-producer-perf-test}: {@code records} records of {@code recordSize} bytes into
   * {@code topic}, transactional with a commit every {@code transactionMs} (what an exactly-once
   * Streams app does every commit interval), acks=all.
   */
  static Rate produce(
      String bootstrap,
      String topic,
      long records,
      int recordSize,
      long transactionMs,
      String heap,
      Path dir,
      Duration timeout)
      throws IOException, InterruptedException {
    List<String> out =
        run(
            List.of(
                "org.apache.kafka.tools.ProducerPerformance",
                "--topic",
                topic,
                "--num-records",
                Long.toString(records),
                "--record-size",
                Integer.toString(recordSize),
                "--throughput",
                "-1",
                "--transaction-duration-ms",
                Long.toString(transactionMs),
                "--command-property",
                "bootstrap.servers=" + bootstrap,
                "acks=all",
                "linger.ms=5",
                "transactional.id=" + topic + "-perf"),
            heap,
            dir.resolve("producer-perf.log"),
            timeout);
    for (int i = out.size() - 1; i >= 0; i--) {
      Matcher m = PRODUCER.matcher(out.get(i));
      if (m.find() && out.get(i).contains("avg latency")) {
        return new Rate(
            Long.parseLong(m.group(1)),
            Double.parseDouble(m.group(2)),
            Double.parseDouble(m.group(3)),
            cpuOf(out));
      }
    }
    throw new IllegalStateException(
        "kafka-producer-perf-test printed no summary; see " + dir.resolve("producer-perf.log"));
  }

  /**
   * {@code kafka-consumer-perf-test}: reads {@code records} records of {@code topic} from the
   * start. Its fetch rate (time spent fetching, without the group join) is what is reported.
   */
  static Rate consume(
      String bootstrap, String topic, long records, String heap, Path dir, Duration timeout)
      throws IOException, InterruptedException {
    List<String> out =
        run(
            List.of(
                "org.apache.kafka.tools.ConsumerPerformance",
                "--bootstrap-server",
                bootstrap,
                "--topic",
                topic,
                "--num-records",
                Long.toString(records),
                "--timeout",
                Long.toString(Duration.ofSeconds(30).toMillis()),
                "--group",
                topic + "-perf-" + System.nanoTime()),
            heap,
            dir.resolve("consumer-perf.log"),
            timeout);
    // header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg,
    // nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
    for (int i = 0; i < out.size() - 1; i++) {
      if (out.get(i).startsWith("start.time")) {
        String[] h = out.get(i).split(",\\s*");
        String[] v = out.get(i + 1).split(",\\s*");
        long n = Long.parseLong(v[index(h, "data.consumed.in.nMsg")].trim());
        return new Rate(
            n,
            Double.parseDouble(v[index(h, "fetch.nMsg.sec")].trim()),
            Double.parseDouble(v[index(h, "fetch.MB.sec")].trim()),
            cpuOf(out));
      }
    }
    throw new IllegalStateException(
        "kafka-consumer-perf-test printed no summary; see " + dir.resolve("consumer-perf.log"));
  }

  private static int index(String[] header, String name) {
    for (int i = 0; i < header.length; i++) {
      if (header[i].trim().equals(name)) {
        return i;
      }
    }
    throw new IllegalStateException("kafka-consumer-perf-test printed no column " + name);
  }

  private static final String CPU_LINE = "#cpu-seconds ";

  private static double cpuOf(List<String> out) {
    return out.stream()
        .filter(l -> l.startsWith(CPU_LINE))
        .mapToDouble(l -> Double.parseDouble(l.substring(CPU_LINE.length())))
        .findFirst()
        .orElse(Double.NaN);
  }

  /** Runs a tool's main class in a new JVM; returns its output lines plus its CPU seconds. */
  private static List<String> run(List<String> args, String heap, Path log, Duration timeout)
      throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-Dlog4j2.level=WARN",
                "-cp",
                System.getProperty("java.class.path")));
    cmd.addAll(args);
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    // CPU is read just before the process ends: after it, the OS forgets it
    double cpu = Double.NaN;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
      cpu = p.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(cpu);
      if (System.nanoTime() > deadline) {
        p.destroyForcibly().waitFor();
        throw new IllegalStateException(
            args.get(0) + " did not finish within " + timeout.toSeconds() + " s; see " + log);
      }
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          args.get(0) + " failed (exit " + p.exitValue() + "); see " + log);
    }
    List<String> out = new ArrayList<>(Files.readAllLines(log));
    out.add(CPU_LINE + cpu);
    return out;
  }
}
