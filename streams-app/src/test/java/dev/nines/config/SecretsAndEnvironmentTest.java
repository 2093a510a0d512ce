package dev.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #8: every key can be set through the environment (containers have nothing else), the
 * kafka.* pass-through included; secrets come from a file or the environment, never a flag, and
 * are never printed.
 */
class SecretsAndEnvironmentTest {
  static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required "
          + "username=\"nines\" password=\"s3cr3t-jaas\";";

  @Test
  void everySettingIsReadFromItsOwnEnvironmentVariable() {
    for (Setting<?> s : Settings.ALL) {
      // the default is a valid value; what is checked is where the loader says it came from
      List<ConfigLoader.Entry> e =
          ConfigLoader.effective(
              Optional.empty(), Map.of(s.envName(), s.defaultValue()), Optional.empty(), Map.of());
      assertThat(e)
          .filteredOn(x -> x.key().equals(s.key()))
          .singleElement()
          .extracting(ConfigLoader.Entry::source)
          .as(s.key())
          .isEqualTo("environment " + s.envName());
    }
  }

  @Test
  void environmentNamesAreUniqueAndReversible() {
    Set<String> names = new HashSet<>();
    for (Setting<?> s : Settings.ALL) {
      assertThat(s.key()).as("key").matches("[a-z0-9]+(\\.[a-z0-9]+)*");
      assertThat(s.key()).doesNotStartWith(Settings.KAFKA_PREFIX);
      assertThat(names.add(s.envName())).as("unique " + s.envName()).isTrue();
      assertThat(s.envName()).isEqualTo("NINES_" + s.key().toUpperCase().replace('.', '_'));
    }
    // a NAME_FILE variable never is another key's own variable
    for (Setting<?> s : Settings.ALL) {
      assertThat(names).doesNotContain(s.envName() + Settings.FILE_ENV_SUFFIX);
      assertThat(s.envName()).doesNotStartWith(Settings.KAFKA_ENV_PREFIX);
    }
  }

  @Test
  void kafkaClientPropertiesComeFromNinesKafkaVariables() {
    NinesConfig c =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(
                "NINES_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "NINES_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "NINES_KAFKA_SASL_JAAS_CONFIG", JAAS,
                "NINES_KAFKA_SOME__ODD___KEY", "x",
                "NINES_KAFKA", "not a key",
                "OTHER_KAFKA_LINGER_MS", "5"),
            Map.of());
    assertThat(c.cluster().kafkaOverrides())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "security.protocol",
                "SASL_SSL",
                "sasl.mechanism",
                "SCRAM-SHA-512",
                "sasl.jaas.config",
                JAAS,
                "some_odd-key",
                "x"));
    assertThat(Settings.keyOfKafkaEnv("NINES_KAFKA_SSL_TRUSTSTORE_LOCATION"))
        .isEqualTo("kafka.ssl.truststore.location");
  }

  @Test
  void environmentOverridesTheFileAndFlagsOverrideTheEnvironmentForKafkaKeysToo(@TempDir Path dir)
      throws Exception {
    Path f = dir.resolve("n.properties");
    Files.writeString(f, "kafka.linger.ms=1\nkafka.acks=1\n");
    NinesConfig c =
        ConfigLoader.load(
            Optional.of(f),
            Map.of("NINES_KAFKA_LINGER_MS", "2", "NINES_KAFKA_ACKS", "all"),
            Map.of("kafka.linger.ms", "3"));
    assertThat(c.cluster().kafkaOverrides())
        .containsEntry("linger.ms", "3")
        .containsEntry("acks", "all");
  }

  @Test
  void aVariableEndingInFileNamesAFileThatHoldsTheValue(@TempDir Path dir) throws Exception {
    Path jaas = dir.resolve("jaas");
    Files.writeString(jaas, JAAS + "\n");
    Path user = dir.resolve("user-info");
    Files.writeString(user, "reader:pw-from-file\n");
    NinesConfig c =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(
                "NINES_KAFKA_SASL_JAAS_CONFIG_FILE", jaas.toString(),
                "NINES_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_FILE", user.toString()),
            Map.of());
    assertThat(c.cluster().kafkaOverrides()).containsEntry("sasl.jaas.config", JAAS);
    assertThat(c.cluster().registryAccess().basicAuthUserInfo()).hasValue("reader:pw-from-file");
    List<ConfigLoader.Entry> e =
        ConfigLoader.effective(
            Optional.empty(),
            Map.of("NINES_KAFKA_SASL_JAAS_CONFIG_FILE", jaas.toString()),
            Optional.empty(),
            Map.of());
    assertThat(e)
        .filteredOn(x -> x.key().equals("kafka.sasl.jaas.config"))
        .singleElement()
        .isEqualTo(
            new ConfigLoader.Entry(
                "kafka.sasl.jaas.config",
                Secrets.HIDDEN,
                "file " + jaas + " named by NINES_KAFKA_SASL_JAAS_CONFIG_FILE"));
  }

  @Test
  void aValueAndAFileForOneKeyIsAnError(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(),
                    Map.of(
                        "NINES_APPLICATION_ID",
                        "a",
                        "NINES_APPLICATION_ID_FILE",
                        dir.resolve("x").toString()),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "environment variables NINES_APPLICATION_ID and NINES_APPLICATION_ID_FILE "
                + "are both set: expected only one of them");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(),
                    Map.of("NINES_KAFKA_SSL_KEY_PASSWORD_FILE", dir.resolve("missing").toString()),
                    Map.of()))
        .hasMessage(
            "environment NINES_KAFKA_SSL_KEY_PASSWORD_FILE = '"
                + dir.resolve("missing")
                + "' cannot be read (NoSuchFileException): expected a readable file holding the value");
  }

  @Test
  void kafkasOwnPasswordKeysAndOursAreSecrets() {
    assertThat(Secrets.kafkaPasswordKeys())
        .contains(
            "sasl.jaas.config",
            "ssl.key.password",
            "ssl.keystore.password",
            "ssl.truststore.password");
    assertThat(
            List.of(
                "kafka.sasl.jaas.config",
                "kafka.ssl.keystore.password",
                "kafka.ssl.truststore.password",
                "kafka.ssl.key.password",
                "kafka.sasl.oauthbearer.client.credentials.client.secret",
                "kafka.producer.ssl.key.password",
                "schema.registry.basic.auth.user.info",
                "schema.registry.ssl.truststore.password",
                "schema.registry.ssl.keystore.password",
                "webhooks.secret",
                "api.token"))
        .allMatch(Secrets::isSecret);
    assertThat(
            List.of(
                "kafka.security.protocol",
                "kafka.sasl.mechanism",
                "kafka.ssl.truststore.location",
                "kafka.sasl.oauthbearer.token.endpoint.url",
                "schema.registry.url",
                "schema.registry.ssl.truststore.location",
                "application.id"))
        .noneMatch(Secrets::isSecret);
  }

  @Test
  void aSecretGivenAsAFlagIsRefusedInOneLineWithoutTheValue() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(), Map.of(), Map.of("kafka.sasl.jaas.config", JAAS)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config 'kafka.sasl.jaas.config' is a secret and is refused on the command "
                + "line: give it in the --config file, as NINES_KAFKA_SASL_JAAS_CONFIG, or in a file "
                + "named by NINES_KAFKA_SASL_JAAS_CONFIG_FILE");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(),
                    Map.of(),
                    Map.of("schema.registry.basic.auth.user.info", "u:p")))
        .hasMessageStartingWith("config 'schema.registry.basic.auth.user.info' is a secret")
        .hasMessageNotContaining("u:p");
    for (String key : List.of("api.token", "webhooks.secret")) {
      assertThatThrownBy(
              () -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of(key, "tok-123")))
          .as(key)
          .hasMessageStartingWith("config '" + key + "' is a secret")
          .hasMessageNotContaining("tok-123");
    }
    assertThat(
            ConfigLoader.load(Optional.empty(), Map.of("NINES_API_TOKEN", "tok-123"), Map.of())
                .api()
                .token()
                .value())
        .isEqualTo("tok-123");
    // not secrets: fine as flags
    NinesConfig c =
        ConfigLoader.load(Optional.empty(), Map.of(), Map.of("kafka.security.protocol", "SSL"));
    assertThat(c.cluster().kafkaOverrides()).containsEntry("security.protocol", "SSL");
  }

  @Test
  void secretsInTheFileOrEnvironmentAreNeverPrinted(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("n.properties");
    Files.writeString(
        f,
        "kafka.ssl.truststore.password=tr-pw-123\n"
            + "schema.registry.basic.auth.user.info=alice:reg-pw-456\n");
    Map<String, String> env =
        Map.of(
            "NINES_KAFKA_SASL_JAAS_CONFIG",
            JAAS,
            "NINES_BOOTSTRAP_SERVERS",
            "k:9092",
            "NINES_SCHEMA_REGISTRY_URL",
            "https://r:8081");
    NinesConfig c = ConfigLoader.load(Optional.of(f), env, Map.of());
    // the values are there for the clients ...
    assertThat(c.cluster().kafkaOverrides()).containsEntry("ssl.truststore.password", "tr-pw-123");
    // ... and nowhere in what is printed
    List<String> printed =
        List.of(
            c.toString(),
            c.cluster().toString(),
            ConfigLoader.effective(Optional.of(f), env, Optional.empty(), Map.of()).stream()
                .map(Object::toString)
                .collect(Collectors.joining("\n")));
    for (String p : printed) {
      assertThat(p)
          .doesNotContain("tr-pw-123", "reg-pw-456", "s3cr3t-jaas")
          .contains(Secrets.HIDDEN);
    }
    assertThat(c.cluster().toString())
        .contains(
            "basicAuth=alice:[hidden]", "sasl.jaas.config=[hidden]", "bootstrapServers=k:9092");
    // a bad secret value is not echoed in the error either
    Files.writeString(f, "schema.registry.basic.auth.user.info=no-colon-pw-789\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of()))
        .hasMessage(
            "config 'schema.registry.basic.auth.user.info' = '[hidden]' (file "
                + f
                + "): expected user:password");
  }

  @Test
  void registryStoresMustBeReadable(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(),
                    Map.of(
                        "NINES_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION",
                        dir.resolve("nope.p12").toString()),
                    Map.of()))
        .hasMessage(
            "config 'schema.registry.ssl.truststore.location' = '"
                + dir.resolve("nope.p12")
                + "' (environment NINES_SCHEMA_REGISTRY_SSL_TRUSTSTORE_"
                + "LOCATION): expected a readable PKCS12 or JKS file");
  }
}
