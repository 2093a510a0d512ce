package dev.nines.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The whole typed configuration, built once at start-up by {@link ConfigLoader} from
 * defaults &lt; file &lt; environment &lt; flags. Immutable; components take the part they need.
 */
public record NinesConfig(
    Cluster cluster,
    Platform platform,
    TopicLayout topics,
    dev.nines.ingest.Admission.Bounds ingest,
    Streams streams,
    Health health,
    Routing routing,
    Uptime uptime,
    Simulate simulate) {

  /** Routing decisions: cadence, history, and the decision policy itself. */
  public record Routing(Duration interval, Duration history, Duration bucketGrace,
      Duration planHistory, dev.nines.routing.RoutingPolicy policy) {}

  /**
   * Probes to incidents, ledger, alerts and credits.
   *
   * @param rule the DOWN rule (confirmations, quorum)
   * @param reorderGrace how late a probe may be and still be applied in event-time order
   * @param targetPercent the platform objective
   * @param monthGrace a month is closed once stream time reaches its end plus this
   * @param tick cadence of ledger refreshes and burn-rate evaluations (event time)
   * @param alertRules the multi-window burn-rate rules
   * @param creditKeepMonths closed months kept so that a late contract is still credited
   */
  public record Uptime(dev.nines.uptime.HealthRule rule, Duration reorderGrace,
      java.math.BigDecimal targetPercent, Duration monthGrace, Duration tick,
      java.util.List<dev.nines.uptime.BurnRule> alertRules, int creditKeepMonths,
      Duration regionIdle) {}

  /** Carrier health windows and de-duplication. */
  public record Health(Duration windowSize, Duration grace, Duration dedupRetention,
      double latencyRelativeAccuracy) {}

  /** Where Kafka and the registry are. Both empty: start the embedded platform. */
  public record Cluster(String bootstrapServers, String schemaRegistryUrl,
      Map<String, String> kafkaOverrides) {
    public boolean embedded() {
      return bootstrapServers.isBlank();
    }
  }

  public record Platform(String host, int kafkaPort, int controllerPort, int registryPort,
      Path dataDir, boolean ephemeral, String brokerHeap, int brokers) {}

  /**
   * How contract topics are laid out: partitions, replication, an optional name prefix, and the
   * retention.ms of the non-compacted ones nines creates (-1: forever).
   */
  public record TopicLayout(int partitions, short replicationFactor, String prefix,
      long retentionMs) {
    /** Kept forever: the layout tests and tools use when retention does not matter to them. */
    public TopicLayout(int partitions, short replicationFactor, String prefix) {
      this(partitions, replicationFactor, prefix, -1L);
    }

    /** The name of a contract topic in this deployment. */
    public String name(dev.nines.Topic<?> topic) {
      return prefix + topic.name();
    }

    /** The contract name of a deployed topic name (without the prefix). */
    public String contractName(String deployed) {
      return deployed.startsWith(prefix) ? deployed.substring(prefix.length()) : deployed;
    }
  }

  /**
   * @param rocksDbBytes off-heap bytes for all RocksDB stores of the instance together
   * @param memtableShare share of it the memtables may take
   */
  public record Streams(String applicationId, Optional<Path> stateDir, long rocksDbBytes,
      double memtableShare, Duration windowChangelogExtraRetention) {}

  /**
   * @param preludeSpan how much of the previous month {@code run} replays before going live
   * @param preludeRateScale traffic rate of that prelude relative to the scenario
   */
  public record Simulate(Optional<Path> scenario, Settings.Pace pace, double rateScale,
      Duration span, Optional<java.time.Instant> end, Duration preludeSpan,
      double preludeRateScale, Duration preludeWait) {}

  /** The defaults alone: what a test or a newcomer gets with nothing configured. */
  public static NinesConfig defaults() {
    return ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
  }
}
