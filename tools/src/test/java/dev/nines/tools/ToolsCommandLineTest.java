package dev.nines.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nines.cli.DevTools;
import dev.nines.cli.Main;
import dev.nines.testing.RepoFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The tools' jar: the product's command line plus the tools' commands, found at run time. */
class ToolsCommandLineTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  PrintStream oldOut;
  PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theToolsAreFoundOnTheClassPath() {
    assertThat(DevTools.find()).containsInstanceOf(EmbeddedTools.class);
  }

  @Test
  void helpListsTheProductsAndTheToolsCommands() {
    assertThat(Main.execute("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Usage: nines", "run", "replay", "platform", "simulate", "bench");
  }

  @Test
  void badConfigValueIsOneLineWithExit2() {
    assertThat(Main.execute("platform", "--kafka-port", "abc")).isEqualTo(2);
    assertThat(err().lines())
        .containsExactly(
            "nines: config 'platform.kafka.port' = 'abc' "
                + "(flag): expected a port number from 1 to 65535");
  }

  @Test
  void badPaceIsOneLine() {
    assertThat(Main.execute("simulate", "--pace", "fast")).isEqualTo(2);
    assertThat(err().lines())
        .containsExactly(
            "nines: config 'simulate.pace' = 'fast' (flag): expected one of [live, history]");
  }

  @Test
  void platformRefusesWhenAnExternalClusterIsConfigured() {
    assertThat(
            Main.execute(
                "platform",
                "--bootstrap-servers",
                "k:9092",
                "--schema-registry-url",
                "http://r:8081"))
        .isEqualTo(2);
    assertThat(err().lines()).hasSize(1);
    assertThat(err()).startsWith("nines: 'platform' starts the embedded cluster");
  }

  @Test
  void composesSimulatorRunsACommandOfTheToolsImage() throws Exception {
    JsonNode sim =
        new YAMLMapper()
            .readTree(RepoFiles.path("docker/compose.yaml").toFile())
            .get("services")
            .get("simulator");
    List<String> cmd = new ArrayList<>();
    sim.get("command").forEach(c -> cmd.add(c.asText()));
    CommandLine cli = new CommandLine(new Main());
    DevTools.find().orElseThrow().commands().forEach(cli::addSubcommand);
    assertThat(cli.getSubcommands()).containsKey(cmd.get(0));
    // picocli parses the flags as the program would, or throws
    cli.parseArgs(cmd.toArray(String[]::new));
  }
}
