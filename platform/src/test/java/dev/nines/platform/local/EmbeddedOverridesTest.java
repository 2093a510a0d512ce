package dev.nines.platform.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.config.ConfigException;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the embedded platform passes to nines' clients: every {@code kafka.*} setting (it passed
 * none before, so {@code ./nines run --set kafka.commit.interval.ms=1000} silently ran at
 * 100 ms), and a security setting stops the start with one line, since its broker is PLAINTEXT.
 */
class EmbeddedOverridesTest {

  static NinesConfig config(Map<String, String> flags) {
    return ConfigLoader.load(Optional.empty(), Map.of(), flags);
  }

  @Test
  void everyKafkaSettingReachesTheClients() {
    NinesConfig c =
        config(
            Map.of(
                "kafka.commit.interval.ms",
                "1000",
                "kafka.num.stream.threads",
                "2",
                "kafka.producer.linger.ms",
                "7"));
    assertThat(c.cluster().embedded()).isTrue();
    assertThat(LocalPlatform.embeddedOverrides(c.cluster()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "commit.interval.ms",
                "1000",
                "num.stream.threads",
                "2",
                "producer.linger.ms",
                "7"));
    assertThat(LocalPlatform.embeddedOverrides(config(Map.of()).cluster())).isEmpty();
  }

  @Test
  void aSecuritySettingIsRefusedWithOneLine() {
    for (String key :
        List.of(
            "security.protocol",
            "sasl.mechanism",
            "ssl.truststore.location",
            "producer.ssl.endpoint.identification.algorithm",
            "main.consumer.sasl.mechanism",
            "admin.security.protocol")) {
      NinesConfig c = config(Map.of("kafka." + key, "x", "kafka.linger.ms", "5"));
      assertThatThrownBy(() -> LocalPlatform.embeddedOverrides(c.cluster()))
          .as(key)
          .isInstanceOf(ConfigException.class)
          .hasMessage(
              "config 'kafka."
                  + key
                  + "' is a security setting, but no external "
                  + "cluster is configured and the embedded broker speaks PLAINTEXT only: give the "
                  + "secured cluster's --bootstrap-servers and --schema-registry-url, or remove "
                  + "'kafka."
                  + key
                  + "'");
    }
  }

  @Test
  void onlySecurityKeysCountAsSecurity() {
    assertThat(LocalPlatform.isSecurity("security.protocol")).isTrue();
    assertThat(LocalPlatform.isSecurity("restore.consumer.ssl.keystore.type")).isTrue();
    assertThat(LocalPlatform.isSecurity("global.consumer.sasl.jaas.config")).isTrue();
    for (String key :
        List.of(
            "commit.interval.ms",
            "linger.ms",
            "consumer.max.poll.records",
            "producer.compression.type",
            "security.providers",
            "sasl",
            "my.ssl.thing")) {
      assertThat(LocalPlatform.isSecurity(key)).as(key).isFalse();
    }
  }
}
