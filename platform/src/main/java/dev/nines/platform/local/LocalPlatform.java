package dev.nines.platform.local;

import dev.nines.TopicNames;
import dev.nines.config.ConfigException;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import dev.nines.platform.PortCheck;
import dev.nines.platform.registry.KafkaSchemaStore;
import dev.nines.platform.registry.SchemaRegistry;
import dev.nines.platform.registry.SchemaRegistryServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded platform: a real KRaft Kafka ({@link LocalKafka}) and a Confluent-compatible
 * schema registry whose schemas live in the compacted {@code _schemas} topic, so schema ids
 * survive restarts together with the data that refers to them.
 */
public final class LocalPlatform implements Platform {
  private static final Logger log = LoggerFactory.getLogger(LocalPlatform.class);
  // Kafka Streams' prefixes for one client type (StreamsConfig.producerPrefix etc.), longest
  // first so that "main.consumer." is not read as "consumer."
  private static final List<String> CLIENT_PREFIXES =
      List.of(
          "restore.consumer.",
          "global.consumer.",
          "main.consumer.",
          "consumer.",
          "producer.",
          "admin.");

  private final LocalKafka kafka;
  private final KafkaSchemaStore store;
  private final SchemaRegistryServer registry;
  private final Map<String, Object> overrides;

  private LocalPlatform(
      LocalKafka kafka,
      KafkaSchemaStore store,
      SchemaRegistryServer registry,
      Map<String, Object> overrides) {
    this.kafka = kafka;
    this.store = store;
    this.registry = registry;
    this.overrides = overrides;
  }

  /**
   * The {@code kafka.*} settings every client of nines gets on the embedded platform: all of
   * them (commit interval, linger, stream threads ...), as on an external cluster. Security
   * settings are refused before anything starts: the embedded broker listens in PLAINTEXT only,
   * so a SASL or TLS client could never connect, and the user meant a secured cluster.
   */
  static Map<String, Object> embeddedOverrides(NinesConfig.Cluster cluster) {
    for (String key : new TreeSet<>(cluster.kafkaOverrides().keySet())) {
      if (isSecurity(key)) {
        throw new ConfigException(
            "config 'kafka."
                + key
                + "' is a security "
                + "setting, but no external cluster is configured and the embedded broker speaks "
                + "PLAINTEXT only: give the secured cluster's --bootstrap-servers and "
                + "--schema-registry-url, or remove 'kafka."
                + key
                + "'");
      }
    }
    return Map.copyOf(cluster.kafkaOverrides());
  }

  /** {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, also for one client type only. */
  static boolean isSecurity(String key) {
    String k = key;
    for (String client : CLIENT_PREFIXES) {
      if (k.startsWith(client)) {
        k = k.substring(client.length());
        break;
      }
    }
    return k.equals("security.protocol") || k.startsWith("sasl.") || k.startsWith("ssl.");
  }

  /** Starts the broker(s) and the registry described by {@code config.platform()}. */
  public static LocalPlatform start(NinesConfig config) {
    Map<String, Object> overrides = embeddedOverrides(config.cluster());
    NinesConfig.Platform p = config.platform();
    Path dir = p.dataDir();
    if (p.ephemeral()) {
      try {
        dir = Files.createTempDirectory("nines-");
      } catch (IOException e) {
        throw new IllegalStateException("cannot create a temporary directory: " + e);
      }
    }
    PortCheck.requireFree(
        p.host(),
        p.registryPort(),
        "the embedded schema registry",
        "--registry-port (platform.registry.port)");
    LocalKafka.Options options =
        LocalKafka.Options.of(
            p.host(),
            p.brokers(),
            p.kafkaPort(),
            p.controllerPort(),
            dir.resolve("kafka"),
            p.ephemeral(),
            p.brokerHeap());
    return start(
        options, p.host(), p.registryPort(), config.topics().replicationFactor(), overrides);
  }

  /**
   * Starts a platform with explicit options (tests use free ports and temporary dirs); its
   * clients get no extra settings.
   */
  public static LocalPlatform start(
      LocalKafka.Options options, String registryHost, int registryPort, short replicationFactor) {
    return start(options, registryHost, registryPort, replicationFactor, Map.of());
  }

  private static LocalPlatform start(
      LocalKafka.Options options,
      String registryHost,
      int registryPort,
      short replicationFactor,
      Map<String, Object> overrides) {
    LocalKafka kafka = LocalKafka.start(options);
    KafkaSchemaStore store = null;
    try {
      store =
          new KafkaSchemaStore(
              kafka.bootstrapServers(),
              TopicNames.SCHEMAS,
              (short) Math.min(replicationFactor, options.nodes()),
              Map.of());
      SchemaRegistryServer server =
          new SchemaRegistryServer(registryHost, registryPort, new SchemaRegistry(store));
      server.start();
      log.info("schema registry ready at {}", server.url());
      return new LocalPlatform(kafka, store, server, overrides);
    } catch (RuntimeException e) {
      if (store != null) {
        closeQuietly(store);
      }
      kafka.close();
      throw e;
    }
  }

  public LocalKafka kafka() {
    return kafka;
  }

  @Override
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Override
  public String schemaRegistryUrl() {
    return registry.url();
  }

  @Override
  public Map<String, Object> clientOverrides() {
    return overrides;
  }

  @Override
  public boolean embedded() {
    return true;
  }

  @Override
  public void close() {
    registry.close();
    closeQuietly(store);
    kafka.close();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.warn("error while closing {}: {}", c.getClass().getSimpleName(), e.toString());
    }
  }
}
