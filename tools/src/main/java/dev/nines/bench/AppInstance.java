package dev.nines.bench;

import dev.nines.platform.PortCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One app instance in its own JVM ({@code java -jar nines.jar run --no-simulate}), as an
 * operator runs it against an existing cluster, with its own state directory and log file.
 */
final class AppInstance {
  final String name;
  final Path dir;
  private final String bootstrapServers;
  private final String registryUrl;
  private final Map<String, String> settings;
  private Path jar;
  private Process process;
  private boolean down;

  /**
   * @param settings {@code --set} values (prefix, application id, ...); the state directory,
   *     client id and a free API port are added here
   */
  AppInstance(
      String name,
      Path dir,
      Path jar,
      String bootstrapServers,
      String registryUrl,
      Map<String, String> settings)
      throws IOException {
    this.name = name;
    this.dir = dir;
    this.jar = jar;
    this.bootstrapServers = bootstrapServers;
    this.registryUrl = registryUrl;
    Files.createDirectories(dir.resolve("state"));
    Map<String, String> s = new TreeMap<>(settings);
    s.put("state.dir", dir.resolve("state").toAbsolutePath().toString());
    s.put("kafka.client.id", name);
    s.put("api.port", Integer.toString(PortCheck.freePort()));
    this.settings = Map.copyOf(s);
  }

  /** The jar of the next {@link #start}: an upgrade restarts on the same state directory. */
  void useJar(Path jar) {
    this.jar = jar;
  }

  Path jar() {
    return jar;
  }

  AppInstance start() throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-jar",
                jar.toAbsolutePath().toString(),
                "run",
                "--bootstrap-servers",
                bootstrapServers,
                "--schema-registry-url",
                registryUrl,
                "--no-simulate",
                "--quiet"));
    settings.forEach((k, v) -> cmd.addAll(List.of("--set", k + "=" + v)));
    down = false;
    Files.writeString(
        dir.resolve("app.log"),
        "=== start " + Instant.now() + " " + jar.getFileName() + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    process =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("app.log").toFile()))
            .start();
    return this;
  }

  /** SIGKILL: no shutdown hook, no leave-group, an open transaction left behind. */
  void kill() throws InterruptedException {
    down = true;
    process.destroyForcibly();
    process.waitFor(60, TimeUnit.SECONDS);
  }

  /** SIGTERM: the clean stop of an operator or a rolling restart. */
  void stop() throws InterruptedException {
    down = true;
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  /** SIGSTOP: the process stands still (a long GC pause, a frozen VM) without knowing it. */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}: the process carries on as if no time had passed. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("benchmark: kill -" + name + " " + process.pid() + " failed");
    }
  }

  void requireAliveIfStarted() {
    if (!down && process != null && !process.isAlive()) {
      throw new IllegalStateException(
          "benchmark: "
              + this.name
              + " exited with "
              + process.exitValue()
              + "; see "
              + dir.resolve("app.log"));
    }
  }

  void destroy() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
