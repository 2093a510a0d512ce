package dev.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  void defaultsAreTheEmbeddedPlatform() {
    NinesConfig c = NinesConfig.defaults();
    assertThat(c.cluster().embedded()).isTrue();
    assertThat(c.platform().kafkaPort()).isEqualTo(9092);
    assertThat(c.platform().registryPort()).isEqualTo(8081);
    assertThat(c.platform().dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.topics().partitions()).isEqualTo(3);
    assertThat(c.simulate().pace()).isEqualTo(Settings.Pace.LIVE);
  }

  @Test
  void precedenceIsDefaultsFileEnvironmentFlags(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("nines.properties");
    Files.writeString(f, "platform.kafka.port=9100\nplatform.registry.port=9101\n"
        + "topics.partitions=6\nkafka.linger.ms=5\n");
    NinesConfig c = ConfigLoader.load(Optional.of(f),
        Map.of("NINES_PLATFORM_REGISTRY_PORT", "9201", "NINES_TOPICS_PARTITIONS", "7"),
        Map.of("topics.partitions", "8"));
    assertThat(c.platform().kafkaPort()).isEqualTo(9100);      // file
    assertThat(c.platform().registryPort()).isEqualTo(9201);   // environment over file
    assertThat(c.topics().partitions()).isEqualTo(8);          // flag over environment
    assertThat(c.platform().controllerPort()).isEqualTo(9093); // default
    assertThat(c.cluster().kafkaOverrides()).containsEntry("linger.ms", "5");
  }

  @Test
  void badValueNamesKeyValueSourceAndWhatWouldBeRight() {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(),
        Map.of("NINES_PLATFORM_KAFKA_PORT", "abc"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config 'platform.kafka.port' = 'abc' (environment NINES_PLATFORM_KAFKA_PORT):"
            + " expected a port number from 1 to 65535");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(),
        Map.of("simulate.pace", "fast")))
        .hasMessage("config 'simulate.pace' = 'fast' (flag): expected one of [live, history]");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(),
        Map.of("topics.partitions", "0")))
        .hasMessage("config 'topics.partitions' = '0' (flag): expected a whole number from 1 "
            + "to 10000");
  }

  @Test
  void unknownKeyIsAnErrorNotIgnored(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("n.properties");
    Files.writeString(f, "platform.kafka.prot=9100\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown config key 'platform.kafka.prot' (file " + f + ")");
  }

  @Test
  void missingFileIsOneLine() {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(Path.of("/nope.properties")),
        Map.of(), Map.of()))
        .hasMessage("config file '/nope.properties' does not exist: expected a readable "
            + "properties file");
  }

  @Test
  void externalClusterNeedsARegistry() {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(),
        Map.of("bootstrap.servers", "k:9092")))
        .hasMessageStartingWith("config 'schema.registry.url' is empty while "
            + "'bootstrap.servers' = 'k:9092'");
    NinesConfig c = ConfigLoader.load(Optional.empty(),
        Map.of("NINES_BOOTSTRAP_SERVERS", "k:9092", "NINES_SCHEMA_REGISTRY_URL", "http://r:8081"),
        Map.of());
    assertThat(c.cluster().embedded()).isFalse();
    assertThat(c.cluster().schemaRegistryUrl()).isEqualTo("http://r:8081");
  }

  @Test
  void replicationFactorCannotExceedEmbeddedBrokers() {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(),
        Map.of("topics.replication.factor", "3")))
        .hasMessage("config 'topics.replication.factor' = 3 is more than the 1 embedded "
            + "broker(s): expected at most 1 or raise 'platform.brokers'");
  }

  @Test
  void environmentNamesAreDerivedFromKeys() {
    assertThat(Settings.PLATFORM_KAFKA_PORT.envName()).isEqualTo("NINES_PLATFORM_KAFKA_PORT");
    assertThat(Settings.BOOTSTRAP_SERVERS.envName()).isEqualTo("NINES_BOOTSTRAP_SERVERS");
  }

  @Test
  void topicRetentionIsForeverByDefaultAndAcceptsOnlyLongDurations() {
    assertThat(NinesConfig.defaults().topics().retentionMs()).isEqualTo(-1L);
    assertThat(ConfigLoader.load(Optional.empty(), Map.of(), Map.of("topics.retention", "P400D"))
        .topics().retentionMs()).isEqualTo(400L * 24 * 3600 * 1000);
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(),
        Map.of("topics.retention", "PT5M")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config 'topics.retention' = 'PT5M' (flag): expected 'forever' or an "
            + "ISO-8601 duration of at least PT1H, e.g. P400D");
  }
}
