package dev.nines.webhooks;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import dev.nines.schema.Incident;
import dev.nines.serde.SchemaRegistryClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each committed incident record (OPEN and RESOLVED) as a signed JSON POST to every
 * configured URL, retrying with backoff.
 *
 * <p><b>Where deliveries come from.</b> Not from the stream processors (a slow receiver would
 * stall processing, and a task re-processed after a crash would post again), but from a plain
 * consumer of {@code incidents} (read_committed: only incidents of committed transactions) in
 * its own group, {@code <application.id>-webhooks}. Every instance runs one; the group gives
 * each partition to exactly one of them, so an incident is posted by one instance. The offset is
 * committed after the record was delivered (or given up) to every URL, so after a crash,
 * restart or rebalance the records since the last commit are posted again: delivery is
 * at-least-once, and receivers de-duplicate on {@code X-Nines-Delivery}. A new group starts at
 * {@code webhooks.from} (default: the end, so a first start does not post old history).
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final NinesConfig.Webhooks config;
  private final RetrySchedule schedule;
  private final Map<String, Object> consumerConfig;
  private final String topic;
  private final Serde<Incident> incidents;
  private volatile KafkaConsumer<String, Incident> consumer;
  private final AtomicLong errors = new AtomicLong();
  private volatile Problem lastProblem;
  private final HttpClient http;
  private final byte[] secret;
  private final Thread thread;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  public WebhookDispatcher(NinesConfig config, Platform platform, SchemaRegistryClient registry) {
    String startFrom = config.webhooks().startFrom();
    this.config = config.webhooks();
    this.schedule =
        new RetrySchedule(
            this.config.attempts(), this.config.initialBackoff(), this.config.maxBackoff());
    this.secret = this.config.secret().value().getBytes(StandardCharsets.UTF_8);
    Map<String, Object> c = new HashMap<>(platform.clientOverrides());
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(config));
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, startFrom);
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    // one record may take every attempt to every URL; the group must not evict us meanwhile
    long worst =
        schedule.worstCase(this.config.timeout()).toMillis()
            * Math.max(1, this.config.urls().size());
    c.put(
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        (int) Math.min(Integer.MAX_VALUE, worst + 60_000));
    this.consumerConfig = c;
    this.topic = config.topics().name(Topics.INCIDENTS);
    this.incidents = Topics.INCIDENTS.valueSerde(registry);
    this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
    this.thread = new Thread(this::loop, "webhook-dispatcher");
    thread.setDaemon(true);
    thread.start();
  }

  /** The dispatcher's consumer group: the ACL table of docs/security.md grants it Read. */
  public static String groupId(NinesConfig config) {
    return config.streams().applicationId() + "-webhooks";
  }

  public long delivered() {
    return delivered.get();
  }

  public long failed() {
    return failed.get();
  }

  /** Errors of the dispatcher itself (not of receivers): each restarted its consumer. */
  public long errors() {
    return errors.get();
  }

  /** What /ready shows: running, or the last error if it was within the last minute. */
  public record Status(
      boolean running,
      long delivered,
      long gaveUp,
      long errors,
      String lastError,
      Instant lastErrorAt) {
    public boolean healthy(Instant now) {
      return running
          && (lastErrorAt == null || Duration.between(lastErrorAt, now).compareTo(RECENT) >= 0);
    }
  }

  static final Duration RECENT = Duration.ofSeconds(60);

  public Status status() {
    Problem p = lastProblem;
    return new Status(
        thread.isAlive() && closing.getCount() > 0,
        delivered.get(),
        failed.get(),
        errors.get(),
        p == null ? null : p.text(),
        p == null ? null : p.at());
  }

  private record Problem(String text, Instant at) {}

  /**
   * Polls, delivers, commits; an exception (the registry or the brokers away, a failed commit)
   * closes the consumer and, after a backoff, starts a new one from the committed offsets: the
   * incidents since the last commit are posted again (receivers de-duplicate), none is skipped.
   */
  private void loop() {
    long backoffMs = 1_000;
    while (closing.getCount() > 0) {
      try (KafkaConsumer<String, Incident> consumer =
          new KafkaConsumer<>(consumerConfig, new StringDeserializer(), incidents.deserializer())) {
        this.consumer = consumer;
        if (closing.getCount() == 0) {
          break;
        }
        consumer.subscribe(List.of(topic));
        while (closing.getCount() > 0) {
          for (ConsumerRecord<String, Incident> r : consumer.poll(Duration.ofMillis(500))) {
            if (r.value() != null) {
              for (URI url : config.urls()) {
                deliver(url, r.value());
              }
            }
            consumer.commitSync(
                Map.of(
                    new TopicPartition(r.topic(), r.partition()),
                    new OffsetAndMetadata(r.offset() + 1)));
          }
          backoffMs = 1_000;
        }
      } catch (WakeupException | InterruptedException e) {
        break; // closing
      } catch (RuntimeException e) {
        errors.incrementAndGet();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        // the innermost cause says what is wrong (the consumer's own message rarely does)
        lastProblem =
            new Problem(
                root == e ? e.toString() : e.getClass().getSimpleName() + ": " + root,
                Instant.now());
        log.error(
            "webhook dispatcher failed; a new consumer resumes from the last commit in " + "{} s",
            backoffMs / 1000,
            e);
        try {
          if (closing.await(backoffMs, TimeUnit.MILLISECONDS)) {
            break;
          }
        } catch (InterruptedException ie) {
          break;
        }
        backoffMs = Math.min(backoffMs * 2, 30_000);
      } finally {
        this.consumer = null;
      }
    }
  }

  /** Posts one incident to one URL, retrying per the schedule; false when it gave up. */
  boolean deliver(URI url, Incident incident) throws InterruptedException {
    byte[] body = WebhookPayload.json(incident).getBytes(StandardCharsets.UTF_8);
    String delivery = WebhookPayload.deliveryId(incident);
    for (int attempt = 1; attempt <= schedule.attempts(); attempt++) {
      Duration wait = schedule.delayBefore(attempt);
      if (!wait.isZero() && closing.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new InterruptedException("closing");
      }
      String ts = Long.toString(Instant.now().getEpochSecond());
      HttpRequest req =
          HttpRequest.newBuilder(url)
              .timeout(config.timeout())
              .header("Content-Type", "application/json")
              .header("User-Agent", "nines-webhooks")
              .header(WebhookSigner.EVENT_HEADER, WebhookPayload.event(incident))
              .header(WebhookSigner.DELIVERY_HEADER, delivery)
              .header(WebhookSigner.TIMESTAMP_HEADER, ts)
              .header(WebhookSigner.SIGNATURE_HEADER, WebhookSigner.sign(secret, ts, body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      String outcome;
      try {
        HttpResponse<Void> res = http.send(req, HttpResponse.BodyHandlers.discarding());
        if (res.statusCode() / 100 == 2) {
          delivered.incrementAndGet();
          return true;
        }
        outcome = "HTTP " + res.statusCode();
      } catch (IOException e) {
        outcome = e.getClass().getSimpleName();
      }
      // the URL may carry a token in its query: log scheme, host and path only
      log.warn(
          "webhook {} to {}://{}{} attempt {}/{} failed: {}",
          delivery,
          url.getScheme(),
          url.getAuthority(),
          url.getPath(),
          attempt,
          schedule.attempts(),
          outcome);
    }
    failed.incrementAndGet();
    log.error(
        "webhook {} to {}://{}{} given up after {} attempts",
        delivery,
        url.getScheme(),
        url.getAuthority(),
        url.getPath(),
        schedule.attempts());
    return false;
  }

  @Override
  public void close() {
    closing.countDown();
    KafkaConsumer<String, Incident> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
