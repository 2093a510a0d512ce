package dev.nines.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.nines.Topics;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.TopicManager;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.AlertSeverity;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Incident;
import dev.nines.schema.IncidentStatus;
import dev.nines.schema.Service;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.testing.KafkaPlatformExtension;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Named endpoints on the real broker: incidents and error-budget alerts written to their topics
 * reach a PagerDuty-format, an Alertmanager-format, a Slack-format and a filtered nines-format
 * receiver, each body checked the way its receiver reads it (field by field, with the rules of
 * PagerDuty's Events API v2, Alertmanager's webhook v4 and Slack's incoming webhooks); a
 * receiver that always fails neither blocks the others nor goes unreported; the dispatcher is
 * restarted in the middle; and a second dispatcher that sends everything again (a new consumer
 * group, as after lost offsets) sends the same keys, so the receiving tools collapse the copies.
 */
@ExtendWith(KafkaPlatformExtension.class)
class NotificationEndpointsIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ROUTING_KEY = "R0UTINGKEYabcdefabcdefabcdef0123";
  static final Instant T = Instant.parse("2026-11-01T10:00:00Z");

  record Post(String path, JsonNode body, Map<String, String> headers) {}

  @Test
  void everyFormatReachesItsReceiverWithStableKeys() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("endpoints") + ".";
    List<Post> posts = new CopyOnWriteArrayList<>();
    Map<String, Integer> downCalls = new ConcurrentHashMap<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    for (String path : List.of("/pd", "/am", "/slack", "/nines", "/down")) {
      receiver.createContext(
          path,
          ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (path.equals("/down")) {
              downCalls.merge(path, 1, Integer::sum);
              ex.sendResponseHeaders(503, -1);
              ex.close();
              return;
            }
            Map<String, String> headers = new HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            posts.add(new Post(path, JSON.readTree(body), headers));
            byte[] answer =
                path.equals("/pd")
                    ? "{\"status\":\"success\",\"message\":\"Event processed\"}"
                        .getBytes(StandardCharsets.UTF_8)
                    : "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(path.equals("/pd") ? 202 : 200, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
          });
    }
    receiver.start();
    String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
    try {
      // urls and secrets from the environment, as an operator gives them; the rest as flags
      Map<String, String> env =
          Map.of(
              "NINES_WEBHOOKS_ENDPOINT_PAGER_URL", base + "/pd",
              "NINES_WEBHOOKS_ENDPOINT_PAGER_SECRET", ROUTING_KEY,
              "NINES_WEBHOOKS_ENDPOINT_TEAM_AM_URL", base + "/am",
              "NINES_WEBHOOKS_ENDPOINT_CHAT_URL", base + "/slack",
              "NINES_WEBHOOKS_ENDPOINT_VERIFY_ONLY_URL", base + "/nines",
              "NINES_WEBHOOKS_ENDPOINT_VERIFY_ONLY_SECRET", "s3cret",
              "NINES_WEBHOOKS_ENDPOINT_BROKEN_URL", base + "/down");
      Map<String, String> flags = new HashMap<>();
      flags.put("topics.prefix", prefix);
      flags.put("topics.partitions", "1");
      flags.put("webhooks.backoff.initial", "PT0.1S");
      flags.put("webhooks.backoff.max", "PT0.2S");
      flags.put("webhooks.attempts", "3");
      flags.put("webhooks.from", "earliest");
      flags.put("webhooks.endpoint.pager.format", "pagerduty");
      flags.put("webhooks.endpoint.team-am.format", "alertmanager");
      flags.put("webhooks.endpoint.chat.format", "slack");
      flags.put("webhooks.endpoint.verify-only.services", "VERIFY");
      flags.put("webhooks.endpoint.verify-only.events", "incident.opened,incident.resolved");
      flags.put("webhooks.endpoint.broken.format", "slack");
      Map<String, String> first = new HashMap<>(flags);
      first.put("application.id", prefix + "app");
      NinesConfig config = ConfigLoader.load(Optional.empty(), env, first);
      assertThat(config.toString()).doesNotContain(ROUTING_KEY, "s3cret", base);
      try (Admin admin = platform.kafka().admin()) {
        TopicManager.ensure(admin, Topics.ALL, config.topics());
      }
      var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
      Incident verifyOpen = incident(Service.VERIFY, "eu-west", T, null);
      Incident verifyResolved = incident(Service.VERIFY, "eu-west", T, T.plusSeconds(300));
      Incident smsOpen = incident(Service.SMS, "us-east", T.plusSeconds(30), null);
      ErrorBudgetAlert page = alert(AlertSeverity.PAGE, T.plusSeconds(60), null);
      ErrorBudgetAlert pageResolved =
          alert(AlertSeverity.PAGE, T.plusSeconds(60), T.plusSeconds(400));
      String incidents = config.topics().name(Topics.INCIDENTS);
      String alerts = config.topics().name(Topics.ERROR_BUDGET_ALERTS);
      try (var producer =
          new KafkaProducer<String, Object>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
              new StringSerializer(),
              new AnyAvroSerializer(registry))) {
        try (var dispatcher =
            new WebhookDispatcher(config, platform, registry, "https://status.example/")) {
          producer.send(new ProducerRecord<>(incidents, "VERIFY:eu-west", verifyOpen)).get();
          producer.send(new ProducerRecord<>(incidents, "SMS:us-east", smsOpen)).get();
          producer.send(new ProducerRecord<>(alerts, "VERIFY:eu-west", page)).get();
          // pager: 3, team-am: 3, chat: 3, verify-only: 1; broken: given up 3 times
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100))
              .until(() -> posts.size() == 10 && dispatcher.failed() == 3);
          assertThat(dispatcher.endpoints())
              .filteredOn(e -> e.name().equals("broken"))
              .singleElement()
              .satisfies(e -> assertThat(e.failing()).isTrue());
          assertThat(dispatcher.endpoints())
              .filteredOn(e -> !e.name().equals("broken"))
              .allSatisfy(e -> assertThat(e.failing()).isFalse());
        }
        // restarted: the resolutions are sent by a new dispatcher, from the committed offsets
        try (var dispatcher =
            new WebhookDispatcher(config, platform, registry, "https://status.example/")) {
          producer.send(new ProducerRecord<>(alerts, "VERIFY:eu-west", pageResolved)).get();
          producer.send(new ProducerRecord<>(incidents, "VERIFY:eu-west", verifyResolved)).get();
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100))
              .until(() -> posts.size() == 17 && dispatcher.failed() == 2);
        }
      }
      assertThat(downCalls.get("/down")).isEqualTo(15); // 5 notifications x 3 attempts
      checkPagerDuty(by(posts, "/pd"), verifyOpen, smsOpen);
      checkAlertmanager(by(posts, "/am"));
      checkSlack(by(posts, "/slack"));
      List<Post> nines = by(posts, "/nines");
      assertThat(nines)
          .extracting(p -> p.headers().get("x-nines-delivery"))
          .containsExactly(
              verifyOpen.getIncidentId() + ":OPEN", verifyOpen.getIncidentId() + ":RESOLVED");

      // everything again, as after lost offsets: the same keys, so the copies collapse
      List<Post> before = List.copyOf(posts);
      Map<String, String> again = new HashMap<>(flags);
      again.put("application.id", prefix + "again");
      NinesConfig second = ConfigLoader.load(Optional.empty(), env, again);
      try (var dispatcher =
          new WebhookDispatcher(second, platform, registry, "https://status.example/")) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> posts.size() == 2 * before.size());
      }
      List<Post> copies = posts.subList(before.size(), posts.size());
      for (String path : List.of("/pd", "/am", "/slack", "/nines")) {
        assertThat(keys(by(copies, path), path))
            .as("%s: the same keys on every copy", path)
            .containsExactlyInAnyOrderElementsOf(keys(by(before, path), path));
      }
    } finally {
      receiver.stop(0);
    }
  }

  static List<Post> by(List<Post> posts, String path) {
    return posts.stream().filter(p -> p.path().equals(path)).toList();
  }

  /** What each receiving tool de-duplicates on. */
  static List<String> keys(List<Post> posts, String path) {
    return posts.stream()
        .map(
            p ->
                switch (path) {
                  case "/pd" ->
                      p.body().get("event_action").asText()
                          + " "
                          + p.body().get("dedup_key").asText();
                  case "/am" ->
                      p.body().get("status").asText()
                          + " "
                          + p.body().get("alerts").get(0).get("fingerprint").asText();
                  case "/nines" -> p.headers().get("x-nines-delivery");
                  default -> p.body().get("text").asText();
                })
        .toList();
  }

  /** PagerDuty Events API v2, field by field from its documentation. */
  static void checkPagerDuty(List<Post> pd, Incident verifyOpen, Incident smsOpen) {
    assertThat(pd).hasSize(5);
    for (Post p : pd) {
      JsonNode b = p.body();
      assertThat(b.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
      assertThat(b.get("event_action").asText()).isIn("trigger", "acknowledge", "resolve");
      assertThat(b.get("dedup_key").asText()).isNotBlank().hasSizeLessThanOrEqualTo(255);
      if (b.get("event_action").asText().equals("trigger")) {
        JsonNode payload = b.get("payload");
        assertThat(payload.get("summary").asText()).isNotBlank().hasSizeLessThanOrEqualTo(1024);
        assertThat(payload.get("source").asText()).isNotBlank();
        assertThat(payload.get("severity").asText()).isIn("critical", "error", "warning", "info");
        OffsetDateTime.parse(payload.get("timestamp").asText()); // ISO 8601
      }
    }
    // opened before resolved, for the incident and for the alert, with the same dedup_key
    List<String> verifyIncident =
        pd.stream()
            .filter(p -> p.body().get("dedup_key").asText().equals(verifyOpen.getIncidentId()))
            .map(p -> p.body().get("event_action").asText())
            .toList();
    assertThat(verifyIncident).containsExactly("trigger", "resolve");
    List<String> pageAlert =
        pd.stream()
            .filter(p -> p.body().get("dedup_key").asText().startsWith("VERIFY:eu-west:PAGE:14.4"))
            .map(p -> p.body().get("event_action").asText())
            .toList();
    assertThat(pageAlert).containsExactly("trigger", "resolve");
    assertThat(pd)
        .anySatisfy(
            p -> {
              assertThat(p.body().get("dedup_key").asText()).isEqualTo(smsOpen.getIncidentId());
              assertThat(p.body().get("payload").get("severity").asText()).isEqualTo("critical");
            });
  }

  /** Alertmanager's webhook payload, version 4. */
  static void checkAlertmanager(List<Post> am) {
    assertThat(am).hasSize(5);
    for (Post p : am) {
      JsonNode b = p.body();
      assertThat(b.get("version").asText()).isEqualTo("4");
      assertThat(b.get("status").asText()).isIn("firing", "resolved");
      assertThat(b.get("receiver").asText()).isEqualTo("team-am");
      assertThat(b.get("groupKey").asText()).isNotBlank();
      JsonNode a = b.get("alerts").get(0);
      assertThat(a.get("status").asText()).isEqualTo(b.get("status").asText());
      assertThat(a.get("labels").get("alertname").asText()).isNotBlank();
      OffsetDateTime.parse(a.get("startsAt").asText());
      OffsetDateTime.parse(a.get("endsAt").asText());
      assertThat(a.get("fingerprint").asText()).matches("[0-9a-f]{16}");
    }
    // every resolved alert pairs with a firing one of the same fingerprint
    for (Post p : am) {
      if (p.body().get("status").asText().equals("resolved")) {
        String fp = p.body().get("alerts").get(0).get("fingerprint").asText();
        assertThat(am)
            .anyMatch(
                f ->
                    f.body().get("status").asText().equals("firing")
                        && f.body().get("alerts").get(0).get("fingerprint").asText().equals(fp));
      }
    }
  }

  /** Slack incoming webhook: text and blocks within Slack's limits. */
  static void checkSlack(List<Post> slack) {
    assertThat(slack).hasSize(5);
    for (Post p : slack) {
      assertThat(p.body().get("text").asText()).isNotBlank();
      JsonNode header = p.body().get("blocks").get(0);
      assertThat(header.get("type").asText()).isEqualTo("header");
      assertThat(header.get("text").get("text").asText()).hasSizeLessThanOrEqualTo(150);
    }
  }

  static Incident incident(Service s, String region, Instant start, Instant end) {
    return new Incident(
        s + "-" + region + "-" + start.toEpochMilli(),
        s,
        region,
        end == null ? IncidentStatus.OPEN : IncidentStatus.RESOLVED,
        start,
        end,
        List.of("check"),
        List.of("vantage-a", "vantage-b"),
        false);
  }

  static ErrorBudgetAlert alert(AlertSeverity severity, Instant fired, Instant resolved) {
    return new ErrorBudgetAlert(
        Service.VERIFY, "eu-west", severity, 14.4, "PT1H", "PT5M", fired, resolved);
  }
}
