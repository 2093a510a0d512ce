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

  /** A client of this platform's schema registry, with the configured access (auth, TLS). */
  default dev.nines.serde.RestSchemaRegistryClient registryClient() {
    return new dev.nines.serde.RestSchemaRegistryClient(schemaRegistryUrl());
  }

  /** A registry client with basic auth and TLS as {@code access} says. */
  static dev.nines.serde.RestSchemaRegistryClient registryClient(String url,
      NinesConfig.RegistryAccess access) {
    java.util.Optional<javax.net.ssl.SSLContext> tls =
        access.truststore().isPresent() || access.keystore().isPresent()
            ? java.util.Optional.of(dev.nines.serde.RestSchemaRegistryClient.tls(
                access.truststore(), access.truststorePassword(), access.keystore(),
                access.keystorePassword()))
            : java.util.Optional.empty();
    return new dev.nines.serde.RestSchemaRegistryClient(url, access.basicAuthUserInfo(), tls,
        java.time.Duration.ofSeconds(10));
  }

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
      public dev.nines.serde.RestSchemaRegistryClient registryClient() {
        return Platform.registryClient(cluster.schemaRegistryUrl(), cluster.registryAccess());
      }

      @Override
      public void close() {}
    };
  }
}
