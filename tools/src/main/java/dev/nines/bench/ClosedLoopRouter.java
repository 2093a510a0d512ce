package dev.nines.bench;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A traffic router in a loop with nines, for the wall-clock benchmarks: it sends live receipts
 * for one route with three carriers, split by the weights it reads back from routing-weights
 * ({@code read_committed}), as a router would. A carrier can be made to fail; the time its first
 * bad receipt was sent is kept.
 */
final class ClosedLoopRouter implements AutoCloseable {
  static final String ROUTE = "BR:SMS";
  static final String[] CARRIERS = {"vivo", "claro", "tim"};
  static final int[] BASE = {5000, 3000, 2000};
  static final double HEALTHY_SUCCESS = 0.99;

  private final NinesConfig config;
  private final Platform platform;
  private final RestSchemaRegistryClient registry;
  private final int ratePerSecond;
  private final SplittableRandom random;
  private final Map<String, Integer> weights = new ConcurrentHashMap<>();
  private final Map<String, CarrierState> states = new ConcurrentHashMap<>();
  private final Map<String, Double> success = new ConcurrentHashMap<>();
  private final List<Long> versions = new CopyOnWriteArrayList<>();
  private final AtomicLong firstBadNanos = new AtomicLong();
  private final KafkaProducer<String, Object> producer;
  private final List<Thread> threads = new ArrayList<>();
  private volatile String failing;
  private volatile boolean running = true;

  ClosedLoopRouter(
      NinesConfig config,
      Platform platform,
      RestSchemaRegistryClient registry,
      int ratePerSecond,
      SplittableRandom random) {
    this.config = config;
    this.platform = platform;
    this.registry = registry;
    this.ratePerSecond = ratePerSecond;
    this.random = random;
    for (int i = 0; i < CARRIERS.length; i++) {
      weights.put(CARRIERS[i], BASE[i]);
      success.put(CARRIERS[i], HEALTHY_SUCCESS);
    }
    Map<String, Object> p = new HashMap<>(platform.clientOverrides());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    producer = new KafkaProducer<>(p, new StringSerializer(), new AnyAvroSerializer(registry));
  }

  /** Writes the route plan, then starts sending receipts and reading the weights. */
  ClosedLoopRouter start() throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                config.topics().name(Topics.ROUTE_PLANS),
                null,
                System.currentTimeMillis(),
                ROUTE,
                (Object) plan()))
        .get();
    threads.add(new Thread(this::generate, "bench-generator"));
    threads.add(new Thread(this::watch, "bench-watcher"));
    threads.forEach(Thread::start);
    return this;
  }

  /** From now on, {@code carrier} delivers {@code successRate} of its receipts. */
  void fail(String carrier, double successRate) {
    firstBadNanos.set(0);
    success.put(carrier, successRate);
    failing = carrier;
  }

  void heal(String carrier) {
    success.put(carrier, HEALTHY_SUCCESS);
    failing = null;
  }

  /** {@link System#nanoTime} when the failing carrier's first bad receipt was sent; 0 if none. */
  long firstBadNanos() {
    return firstBadNanos.get();
  }

  CarrierState state(String carrier) {
    return states.get(carrier);
  }

  boolean decided() {
    return states.size() == CARRIERS.length;
  }

  /** Every carrier HEALTHY with its full base weight. */
  boolean allHealthyAtBase() {
    for (int i = 0; i < CARRIERS.length; i++) {
      if (states.get(CARRIERS[i]) != CarrierState.HEALTHY || weights.get(CARRIERS[i]) != BASE[i]) {
        return false;
      }
    }
    return true;
  }

  /** The versions of the route's routing-weights records, in the order they were read. */
  List<Long> versions() {
    return List.copyOf(versions);
  }

  static int base(String carrier) {
    return BASE[Arrays.asList(CARRIERS).indexOf(carrier)];
  }

  private static RoutePlan plan() {
    List<RouteCarrier> carriers = new ArrayList<>();
    for (int i = 0; i < CARRIERS.length; i++) {
      carriers.add(new RouteCarrier(CARRIERS[i], BASE[i], true, 0, false));
    }
    return new RoutePlan("BR", Channel.SMS, carriers, null, Instant.now());
  }

  /** Live receipts for the route at the configured rate, split by the current weights. */
  private void generate() {
    String topic = config.topics().name(Topics.DELIVERY_RECEIPTS);
    long seq = 0;
    long periodNanos = 1_000_000_000L / ratePerSecond;
    long next = System.nanoTime();
    while (running) {
      String carrier = pick();
      boolean ok = random.nextDouble() < success.get(carrier);
      long now = System.currentTimeMillis();
      long latency = (long) Math.exp(Math.log(2000) + 0.6 * random.nextDouble(-1, 1));
      DeliveryReceipt r =
          DeliveryReceipt.newBuilder()
              .setMessageId("b-" + seq++)
              .setAccountId("bench")
              .setChannel(Channel.SMS)
              .setCarrierId(carrier)
              .setCountry("BR")
              .setRegion("sa-east")
              .setStatus(ok ? DeliveryStatus.DELIVERED : DeliveryStatus.FAILED)
              .setFailureCause(ok ? FailureCause.NONE : FailureCause.CARRIER)
              .setErrorCode(null)
              .setSubmittedAt(Instant.ofEpochMilli(now - latency))
              .setCompletedAt(Instant.ofEpochMilli(now))
              .build();
      producer.send(new ProducerRecord<>(topic, null, now, r.getMessageId(), (Object) r));
      if (!ok && carrier.equals(failing)) {
        firstBadNanos.compareAndSet(0, System.nanoTime());
      }
      next += periodNanos;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        LockSupport.parkNanos(sleep);
      }
    }
  }

  private String pick() {
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
  private void watch() {
    String topic = config.topics().name(Topics.ROUTING_WEIGHTS);
    AvroSerde<RoutingWeights> serde = Topics.ROUTING_WEIGHTS.valueSerde(registry);
    Map<String, Object> c = new HashMap<>(platform.clientOverrides());
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    try (var consumer = CommittedReader.fromBeginning(c, topic, new StringDeserializer())) {
      while (running) {
        for (var r : consumer.poll(Duration.ofMillis(50))) {
          RoutingWeights w = serde.deserialize(topic, r.value());
          if (ROUTE.equals(w.getRouteId())) {
            versions.add(w.getVersion());
          }
          for (CarrierWeight cw : w.getCarriers()) {
            weights.put(cw.getCarrierId(), cw.getWeight());
            states.put(cw.getCarrierId(), cw.getState());
          }
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(5_000);
    }
    producer.close(Duration.ofSeconds(5));
  }
}
