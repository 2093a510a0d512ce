package dev.nines.reliability;

import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.SchemaRegistryClient;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.SimSink;
import dev.nines.simulate.Simulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The simulator's history, generated once into memory and then produced into a run's input
 * topics at a fixed multiple of event time ({@code speed} simulated seconds per wall second),
 * as a live feed would arrive. Every run of a test gets the very same records (topic, key,
 * value, timestamp, order), so their outputs can be compared record for record.
 *
 * <p>Why paced and not all at once: the faults must land while input is still arriving (a
 * "long simulated run"), and a feed that outruns the app would turn every run into a catch-up,
 * whose interleaving of partitions is the least deterministic case (docs/guarantees.md, "What is deterministic"). A speed of
 * {@link Double#POSITIVE_INFINITY} writes everything at once, for a fault-free reference whose
 * compared outputs depend on event time only.
 */
final class PacedFeed implements AutoCloseable {
  /** One simulated record, as the simulator emitted it (contract topic name, no prefix). */
  record Sent(String topic, String key, SpecificRecord value, long timestampMs) {}

  /** Reference data at {@code origin}, then every receipt and probe of [origin, end). */
  static List<Sent> generate(String scenarioYaml, long seed, Instant origin, Instant end) {
    List<Sent> out = new ArrayList<>();
    SimSink sink = (topic, key, value, ts) -> out.add(new Sent(topic, key, value, ts));
    Simulator sim = new Simulator(Scenario.parse(scenarioYaml), seed);
    sim.seed(sink, origin);
    sim.history(sink, origin, end);
    return List.copyOf(out);
  }

  private final List<Sent> records;
  private final String prefix;
  private final long originMs;
  private final double speed;
  private final KafkaProducer<String, Object> producer;
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long finishedAtNanos;

  PacedFeed(
      String bootstrapServers,
      SchemaRegistryClient registry,
      List<Sent> records,
      String prefix,
      Instant origin,
      double speed) {
    this.records = records;
    this.prefix = prefix;
    this.originMs = origin.toEpochMilli();
    this.speed = speed;
    // idempotent and acks=all: a broker stopped mid-run must not lose or double input either,
    // or the comparison with the fault-free run would blame the app for the feed
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024),
            new StringSerializer(),
            new AnyAvroSerializer(registry));
    this.thread = new Thread(this::feed, "paced-feed-" + prefix);
    this.thread.setDaemon(true);
  }

  PacedFeed start() {
    thread.start();
    return this;
  }

  private void feed() {
    long t0 = System.nanoTime();
    for (Sent s : records) {
      if (!running) {
        return;
      }
      long due = t0 + (long) ((s.timestampMs() - originMs) * 1_000_000L / speed);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        // pacing a producer to a rate, not waiting for a condition
        LockSupport.parkNanos(wait);
      }
      producer.send(
          new ProducerRecord<>(prefix + s.topic(), null, s.timestampMs(), s.key(), s.value()),
          (md, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          });
      sent.incrementAndGet();
    }
    producer.flush();
    finishedAtNanos = System.nanoTime();
  }

  /** Share of the records handed to the producer, 0 to 1. */
  double progress() {
    return (double) sent.get() / records.size();
  }

  /** Every record was produced and acknowledged; throws if the producer failed one. */
  boolean done() {
    Exception e = failure.get();
    if (e != null) {
      throw new AssertionError("the feed could not produce a record", e);
    }
    return finishedAtNanos != 0;
  }

  int size() {
    return records.size();
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(30));
  }
}
