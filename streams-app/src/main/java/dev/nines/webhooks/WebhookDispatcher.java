package dev.nines.webhooks;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Incident;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.serde.SchemaRegistryClient;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers incidents and error-budget alerts to the configured endpoints, each in its receiver's
 * format ({@link Format}), retrying with backoff.
 *
 * <p><b>Where deliveries come from.</b> Not from the stream processors (a slow receiver would
 * stall processing, and a task re-processed after a crash would post again), but from plain
 * consumers of the committed outputs (read_committed). The URLs of {@code webhooks.urls} share
 * one consumer of {@code incidents} in the group {@code <application.id>-webhooks}; each named
 * endpoint ({@code webhooks.endpoint.<name>.*}) has its own consumer of {@code incidents} and
 * {@code error-budget-alerts} in the group {@code <application.id>-webhooks-<name>}, so that an
 * endpoint that fails for long holds back only itself. Every instance runs them; a group gives
 * each partition to one instance. The offset is committed after the record was delivered (or
 * given up), so after a crash, restart or rebalance the records since the last commit are sent
 * again: delivery is at-least-once, and each format carries a key that stays the same on every
 * copy (nines: {@code X-Nines-Delivery}; PagerDuty: {@code dedup_key}; Alertmanager: the
 * alert's labels and fingerprint). A new group starts at {@code webhooks.from} (default: the
 * end, so a first start does not send old history).
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final NinesConfig.Webhooks config;
  private final RetrySchedule schedule;
  private final HttpClient http;
  private final String baseUrl;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final List<Worker> workers = new ArrayList<>();
  private final List<EndpointState> endpoints = new ArrayList<>();
  private final AtomicLong errors = new AtomicLong();
  private volatile Problem lastProblem;

  /** With links to the API at the configured host and port. */
  public WebhookDispatcher(NinesConfig config, Platform platform, SchemaRegistryClient registry) {
    this(
        config,
        platform,
        registry,
        "http://" + config.api().advertisedHost() + ":" + config.api().port() + "/");
  }

  /**
   * @param baseUrl the API's URL, ending in a slash: the links in notifications point there
   */
  public WebhookDispatcher(
      NinesConfig config, Platform platform, SchemaRegistryClient registry, String baseUrl) {
    this.config = config.webhooks();
    this.baseUrl = baseUrl;
    this.schedule =
        new RetrySchedule(
            this.config.attempts(), this.config.initialBackoff(), this.config.maxBackoff());
    this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
    String incidents = config.topics().name(Topics.INCIDENTS);
    String alerts = config.topics().name(Topics.ERROR_BUDGET_ALERTS);
    String maintenance = config.topics().name(Topics.MAINTENANCE_WINDOWS);
    Deserializer<Object> values =
        values(
            Map.of(
                incidents,
                Topics.INCIDENTS.valueSerde(registry).deserializer(),
                alerts,
                Topics.ERROR_BUDGET_ALERTS.valueSerde(registry).deserializer(),
                maintenance,
                Topics.MAINTENANCE_WINDOWS.valueSerde(registry).deserializer()));
    List<EndpointState> legacy = new ArrayList<>();
    for (int i = 0; i < this.config.urls().size(); i++) {
      legacy.add(
          new EndpointState(
              new Endpoint(
                  "url-" + (i + 1),
                  this.config.urls().get(i),
                  Format.NINES,
                  this.config.secret().value(),
                  new Filter(
                      Set.of(),
                      Set.of(),
                      Set.of(
                          Notification.Kind.INCIDENT_OPENED, Notification.Kind.INCIDENT_RESOLVED),
                      Notification.Severity.INFO))));
    }
    if (!legacy.isEmpty()) {
      workers.add(
          new Worker(
              "webhooks",
              groupId(config),
              List.of(incidents),
              null,
              legacy,
              platform,
              config,
              values));
      endpoints.addAll(legacy);
    }
    for (NinesConfig.WebhookEndpoint e : this.config.endpoints()) {
      EndpointState state = new EndpointState(endpoint(e));
      boolean wantsMaintenance = wantsMaintenance(state.endpoint);
      workers.add(
          new Worker(
              "webhooks-" + e.name(),
              groupId(config) + "-" + e.name(),
              wantsMaintenance
                  ? List.of(incidents, alerts, maintenance)
                  : List.of(incidents, alerts),
              wantsMaintenance ? maintenance : null,
              List.of(state),
              platform,
              config,
              values));
      endpoints.add(state);
    }
    workers.forEach(w -> w.thread.start());
  }

  /** An endpoint of the configuration, with its format and filter typed. */
  static Endpoint endpoint(NinesConfig.WebhookEndpoint e) {
    Set<Notification.Kind> kinds = new TreeSet<>();
    e.events().forEach(ev -> kinds.add(Notification.Kind.ofEvent(ev)));
    return new Endpoint(
        e.name(),
        e.url(),
        Format.of(e.format()),
        e.secret().value(),
        new Filter(
            e.services(),
            e.regions(),
            kinds,
            Notification.Severity.valueOf(e.minSeverity().toUpperCase(Locale.ROOT))));
  }

  /** Whether an endpoint's filter lets any maintenance notification through. */
  static boolean wantsMaintenance(Endpoint e) {
    Filter f = e.filter();
    return f.minSeverity() == Notification.Severity.INFO
        && (f.kinds().isEmpty() || f.kinds().stream().anyMatch(Notification.Kind::maintenance));
  }

  /** One deserializer for every topic: the value type depends on where the record came from. */
  private static Deserializer<Object> values(Map<String, Deserializer<?>> byTopic) {
    return (topic, bytes) -> {
      Deserializer<?> d = byTopic.get(topic);
      if (d == null) {
        throw new IllegalStateException("webhooks: no value type for topic " + topic);
      }
      return bytes == null ? null : d.deserialize(topic, bytes);
    };
  }

  /** The group of the webhooks.urls consumer; named endpoints' groups add "-<name>". */
  public static String groupId(NinesConfig config) {
    return config.streams().applicationId() + "-webhooks";
  }

  public long delivered() {
    return endpoints.stream().mapToLong(e -> e.delivered.get()).sum();
  }

  public long failed() {
    return endpoints.stream().mapToLong(e -> e.gaveUp.get()).sum();
  }

  /** Errors of the dispatcher itself (not of receivers): each restarted its consumer. */
  public long errors() {
    return errors.get();
  }

  /** Each endpoint's counts, for /metrics and /ready. */
  public List<EndpointStatus> endpoints() {
    return endpoints.stream().map(EndpointState::status).toList();
  }

  /**
   * One endpoint's deliveries.
   *
   * @param failing its last notification was given up after every attempt (it stays so until
   *     one is delivered): a receiver that is down or refuses nines' requests
   */
  public record EndpointStatus(
      String name, String format, long delivered, long gaveUp, boolean failing) {}

  private static final class EndpointState {
    final Endpoint endpoint;
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong gaveUp = new AtomicLong();
    volatile boolean failing;

    EndpointState(Endpoint endpoint) {
      this.endpoint = endpoint;
    }

    EndpointStatus status() {
      return new EndpointStatus(
          endpoint.name(), endpoint.format().configName(), delivered.get(), gaveUp.get(), failing);
    }
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
    boolean running = closing.getCount() > 0 && workers.stream().allMatch(w -> w.thread.isAlive());
    return new Status(
        running,
        delivered(),
        failed(),
        errors.get(),
        p == null ? null : p.text(),
        p == null ? null : p.at());
  }

  private record Problem(String text, Instant at) {}

  /** One consumer group: its topics, the endpoints it delivers to, and its thread. */
  private final class Worker {
    final String group;
    final List<String> topics;
    final String maintenanceTopic;
    final List<EndpointState> targets;
    final Map<String, Object> consumerConfig;
    final Deserializer<Object> values;
    final Thread thread;
    volatile KafkaConsumer<String, Object> consumer;

    Worker(
        String threadName,
        String group,
        List<String> topics,
        String maintenanceTopic,
        List<EndpointState> targets,
        Platform platform,
        NinesConfig nines,
        Deserializer<Object> values) {
      this.group = group;
      this.topics = topics;
      this.maintenanceTopic = maintenanceTopic;
      this.targets = targets;
      this.values = values;
      Map<String, Object> c = new HashMap<>(platform.clientOverrides());
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
      c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
      c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, nines.webhooks().startFrom());
      c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
      // one record may take every attempt to every endpoint; the group must not evict us
      long worst = schedule.worstCase(config.timeout()).toMillis() * Math.max(1, targets.size());
      c.put(
          ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
          (int) Math.min(Integer.MAX_VALUE, worst + 60_000));
      this.consumerConfig = c;
      this.thread = new Thread(this::loop, threadName);
      thread.setDaemon(true);
    }

    /**
     * Polls, delivers, commits; an exception (the registry or the brokers away, a failed commit)
     * closes the consumer and, after a backoff, starts a new one from the committed offsets: the
     * records since the last commit are sent again (receivers de-duplicate), none is skipped.
     */
    private void loop() {
      long backoffMs = 1_000;
      while (closing.getCount() > 0) {
        try (KafkaConsumer<String, Object> consumer =
            new KafkaConsumer<>(consumerConfig, new StringDeserializer(), values)) {
          this.consumer = consumer;
          if (closing.getCount() == 0) {
            break;
          }
          MaintenanceSchedule schedule = new MaintenanceSchedule();
          if (maintenanceTopic == null) {
            consumer.subscribe(topics);
          } else {
            consumer.subscribe(topics, new ScheduleRebalance(consumer, schedule));
          }
          while (closing.getCount() > 0) {
            for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(500))) {
              TopicPartition tp = new TopicPartition(r.topic(), r.partition());
              if (r.topic().equals(maintenanceTopic)) {
                List<Notification> ns =
                    schedule.onRecord(
                        r.partition(), r.offset(), r.key(), (MaintenanceWindow) r.value());
                deliverAll(ns);
                if (schedule.replayed(r.partition(), r.offset() + 1)) {
                  consumer.commitSync(
                      Map.of(
                          tp,
                          new OffsetAndMetadata(
                              r.offset() + 1,
                              MaintenanceSchedule.metadata(
                                  schedule.notifiedUntil(r.partition())))));
                }
                continue;
              }
              Notification n = notification(r.value());
              if (n != null) {
                deliverAll(List.of(n));
              }
              consumer.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
            }
            if (maintenanceTopic != null) {
              tick(consumer, schedule);
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
              "webhook consumer {} failed; a new consumer resumes from the last commit in {} s",
              group,
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

    /** To every target whose filter takes it, in a form its format can say. */
    private void deliverAll(List<Notification> ns) throws InterruptedException {
      for (Notification n : ns) {
        for (EndpointState e : targets) {
          if (e.endpoint.filter().accepts(n) && e.endpoint.format().carries(n.kind())) {
            deliver(e, n);
          }
        }
      }
    }

    /** Starts and ends of maintenance that fell due, per partition whose windows are complete. */
    private void tick(KafkaConsumer<String, Object> consumer, MaintenanceSchedule schedule)
        throws InterruptedException {
      long now = System.currentTimeMillis();
      for (TopicPartition tp : consumer.assignment()) {
        // the schedule knows partitions of maintenance-windows only (by number)
        if (!tp.topic().equals(maintenanceTopic)
            || !schedule.holds(tp.partition())
            || !schedule.replayed(tp.partition(), consumer.position(tp))) {
          continue;
        }
        List<Notification> due = schedule.due(tp.partition(), now);
        if (!due.isEmpty()) {
          deliverAll(due);
          // the offset stays; what moves is the instant up to which starts and ends were sent
          consumer.commitSync(
              Map.of(
                  tp,
                  new OffsetAndMetadata(consumer.position(tp), MaintenanceSchedule.metadata(now))));
        }
      }
    }

    /**
     * On assignment, each partition of maintenance-windows is read again from its start to rebuild
     * the windows (a compacted topic: one record per window), telling nothing before the committed
     * offset, and its starts and ends go on from the instant stored with that offset.
     */
    private final class ScheduleRebalance implements ConsumerRebalanceListener {
      private final KafkaConsumer<String, Object> consumer;
      private final MaintenanceSchedule schedule;

      ScheduleRebalance(KafkaConsumer<String, Object> consumer, MaintenanceSchedule schedule) {
        this.consumer = consumer;
        this.schedule = schedule;
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        List<TopicPartition> mine = new ArrayList<>();
        for (TopicPartition tp : partitions) {
          if (tp.topic().equals(maintenanceTopic)) {
            mine.add(tp);
          }
        }
        if (mine.isEmpty()) {
          return;
        }
        long now = System.currentTimeMillis();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(mine));
        Map<TopicPartition, Long> ends = consumer.endOffsets(mine);
        boolean fromStart = "earliest".equals(config.startFrom());
        for (TopicPartition tp : mine) {
          OffsetAndMetadata c = committed.get(tp);
          long replayUntil = c != null ? c.offset() : fromStart ? 0 : ends.getOrDefault(tp, 0L);
          long notified = c != null ? MaintenanceSchedule.notifiedUntil(c.metadata(), now) : now;
          schedule.assigned(tp.partition(), replayUntil, notified);
        }
        consumer.seekToBeginning(mine);
      }

      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> schedule.revoked(tp.partition()));
      }
    }
  }

  /** The notification of an output record; null for a tombstone. */
  static Notification notification(Object value) {
    if (value instanceof Incident i) {
      return Notification.of(i);
    }
    if (value instanceof ErrorBudgetAlert a) {
      return Notification.of(a);
    }
    return null;
  }

  /** Sends one notification to one endpoint, retrying per the schedule; false when it gave up. */
  boolean deliver(EndpointState state, Notification n) throws InterruptedException {
    Endpoint e = state.endpoint;
    for (int attempt = 1; attempt <= schedule.attempts(); attempt++) {
      Duration wait = schedule.delayBefore(attempt);
      if (!wait.isZero() && closing.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new InterruptedException("closing");
      }
      // rendered per attempt: the nines signature covers a fresh timestamp
      Format.Rendered r = e.format().render(n, e, baseUrl);
      HttpRequest.Builder req =
          HttpRequest.newBuilder(r.url() != null ? r.url() : e.url())
              .timeout(config.timeout())
              .header("Content-Type", "application/json")
              .header("User-Agent", "nines-webhooks");
      r.headers().forEach(req::header);
      String outcome;
      try {
        HttpResponse<Void> res =
            http.send(
                req.POST(HttpRequest.BodyPublishers.ofByteArray(r.body())).build(),
                HttpResponse.BodyHandlers.discarding());
        if (res.statusCode() / 100 == 2) {
          state.delivered.incrementAndGet();
          state.failing = false;
          return true;
        }
        outcome = "HTTP " + res.statusCode();
      } catch (IOException ex) {
        outcome = ex.getClass().getSimpleName();
      }
      // the URL may carry a token: logs name the endpoint, not the URL
      log.warn(
          "webhook {} ({}) to endpoint {} attempt {}/{} failed: {}",
          n.deliveryId(),
          n.event(),
          e.name(),
          attempt,
          schedule.attempts(),
          outcome);
    }
    state.gaveUp.incrementAndGet();
    state.failing = true;
    log.error(
        "webhook {} ({}) to endpoint {} given up after {} attempts; the endpoint is marked "
            + "failing on /metrics until a delivery succeeds",
        n.deliveryId(),
        n.event(),
        e.name(),
        schedule.attempts());
    return false;
  }

  @Override
  public void close() {
    closing.countDown();
    for (Worker w : workers) {
      KafkaConsumer<String, Object> c = w.consumer;
      if (c != null) {
        c.wakeup();
      }
    }
    for (Worker w : workers) {
      try {
        w.thread.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
