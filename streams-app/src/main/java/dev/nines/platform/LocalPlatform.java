package dev.nines.platform;

import dev.nines.TopicNames;
import dev.nines.config.NinesConfig;
import dev.nines.platform.registry.KafkaSchemaStore;
import dev.nines.platform.registry.SchemaRegistry;
import dev.nines.platform.registry.SchemaRegistryServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded platform: a real KRaft Kafka ({@link LocalKafka}) and a Confluent-compatible
 * schema registry whose schemas live in the compacted {@code _schemas} topic, so schema ids
 * survive restarts together with the data that refers to them.
 */
public final class LocalPlatform implements Platform {
  private static final Logger log = LoggerFactory.getLogger(LocalPlatform.class);

  private final LocalKafka kafka;
  private final KafkaSchemaStore store;
  private final SchemaRegistryServer registry;

  private LocalPlatform(LocalKafka kafka, KafkaSchemaStore store, SchemaRegistryServer registry) {
    this.kafka = kafka;
    this.store = store;
    this.registry = registry;
  }

  /** Starts the broker(s) and the registry described by {@code config.platform()}. */
  public static LocalPlatform start(NinesConfig config) {
    NinesConfig.Platform p = config.platform();
    Path dir = p.dataDir();
    if (p.ephemeral()) {
      try {
        dir = Files.createTempDirectory("nines-");
      } catch (IOException e) {
        throw new IllegalStateException("cannot create a temporary directory: " + e);
      }
    }
    PortCheck.requireFree(p.host(), p.registryPort(), "the embedded schema registry",
        "--registry-port (platform.registry.port)");
    LocalKafka.Options options = LocalKafka.Options.of(p.host(), p.brokers(), p.kafkaPort(),
        p.controllerPort(), dir.resolve("kafka"), p.ephemeral(), p.brokerHeap());
    return start(options, p.host(), p.registryPort(), config.topics().replicationFactor());
  }

  /** Starts a platform with explicit options (tests use free ports and temporary dirs). */
  public static LocalPlatform start(LocalKafka.Options options, String registryHost,
      int registryPort, short replicationFactor) {
    LocalKafka kafka = LocalKafka.start(options);
    KafkaSchemaStore store = null;
    try {
      store = new KafkaSchemaStore(kafka.bootstrapServers(), TopicNames.SCHEMAS,
          (short) Math.min(replicationFactor, options.nodes()), Map.of());
      SchemaRegistryServer server =
          new SchemaRegistryServer(registryHost, registryPort, new SchemaRegistry(store));
      server.start();
      log.info("schema registry ready at {}", server.url());
      return new LocalPlatform(kafka, store, server);
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
    return Map.of();
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
