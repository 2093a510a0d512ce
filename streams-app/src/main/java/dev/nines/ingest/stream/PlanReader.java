package dev.nines.ingest.stream;

import dev.nines.ingest.PlanBook;
import dev.nines.ingest.PlanCheck;
import dev.nines.ingest.PlansUnavailableException;
import dev.nines.model.EventTime;
import dev.nines.schema.RoutePlan;
import dev.nines.serde.RegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code route-plans} into a {@link PlanBook} for the receipts' admission, next to Kafka
 * Streams: every partition from the beginning, read to its end before the app starts (so a
 * replay, or a restart, judges its first receipt with every plan on the topic), then as plans
 * arrive.
 *
 * <p>Why not a global store, Kafka Streams' own tool for this: Streams refuses a topic that is
 * the source of both a global store and a table, and the routing reads the plans as a versioned
 * table; and in Kafka 4.3 a global store whose bytes cannot be read hands the dead letter to a
 * context that cannot send it (a ClassCastException that stops the global thread; apache/kafka
 * #21535). Here unreadable plan bytes are skipped: the routing's table dead-letters them.
 *
 * <p>Why a receipt the book does not know waits for a round: plans and receipts are different
 * topics, read by different consumers, so a plan written just before the first receipts of its
 * route may not be read yet when they are checked. A round fetches the end offsets after the
 * receipt asked and reads up to them, so every plan written before the receipt was processed is
 * in the book. Rounds are shared by every receipt waiting when one starts, and a route and
 * carrier found unknown after a round is judged without waiting for {@code recheck}, so a burst
 * of receipts for an unknown route costs one round, not one per receipt.
 */
public final class PlanReader implements PlanCheck.Plans, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PlanReader.class);

  /** How long one poll may block when no round is asked for; a round interrupts it. */
  private static final Duration POLL = Duration.ofMillis(500);

  /** How long the broker may hold a fetch that finds no new plan (Kafka's default: 500 ms). */
  private static final Duration ROUND_FETCH_WAIT = Duration.ofMillis(50);

  /** How often a receipt still waiting for a round says so in the log. */
  private static final Duration WAIT_LOG = Duration.ofSeconds(10);

  /** Above this many remembered unknown route/carrier pairs, the expired ones are dropped. */
  private static final int UNKNOWN_PAIRS_KEPT = 1024;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;

  /** Also the reader thread's name, e.g. {@code <app>-route-plans-reader}. */
  private final String clientId;

  private final Deserializer<RoutePlan> plans;
  private final PlanBook book;
  private final long recheckMs;
  private final Duration startTimeout;

  /** The thread is in a poll that waits for plans; only then does a round wake it. */
  private volatile boolean idle;

  private final AtomicLong requested = new AtomicLong();
  private final AtomicLong rounds = new AtomicLong();
  private final Object lock = new Object();
  private final Map<String, Long> confirmedUnknown = new ConcurrentHashMap<>();
  private long completed;
  private volatile boolean running = true;
  private volatile Throwable failure;

  /** The reader thread has ended (closed, or an Error): no round will come any more. */
  private boolean stopped;

  private List<TopicPartition> partitions = List.of();
  private Thread thread;

  /**
   * @param clientConfig bootstrap servers and security settings of the app's Kafka clients
   * @param plans reads the registry's wire format (the routing table's serde)
   */
  public PlanReader(
      Map<String, Object> clientConfig,
      String clientId,
      String topic,
      Deserializer<RoutePlan> plans,
      PlanBook book,
      Duration recheck) {
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    // no group: every instance reads every partition, and nothing is committed
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // as the Streams app reads under exactly-once: no plan of an aborted transaction
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // a round waits for the fetch in flight when it starts; the broker's default of holding an
    // empty fetch for 500 ms made every round that had a new plan to read take that long
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) ROUND_FETCH_WAIT.toMillis());
    this.consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.clientId = clientId;
    this.plans = plans;
    this.book = book;
    this.recheckMs = recheck.toMillis();
    this.startTimeout =
        Duration.ofMillis(
            Long.parseLong(
                String.valueOf(
                    c.getOrDefault(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))));
  }

  /**
   * Reads every plan on the topic now, then goes on reading in its own thread. Gives up after
   * the clients' {@code default.api.timeout.ms} (60 s unless set through {@code kafka.*}).
   */
  public PlanReader start() {
    partitions =
        consumer.partitionsFor(topic, startTimeout).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    try {
      readToEnd(startTimeout);
      log.info(
          "read route plans of {} routes from {} ({} partitions)",
          book.routes(),
          topic,
          partitions.size());
    } catch (RegistryUnavailableException e) {
      // not a reason to refuse to start: receipts wait for a round that has read every plan,
      // which the reader's thread completes once the registry answers
      log.warn(
          "route plans of {} not read yet: {}; receipts wait until they are",
          topic,
          e.getMessage());
    }
    thread = new Thread(this::run, clientId);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  @Override
  public PlanBook.Verdict verdict(String route, String carrier, long from, long to) {
    PlanBook.Verdict v = book.verdict(route, carrier, from, to);
    if (v == PlanBook.Verdict.KNOWN) {
      return v;
    }
    String pair = route + '\u0000' + carrier;
    Long confirmed = confirmedUnknown.get(pair);
    if (confirmed != null && System.currentTimeMillis() - confirmed < recheckMs) {
      return v;
    }
    awaitRound();
    v = book.verdict(route, carrier, from, to);
    if (v != PlanBook.Verdict.KNOWN) {
      long now = System.currentTimeMillis();
      if (confirmedUnknown.size() > UNKNOWN_PAIRS_KEPT) {
        confirmedUnknown.values().removeIf(t -> now - t >= recheckMs);
      }
      confirmedUnknown.put(pair, now);
    }
    return v;
  }

  /** Rounds read to the end so far (after the first, at start); for tests and the log. */
  public long rounds() {
    return rounds.get();
  }

  /** Waits until a round that started after this call has read the topic to its end. */
  private void awaitRound() {
    long ticket = requested.incrementAndGet();
    if (idle) {
      // a wakeup outside that poll would abort a round under way and start it over
      consumer.wakeup();
    }
    long started = System.nanoTime();
    long logged = started;
    synchronized (lock) {
      while (completed < ticket) {
        if (stopped || !running) {
          throw new PlansUnavailableException(
              "the route plans reader of "
                  + topic
                  + " has "
                  + "stopped"
                  + (failure == null ? "" : " (" + failure + ")")
                  + ": a receipt the plans do not know yet cannot be checked",
              failure);
        }
        try {
          lock.wait(WAIT_LOG.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PlansUnavailableException(
              "interrupted while waiting for the route plans " + "of " + topic, e);
        }
        if (completed < ticket && System.nanoTime() - logged >= WAIT_LOG.toNanos()) {
          logged = System.nanoTime();
          log.warn(
              "a receipt has waited {} s for the route plans of {} to be read to their end",
              Duration.ofNanos(logged - started).toSeconds(),
              topic);
        }
      }
    }
  }

  private void run() {
    long lastWarned = 0;
    try {
      while (running) {
        long want = requested.get();
        boolean round;
        synchronized (lock) {
          round = want > completed;
        }
        try {
          if (round) {
            long began = System.nanoTime();
            readToEnd(null);
            rounds.incrementAndGet();
            log.debug(
                "round {} read {} to its end in {} ms",
                want,
                topic,
                (System.nanoTime() - began) / 1_000_000);
            synchronized (lock) {
              completed = Math.max(completed, want);
              lock.notifyAll();
            }
          } else {
            idle = true;
            if (requested.get() <= want) {
              apply(consumer.poll(POLL));
            }
            idle = false;
          }
        } catch (WakeupException e) {
          // a receipt asked for a round, or close() did: the loop looks again
          idle = false;
        } catch (RuntimeException e) {
          // e.g. the end offsets timed out while brokers were away, or an ACL is missing for
          // now: the waiting receipts wait on, as the stream threads themselves do, and the
          // round starts over after a pause (a receipt is never judged on a stale book)
          idle = false;
          if (System.nanoTime() - lastWarned >= WAIT_LOG.toNanos()) {
            lastWarned = System.nanoTime();
            log.warn("reading route plans from {} failed ({}); trying again", topic, e.toString());
          }
          pause();
        }
      }
    } catch (Error e) {
      log.error("the route plans reader of {} stopped", topic, e);
      failure = e;
      throw e;
    } finally {
      synchronized (lock) {
        stopped = true;
        lock.notifyAll();
      }
      consumer.close(Duration.ZERO);
    }
  }

  private void pause() {
    synchronized (lock) {
      try {
        if (running) {
          lock.wait(POLL.toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  /** Reads up to the end offsets as of now. {@code timeout} null: as long as it takes. */
  private void readToEnd(Duration timeout) {
    Map<TopicPartition, Long> ends =
        timeout == null
            ? consumer.endOffsets(partitions)
            : consumer.endOffsets(partitions, timeout);
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "could not read " + topic + " to its end offsets " + ends + " within " + timeout);
      }
      apply(consumer.poll(POLL));
    }
  }

  private void apply(Iterable<ConsumerRecord<byte[], byte[]>> records) {
    Iterator<ConsumerRecord<byte[], byte[]>> it = records.iterator();
    while (it.hasNext()) {
      ConsumerRecord<byte[], byte[]> r = it.next();
      if (r.key() == null) {
        continue;
      }
      String route = new String(r.key(), StandardCharsets.UTF_8);
      if (r.value() == null) {
        // a removal: as the routing's table has it, at the tombstone's own timestamp
        book.remove(route, r.timestamp());
        continue;
      }
      RoutePlan plan;
      try {
        plan = plans.deserialize(r.topic(), r.headers(), r.value());
      } catch (RegistryUnavailableException e) {
        // not the plan's fault: read it and what follows again once the registry answers (the
        // round starts over; receipts wait for it rather than meet a book without the plan)
        Map<TopicPartition, Long> rewind = new HashMap<>();
        rewind.put(new TopicPartition(r.topic(), r.partition()), r.offset());
        it.forEachRemaining(
            x -> rewind.putIfAbsent(new TopicPartition(x.topic(), x.partition()), x.offset()));
        rewind.forEach(consumer::seek);
        throw e;
      } catch (RuntimeException e) {
        log.warn(
            "route plan at {}-{} offset {} unreadable; skipped here (the routing's table "
                + "dead-letters it): {}",
            r.topic(),
            r.partition(),
            r.offset(),
            e.toString());
        continue;
      }
      // the plan's time as the routing's versioned table reads it
      book.put(
          route,
          EventTime.of(plan, r.timestamp()),
          plan.getCarriers().stream().map(c -> c.getCarrierId()).collect(Collectors.toSet()));
    }
  }

  @Override
  public void close() {
    running = false;
    synchronized (lock) {
      lock.notifyAll();
    }
    consumer.wakeup();
    if (thread != null) {
      try {
        thread.join(Duration.ofSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      consumer.close(Duration.ZERO);
    }
  }
}
