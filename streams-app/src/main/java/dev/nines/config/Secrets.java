package dev.nines.config;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Which configuration values are secrets. A secret may come from the config file or the
 * environment (or a file the environment names), never from the command line, where {@code ps}
 * and shell history would show it, and it is never printed: messages and dumps show
 * {@link #HIDDEN}.
 *
 * <p>For {@code kafka.*} pass-through keys the judge is Kafka itself: every key its producer,
 * consumer, admin or Streams config declares as {@link ConfigDef.Type#PASSWORD} (the same keys
 * Kafka logs as {@code [hidden]}). Keys Kafka does not know (a plug-in's) count as secrets when
 * their name says so (password, secret, jaas.config), so a prefixed client key such as
 * {@code main.consumer.ssl.key.password} is covered too.
 */
public final class Secrets {
  private Secrets() {}

  /** What is shown instead of a secret value. Kafka shows the same. */
  public static final String HIDDEN = "[hidden]";

  private static final Set<String> KAFKA_PASSWORDS = kafkaPasswords();

  private static Set<String> kafkaPasswords() {
    Set<String> out = new TreeSet<>();
    Stream.of(
            ProducerConfig.configDef(),
            ConsumerConfig.configDef(),
            AdminClientConfig.configDef(),
            StreamsConfig.configDef())
        .flatMap(d -> d.configKeys().values().stream())
        .filter(k -> k.type == ConfigDef.Type.PASSWORD)
        .forEach(k -> out.add(k.name));
    return Set.copyOf(out);
  }

  /** Whether the value of this nines key (or {@code kafka.*} key) is a secret. */
  public static boolean isSecret(String key) {
    if (Settings.SECRET_KEYS.contains(key)) {
      return true;
    }
    if (key.startsWith(Settings.ENDPOINT_PREFIX)) {
      // a PagerDuty routing key; a Slack or receiver URL carries its own token
      return key.endsWith(".secret") || key.endsWith(".url");
    }
    if (key.startsWith(Settings.KAFKA_PREFIX)) {
      String k = key.substring(Settings.KAFKA_PREFIX.length());
      String lower = k.toLowerCase(Locale.ROOT);
      return KAFKA_PASSWORDS.contains(k)
          || lower.contains("password")
          || lower.contains("secret")
          || lower.endsWith("jaas.config");
    }
    return false;
  }

  /** The Kafka client keys Kafka itself declares as passwords (for tests and docs). */
  public static Set<String> kafkaPasswordKeys() {
    return KAFKA_PASSWORDS;
  }

  /** {@code value}, or {@link #HIDDEN} when the key is a secret. */
  public static String show(String key, String value) {
    return isSecret(key) ? HIDDEN : value;
  }

  /** A copy of pass-through Kafka properties (unprefixed keys) with secret values hidden. */
  public static Map<String, String> maskKafka(Map<String, ?> kafkaProps) {
    Map<String, String> out = new TreeMap<>();
    kafkaProps.forEach((k, v) -> out.put(k, show(Settings.KAFKA_PREFIX + k, String.valueOf(v))));
    return out;
  }
}
