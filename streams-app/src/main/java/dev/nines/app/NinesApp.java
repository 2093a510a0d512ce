package dev.nines.app;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.config.Settings;
import dev.nines.ingest.PlanBook;
import dev.nines.ingest.PlanCheck;
import dev.nines.ingest.PlansUnavailableException;
import dev.nines.ingest.stream.DeadLetters;
import dev.nines.ingest.stream.PlanReader;
import dev.nines.platform.AccessCheck;
import dev.nines.platform.BoundedRocksDb;
import dev.nines.platform.Directories;
import dev.nines.platform.Faults;
import dev.nines.platform.OffsetGuard;
import dev.nines.platform.Platform;
import dev.nines.platform.TopicManager;
import dev.nines.serde.OutputLimits;
import dev.nines.serde.OutputSubjects;
import dev.nines.serde.RegistryUnavailableException;
import dev.nines.serde.SchemaRegistryClient;
import dev.nines.views.OutputCounters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime around {@link NinesTopology}: builds the Streams configuration, starts the app and
 * stops it cleanly. All I/O lives here; the topology itself is pure.
 */
public final class NinesApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NinesApp.class);

  private final KafkaStreams streams;
  private final DeadLetters deadLetters;

  /** Null when receipts are not checked against the route plans. */
  private final PlanReader plans;

  private final OutputCounters counters;
  private final Faults faults;

  /** The state directory, when it is a temporary one this app made and must delete. */
  private final Optional<Path> temporaryState;

  /** Completed with one line when Kafka refused the app (ACLs, credentials); it then stops. */
  private final CompletableFuture<String> denied;

  private NinesApp(
      KafkaStreams streams,
      PlanReader plans,
      DeadLetters deadLetters,
      CompletableFuture<String> denied,
      OutputCounters counters,
      Faults faults,
      Optional<Path> temporaryState) {
    this.faults = faults;
    this.streams = streams;
    this.plans = plans;
    this.deadLetters = deadLetters;
    this.denied = denied;
    this.counters = counters;
    this.temporaryState = temporaryState;
  }

  public static NinesApp start(
      NinesConfig config, Platform platform, SchemaRegistryClient registry) {
    return start(config, platform, registry, s -> {});
  }

  /** As above, with {@code beforeStart} (e.g. adding a restore listener) run before start. */
  public static NinesApp start(
      NinesConfig config,
      Platform platform,
      SchemaRegistryClient registry,
      Consumer<KafkaStreams> beforeStart) {
    return start(config, platform, registry, Map.of(), beforeStart);
  }

  /**
   * As above, with extra Streams properties, e.g. {@code application.server} once the API
   * server knows its port (dev.nines.api).
   */
  public static NinesApp start(
      NinesConfig config,
      Platform platform,
      SchemaRegistryClient registry,
      Map<String, Object> extra,
      Consumer<KafkaStreams> beforeStart) {
    FormatLocale.useUs();
    Properties props = streamsProperties(config, platform);
    OutputLimits limits;
    Map<String, Object> adminProps = new HashMap<>(platform.clientOverrides());
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    try (var admin = Admin.create(adminProps)) {
      TopicManager.checkPartitions(admin, config.topics(), Topics.INPUTS);
      // the inputs are read with reset policy none: a new group starts at the first records
      var seeded = OffsetGuard.seedMissing(admin, config.streams().applicationId(), inputs(config));
      if (!seeded.isEmpty()) {
        log.info("input read from the first record kept: {}", seeded);
      }
      limits = outputLimits(admin, config, props);
    }
    props.putAll(extra);
    boolean temporary = config.streams().stateDir().isEmpty() && config.platform().ephemeral();
    PlanReader plans = null;
    DeadLetters deadLetters = null;
    KafkaStreams streams = null;
    var faults = new Faults();
    try {
      // Receipts are checked against the route plans (dev.nines.ingest.PlanCheck): every plan
      // on the topic is read before the first receipt is
      if (config.ingest().checkPlans()) {
        Map<String, Object> clients = new HashMap<>(platform.clientOverrides());
        clients.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        plans =
            new PlanReader(
                clients,
                config.streams().applicationId() + "-route-plans-reader",
                config.topics().name(Topics.ROUTE_PLANS),
                Topics.ROUTE_PLANS.valueSerde(registry).deserializer(),
                new PlanBook(config.routing().planHistory()),
                config.ingest().plansRecheck());
        plans.start();
        props.put(PlanCheck.CONFIG_KEY, plans);
      }
      deadLetters = new DeadLetters();
      props.put(DeadLetters.CONFIG_KEY, deadLetters);
      var counters = new OutputCounters();
      props.put(OutputCounters.CONFIG_KEY, counters);
      streams =
          new KafkaStreams(
              NinesTopology.build(config, outputLevels(config, registry), limits), props);
      CompletableFuture<String> denied = started(config, platform, streams, faults, beforeStart);
      return new NinesApp(
          streams,
          plans,
          deadLetters,
          denied,
          counters,
          faults,
          temporary
              ? Optional.of(Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG)))
              : Optional.empty());
    } catch (RuntimeException e) {
      // e.g. plans that cannot be read, a restore listener that refused, or a state directory
      // that cannot be locked: close what was opened, in the order close() does
      faults.close();
      if (streams != null) {
        streams.close(Duration.ofSeconds(30));
      }
      if (plans != null) {
        plans.close();
      }
      if (deadLetters != null) {
        deadLetters.close();
      }
      if (streams != null && temporary) {
        Directories.deleteRecursively(Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG)));
      }
      throw e;
    }
  }

  /** Starts {@code streams}; the future completes when Kafka refused the app (see there). */
  private static CompletableFuture<String> started(
      NinesConfig config,
      Platform platform,
      KafkaStreams streams,
      Faults faults,
      Consumer<KafkaStreams> beforeStart) {
    CompletableFuture<String> denied = new CompletableFuture<>();
    streams.setUncaughtExceptionHandler(
        e -> {
          var access = AccessCheck.isAccessDenied(e);
          if (access.isPresent()) {
            // missing ACLs or bad credentials: a new thread would fail the same way, forever
            String line =
                "Kafka refused application '"
                    + config.streams().applicationId()
                    + "': "
                    + access.get().getMessage()
                    + " (grant its principal the ACLs listed in docs/security.md,"
                    + " ACLs the app needs)";
            log.error(line);
            denied.complete(line);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
          }
          var unreadable =
              OffsetGuard.unreadable(config.streams().applicationId(), inputs(config), e);
          if (unreadable.isPresent()) {
            // skipping on would lose the records silently: every instance stops, the operator
            // restores the input or accepts the loss
            log.error(unreadable.get());
            denied.complete(unreadable.get());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                .SHUTDOWN_APPLICATION;
          }
          for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof PlansUnavailableException) {
              // a new thread would wait for a reader that will not come back
              log.error("stopping: {}", c.getMessage());
              return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
          }
          // Not a record's fault: retried from the last commit by a new thread, after a backoff,
          // and
          // shown on /ready and /metrics meanwhile. Only invalid input is ever dead-lettered.
          Duration backoff;
          if (RegistryUnavailableException.causedBy(e)) {
            backoff = faults.failed("schema-registry", rootMessage(e));
            log.warn(
                "stream thread stopped: the schema registry is unavailable ({}); a new thread "
                    + "resumes from the last commit in {} s",
                rootMessage(e),
                backoff.toSeconds());
          } else {
            backoff = faults.failed("internal", rootMessage(e));
            log.error(
                "stream thread failed; a new thread resumes from the last commit in {} s",
                backoff.toSeconds(),
                e);
          }
          faults.await(backoff);
          if (faults.closed()) {
            // the app is closing: a new thread would outlive it
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
          }
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    beforeStart.accept(streams);
    streams.start();
    log.info(
        "nines streams app '{}' started against {}",
        config.streams().applicationId(),
        platform.bootstrapServers());
    return denied;
  }

  /**
   * Each output's limit as the broker states it ({@code max.message.bytes}, the broker's default
   * where the topic sets none) and the producer's {@code max.request.size}.
   */
  static OutputLimits outputLimits(Admin admin, NinesConfig config, Properties props) {
    OutputLimits limits = new OutputLimits();
    Object request =
        props.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    int maxRequest = request == null ? Integer.MAX_VALUE : Integer.parseInt(request.toString());
    List<ConfigResource> outputs =
        Topics.OUTPUTS.stream()
            .filter(t -> t != Topics.DEAD_LETTERS)
            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, config.topics().name(t)))
            .toList();
    admin
        .describeConfigs(outputs)
        .values()
        .forEach(
            (resource, future) -> {
              try {
                var entry =
                    future.get(30, TimeUnit.SECONDS).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                int topicMax =
                    entry == null || entry.value() == null
                        ? Integer.MAX_VALUE
                        : Integer.parseInt(entry.value());
                limits.set(resource.name(), Math.min(topicMax, maxRequest));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (ExecutionException | TimeoutException | RuntimeException e) {
                // e.g. a topic Kafka Streams creates itself later: its values go unchecked
                log.warn(
                    "cannot read max.message.bytes of {} ({}); its values are not checked"
                        + " before they are sent",
                    resource.name(),
                    e instanceof ExecutionException ? e.getCause() : e);
              }
            });
    return limits;
  }

  /** The input topics' names. */
  static List<String> inputs(NinesConfig config) {
    return Topics.INPUTS.stream().map(t -> config.topics().name(t)).toList();
  }

  /** Streams settings: exactly-once, explicit names, unreadable input to dead-letters. */
  public static Properties streamsProperties(NinesConfig config, Platform platform) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.streams().applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topics().replicationFactor());
    // KIP-1034: a record that cannot be deserialized is written, with its original bytes and
    // headers naming topic, partition, offset and exception, to dead-letters; processing goes on.
    p.put(
        StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
        config.topics().name(Topics.DEAD_LETTERS));
    // A record that is read but unusable (dev.nines.ingest.InvalidInputException) goes the same
    // way, through the processing exception handler: logged, dead-lettered, processing goes on.
    // (dev.nines.ingest.stream.DeadLetters' handlers are Kafka's own, counting per topic and
    // reason)
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetters.ProcessingHandler.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetters.DeserializationHandler.class);
    // An output over the broker's limit: its input record to dead-letters, not a crash loop
    p.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetters.ProductionHandler.class);
    // Window changelogs are compact,delete with retention = window retention + this; the broker
    // applies it to event-time stamps, so replayed history needs a longer one (see the setting).
    p.put(
        StreamsConfig.WINDOW_STORE_CHANGE_LOG_ADDITIONAL_RETENTION_MS_CONFIG,
        config.streams().windowChangelogExtraRetention().toMillis());
    // (No emit interval setting: nines has no DSL emit-on-close aggregation. Its windows close
    // in dev.nines.eventtime.ClosingWindows, on the record that closes them, whatever the speed.)
    // Off-heap memory of all RocksDB stores bounded together: one shared block cache
    // with the memtables charged to it, and small memtables (see BoundedRocksDb for why).
    if (config.streams().rocksDbBytes() > 0) {
      p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
    }
    p.put(BoundedRocksDb.TOTAL_BYTES, config.streams().rocksDbBytes());
    p.put(BoundedRocksDb.MEMTABLE_SHARE, config.streams().memtableShare());
    p.put(BoundedRocksDb.MEMTABLE_BYTES, config.streams().memtableBytes());
    failover(p);
    Path stateDir =
        config
            .streams()
            .stateDir()
            .orElseGet(
                () ->
                    config.platform().ephemeral()
                        ? tempDir()
                        : config.platform().dataDir().resolve("streams"));
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    internalTopicChecks(p);
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        DeadLetters.MAX_RECORD_BYTES);
    platform.clientOverrides().forEach(p::put);
    if (platform.clientOverrides().containsKey(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG)) {
      // the user's retry.backoff.ms is meant for every client, as in plain Kafka Streams
      CLIENT_PREFIXES.forEach(
          prefix -> p.remove(prefix + CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG));
    }
    return p;
  }

  /**
   * On the first start of an application id, Kafka Streams creates its internal topics (some 35
   * here) and then checks them in a loop that finds one more topic ready per pass and sleeps
   * {@code retry.backoff.ms} between passes: 2.7 s of a 5.6 s start on one broker at Kafka's
   * 100 ms, 0.4 s at 10 ms (2026-12-06). So Streams' own loops wait 10 ms, and its clients keep
   * Kafka's 100 ms through their prefixes.
   */
  static void internalTopicChecks(Properties p) {
    p.put(StreamsConfig.RETRY_BACKOFF_MS_CONFIG, STREAMS_RETRY_BACKOFF_MS);
    CLIENT_PREFIXES.forEach(
        prefix ->
            p.put(prefix + CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG, CLIENT_RETRY_BACKOFF_MS));
  }

  static final long STREAMS_RETRY_BACKOFF_MS = 10;
  static final long CLIENT_RETRY_BACKOFF_MS = CommonClientConfigs.DEFAULT_RETRY_BACKOFF_MS;
  static final List<String> CLIENT_PREFIXES =
      List.of(
          StreamsConfig.CONSUMER_PREFIX,
          StreamsConfig.PRODUCER_PREFIX,
          StreamsConfig.ADMIN_CLIENT_PREFIX);

  /**
   * How fast a crashed instance's work moves to another (docs/operations.md, "Failover"). Set
   * before the {@code kafka.*} overrides, which win. A crashed member is noticed after the
   * session timeout (6 s, the smallest a broker accepts by default; Kafka's own default is 45
   * s), and its open transaction is aborted after the transaction timeout (6 s, Streams' default
   * under exactly-once is 10 s); until then the new owner cannot read its committed offsets. The
   * price: a stop-the-world pause over 6 s (GC, a frozen VM) is taken for a crash and moves the
   * instance's tasks away, and a transaction held open over 6 s is aborted and retried.
   */
  static void failover(Properties p) {
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis() / 4);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis());
  }

  /** See {@link #failover}. */
  public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

  /** See {@link #failover}. */
  public static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(6);

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("nines-state-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temporary state directory: " + e);
    }
  }

  public KafkaStreams streams() {
    return streams;
  }

  /**
   * Completes with one line when the app stopped because retrying cannot help: Kafka refused it
   * (missing ACLs, bad credentials), or its input was deleted before it was read.
   */
  public CompletableFuture<String> stopped() {
    return denied;
  }

  /** Dead letters written by this app so far, per source topic and reason. */
  public DeadLetters deadLetters() {
    return deadLetters;
  }

  /** Routing decisions, ejections and incidents written by this app so far (for /metrics). */
  public OutputCounters outputCounters() {
    return counters;
  }

  /** The registry client that sets each output subject's compatibility level first. */
  public static SchemaRegistryClient outputLevels(
      NinesConfig config, SchemaRegistryClient registry) {
    var level = config.streams().outputCompatibility();
    if (level == Settings.OutputCompatibility.KEEP) {
      return registry;
    }
    Set<String> subjects = new HashSet<>();
    for (var t : Topics.OUTPUTS) {
      if (t.valueType() != null) {
        subjects.add(config.topics().name(t) + "-value");
      }
    }
    return new OutputSubjects(registry, subjects, level.name());
  }

  /** Stream-thread failures (schema registry outages, internal errors), for /ready and /metrics. */
  public Faults faults() {
    return faults;
  }

  /** The innermost cause's class and message: what an operator needs in one line. */
  static String rootMessage(Throwable e) {
    Throwable r = e;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    // the registry's own message is the most specific; a serde's wraps it with the topic
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof RegistryUnavailableException) {
        return c.getMessage();
      }
    }
    return r.getClass().getSimpleName() + ": " + r.getMessage();
  }

  @Override
  public void close() {
    faults.close(); // a thread waiting out a backoff stops waiting
    // Leave the group on a clean stop (Ctrl-C, SIGTERM, a rolling restart): the others take
    // over at once instead of after the session timeout.
    streams.close(
        CloseOptions.timeout(Duration.ofSeconds(30))
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    // after the streams: a stream thread may be waiting for the plans while it closes
    if (plans != null) {
      plans.close();
    }
    deadLetters.close();
    temporaryState.ifPresent(Directories::deleteRecursively);
  }
}
