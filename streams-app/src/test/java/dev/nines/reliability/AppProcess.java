package dev.nines.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One nines instance as an operator runs it against an existing cluster: {@code java -jar
 * nines.jar run --bootstrap-servers ...} in its own JVM, with its own state directory, so that
 * it can be killed with SIGKILL like a crashed machine. Its output goes to {@code app.log} in its
 * directory (appended across restarts).
 */
final class AppProcess {
  final String name;
  final Path dir;
  final Path log;
  private final List<String> command;
  private Process process;
  private int starts;

  /**
   * @param settings {@code --set} keys (topics.prefix, application.id, ...); {@code state.dir}
   *     and {@code kafka.client.id} (= name, so the consumer group shows which instance owns
   *     which partitions) are added here
   */
  AppProcess(
      String name,
      Path jar,
      String bootstrapServers,
      String registryUrl,
      Map<String, String> settings,
      Path dir)
      throws IOException {
    this.name = name;
    this.dir = dir;
    this.log = dir.resolve("app.log");
    Files.createDirectories(dir.resolve("state"));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-jar",
                jar.toAbsolutePath().toString(),
                "run",
                "--bootstrap-servers",
                bootstrapServers,
                "--schema-registry-url",
                registryUrl,
                "--no-simulate",
                "--quiet",
                "--set",
                "state.dir=" + dir.resolve("state").toAbsolutePath(),
                "--set",
                "kafka.client.id=" + name));
    settings.forEach((k, v) -> cmd.addAll(List.of("--set", k + "=" + v)));
    this.command = List.copyOf(cmd);
  }

  AppProcess start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is running");
    }
    starts++;
    Files.writeString(
        log,
        "=== " + name + " start " + starts + " at " + Instant.now() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return this;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, no last commit, as a crashed machine. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not die within 60 s of SIGKILL");
    }
  }

  /** SIGTERM: the app's shutdown hook commits and closes; SIGKILL if that takes over 90 s. */
  void stop() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** For clean-up, also on failure: never leaves the JVM (or a child of it) running. */
  void destroy() {
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Throws with the end of the log when the process has exited on its own. */
  void requireAlive(String whileDoing) {
    if (process != null && !process.isAlive()) {
      throw new AssertionError(
          name + " exited (" + process.exitValue() + ") while " + whileDoing + "\n" + tail());
    }
  }

  /** Lines of its log (all starts) that contain {@code text}. */
  int count(String text) {
    try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return (int) lines.filter(l -> l.contains(text)).count();
    } catch (IOException e) {
      return -1;
    }
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
