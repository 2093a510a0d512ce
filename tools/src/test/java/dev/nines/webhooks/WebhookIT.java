package dev.nines.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.nines.Topics;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.TopicManager;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.Incident;
import dev.nines.schema.IncidentStatus;
import dev.nines.schema.Service;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.serde.SchemaRegistryClient;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.views.Json;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Webhooks on the real broker: incidents written to the incidents topic are POSTed to a local
 * receiver, signed (checked here with the JDK's HMAC, not with the code under test), retried
 * after a failure, and not posted again after the dispatcher restarts.
 */
@ExtendWith(KafkaPlatformExtension.class)
class WebhookIT {
  static final String SECRET = "it-secret-\u00e9";

  record Post(String event, String delivery, String timestamp, String signature, String body) {}

  @Test
  void incidentsArePostedSignedRetriedAfterAFailureAndNotRepeatedAfterARestart() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("hooks") + ".";
    List<Post> posts = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          var h = ex.getRequestHeaders();
          posts.add(
              new Post(
                  h.getFirst("X-Nines-Event"),
                  h.getFirst("X-Nines-Delivery"),
                  h.getFirst("X-Nines-Timestamp"),
                  h.getFirst("X-Nines-Signature"),
                  new String(body, StandardCharsets.UTF_8)));
          int status = calls.incrementAndGet() == 1 ? 500 : 204; // the first delivery fails
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
    receiver.start();
    try {
      NinesConfig config =
          ConfigLoader.load(
              Optional.empty(),
              Map.of("NINES_WEBHOOKS_SECRET", SECRET),
              Map.of(
                  "topics.prefix",
                  prefix,
                  "application.id",
                  prefix + "app",
                  "topics.partitions",
                  "1",
                  "webhooks.urls",
                  "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                  "webhooks.backoff.initial",
                  "PT0.2S",
                  "webhooks.backoff.max",
                  "PT1S",
                  "webhooks.from",
                  "earliest"));
      assertThat(config.toString()).doesNotContain(SECRET);
      try (Admin admin = platform.kafka().admin()) {
        TopicManager.ensure(admin, Topics.ALL, config.topics());
      }
      var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
      Instant start = Instant.parse("2026-11-01T10:00:00Z");
      Incident open = incident(start, null);
      Incident resolved = incident(start, start.plusSeconds(300));
      String topic = config.topics().name(Topics.INCIDENTS);
      try (var producer =
          new KafkaProducer<String, Object>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
              new StringSerializer(),
              new AnyAvroSerializer(registry))) {
        try (var dispatcher = new WebhookDispatcher(config, platform, registry)) {
          producer.send(new ProducerRecord<>(topic, "SMS:us-east", open)).get();
          producer.send(new ProducerRecord<>(topic, "SMS:us-east", resolved)).get();
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> posts.size() >= 3 && dispatcher.delivered() == 2);
        }
        // the first POST failed and was retried: same delivery, same body
        assertThat(posts)
            .extracting(Post::delivery)
            .containsExactly(
                open.getIncidentId() + ":OPEN",
                open.getIncidentId() + ":OPEN",
                open.getIncidentId() + ":RESOLVED");
        assertThat(posts.get(1).body()).isEqualTo(posts.get(0).body());
        assertThat(posts)
            .extracting(Post::event)
            .containsExactly("incident.opened", "incident.opened", "incident.resolved");
        for (Post p : posts) {
          assertThat(p.signature())
              .as("signature of %s", p.delivery())
              .isEqualTo("sha256=" + hmac(SECRET, p.timestamp() + "." + p.body()));
          assertThat(p.body()).doesNotContain(SECRET);
        }
        JsonNode last = Json.MAPPER.readTree(posts.get(2).body());
        assertThat(last.get("incident").get("incidentId").asText()).isEqualTo(open.getIncidentId());
        assertThat(last.get("incident").get("resolvedAt").asText())
            .isEqualTo("2026-11-01T10:05:00Z");
        assertThat(last.get("incident").get("checks").get(0).asText()).isEqualTo("sms-send");

        // a restarted dispatcher goes on from its committed offset: only the new incident
        Incident next = incident(start.plusSeconds(3600), null);
        try (var dispatcher = new WebhookDispatcher(config, platform, registry)) {
          producer.send(new ProducerRecord<>(topic, "SMS:us-east", next)).get();
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> dispatcher.delivered() == 1);
        }
        assertThat(posts).hasSize(4);
        assertThat(posts.get(3).delivery()).isEqualTo(next.getIncidentId() + ":OPEN");
      }
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void theDispatcherOutlivesARegistryOutageAndShowsIt() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("hooks-outage") + ".";
    List<String> deliveries = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        ex -> {
          ex.getRequestBody().readAllBytes();
          deliveries.add(ex.getRequestHeaders().getFirst("X-Nines-Delivery"));
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    receiver.start();
    try {
      NinesConfig config =
          ConfigLoader.load(
              Optional.empty(),
              Map.of("NINES_WEBHOOKS_SECRET", SECRET),
              Map.of(
                  "topics.prefix",
                  prefix,
                  "application.id",
                  prefix + "app",
                  "topics.partitions",
                  "1",
                  "webhooks.urls",
                  "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                  "webhooks.from",
                  "earliest"));
      try (Admin admin = platform.kafka().admin()) {
        TopicManager.ensure(admin, Topics.ALL, config.topics());
      }
      var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
      // the dispatcher's registry: down (503, as a registry behind a load balancer answers
      // while it restarts) for its first two schema lookups, then the real one
      AtomicInteger lookups = new AtomicInteger();
      SchemaRegistryClient flaky =
          new SchemaRegistryClient() {
            public int register(String subject, Schema schema) {
              return registry.register(subject, schema);
            }

            public int lookup(String subject, Schema schema) {
              return registry.lookup(subject, schema);
            }

            public Schema schemaById(int id) {
              if (lookups.incrementAndGet() <= 2) {
                throw new RegistryException("schema registry answered HTTP 503", 503, 0);
              }
              return registry.schemaById(id);
            }
          };
      Incident open = incident(Instant.parse("2026-11-02T10:00:00Z"), null);
      try (var producer =
              new KafkaProducer<String, Object>(
                  Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
                  new StringSerializer(),
                  new AnyAvroSerializer(registry));
          var dispatcher = new WebhookDispatcher(config, platform, flaky)) {
        producer
            .send(new ProducerRecord<>(config.topics().name(Topics.INCIDENTS), "SMS:us-east", open))
            .get();
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> dispatcher.errors() >= 1);
        var during = dispatcher.status();
        assertThat(during.healthy(Instant.now())).as("unhealthy right after an error").isFalse();
        assertThat(during.lastError()).contains("503");
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> dispatcher.delivered() == 1);
        assertThat(deliveries).containsExactly(open.getIncidentId() + ":OPEN");
        assertThat(dispatcher.errors()).isEqualTo(2);
        assertThat(dispatcher.status().running()).isTrue();
        assertThat(dispatcher.status().healthy(Instant.now().plusSeconds(61)))
            .as("healthy again a minute after the last error")
            .isTrue();
      }
    } finally {
      receiver.stop(0);
    }
  }

  static Incident incident(Instant start, Instant end) {
    String id = "SMS-us-east-" + start.toString().replaceAll("[-:.]", "");
    return Incident.newBuilder()
        .setIncidentId(id)
        .setService(Service.SMS)
        .setRegion("us-east")
        .setStatus(end == null ? IncidentStatus.OPEN : IncidentStatus.RESOLVED)
        .setStartedAt(start)
        .setResolvedAt(end)
        .setChecks(List.of("sms-send"))
        .setVantages(List.of("v1"))
        .setInMaintenance(false)
        .build();
  }

  static String hmac(String secret, String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }
}
