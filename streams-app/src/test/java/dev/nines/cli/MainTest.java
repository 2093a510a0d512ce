package dev.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a new user sees from the command line, without starting anything. */
class MainTest {
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
  void helpListsTheProductsCommandsOnly() {
    assertThat(Main.execute("--help")).isZero();
    String help = out.toString(StandardCharsets.UTF_8);
    assertThat(help).contains("Usage: nines", "run", "replay", "status", "tail", "config");
    // the embedded platform, simulator and benchmarks come with the tools' jar only
    assertThat(help.lines().map(String::strip))
        .noneMatch(l -> l.matches("(platform|simulate|bench)\\b.*"));
  }

  @Test
  void runWithoutAClusterSaysWhereTheEmbeddedPlatformIs() {
    assertThat(Main.execute("run", "--ephemeral")).isEqualTo(2);
    assertThat(err().lines())
        .containsExactly(
            "nines: a run without --bootstrap-servers needs the embedded platform, which the"
                + " deployed nines jar does not carry: give --bootstrap-servers and"
                + " --schema-registry-url, or use ./nines from a source checkout");
  }

  @Test
  void unknownFlagIsOneLineWithExit2() {
    assertThat(Main.execute("run", "--bogus")).isEqualTo(2);
    assertThat(err().lines())
        .containsExactly("nines: Unknown option: '--bogus' (see 'nines run --help')");
  }

  @Test
  void badConfigValueIsOneLineWithExit2() {
    assertThat(Main.execute("run", "--kafka-port", "abc")).isEqualTo(2);
    assertThat(err().lines())
        .containsExactly(
            "nines: config 'platform.kafka.port' = 'abc' "
                + "(flag): expected a port number from 1 to 65535");
  }

  @Test
  void unknownSetKeyIsOneLine() {
    assertThat(Main.execute("run", "--set", "topics.partitons=3")).isEqualTo(2);
    assertThat(err().lines()).hasSize(1);
    assertThat(err()).startsWith("nines: unknown config key 'topics.partitons' (flag)");
  }
}
