package dev.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `nines config` and the refusal of secrets on the command line, as a user meets them. */
class ConfigCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void printsEveryKeyWithItsSourceAndHidesSecrets(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("n.properties");
    Files.writeString(
        f,
        "kafka.sasl.jaas.config=ScramLoginModule required password=\"pw-913\";\n"
            + "kafka.security.protocol=SASL_SSL\n");
    assertThat(
            run(
                "config",
                "--config",
                f.toString(),
                "--bootstrap-servers",
                "k:9092",
                "--schema-registry-url",
                "http://r:8081"))
        .isZero();
    assertThat(out.toString())
        .contains(
            "bootstrap.servers = k:9092   (flag)",
            "application.id = nines   (default)",
            "kafka.security.protocol = SASL_SSL   (file " + f + ")",
            "kafka.sasl.jaas.config = [hidden]   (file " + f + ")")
        .doesNotContain("pw-913");
  }

  @Test
  void aSecretFlagStopsWithOneLine() {
    assertThat(run("run", "--set", "kafka.ssl.keystore.password=pw-77")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "nines: config 'kafka.ssl.keystore.password' is a "
                + "secret and is refused on the command line: give it in the --config file, as "
                + "NINES_KAFKA_SSL_KEYSTORE_PASSWORD, or in a file named by "
                + "NINES_KAFKA_SSL_KEYSTORE_PASSWORD_FILE"
                + System.lineSeparator());
  }
}
