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
  void helpListsTheCommands() {
    assertThat(Main.execute("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("run", "platform", "simulate", "Usage: nines");
  }

  @Test
  void unknownFlagIsOneLineWithExit2() {
    assertThat(Main.execute("run", "--bogus")).isEqualTo(2);
    assertThat(err().lines())
        .containsExactly("nines: Unknown option: '--bogus' (see 'nines run --help')");
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
  void unknownSetKeyIsOneLine() {
    assertThat(Main.execute("run", "--set", "topics.partitons=3")).isEqualTo(2);
    assertThat(err().lines()).hasSize(1);
    assertThat(err()).startsWith("nines: unknown config key 'topics.partitons' (flag)");
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
}
