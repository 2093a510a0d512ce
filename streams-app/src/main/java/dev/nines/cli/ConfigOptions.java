package dev.nines.cli;

import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Flags shared by every command that talks to Kafka; each maps onto one config key. */
public final class ConfigOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Properties file with config keys (docs/configuration.md). Flags and NINES_* "
              + "environment variables override it.")
  Path configFile;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT,...",
      description = "Use this Kafka cluster instead of starting the embedded one.")
  String bootstrapServers;

  @Option(
      names = "--schema-registry-url",
      paramLabel = "URL",
      description = "Schema registry of the external cluster.")
  String schemaRegistryUrl;

  @Option(
      names = "--kafka-port",
      paramLabel = "PORT",
      description = "Embedded broker port " + "(default 9092).")
  String kafkaPort;

  @Option(
      names = "--registry-port",
      paramLabel = "PORT",
      description = "Embedded schema registry port (default 8081).")
  String registryPort;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Embedded platform data directory (default ./data).")
  String dataDir;

  @Option(
      names = "--ephemeral",
      description = "Embedded platform in a temporary directory, " + "deleted on exit.")
  boolean ephemeral;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Any config key, e.g. --set topics.partitions=6 or --set kafka.linger.ms=5.")
  Map<String, String> sets = new LinkedHashMap<>();

  /** The --set flags as given, in order. */
  public Map<String, String> sets() {
    return Collections.unmodifiableMap(sets);
  }

  /** Defaults &lt; file &lt; environment &lt; flags (and --set), validated. */
  public NinesConfig load(Map<String, String> extraFlags) {
    return load(Optional.empty(), extraFlags);
  }

  /** The effective settings with their sources, secrets hidden (see ConfigLoader.effective). */
  public List<ConfigLoader.Entry> effective(Map<String, String> extraFlags) {
    return ConfigLoader.effective(
        Optional.ofNullable(configFile), System.getenv(), Optional.empty(), flags(extraFlags));
  }

  /** Defaults &lt; file &lt; environment &lt; policy file &lt; flags (and --set), validated. */
  public NinesConfig load(Optional<Path> policy, Map<String, String> extraFlags) {
    NinesConfig config =
        ConfigLoader.load(
            Optional.ofNullable(configFile), System.getenv(), policy, flags(extraFlags));
    Logs.apply(config.logFormat());
    return config;
  }

  private Map<String, String> flags(Map<String, String> extraFlags) {
    Map<String, String> flags = new LinkedHashMap<>(sets);
    put(flags, "bootstrap.servers", bootstrapServers);
    put(flags, "schema.registry.url", schemaRegistryUrl);
    put(flags, "platform.kafka.port", kafkaPort);
    put(flags, "platform.registry.port", registryPort);
    put(flags, "platform.data.dir", dataDir);
    if (ephemeral) {
      flags.put("platform.ephemeral", "true");
    }
    flags.putAll(extraFlags);
    return flags;
  }

  public static void put(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
