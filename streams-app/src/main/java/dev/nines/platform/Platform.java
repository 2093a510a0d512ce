package dev.nines.platform;

import dev.nines.config.NinesConfig;
import java.util.Map;

/**
 * Where Kafka and the schema registry are: an external cluster (nothing started, nothing
 * stopped) or the embedded one this process started ({@link LocalPlatform}).
 */
public interface Platform extends AutoCloseable {

  String bootstrapServers();

  String schemaRegistryUrl();

  /** Extra client properties every Kafka client of nines gets (security, tuning). */
  Map<String, Object> clientOverrides();

  boolean embedded();

  @Override
  void close();

  /** The external cluster named by the config. */
  static Platform external(NinesConfig.Cluster cluster) {
    return new Platform() {
      @Override
      public String bootstrapServers() {
        return cluster.bootstrapServers();
      }

      @Override
      public String schemaRegistryUrl() {
        return cluster.schemaRegistryUrl();
      }

      @Override
      public Map<String, Object> clientOverrides() {
        return Map.copyOf(cluster.kafkaOverrides());
      }

      @Override
      public boolean embedded() {
        return false;
      }

      @Override
      public void close() {}
    };
  }
}
