package dev.nines.bench;

import dev.nines.Topics;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.PortCheck;
import dev.nines.platform.TopicManager;
import dev.nines.platform.local.LocalKafka;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.CarrierHealth;
import dev.nines.schema.Channel;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.Service;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Hard faults at sustained load, judged by an oracle computed from the generated input, in the
 * manner of Kafka's own system tests (broker bounces, {@code StreamsEosTest}): a three-node
 * cluster (replication factor 3, {@code min.insync.replicas} 2) and two app instances (separate
 * JVMs, default settings). Each run has fresh topics and application id; receipts arrive at a
 * fixed rate with bad records mixed in, and at a random moment one fault strikes:
 *
 * <ul>
 *   <li>{@code broker-kill}: a broker node killed with SIGKILL, restarted once the app commits
 *       on every input partition again;
 *   <li>{@code instance-pause}: an instance that owns partitions stopped with SIGSTOP for longer
 *       than its session timeout, then resumed (SIGCONT): a zombie that must be fenced;
 *   <li>{@code registry-outage}: the schema registry unreachable (connection refused) for
 *       {@link #OUTAGE}, and both instances killed and restarted during it, so that neither has a
 *       schema in its cache;
 *   <li>{@code upgrade}: both instances run the previous release ({@code --previous-jar}); both
 *       are stopped (SIGTERM) and started with this one on the state directories they wrote.
 * </ul>
 *
 * The oracle: every valid receipt sent (acknowledged by the broker) counts once in its closed
 * carrier-health window, so per window {@code attempts} and {@code delivered} must equal the
 * counts of what was sent; every bad record must be in {@code dead-letters} once, and nothing
 * else. Recovery is the time from the fault until every input partition it affected that has
 * records waiting is committed past where it stood.
 */
public final class FaultBenchmark {
  public enum Fault {
    BROKER_KILL("broker-kill"),
    INSTANCE_PAUSE("instance-pause"),
    REGISTRY_OUTAGE("registry-outage"),
    UPGRADE("upgrade");

    public final String id;

    Fault(String id) {
      this.id = id;
    }

    public static Fault of(String id) {
      for (Fault f : values()) {
        if (f.id.equals(id)) {
          return f;
        }
      }
      throw new IllegalArgumentException(id);
    }
  }

  public record Options(
      List<Fault> faults,
      int runs,
      int ratePerSecond,
      Duration feed,
      long seed,
      Path jar,
      Path previousJar,
      Path workDir,
      Map<String, String> settings,
      Duration timeout) {}

  /**
   * One run. {@code lost}/{@code doubled}: valid receipts missing from, or counted more than once
   * in, the closed carrier-health windows; {@code validDeadLettered}: dead letters that were not
   * among the bad records sent; {@code lateDrops}: records the instances logged as dropped for
   * arriving after their window or routing bucket had closed.
   */
  public record Result(
      Fault fault,
      int run,
      long sent,
      long bad,
      long counted,
      long lost,
      long doubled,
      long deadLetters,
      long badLost,
      long badDoubled,
      long validDeadLettered,
      long lateDrops,
      double recoverySeconds,
      String failure) {
    public boolean clean() {
      return failure == null
          && lost == 0
          && doubled == 0
          && badLost == 0
          && badDoubled == 0
          && validDeadLettered == 0;
    }
  }

  static final int NODES = 3;

  /** One bad record in this many: alternately bytes that are not Avro, a receipt without carrier. */
  public static final int BAD_EVERY = 200;

  static final Duration OUTAGE = Duration.ofSeconds(10);
  static final Duration AFTER_FAULT = Duration.ofSeconds(5);

  /** Longer than the app's 6 s session timeout: the group takes the instance for dead. */
  static final Duration PAUSE = Duration.ofSeconds(12);

  static final List<String> COUNTRIES =
      List.of("US", "GB", "DE", "FR", "ES", "IT", "NL", "SE", "BR", "IN");
  static final List<String> CARRIERS = List.of("atlas", "bluewave", "corvid");
  static final String END_ROUTE = "ZZ";

  private final Options options;
  private final PrintStream out;
  private final List<AppInstance> instances = new ArrayList<>();

  public FaultBenchmark(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public List<Result> run() throws Exception {
    Path kafkaDir = options.workDir().resolve("kafka");
    List<Integer> ports = PortCheck.freePorts(2 * NODES + 2);
    var kafkaOptions =
        new LocalKafka.Options(
            "localhost",
            ports.subList(0, NODES),
            ports.subList(NODES, 2 * NODES),
            kafkaDir,
            true,
            "512m",
            Duration.ofSeconds(180),
            Map.of("min.insync.replicas", "2", "default.replication.factor", "3"));
    List<Result> results = new ArrayList<>();
    Thread reaper = new Thread(() -> instances.forEach(AppInstance::destroy), "bench-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    try (LocalPlatform platform =
            LocalPlatform.start(kafkaOptions, "localhost", ports.get(2 * NODES), (short) NODES);
        Forwarder registryPath =
            new Forwarder(ports.get(2 * NODES + 1), address(platform.schemaRegistryUrl()))) {
      registryPath.open();
      out.printf(
          "%d-node cluster at %s; the instances reach the registry through %s%n",
          NODES, platform.bootstrapServers(), registryPath.url());
      SplittableRandom random = new SplittableRandom(options.seed());
      for (Fault fault : options.faults()) {
        for (int n = 1; n <= options.runs(); n++) {
          Result r;
          try {
            r = new Run(platform, registryPath, fault, n, random.split()).call();
          } catch (Exception e) {
            r =
                new Result(
                    fault,
                    n,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    Double.NaN,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
          } finally {
            instances.forEach(AppInstance::destroy);
            instances.clear();
            registryPath.open();
          }
          results.add(r);
          out.printf(
              Locale.ROOT,
              "%-15s run %2d: sent %,d (%,d bad); counted %,d; "
                  + "lost %d, doubled %d; dead letters %,d (bad lost %d, doubled %d; valid %d);"
                  + " late drops logged %d; recovery %.2f s%s%n",
              fault.id,
              n,
              r.sent(),
              r.bad(),
              r.counted(),
              r.lost(),
              r.doubled(),
              r.deadLetters(),
              r.badLost(),
              r.badDoubled(),
              r.validDeadLettered(),
              r.lateDrops(),
              r.recoverySeconds(),
              r.failure() == null ? "" : "; FAILED: " + r.failure());
        }
      }
    } finally {
      instances.forEach(AppInstance::destroy);
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
    return results;
  }

  private static InetSocketAddress address(String url) {
    URI u = URI.create(url);
    return new InetSocketAddress(u.getHost(), u.getPort());
  }

  /** One run: fresh topics, two instances, the feed, one fault, the oracle's verdict. */
  private final class Run {
    final LocalPlatform platform;
    final Forwarder registryPath;
    final Fault fault;
    final int n;
    final SplittableRandom random;
    final NinesConfig config;
    final String group;
    final RestSchemaRegistryClient registry;
    final AnyAvroSerializer serializer;
    final Map<String, long[]> expected = new ConcurrentHashMap<>();
    final Set<String> badKeys = ConcurrentHashMap.newKeySet();
    final AtomicLong sent = new AtomicLong();
    final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    volatile boolean feeding = true;

    Run(
        LocalPlatform platform,
        Forwarder registryPath,
        Fault fault,
        int n,
        SplittableRandom random) {
      this.platform = platform;
      this.registryPath = registryPath;
      this.fault = fault;
      this.n = n;
      this.random = random;
      String prefix = "faults-" + fault.id + "-" + n + "-" + System.currentTimeMillis() + ".";
      Map<String, String> s = new TreeMap<>(options.settings());
      s.put("topics.prefix", prefix);
      s.put("application.id", prefix + "app");
      s.put("topics.replication.factor", Integer.toString(NODES));
      // the cluster is external to the instances, as it is here: no embedded-broker checks
      s.put("bootstrap.servers", platform.bootstrapServers());
      s.put("schema.registry.url", platform.schemaRegistryUrl());
      this.config = ConfigLoader.load(Optional.empty(), Map.of(), s);
      this.group = config.streams().applicationId();
      this.registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
      this.serializer = new AnyAvroSerializer(registry);
    }

    Result call() throws Exception {
      Map<String, Object> clients = new HashMap<>(platform.clientOverrides());
      clients.put("bootstrap.servers", platform.bootstrapServers());
      try (Admin admin = Admin.create(clients)) {
        for (int attempt = 1; ; attempt++) {
          try {
            TopicManager.ensure(admin, Topics.ALL, config.topics());
            break;
          } catch (IllegalStateException e) {
            // metadata of new topics reaches every node of the cluster a moment later
            if (attempt == 5) {
              throw e;
            }
            Thread.sleep(2_000);
          }
        }
        Map<String, String> s = new TreeMap<>(options.settings());
        s.put("topics.prefix", config.topics().prefix());
        s.put("application.id", group);
        s.put("topics.replication.factor", Integer.toString(NODES));
        Path jar = fault == Fault.UPGRADE ? options.previousJar() : options.jar();
        for (int i = 1; i <= 2; i++) {
          Path dir = options.workDir().resolve(fault.id + "-" + n + "-instance-" + i);
          instances.add(
              new AppInstance(
                      "instance-" + i, dir, jar, platform.bootstrapServers(), registryPath.url(), s)
                  .start());
        }
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
          seedPlans(producer);
          awaitUntil(
              () -> FailoverBenchmark.owners(admin, group).size() == 2,
              "both instances owning partitions");
          long feedStart = System.nanoTime();
          Thread feeder = new Thread(() -> feed(producer, feedStart), "bench-feed");
          feeder.start();
          long faultAt = (long) (options.feed().toNanos() * (0.25 + 0.2 * random.nextDouble()));
          TimeUnit.NANOSECONDS.sleep(Math.max(0, feedStart + faultAt - System.nanoTime()));
          double recovery = strike(admin);
          // the feed goes on for a few seconds after the fault, however long it took
          long until =
              Math.max(
                  feedStart + options.feed().toNanos(), System.nanoTime() + AFTER_FAULT.toNanos());
          TimeUnit.NANOSECONDS.sleep(Math.max(0, until - System.nanoTime()));
          feeding = false;
          feeder.join();
          endOfInput(producer);
          producer.flush();
          if (sendFailure.get() != null) {
            throw new IllegalStateException("the producer failed: " + sendFailure.get());
          }
          awaitThrough(admin, clients);
          return verdict(clients, recovery);
        } finally {
          for (AppInstance i : instances) {
            i.stop();
          }
          deleteTopics(admin);
        }
      }
    }

    KafkaProducer<byte[], byte[]> producer() {
      Map<String, Object> p = new HashMap<>(platform.clientOverrides());
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    byte[] avro(String topic, Object value) {
      return serializer.serialize(config.topics().prefix() + topic, value);
    }

    void seedPlans(KafkaProducer<byte[], byte[]> producer) throws Exception {
      Instant from = Instant.now().minus(Duration.ofHours(1));
      String topic = config.topics().name(Topics.ROUTE_PLANS);
      List<String> countries = new ArrayList<>(COUNTRIES);
      countries.add(END_ROUTE);
      for (String country : countries) {
        List<RouteCarrier> carriers =
            country.equals(END_ROUTE)
                ? List.of(new RouteCarrier("end", 1, true, 0, false))
                : List.of(
                    new RouteCarrier(CARRIERS.get(0), 50, true, 0, false),
                    new RouteCarrier(CARRIERS.get(1), 30, true, 0, false),
                    new RouteCarrier(CARRIERS.get(2), 20, true, 0, false));
        RoutePlan plan = new RoutePlan(country, Channel.SMS, carriers, null, from);
        producer
            .send(
                new ProducerRecord<>(
                    topic,
                    null,
                    from.toEpochMilli(),
                    (country + ":SMS").getBytes(StandardCharsets.UTF_8),
                    avro(Topics.ROUTE_PLANS.name(), plan)))
            .get();
      }
    }

    /** Receipts at the rate, event time = wall time; a probe on each partition now and then. */
    void feed(KafkaProducer<byte[], byte[]> producer, long start) {
      String receipts = config.topics().name(Topics.DELIVERY_RECEIPTS);
      String probes = config.topics().name(Topics.PROBE_RESULTS);
      int probePartitions = config.topics().partitions();
      long window = config.health().windowSize().toMillis();
      SplittableRandom r = random.split();
      long seq = 0;
      long probeSeq = 0;
      try {
        while (feeding) {
          long due = (System.nanoTime() - start) * options.ratePerSecond() / 1_000_000_000L;
          long now = System.currentTimeMillis();
          for (; seq < due; seq++) {
            String key = "m-" + n + "-" + seq;
            if (seq % BAD_EVERY == BAD_EVERY - 1) {
              String badKey = "bad-" + seq;
              byte[] value =
                  (seq / BAD_EVERY) % 2 == 0
                      ? ("not avro " + seq).getBytes(StandardCharsets.UTF_8)
                      : avro(
                          Topics.DELIVERY_RECEIPTS.name(), receipt(badKey, "US", "", true, now, r));
              producer.send(
                  new ProducerRecord<>(
                      receipts, null, now, badKey.getBytes(StandardCharsets.UTF_8), value),
                  (md, e) -> {
                    if (e != null) {
                      sendFailure.compareAndSet(null, e);
                    } else {
                      badKeys.add(badKey);
                    }
                  });
            } else {
              String country = COUNTRIES.get(r.nextInt(COUNTRIES.size()));
              double pick = r.nextDouble();
              String carrier = CARRIERS.get(pick < 0.5 ? 0 : pick < 0.8 ? 1 : 2);
              boolean delivered = r.nextDouble() < 0.95;
              DeliveryReceipt receipt = receipt(key, country, carrier, delivered, now, r);
              String windowKey = country + ":SMS:" + carrier + "@" + (now - now % window);
              producer.send(
                  new ProducerRecord<>(
                      receipts,
                      null,
                      now,
                      key.getBytes(StandardCharsets.UTF_8),
                      avro(Topics.DELIVERY_RECEIPTS.name(), receipt)),
                  (md, e) -> {
                    if (e != null) {
                      sendFailure.compareAndSet(null, e);
                    } else {
                      long[] c = expected.computeIfAbsent(windowKey, k -> new long[2]);
                      synchronized (c) {
                        c[0]++;
                        c[1] += delivered ? 1 : 0;
                      }
                    }
                  });
            }
            sent.incrementAndGet();
          }
          // a probe every 100 ms, round the partitions: the probe partitions' time moves too
          long probesDue = (System.nanoTime() - start) / 100_000_000L;
          for (; probeSeq < probesDue; probeSeq++) {
            ProbeResult probe =
                ProbeResult.newBuilder()
                    .setProbeId("p-" + n + "-" + probeSeq)
                    .setCheck("sms-send")
                    .setService(Service.SMS)
                    .setRegion("us-east")
                    .setVantage("v1")
                    .setSuccess(true)
                    .setLatencyMs(900L)
                    .setObservedAt(Instant.ofEpochMilli(now))
                    .build();
            producer.send(
                new ProducerRecord<>(
                    probes,
                    (int) (probeSeq % probePartitions),
                    now,
                    probe.getProbeId().getBytes(StandardCharsets.UTF_8),
                    avro(Topics.PROBE_RESULTS.name(), probe)),
                (md, e) -> {
                  if (e != null) {
                    sendFailure.compareAndSet(null, e);
                  }
                });
          }
          Thread.sleep(2);
        }
      } catch (Exception e) {
        sendFailure.compareAndSet(null, e);
      }
    }

    DeliveryReceipt receipt(
        String id, String country, String carrier, boolean delivered, long at, SplittableRandom r) {
      Instant completed = Instant.ofEpochMilli(at);
      return DeliveryReceipt.newBuilder()
          .setMessageId(id)
          .setAccountId("acc-" + r.nextInt(50))
          .setChannel(Channel.SMS)
          .setCarrierId(carrier)
          .setCountry(country)
          .setRegion("us-east")
          .setStatus(delivered ? DeliveryStatus.DELIVERED : DeliveryStatus.FAILED)
          .setFailureCause(delivered ? FailureCause.NONE : FailureCause.CARRIER)
          .setErrorCode(delivered ? null : "carrier-timeout")
          .setSubmittedAt(completed.minusMillis(200 + r.nextInt(1800)))
          .setCompletedAt(completed)
          .build();
    }

    /**
     * A receipt for the end route and a probe, ten minutes later, on every partition: every
     * window of the feed closes (the end route's own never does).
     */
    void endOfInput(KafkaProducer<byte[], byte[]> producer) throws Exception {
      // (brokers refuse timestamps more than message.timestamp.after.max.ms, 1 h, ahead)
      Instant at = Instant.now().plus(Duration.ofMinutes(10));
      for (int p = 0; p < config.topics().partitions(); p++) {
        DeliveryReceipt receipt =
            DeliveryReceipt.newBuilder()
                .setMessageId("end-" + p)
                .setAccountId("bench")
                .setChannel(Channel.SMS)
                .setCarrierId("end")
                .setCountry(END_ROUTE)
                .setRegion("nowhere")
                .setStatus(DeliveryStatus.DELIVERED)
                .setFailureCause(FailureCause.NONE)
                .setSubmittedAt(at)
                .setCompletedAt(at)
                .build();
        producer
            .send(
                new ProducerRecord<>(
                    config.topics().name(Topics.DELIVERY_RECEIPTS),
                    p,
                    at.toEpochMilli(),
                    ("end-" + p).getBytes(StandardCharsets.UTF_8),
                    avro(Topics.DELIVERY_RECEIPTS.name(), receipt)))
            .get();
        ProbeResult probe =
            ProbeResult.newBuilder()
                .setProbeId("end-" + p)
                .setCheck("end")
                .setService(Service.SMS)
                .setRegion("nowhere")
                .setVantage("bench")
                .setSuccess(true)
                .setObservedAt(at)
                .build();
        producer
            .send(
                new ProducerRecord<>(
                    config.topics().name(Topics.PROBE_RESULTS),
                    p,
                    at.toEpochMilli(),
                    ("end-" + p).getBytes(StandardCharsets.UTF_8),
                    avro(Topics.PROBE_RESULTS.name(), probe)))
            .get();
      }
    }

    /** Strikes this run's fault; returns seconds until the affected partitions move again. */
    double strike(Admin admin) throws Exception {
      Set<TopicPartition> inputs = inputPartitions(admin);
      switch (fault) {
        case BROKER_KILL -> {
          int node = 1 + random.nextInt(NODES);
          long t = System.nanoTime();
          platform.kafka().killNode(node);
          var at = FailoverBenchmark.settledOffsets(admin, group, inputs);
          double s =
              FailoverBenchmark.awaitRecovered(admin, group, inputs, at, t, options.timeout());
          platform.kafka().startNode(node);
          return s;
        }
        case INSTANCE_PAUSE -> {
          var owners = FailoverBenchmark.owners(admin, group);
          AppInstance victim = victim(owners);
          Set<TopicPartition> moved = only(owners.get(victim.name), inputs);
          long t = System.nanoTime();
          victim.pause();
          try {
            var at = FailoverBenchmark.settledOffsets(admin, group, moved);
            awaitUntil(
                () -> !FailoverBenchmark.owners(admin, group).containsKey(victim.name),
                "the paused instance out of the group");
            out.printf(
                Locale.ROOT,
                "  %s paused; out of the group after %.1f s%n",
                victim.name,
                (System.nanoTime() - t) / 1e9);
            return FailoverBenchmark.awaitRecovered(admin, group, moved, at, t, options.timeout());
          } finally {
            TimeUnit.NANOSECONDS.sleep(Math.max(0, t + PAUSE.toNanos() - System.nanoTime()));
            victim.resume();
          }
        }
        case REGISTRY_OUTAGE -> {
          long t = System.nanoTime();
          registryPath.shut();
          for (AppInstance i : instances) {
            i.kill();
          }
          var at = FailoverBenchmark.settledOffsets(admin, group, inputs);
          for (AppInstance i : instances) {
            i.start();
          }
          TimeUnit.NANOSECONDS.sleep(Math.max(0, t + OUTAGE.toNanos() - System.nanoTime()));
          registryPath.open();
          return FailoverBenchmark.awaitRecovered(admin, group, inputs, at, t, options.timeout());
        }
        case UPGRADE -> {
          // the upgrade as the changelog prescribes when the topology changed between
          // releases: stop every instance, then start the new version on the same state (in a
          // mixed group the new instances' threads fail on the old topology's tasks)
          long t = System.nanoTime();
          for (AppInstance i : instances) {
            i.stop();
          }
          var at = FailoverBenchmark.settledOffsets(admin, group, inputs);
          for (AppInstance i : instances) {
            i.useJar(options.jar());
            i.start();
          }
          return FailoverBenchmark.awaitRecovered(admin, group, inputs, at, t, options.timeout());
        }
        default -> throw new IllegalStateException(fault.toString());
      }
    }

    AppInstance victim(Map<String, Set<TopicPartition>> owners) {
      List<AppInstance> candidates =
          instances.stream().filter(i -> owners.containsKey(i.name)).toList();
      return candidates.get(random.nextInt(candidates.size()));
    }

    Set<TopicPartition> inputPartitions(Admin admin) throws Exception {
      Set<TopicPartition> s = new HashSet<>();
      List<String> names = Topics.INPUTS.stream().map(config.topics()::name).toList();
      for (var d : admin.describeTopics(names).allTopicNames().get().values()) {
        d.partitions().forEach(p -> s.add(new TopicPartition(d.name(), p.partition())));
      }
      return s;
    }

    Set<TopicPartition> only(Set<TopicPartition> owned, Set<TopicPartition> inputs) {
      Set<TopicPartition> s = new HashSet<>(owned);
      s.retainAll(inputs);
      return s;
    }

    void awaitThrough(Admin admin, Map<String, Object> clients) throws Exception {
      Offsets offsets = new Offsets(admin);
      List<String> topics =
          new ArrayList<>(Topics.INPUTS.stream().map(config.topics()::name).toList());
      awaitUntil(
          () -> {
            List<String> all = new ArrayList<>(topics);
            all.addAll(offsets.repartitionTopics(group));
            return offsets.through(group, all, clients);
          },
          "the app through every record");
    }

    Result verdict(Map<String, Object> clients, double recovery) throws Exception {
      var health = Topics.CARRIER_HEALTH.valueSerde(registry).deserializer();
      List<Window> seen = new ArrayList<>();
      for (var rec : readAll(clients, config.topics().name(Topics.CARRIER_HEALTH))) {
        CarrierHealth h = health.deserialize(rec.topic(), rec.value());
        if (!h.getCountry().equals(END_ROUTE)) {
          seen.add(
              new Window(
                  h.getCountry()
                      + ":"
                      + h.getChannel()
                      + ":"
                      + h.getCarrierId()
                      + "@"
                      + h.getWindowStart().toEpochMilli(),
                  h.getAttempts(),
                  h.getDelivered()));
        }
      }
      Tally tally = tally(expected, seen);
      Map<String, Integer> dead = new HashMap<>();
      for (var rec : readAll(clients, config.topics().name(Topics.DEAD_LETTERS))) {
        String key = rec.key() == null ? "(no key)" : new String(rec.key(), StandardCharsets.UTF_8);
        dead.merge(key, 1, Integer::sum);
      }
      long badLost = badKeys.stream().filter(k -> !dead.containsKey(k)).count();
      long badDoubled =
          dead.entrySet().stream()
              .filter(e -> badKeys.contains(e.getKey()))
              .mapToLong(e -> e.getValue() - 1)
              .sum();
      long valid =
          dead.entrySet().stream()
              .filter(e -> !badKeys.contains(e.getKey()))
              .mapToLong(Map.Entry::getValue)
              .sum();
      long deadLetters = dead.values().stream().mapToLong(Integer::longValue).sum();
      long lateDrops = 0;
      for (AppInstance i : instances) {
        try (var lines = Files.lines(i.dir.resolve("app.log"))) {
          lateDrops += lines.filter(l -> l.contains("closed by the watermarks")).count();
        }
      }
      return new Result(
          fault,
          n,
          sent.get(),
          badKeys.size(),
          tally.counted(),
          tally.lost(),
          tally.doubled(),
          deadLetters,
          badLost,
          badDoubled,
          valid,
          lateDrops,
          recovery,
          null);
    }

    List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, Object> clients, String topic) {
      List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
      try (var consumer =
          CommittedReader.fromBeginning(clients, topic, new ByteArrayDeserializer())) {
        List<TopicPartition> parts = List.copyOf(consumer.assignment());
        Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
        long deadline = System.nanoTime() + options.timeout().toNanos();
        while (parts.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("cannot read " + topic + " to its end");
          }
          consumer.poll(Duration.ofMillis(200)).forEach(all::add);
        }
      }
      return all;
    }

    void deleteTopics(Admin admin) {
      try {
        String prefix = config.topics().prefix();
        List<String> mine =
            admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(prefix) || t.startsWith(group + "-"))
                .toList();
        admin.deleteTopics(mine).all().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        out.println("benchmark: could not delete the topics of " + group + ": " + e);
      }
    }

    void awaitUntil(Check condition, String what) throws Exception {
      long deadline = System.nanoTime() + options.timeout().toNanos();
      Exception last = null;
      while (true) {
        try {
          if (condition.holds()) {
            return;
          }
        } catch (Exception e) {
          last = e; // e.g. the group does not exist yet
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "no "
                  + what
                  + " within "
                  + options.timeout().toSeconds()
                  + " s"
                  + (last == null ? "" : " (" + last + ")")
                  + "; instance logs in "
                  + options.workDir());
        }
        for (AppInstance i : instances) {
          i.requireAliveIfStarted();
        }
        Thread.sleep(100);
      }
    }
  }

  /** One carrier-health record: its carrier and window, and what it counted. */
  record Window(String key, long attempts, long delivered) {}

  /** Receipts counted in the windows, and those lost or counted more than once. */
  record Tally(long counted, long lost, long doubled) {}

  /**
   * The oracle's verdict on the carrier-health windows. {@code expected}: per window key,
   * {attempts, delivered} of the valid receipts sent. A window missing loses its receipts; a
   * window written twice doubles its receipts; a count off either way loses or doubles the
   * difference; a receipt in the right window with the wrong outcome is one lost and one doubled.
   */
  static Tally tally(Map<String, long[]> expected, List<Window> seen) {
    Map<String, Window> first = new HashMap<>();
    long counted = 0;
    long lost = 0;
    long doubled = 0;
    for (Window w : seen) {
      counted += w.attempts();
      if (first.putIfAbsent(w.key(), w) != null) {
        doubled += w.attempts();
      }
    }
    for (var e : expected.entrySet()) {
      long attempts = e.getValue()[0];
      long delivered = e.getValue()[1];
      Window got = first.getOrDefault(e.getKey(), new Window(e.getKey(), 0, 0));
      lost += Math.max(0, attempts - got.attempts());
      doubled += Math.max(0, got.attempts() - attempts);
      long wrongOutcome =
          Math.abs(delivered - got.delivered()) - Math.abs(attempts - got.attempts());
      if (wrongOutcome > 0) {
        lost += wrongOutcome;
        doubled += wrongOutcome;
      }
    }
    for (Window w : first.values()) {
      if (!expected.containsKey(w.key())) {
        doubled += w.attempts();
      }
    }
    return new Tally(counted, lost, doubled);
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  /** The table of BENCHMARKS.md: one row per fault. */
  public static void table(List<Result> results, int rate, PrintStream out) {
    out.printf(
        "%n| fault | runs | receipts in | counted + dead letters out | lost | doubled "
            + "| valid dead-lettered | late drops logged | recovery p50 | recovery p99 | failed runs "
            + "|%n|---|---|---|---|---|---|---|---|---|---|---|%n");
    Map<Fault, List<Result>> by = new TreeMap<>();
    results.forEach(r -> by.computeIfAbsent(r.fault(), k -> new ArrayList<>()).add(r));
    by.forEach(
        (f, rs) -> {
          List<Double> rec =
              rs.stream().map(Result::recoverySeconds).filter(d -> !d.isNaN()).toList();
          out.printf(
              Locale.ROOT,
              "| %s | %d | %,d | %,d | %d | %d | %d | %d | %.2f s | " + "%.2f s | %d |%n",
              f.id,
              rs.size(),
              rs.stream().mapToLong(Result::sent).sum(),
              rs.stream().mapToLong(r -> r.counted() + r.deadLetters()).sum(),
              rs.stream().mapToLong(r -> r.lost() + r.badLost()).sum(),
              rs.stream().mapToLong(r -> r.doubled() + r.badDoubled()).sum(),
              rs.stream().mapToLong(Result::validDeadLettered).sum(),
              rs.stream().mapToLong(Result::lateDrops).sum(),
              rec.isEmpty() ? Double.NaN : ReactionBenchmark.quantile(rec, 0.50),
              rec.isEmpty() ? Double.NaN : ReactionBenchmark.quantile(rec, 0.99),
              rs.stream().filter(r -> !r.clean()).count());
        });
  }
}
