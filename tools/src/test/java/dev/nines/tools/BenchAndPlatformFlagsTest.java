package dev.nines.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Flags of `nines bench throughput` and `nines platform` that stop before anything starts. */
class BenchAndPlatformFlagsTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void benchThreadsDefaultToTheProcessorsButNotMoreThanThePartitions() {
    assertThat(BenchCommand.streamThreads(null, 2, 4)).isEqualTo(2);
    assertThat(BenchCommand.streamThreads(null, 16, 4)).isEqualTo(4);
    assertThat(BenchCommand.streamThreads(null, 1, 4)).isEqualTo(1);
    assertThat(BenchCommand.streamThreads(3, 2, 4)).isEqualTo(3);
  }

  @Test
  void zeroBenchThreadsStopWithOneLine() {
    assertThat(run("bench", "throughput", "--threads", "0")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "nines: --partitions, --threads, --event-rate and the "
                + "scaling counts must be at least 1"
                + System.lineSeparator());
  }

  @Test
  void aSecuritySettingWithoutAClusterStopsTheEmbeddedPlatformBeforeItStarts() {
    assertThat(run("platform", "--set", "kafka.security.protocol=SASL_SSL")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "nines: config 'kafka.security.protocol' is a "
                + "security setting, but no external cluster is configured and the embedded broker "
                + "speaks PLAINTEXT only: give the secured cluster's --bootstrap-servers and "
                + "--schema-registry-url, or remove 'kafka.security.protocol'"
                + System.lineSeparator());
  }
}
