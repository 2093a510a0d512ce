package dev.nines.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.cli.HealthFile;
import dev.nines.deploy.DockerFiles.Instruction;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue #8: {@code docker/Dockerfile} checked statically (no Docker engine, and no Dockerfile
 * linter in the reachable package registries that runs offline): two stages, the second a JRE
 * only, a non-root numeric user, a health check reading the file `nines run` writes, nothing
 * secret baked in, and the paths it copies are the ones the Maven build produces.
 */
class DockerfileTest {
  final List<Instruction> all = DockerFiles.dockerfile();
  final List<Instruction> last = DockerFiles.finalStage(all);

  /** The stage that {@code FROM <image> AS <name>} starts, up to the next FROM. */
  List<Instruction> stage(String name) {
    int from = -1;
    for (int i = 0; i < all.size(); i++) {
      Instruction in = all.get(i);
      if (in.keyword().equals("FROM")) {
        if (from >= 0) {
          return all.subList(from, i);
        }
        if (in.args().endsWith(" AS " + name)) {
          from = i;
        }
      }
    }
    assertThat(from).as("stage " + name).isNotNegative();
    return all.subList(from, all.size());
  }

  @Test
  void theAppImageIsBuiltFromTheAppModuleAlone() {
    List<String> froms =
        all.stream().filter(i -> i.keyword().equals("FROM")).map(Instruction::args).toList();
    assertThat(froms.get(0)).startsWith("maven:").contains("17").endsWith(" AS build");
    // the default target, last: a JRE, and nothing of the build but the app's jar and lib/
    assertThat(froms.get(froms.size() - 1))
        .startsWith("eclipse-temurin:17-jre")
        .doesNotContain(" AS ");
    assertThat(last.stream().filter(i -> i.keyword().equals("COPY")).map(Instruction::args))
        .containsExactly(
            "--from=build /src/streams-app/target/nines.jar /app/nines.jar",
            "--from=build /src/streams-app/target/lib /app/lib");
    // the stage it copies from sees the platform and tools modules' poms, not their code
    List<String> copies =
        stage("build").stream()
            .filter(i -> i.keyword().equals("COPY"))
            .map(Instruction::args)
            .toList();
    assertThat(copies)
        .contains("platform/pom.xml platform/pom.xml", "tools/pom.xml tools/pom.xml")
        .doesNotContain("platform platform", "tools tools");
  }

  @Test
  void theToolsImageIsASeparateTarget() {
    List<String> copies =
        stage("tools").stream()
            .filter(i -> i.keyword().equals("COPY"))
            .map(Instruction::args)
            .toList();
    assertThat(copies)
        .containsExactly(
            "--from=build-tools /src/tools/target/nines-tools.jar /app/nines.jar",
            "--from=build-tools /src/tools/target/lib /app/lib");
    assertThat(stage("tools"))
        .filteredOn(i -> i.keyword().equals("CMD"))
        .extracting(Instruction::args)
        .containsExactly("[\"simulate\"]");
  }

  @Test
  void theBuildStagesCopyWhatExistsAndBuildWhatTheImagesCopy() throws Exception {
    Path root = DockerFiles.repoRoot();
    List<Instruction> build = all.subList(0, all.indexOf(last.get(0)));
    build.stream()
        .filter(i -> i.keyword().equals("COPY") && !i.args().startsWith("--from="))
        .forEach(i -> assertThat(root.resolve(i.args().split(" ")[0])).exists());
    // the same build as the launcher's (tests and style checks are CI's); the app image's
    // stage builds the app module and what it needs only
    String mvn = "mvn -B -q -DskipTests -Dspotless.check.skip=true -Dcheckstyle.skip=true package";
    assertThat(stage("build")).extracting(Instruction::args).contains(mvn + " -pl streams-app -am");
    assertThat(stage("build-tools")).extracting(Instruction::args).contains(mvn);
    assertThat(Files.readString(root.resolve("nines"))).contains(mvn);
    // the module pom names the jar nines.jar and copies its runtime dependencies to lib/
    String pom = Files.readString(root.resolve("streams-app/pom.xml"));
    assertThat(pom)
        .contains("<finalName>nines</finalName>")
        .contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>")
        .contains("<classpathPrefix>lib/</classpathPrefix>");
    assertThat(Files.readString(root.resolve("tools/pom.xml")))
        .contains("<finalName>nines-tools</finalName>");
  }

  @Test
  void runsAsANonRootNumericUser() {
    List<String> users =
        last.stream().filter(i -> i.keyword().equals("USER")).map(Instruction::args).toList();
    assertThat(users).hasSize(1);
    // numeric, so that Kubernetes' runAsNonRoot can verify it
    assertThat(users.get(0)).matches("[0-9]+").isNotEqualTo("0");
    assertThat(last.stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::args))
        .anySatisfy(r -> assertThat(r).contains("useradd").contains("--uid " + users.get(0)));
    // USER comes before the entrypoint, so the app never runs as root
    int user = indexOf("USER");
    assertThat(user).isLessThan(indexOf("ENTRYPOINT"));
  }

  @Test
  void theHealthCheckReadsTheStateFileThatRunWrites() {
    String dataDir = DockerFiles.env(all, "NINES_PLATFORM_DATA_DIR");
    List<String> checks =
        last.stream()
            .filter(i -> i.keyword().equals("HEALTHCHECK"))
            .map(Instruction::args)
            .toList();
    assertThat(checks)
        .singleElement()
        .satisfies(
            h ->
                assertThat(h)
                    .contains("CMD ")
                    .contains(dataDir + "/" + "nines.state")
                    .contains("RUNNING|REBALANCING"));
    // the name the app writes
    assertThat(HealthFile.NAME).isEqualTo("nines.state");
    assertThat(last.stream().filter(i -> i.keyword().equals("VOLUME")).map(Instruction::args))
        .containsExactly("[\"" + dataDir + "\"]");
  }

  @Test
  void noSecretIsBakedIn() {
    for (Instruction i : all) {
      String a = i.args().toUpperCase(Locale.ROOT);
      if (i.keyword().equals("ENV") || i.keyword().equals("ARG")) {
        assertThat(a)
            .as(i.toString())
            .doesNotContain("PASSWORD", "SECRET", "JAAS", "TOKEN", "USER_INFO");
      }
      if (i.keyword().equals("COPY") || i.keyword().equals("ADD")) {
        assertThat(i.args())
            .as(i.toString())
            .doesNotContain(".p12", ".jks", ".pem", ".key", ".env", "secrets");
      }
    }
    assertThat(all).extracting(Instruction::keyword).doesNotContain("ADD");
  }

  @Test
  void theEntrypointRunsTheJarAndTheDefaultCommandIsRun() {
    assertThat(last.stream().filter(i -> i.keyword().equals("ENTRYPOINT")).map(Instruction::args))
        .singleElement()
        .satisfies(
            e -> assertThat(e).startsWith("[\"java\"").endsWith("\"-jar\", \"/app/nines.jar\"]"));
    assertThat(last.stream().filter(i -> i.keyword().equals("CMD")).map(Instruction::args))
        .containsExactly("[\"run\", \"--quiet\"]");
  }

  @Test
  void theBuildContextLeavesOutBuildOutputAndData() throws Exception {
    String ignore = Files.readString(DockerFiles.repoRoot().resolve(".dockerignore"));
    assertThat(ignore.lines()).contains("**/target", "data", ".git");
  }

  @Test
  void aDockerfileLinterFindsNothing() throws Exception {
    // dockerfile-utils (npm; .ci/run installs it): syntax, instruction arguments, duplicate
    // HEALTHCHECK/CMD per stage, deprecated instructions
    Optional<Path> lint =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .map(d -> Path.of(d, "dockerfile-utils"))
            .filter(Files::isExecutable)
            .findFirst();
    Assumptions.assumeThat(lint)
        .as("dockerfile-utils on the PATH (npm install -g dockerfile-utils)")
        .isPresent();
    Process p =
        new ProcessBuilder(
                lint.get().toString(),
                "lint",
                DockerFiles.repoRoot().resolve("docker/Dockerfile").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).as("lint output").isBlank();
    assertThat(p.exitValue()).isZero();
  }

  private int indexOf(String keyword) {
    for (int i = 0; i < last.size(); i++) {
      if (last.get(i).keyword().equals(keyword)) {
        return i;
      }
    }
    throw new AssertionError("no " + keyword);
  }
}
