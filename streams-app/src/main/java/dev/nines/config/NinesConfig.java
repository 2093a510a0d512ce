package dev.nines.config;

import dev.nines.Topic;
import dev.nines.ingest.InputBounds;
import dev.nines.routing.RoutingPolicy;
import dev.nines.uptime.BurnRule;
import dev.nines.uptime.ErrorRateDowntime;
import dev.nines.uptime.HealthRule;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The whole typed configuration, built once at start-up by {@link ConfigLoader} from
 * defaults &lt; file &lt; environment &lt; flags. Immutable; components take the part they need.
 */
public record NinesConfig(
    Cluster cluster,
    Platform platform,
    TopicLayout topics,
    InputBounds ingest,
    Streams streams,
    Health health,
    Routing routing,
    Uptime uptime,
    Simulate simulate,
    Api api,
    Webhooks webhooks,
    Settings.LogFormat logFormat) {

  /**
   * The HTTP API and status page (dev.nines.api).
   *
   * @param advertisedHost what other instances use to reach this one (application.server)
   * @param historyDays days of uptime history kept per region and shown as bars
   * @param weightsHistory how far back routing decisions are kept for the chart
   * @param recentResolved resolved incidents this recent are listed
   */
  public record Api(
      String host,
      int port,
      String advertisedHost,
      int historyDays,
      Duration weightsHistory,
      Duration recentResolved,
      Duration forwardTimeout,
      Secret token) {}

  /**
   * Webhooks: the signed nines-format URLs of {@code webhooks.urls} (incidents), and the named
   * endpoints of {@code webhooks.endpoint.<name>.*}; secrets' toString never shows them.
   */
  public record Webhooks(
      List<URI> urls,
      Secret secret,
      int attempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration timeout,
      String startFrom,
      List<WebhookEndpoint> endpoints) {
    public Webhooks {
      endpoints = List.copyOf(endpoints);
    }
  }

  /**
   * One named notification endpoint. Empty sets: everything.
   *
   * @param format nines, pagerduty, alertmanager or slack
   * @param secret nines: the signing key; pagerduty: the routing (integration) key
   * @param events incident.opened, incident.resolved, alert.fired, alert.resolved
   * @param minSeverity info, warning or critical
   */
  public record WebhookEndpoint(
      String name,
      URI url,
      String format,
      Secret secret,
      Set<String> services,
      Set<String> regions,
      Set<String> events,
      String minSeverity) {
    public WebhookEndpoint {
      services = Set.copyOf(services);
      regions = Set.copyOf(regions);
      events = Set.copyOf(events);
    }

    @Override
    public String toString() {
      return "WebhookEndpoint[" + name + ", " + format + "]"; // the URL may hold a token
    }
  }

  /** A secret value: kept out of toString, so a logged config never shows it. */
  public record Secret(String value) {
    public boolean isEmpty() {
      return value.isEmpty();
    }

    @Override
    public String toString() {
      return value.isEmpty() ? "(none)" : "(secret)";
    }
  }

  /**
   * Routing decisions: cadence, history, and the decision policy itself.
   *
   * @param profileOverrides per routing-policies profile name, settings ({@code routing.*} keys)
   *     laid over every version of that profile (over the configured policy when no version is
   *     in force): what a replay's {@code routing.profile.<name>.*} keys ask
   */
  public record Routing(
      Duration interval,
      Duration history,
      Duration bucketGrace,
      Duration planHistory,
      RoutingPolicy policy,
      Map<String, Map<String, String>> profileOverrides) {
    public Routing {
      Map<String, Map<String, String>> copy = new TreeMap<>();
      profileOverrides.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
      profileOverrides = Collections.unmodifiableMap(copy);
    }
  }

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
   * @param noDataAfter a region silent this long (event time) raises NO_DATA; a vantage silent
   *     this long leaves the quorum
   * @param watermarkInterval event-time cadence of the watermarks across the uptime repartition
   * @param partitionIdle wall-clock time after which a silent input partition is idle
   */
  public record Uptime(
      HealthRule rule,
      Duration reorderGrace,
      BigDecimal targetPercent,
      Duration monthGrace,
      Duration tick,
      List<BurnRule> alertRules,
      int creditKeepMonths,
      Duration regionIdle,
      Duration noDataAfter,
      Duration watermarkInterval,
      Duration partitionIdle,
      ErrorRateDowntime platformErrorRate) {}

  /**
   * Carrier health windows and de-duplication.
   *
   * @param watermarkInterval event-time cadence of the watermarks across the by-carrier
   *     repartitions, by which carrier-health windows and routing buckets close
   * @param partitionIdle wall-clock time after which a silent input partition is idle
   * @param batchRecords most receipts in one record of the by-carrier repartition; 1: no batches
   */
  public record Health(
      Duration windowSize,
      Duration grace,
      Duration dedupRetention,
      double latencyRelativeAccuracy,
      Duration watermarkInterval,
      Duration partitionIdle,
      int batchRecords) {}

  /**
   * Where Kafka and the registry are, and how to get in (kafka.* overrides: TLS, SASL; registry
   * access: basic auth, TLS). Both empty: start the embedded platform. {@link #toString} hides
   * secrets.
   */
  public record Cluster(
      String bootstrapServers,
      String schemaRegistryUrl,
      Map<String, String> kafkaOverrides,
      RegistryAccess registryAccess) {
    /** No registry credentials or stores (the embedded registry, tools, tests). */
    public Cluster(
        String bootstrapServers, String schemaRegistryUrl, Map<String, String> kafkaOverrides) {
      this(bootstrapServers, schemaRegistryUrl, kafkaOverrides, RegistryAccess.NONE);
    }

    public boolean embedded() {
      return bootstrapServers.isBlank();
    }

    @Override
    public String toString() {
      return "Cluster[bootstrapServers="
          + bootstrapServers
          + ", schemaRegistryUrl="
          + schemaRegistryUrl
          + ", kafkaOverrides="
          + Secrets.maskKafka(kafkaOverrides)
          + ", registryAccess="
          + registryAccess
          + "]";
    }
  }

  /**
   * How the registry client authenticates and whom it trusts: HTTP basic auth ("user:password"),
   * a truststore for an https:// registry with a private CA, and a keystore for mutual TLS.
   * Empty: none (plain HTTP, or the JVM's trusted CAs). {@link #toString} hides the secrets.
   */
  public record RegistryAccess(
      Optional<String> basicAuthUserInfo,
      Optional<Path> truststore,
      Optional<String> truststorePassword,
      Optional<Path> keystore,
      Optional<String> keystorePassword) {
    public static final RegistryAccess NONE =
        new RegistryAccess(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    @Override
    public String toString() {
      return "RegistryAccess[basicAuth="
          + basicAuthUserInfo
              .map(u -> u.substring(0, Math.max(0, u.indexOf(':'))) + ":" + Secrets.HIDDEN)
              .orElse("none")
          + ", truststore="
          + truststore.map(Path::toString).orElse("default")
          + ", truststorePassword="
          + truststorePassword.map(p -> Secrets.HIDDEN).orElse("none")
          + ", keystore="
          + keystore.map(Path::toString).orElse("none")
          + ", keystorePassword="
          + keystorePassword.map(p -> Secrets.HIDDEN).orElse("none")
          + "]";
    }
  }

  public record Platform(
      String host,
      int kafkaPort,
      int controllerPort,
      int registryPort,
      Path dataDir,
      boolean ephemeral,
      String brokerHeap,
      int brokers) {}

  /**
   * How contract topics are laid out: partitions, replication, an optional name prefix, the
   * retention.ms of the non-compacted ones nines creates (-1: forever), and an optional name
   * suffix (a replay's shadow topics, e.g. {@code .replay-2026-10}; empty for the live topics).
   */
  public record TopicLayout(
      int partitions, short replicationFactor, String prefix, long retentionMs, String suffix) {
    public TopicLayout {
      Objects.requireNonNull(prefix, "prefix");
      Objects.requireNonNull(suffix, "suffix");
    }

    /** Kept forever: the layout tests and tools use when retention does not matter to them. */
    public TopicLayout(int partitions, short replicationFactor, String prefix) {
      this(partitions, replicationFactor, prefix, -1L);
    }

    /** No suffix: the live topics. */
    public TopicLayout(int partitions, short replicationFactor, String prefix, long retentionMs) {
      this(partitions, replicationFactor, prefix, retentionMs, "");
    }

    /** The same layout with every contract topic name ending in {@code newSuffix}. */
    public TopicLayout withSuffix(String newSuffix) {
      return new TopicLayout(partitions, replicationFactor, prefix, retentionMs, newSuffix);
    }

    /** The name of a contract topic in this deployment. */
    public String name(Topic<?> topic) {
      return prefix + topic.name() + suffix;
    }

    /** The contract name of a deployed topic name (without the prefix and the suffix). */
    public String contractName(String deployed) {
      String s = deployed.startsWith(prefix) ? deployed.substring(prefix.length()) : deployed;
      return !suffix.isEmpty() && s.endsWith(suffix)
          ? s.substring(0, s.length() - suffix.length())
          : s;
    }
  }

  /**
   * @param rocksDbBytes off-heap bytes for all RocksDB stores of the instance together
   * @param memtableShare share of it the memtables may take
   * @param memtableBytes size of one memtable of one store
   */
  /**
   * @param outputCompatibility the level nines sets on each output subject of the registry
   *     before it registers a schema there
   */
  public record Streams(
      String applicationId,
      Optional<Path> stateDir,
      long rocksDbBytes,
      double memtableShare,
      long memtableBytes,
      Duration windowChangelogExtraRetention,
      Settings.OutputCompatibility outputCompatibility) {}

  /**
   * @param preludeSpan how much of the previous month {@code run} replays before going live
   * @param preludeRateScale traffic rate of that prelude relative to the scenario
   */
  public record Simulate(
      Optional<Path> scenario,
      Settings.Pace pace,
      double rateScale,
      Duration span,
      Optional<Instant> end,
      Duration preludeSpan,
      double preludeRateScale,
      Duration preludeWait) {}

  /** This configuration with another topic layout (a replay's shadow topics). */
  public NinesConfig withTopics(TopicLayout newTopics) {
    return new NinesConfig(
        cluster, platform, newTopics, ingest, streams, health, routing, uptime, simulate, api,
        webhooks, logFormat);
  }

  /** This configuration with other admission rules (tests that send no route plans). */
  public NinesConfig withIngest(InputBounds newIngest) {
    return new NinesConfig(
        cluster, platform, topics, newIngest, streams, health, routing, uptime, simulate, api,
        webhooks, logFormat);
  }

  /** This configuration with other Streams settings (a replay's application id and state). */
  public NinesConfig withStreams(Streams newStreams) {
    return new NinesConfig(
        cluster,
        platform,
        topics,
        ingest,
        newStreams,
        health,
        routing,
        uptime,
        simulate,
        api,
        webhooks,
        logFormat);
  }

  /** The defaults alone: what a test or a newcomer gets with nothing configured. */
  public static NinesConfig defaults() {
    return ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
  }
}
