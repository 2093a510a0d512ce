package dev.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * What the packaged jar tells about itself, run as a user runs it: its version from the
 * manifest, shell completion, and JSON log lines for log shippers.
 */
class PackagedJarIT {
  static final Path JAR = Path.of(System.getProperty("nines.jar", "target/nines.jar"));
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  record Run(int exit, String out) {}

  static Run run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", List.of(cmd)).isTrue();
    // the test JVMs' options reach children through JDK_JAVA_OPTIONS, which the JVM announces
    String own =
        out.lines()
            .filter(l -> !l.startsWith("NOTE: Picked up"))
            .reduce("", (a, b) -> a + b + "\n");
    return new Run(p.exitValue(), own);
  }

  @Test
  void versionComesFromTheManifest() throws Exception {
    Run r = run(Map.of(), JAVA, "-jar", JAR.toString(), "--version");
    assertThat(r.exit()).isZero();
    assertThat(r.out().trim()).matches("nines \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?, Kafka 4\\.4\\.\\d+");
  }

  @Test
  void theDeployedJarCarriesNoBrokerRegistryServerOrBenchmarks() throws Exception {
    List<String> lib;
    try (var files = Files.list(JAR.getParent().resolve("lib"))) {
      lib = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(lib)
        .anyMatch(n -> n.startsWith("kafka-streams-"))
        .anyMatch(n -> n.startsWith("kafka-clients-"));
    for (String absent :
        List.of(
            "kafka_2.13-",
            "kafka-server-",
            "kafka-tools-",
            "kafka-raft-",
            "kafka-metadata-",
            "jmh-",
            "xchart-",
            "nines-platform-",
            "nines-tools-")) {
      assertThat(lib).as("lib/ without " + absent + "*").noneMatch(n -> n.startsWith(absent));
    }
    List<String> classes;
    try (JarFile jar = new JarFile(JAR.toFile())) {
      classes = jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).toList();
    }
    assertThat(classes).contains("dev/nines/cli/Main.class", "dev/nines/app/NinesApp.class");
    assertThat(classes)
        .noneMatch(
            n ->
                n.startsWith("dev/nines/platform/local/")
                    || n.startsWith("dev/nines/platform/registry/")
                    || n.startsWith("dev/nines/simulate/")
                    || n.startsWith("dev/nines/bench/")
                    || n.startsWith("dev/nines/tools/"));
  }

  @Test
  void theDeployedJarRunsAgainstAClusterAndSaysSoWithoutOne() throws Exception {
    Run help = run(Map.of(), JAVA, "-jar", JAR.toString(), "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("run", "replay", "status", "tail", "config");
    assertThat(help.out().lines().map(String::strip))
        .noneMatch(l -> l.matches("(platform|simulate|bench)\\b.*"));

    Run embedded = run(Map.of(), JAVA, "-jar", JAR.toString(), "run", "--ephemeral");
    assertThat(embedded.exit()).isEqualTo(2);
    assertThat(embedded.out().lines().filter(l -> !l.isBlank()))
        .singleElement()
        .asString()
        .startsWith("nines: a run without --bootstrap-servers needs the embedded platform")
        .contains("--bootstrap-servers and --schema-registry-url");
  }

  @Test
  void bashCompletionIsGenerated() throws Exception {
    Run r = run(Map.of(), JAVA, "-jar", JAR.toString(), "generate-completion");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("complete -F", "_complete_nines")
        .contains("run", "replay", "status", "tail", "--bootstrap-servers");
  }

  @Test
  void logLinesAreTextOrOneJsonObjectEach() throws Exception {
    String cp =
        Path.of("target/test-classes").toAbsolutePath() + File.pathSeparator + JAR.toAbsolutePath();
    Run text = run(Map.of(), JAVA, "-cp", cp, LogProbe.class.getName());
    assertThat(text.out())
        .containsPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  d\\.n\\.probe - " + "first line");

    Run json = run(Map.of("NINES_LOG_FORMAT", "json"), JAVA, "-cp", cp, LogProbe.class.getName());
    List<JsonNode> lines = new ArrayList<>();
    for (String l : json.out().lines().toList()) {
      lines.add(new ObjectMapper().readTree(l));
    }
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).get("message").asText()).isEqualTo("first line");
    assertThat(lines.get(0).get("log.level").asText()).isEqualTo("INFO");
    assertThat(lines.get(0).get("log.logger").asText()).isEqualTo("dev.nines.probe");
    assertThat(lines.get(0).get("@timestamp").asText()).isNotBlank();
    assertThat(lines.get(1).get("log.level").asText()).isEqualTo("WARN");

    // chosen by the configuration after start: the first line text, the second JSON
    Run switched = run(Map.of(), JAVA, "-cp", cp, LogProbe.class.getName(), "then-json");
    List<String> two = switched.out().lines().toList();
    assertThat(two).hasSize(2);
    assertThat(two.get(0)).contains("INFO  d.n.probe - first line");
    assertThat(new ObjectMapper().readTree(two.get(1)).get("message").asText())
        .isEqualTo("second line");
  }
}
