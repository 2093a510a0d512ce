package dev.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.platform.Directories;
import dev.nines.platform.PortCheck;
import dev.nines.testing.HeavyLoad;
import dev.nines.testing.KafkaPlatformExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The program as {@code ./nines} runs it: {@code java -jar nines-tools.jar ...} in its own process,
 * stopped with SIGINT as Ctrl-C would. Afterwards neither the app nor its broker may be left.
 *
 * <p>Its tests run side by side (each its own process, ports and directory): {@code ./nines
 * run} waits minutes for outputs to move, and the others would otherwise queue behind it.
 */
@ExtendWith(KafkaPlatformExtension.class)
@Execution(ExecutionMode.CONCURRENT)
// READ: its own tests still run side by side; no class holding the lock to write runs beside them
@ResourceLock(value = HeavyLoad.LOCK, mode = ResourceAccessMode.READ)
class CliIT {
  static final Path JAR = Path.of(System.getProperty("nines.tools.jar", "target/nines-tools.jar"));
  Path workDir;
  Process process;
  final List<String> lines = new CopyOnWriteArrayList<>();

  @BeforeEach
  void dir() throws IOException {
    workDir = Files.createTempDirectory("nines-cli-");
  }

  @AfterEach
  void cleanUp() {
    if (process != null && process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    Directories.deleteRecursively(workDir);
  }

  /**
   * coreutils' {@code env --default-signal=INT}, where it exists: it gives the child the default
   * SIGINT handling whatever this JVM inherited. A build started from a background job of a
   * script ignores SIGINT, the ignore is inherited, and a JVM that starts with SIGINT ignored
   * installs no Ctrl-C handler: without this the test would fail for how it was launched.
   */
  static final List<String> DEFAULT_SIGINT = defaultSigint();

  static List<String> defaultSigint() {
    try {
      Process p =
          new ProcessBuilder("env", "--default-signal=INT", "true")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0
          ? List.of("env", "--default-signal=INT")
          : List.of();
    } catch (IOException | InterruptedException e) {
      return List.of();
    }
  }

  Process start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(DEFAULT_SIGINT);
    cmd.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-jar",
            JAR.toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    process = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // process ended
              }
            });
    t.setDaemon(true);
    t.start();
    return process;
  }

  void awaitLine(Predicate<String> p, int seconds) {
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(seconds))
          .pollInterval(Duration.ofMillis(200))
          .failFast(
              () -> {
                // the lines as they are when it ended, not when the wait began
                if (!process.isAlive()) {
                  throw new AssertionError(
                      "process exited early with "
                          + process.exitValue()
                          + "; it printed:\n"
                          + String.join("\n", lines));
                }
              })
          .until(() -> lines.stream().anyMatch(p));
    } catch (ConditionTimeoutException e) {
      // say what the program did print, or a timeout tells nothing
      throw new AssertionError(
          "no matching line within "
              + seconds
              + " s; the last lines were:\n"
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())),
          e);
    }
  }

  /** SIGINT (what Ctrl-C sends), then the app and every child must be gone. */
  void interruptAndExpectCleanExit() throws Exception {
    List<ProcessHandle> children = process.descendants().toList();
    assertThat(children).as("the embedded broker runs as a child JVM").isNotEmpty();
    // without env --default-signal (not coreutils), SIGINT may be ignored by inheritance:
    // SIGTERM, which no shell ignores for its jobs, takes the same shutdown path
    String signal = DEFAULT_SIGINT.isEmpty() ? "-TERM" : "-INT";
    new ProcessBuilder("kill", signal, Long.toString(process.pid())).start().waitFor();
    assertThat(process.waitFor(90, TimeUnit.SECONDS))
        .as("exited after SIG" + signal.substring(1) + ": " + lines)
        .isTrue();
    // 130 / 143 = ended by SIGINT / SIGTERM after the shutdown hooks ran
    assertThat(process.exitValue()).isIn(0, 130, 143);
    for (ProcessHandle c : children) {
      c.onExit().get(30, TimeUnit.SECONDS);
      assertThat(c.isAlive()).as("child %d gone", c.pid()).isFalse();
    }
    assertThat(lines).anyMatch(l -> l.contains("stopping"));
  }

  @Test
  void platformStartsAndCtrlCStopsEverything() throws Exception {
    var ports = PortCheck.freePorts(3);
    int kafka = ports.get(0);
    int registry = ports.get(1);
    start(
        "platform",
        "--ephemeral",
        "--kafka-port",
        "" + kafka,
        "--registry-port",
        "" + registry,
        "--set",
        "platform.controller.port=" + ports.get(2));
    awaitLine(l -> l.contains("Ctrl-C stops it."), 120);
    assertThat(lines)
        .contains(
            "Kafka:           localhost:" + kafka, "Schema registry: http://localhost:" + registry);
    interruptAndExpectCleanExit();
    PortCheck.requireFree("localhost", kafka, "test", "-");
    PortCheck.requireFree("localhost", registry, "test", "-");
  }

  @Test
  void runShowsOutputsMoveAndCtrlCStopsEverything() throws Exception {
    // a kept data directory (the work dir's ./data, deleted after the test): the second run
    // below starts on it
    var ports = PortCheck.freePorts(4);
    String[] args = {
      "run",
      "--kafka-port",
      "" + ports.get(0),
      "--registry-port",
      "" + ports.get(1),
      "--set",
      "platform.controller.port=" + ports.get(2),
      "--set",
      "api.port=" + ports.get(3),
      "--set",
      "health.window.size=PT5S",
      "--set",
      "health.window.grace=PT1S",
      "--set",
      "simulate.rate.scale=0.3"
    };
    start(args);
    // the prelude replays the end of last month: an incident opens and resolves, the month's
    // ledger lines are finalized and its credit is issued; then live weights move.
    // generous: a first start (broker, registry, prelude) on a busy 2-core machine is slow
    awaitLine(l -> l.startsWith("incidents") && l.contains(" OPEN since"), 300);
    awaitLine(l -> l.startsWith("incidents") && l.contains(" RESOLVED since"), 150);
    awaitLine(l -> l.startsWith("uptime-ledger") && l.endsWith("(final)"), 150);
    awaitLine(l -> l.startsWith("sla-credits"), 150);
    awaitLine(l -> l.startsWith("routing-weights"), 150);
    interruptAndExpectCleanExit();
    assertThat(lines).noneMatch(l -> l.contains("no prelude this time"));

    // again on the same data: the probes already there are later than a new prelude would be,
    // so there is none (its probes would only be dead-lettered as behind stream time)
    lines.clear();
    start(args);
    awaitLine(l -> l.contains("Ctrl-C stops it."), 300);
    assertThat(lines)
        .contains(
            "nines: probe-results already holds data (a kept data "
                + "directory); no prelude this time");
    assertThat(lines).noneMatch(l -> l.startsWith("nines: prelude"));
    interruptAndExpectCleanExit();
  }

  @Test
  void busyPortIsOneClearLine() throws Exception {
    try (var busy = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
      start("platform", "--ephemeral", "--kafka-port", "" + busy.getLocalPort());
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(1);
      assertThat(lines)
          .anyMatch(
              l ->
                  l.startsWith(
                          "nines: the embedded broker cannot use "
                              + "localhost:"
                              + busy.getLocalPort())
                      && l.contains("--kafka-port"));
    }
  }

  @Test
  void simulateHistoryIntoAnExistingCluster() throws Exception {
    var p = KafkaPlatformExtension.platform();
    start(
        "simulate",
        "--bootstrap-servers",
        p.bootstrapServers(),
        "--schema-registry-url",
        p.schemaRegistryUrl(),
        "--pace",
        "history",
        "--span",
        "PT2M",
        "--end",
        "2026-10-01T00:00:00Z",
        "--rate-scale",
        "0.1");
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
    assertThat(lines).anyMatch(l -> l.startsWith("produced "));
    // reference data was seeded: the route plans of the default scenario are on the topic
    assertThat(keys(p.bootstrapServers(), "route-plans"))
        .contains("US:SMS", "GB:SMS", "DE:SMS", "US:VOICE");
    assertThat(keys(p.bootstrapServers(), "delivery-receipts")).isNotEmpty();
  }

  static List<String> keys(String bootstrap, String topic) {
    try (var c =
        new KafkaConsumer<>(
            Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      var end = c.endOffsets(parts);
      List<String> keys = new ArrayList<>();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200))
            .forEach(r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
      }
      return keys;
    }
  }
}
