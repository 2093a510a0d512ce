package dev.nines.platform;

import dev.nines.config.NinesConfig;
import dev.nines.serde.RestSchemaRegistryClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

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
  default RestSchemaRegistryClient registryClient() {
    return new RestSchemaRegistryClient(schemaRegistryUrl());
  }

  /** A registry client with basic auth and TLS as {@code access} says. */
  static RestSchemaRegistryClient registryClient(String url, NinesConfig.RegistryAccess access) {
    Optional<SSLContext> tls =
        access.truststore().isPresent() || access.keystore().isPresent()
            ? Optional.of(
                RestSchemaRegistryClient.tls(
                    access.truststore(),
                    access.truststorePassword(),
                    access.keystore(),
                    access.keystorePassword()))
            : Optional.empty();
    return new RestSchemaRegistryClient(
        url, access.basicAuthUserInfo(), tls, Duration.ofSeconds(10));
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
      public RestSchemaRegistryClient registryClient() {
        return Platform.registryClient(cluster.schemaRegistryUrl(), cluster.registryAccess());
      }

      @Override
      public void close() {}
    };
  }
}
