package dev.nines.bench;

import dev.nines.NinesApp;
import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import dev.nines.platform.TopicManager;
import dev.nines.schema.CarrierState;
import dev.nines.schema.CarrierWeight;
import dev.nines.schema.Channel;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.RoutingWeights;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.AvroSerde;
import dev.nines.serde.RestSchemaRegistryClient;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How fast a failing carrier is taken out of rotation, measured in wall-clock time on the real
 * broker with the real app. A generator plays the traffic router: it sends live receipts for one
 * route with three carriers, split by the weights it reads back from routing-weights (closed
 * loop, as a router would). Each trial waits a random healthy spell, then makes one carrier
 * deliver 40 %, and measures (1) from the first bad receipt produced to the first committed
 * routing-weights record that ejects it, and (2) after the carrier is healthy again, until a
 * record gives it back its full base share.
 */
public final class ReactionBenchmark {
  public record Options(int trials, int ratePerSecond, double failingSuccess, long seed,
      Duration timeout) {}

  public record Trial(int n, String carrier, double reactionSeconds, double restoreSeconds) {}

  private static final String ROUTE = "BR:SMS";
  private static final String[] CARRIERS = {"vivo", "claro", "tim"};
  private static final int[] BASE = {5000, 3000, 2000};

  private final NinesConfig config;
  private final Platform platform;
  private final Options options;
  private final PrintStream out;
  private final Map<String, Integer> weights = new ConcurrentHashMap<>();
  private final Map<String, CarrierState> states = new ConcurrentHashMap<>();
  private final Map<String, Double> success = new ConcurrentHashMap<>();
  private final AtomicLong firstBadProducedNanos = new AtomicLong();
  private volatile String failing;
  private volatile boolean running = true;

  public ReactionBenchmark(NinesConfig config, Platform platform, Options options,
      PrintStream out) {
    this.config = config;
    this.platform = platform;
    this.options = options;
    this.out = out;
  }

  public List<Trial> run() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        platform.bootstrapServers()))) {
      TopicManager.ensure(admin, Topics.ALL, config.topics());
    }
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    for (int i = 0; i < CARRIERS.length; i++) {
      weights.put(CARRIERS[i], BASE[i]);
      success.put(CARRIERS[i], 0.99);
    }
    List<Trial> trials = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(options.seed());
    try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
            ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
            new AnyAvroSerializer(registry));
        NinesApp app = NinesApp.start(config, platform, registry)) {
      producer.send(new ProducerRecord<>(config.topics().name(Topics.ROUTE_PLANS), null,
          System.currentTimeMillis(), ROUTE, (Object) plan())).get();
      Thread generator = new Thread(() -> generate(producer, random.split()), "bench-generator");
      Thread watcher = new Thread(() -> watch(registry), "bench-watcher");
      generator.start();
      watcher.start();
      try {
        awaitUntil(() -> states.size() == CARRIERS.length, "the first routing decision");
        for (int n = 1; n <= options.trials(); n++) {
          Thread.sleep(10_000 + random.nextInt(20_000));  // a random healthy spell
          String carrier = CARRIERS[random.nextInt(CARRIERS.length)];
          firstBadProducedNanos.set(0);
          success.put(carrier, options.failingSuccess());
          failing = carrier;
          awaitUntil(() -> states.get(carrier) == CarrierState.EJECTED, carrier + " ejected");
          long ejectedAt = System.nanoTime();
          double reaction = (ejectedAt - firstBadProducedNanos.get()) / 1e9;
          success.put(carrier, 0.99);
          failing = null;
          long healthyAgain = System.nanoTime();
          int base = BASE[Arrays.asList(CARRIERS).indexOf(carrier)];
          awaitUntil(() -> states.get(carrier) == CarrierState.HEALTHY
              && weights.get(carrier) == base && allHealthy(), carrier + " restored");
          double restore = (System.nanoTime() - healthyAgain) / 1e9;
          Trial t = new Trial(n, carrier, reaction, restore);
          trials.add(t);
          out.printf("trial %2d: %-6s ejected %.2f s after the first bad receipt, "
              + "full share again %.1f s after recovery%n", n, carrier, reaction, restore);
        }
      } finally {
        running = false;
        generator.join(5_000);
        watcher.join(5_000);
      }
    }
    return trials;
  }

  private boolean allHealthy() {
    return Arrays.stream(CARRIERS).allMatch(c -> states.get(c) == CarrierState.HEALTHY);
  }

  private static RoutePlan plan() {
    List<RouteCarrier> carriers = new ArrayList<>();
    for (int i = 0; i < CARRIERS.length; i++) {
      carriers.add(new RouteCarrier(CARRIERS[i], BASE[i], true));
    }
    return new RoutePlan("BR", Channel.SMS, carriers, Instant.now());
  }

  /** Live receipts for the route at the configured rate, split by the current weights. */
  private void generate(KafkaProducer<String, Object> producer, SplittableRandom random) {
    String topic = config.topics().name(Topics.DELIVERY_RECEIPTS);
    long seq = 0;
    long periodNanos = 1_000_000_000L / options.ratePerSecond();
    long next = System.nanoTime();
    while (running) {
      String carrier = pick(random);
      boolean ok = random.nextDouble() < success.get(carrier);
      long now = System.currentTimeMillis();
      long latency = (long) Math.exp(Math.log(2000) + 0.6 * random.nextDouble(-1, 1));
      DeliveryReceipt r = DeliveryReceipt.newBuilder().setMessageId("b-" + seq++)
          .setAccountId("bench").setChannel(Channel.SMS).setCarrierId(carrier).setCountry("BR")
          .setRegion("sa-east").setStatus(ok ? DeliveryStatus.DELIVERED : DeliveryStatus.FAILED)
          .setFailureCause(ok ? FailureCause.NONE : FailureCause.CARRIER).setErrorCode(null)
          .setSubmittedAt(Instant.ofEpochMilli(now - latency))
          .setCompletedAt(Instant.ofEpochMilli(now)).build();
      producer.send(new ProducerRecord<>(topic, null, now, r.getMessageId(), (Object) r));
      if (!ok && carrier.equals(failing)) {
        firstBadProducedNanos.compareAndSet(0, System.nanoTime());
      }
      next += periodNanos;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(sleep);
      }
    }
  }

  private String pick(SplittableRandom random) {
    int total = weights.values().stream().mapToInt(Integer::intValue).sum();
    int x = random.nextInt(Math.max(1, total));
    for (String c : CARRIERS) {
      x -= weights.getOrDefault(c, 0);
      if (x < 0) {
        return c;
      }
    }
    return CARRIERS[0];
  }

  /** Applies every committed routing-weights record, as a router would. */
  private void watch(RestSchemaRegistryClient registry) {
    String topic = config.topics().name(Topics.ROUTING_WEIGHTS);
    AvroSerde<RoutingWeights> serde = Topics.ROUTING_WEIGHTS.valueSerde(registry);
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (running) {
        for (var r : consumer.poll(Duration.ofMillis(50))) {
          RoutingWeights w = serde.deserialize(topic, r.value());
          for (CarrierWeight cw : w.getCarriers()) {
            weights.put(cw.getCarrierId(), cw.getWeight());
            states.put(cw.getCarrierId(), cw.getState());
          }
        }
      }
    }
  }

  private void awaitUntil(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + options.timeout().toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("benchmark: no " + what + " within "
            + options.timeout().toSeconds() + " s");
      }
      Thread.sleep(10);
    }
  }

  /** The q-quantile (nearest rank) of the values. */
  public static double quantile(List<Double> values, double q) {
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
