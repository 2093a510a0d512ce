package dev.nines.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.nines.app.NinesApp;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.MaintenanceCategory;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.TestTopics;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * From probes to the on-call's tools, through the real app and the real broker, with the app and
 * the dispatcher restarted in the middle.
 *
 * <p>SMS is probed every minute, on the minute, from two vantages into us-east and eu-west, from
 * 10:00 to 11:20 (2026-11-02, UTC). Worked out by hand from the contract's rules and the
 * configuration below (confirmations 2, one alert rule PAGE 14.4 PT1H PT5M, no data after 5 min):
 *
 * <ul>
 *   <li>us-east fails from both vantages 10:10 to 10:39: the second failure (10:11) confirms, DOWN
 *       from 10:10; both succeed at 10:40: UP at 10:40. Incident {@code
 *       SMS-us-east-20261102T101000000Z}.
 *   <li>The PAGE rule fires at the first tick at which both windows burn faster than 14.4: 1 h at
 *       14.4 × 0.01% is 5.184 s of downtime, 5 min 0.432 s; the tick 10:11 sees 60 s: fired at
 *       10:11. It resolves at the first tick whose last 5 minutes hold no downtime: 10:45.
 *   <li>eu-west's probes stop after 10:49 and return at 11:05 while us-east's go on: more than
 *       5 min after 10:49 is NO_DATA, fired at 10:54, resolved at 11:05.
 * </ul>
 *
 * <p>A maintenance window of VOICE in eu-west is announced (wall clock) 5 s ahead, lasting 3 s,
 * while the first dispatcher runs; it starts and ends while nobody runs, and the second
 * dispatcher sends its start and end, in order, from the instant stored with its offsets.
 *
 * <p>Four endpoints: PagerDuty (everything), Alertmanager (everything), Slack (everything) and a
 * nines-format endpoint filtered to SMS in us-east, incidents only. The first half of the probes
 * (to 10:30) runs through the app; once the incident and the page have reached the receivers,
 * the app and the dispatcher are stopped and started again, and the rest follows. Each receiver's
 * posts are checked field by field against its tool's public format; each thing's opening and
 * closing carry the same key across the restart; at-least-once copies carry identical keys.
 */
@ExtendWith(KafkaPlatformExtension.class)
class PagingEndToEndIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ROUTING_KEY = "R0UTINGKEYpagingpagingpaging0123";
  static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  static final String INCIDENT = "SMS-us-east-20261102T101000000Z";
  static final String PAGE = "SMS:us-east:PAGE:14.4:PT1H/PT5M@2026-11-02T10:11:00Z";
  static final String NO_DATA = "SMS:eu-west:NO_DATA@2026-11-02T10:54:00Z";

  record Post(String path, JsonNode body, Map<String, String> headers) {}

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void anOutageAPageAndSilentProbesReachEachToolOnceKeyedAcrossARestart() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("paging") + ".";
    List<Post> posts = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    for (String path : List.of("/pd", "/am", "/slack", "/nines")) {
      receiver.createContext(
          path,
          ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, String> headers = new HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            posts.add(new Post(path, JSON.readTree(body), headers));
            ex.sendResponseHeaders(path.equals("/pd") ? 202 : 200, -1);
            ex.close();
          });
    }
    receiver.start();
    String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
    try {
      Map<String, String> env =
          Map.of(
              "NINES_WEBHOOKS_ENDPOINT_PAGER_URL", base + "/pd",
              "NINES_WEBHOOKS_ENDPOINT_PAGER_SECRET", ROUTING_KEY,
              "NINES_WEBHOOKS_ENDPOINT_TEAM_AM_URL", base + "/am",
              "NINES_WEBHOOKS_ENDPOINT_CHAT_URL", base + "/slack",
              "NINES_WEBHOOKS_ENDPOINT_US_SMS_URL", base + "/nines",
              "NINES_WEBHOOKS_ENDPOINT_US_SMS_SECRET", "s3cret");
      Map<String, String> flags = new HashMap<>();
      flags.put("topics.prefix", prefix);
      flags.put("application.id", prefix + "app");
      flags.put("topics.partitions", "1");
      flags.put("platform.ephemeral", "true");
      flags.put("uptime.alert.rules", "PAGE 14.4 PT1H PT5M");
      flags.put("webhooks.from", "earliest");
      flags.put("webhooks.endpoint.pager.format", "pagerduty");
      flags.put("webhooks.endpoint.team-am.format", "alertmanager");
      flags.put("webhooks.endpoint.chat.format", "slack");
      flags.put("webhooks.endpoint.us-sms.services", "SMS");
      flags.put("webhooks.endpoint.us-sms.regions", "us-east");
      flags.put("webhooks.endpoint.us-sms.events", "incident.opened,incident.resolved");
      NinesConfig config = ConfigLoader.load(Optional.empty(), env, flags);
      try (Admin admin = platform.kafka().admin()) {
        TestTopics.ensure(admin, config.topics());
      }
      var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
      String probes = config.topics().name(dev.nines.Topics.PROBE_RESULTS);
      MaintenanceWindow[] window = new MaintenanceWindow[1];
      try (var producer =
          new KafkaProducer<String, Object>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
              new StringSerializer(),
              new AnyAvroSerializer(registry))) {
        for (ProbeResult p : probes(0, 30)) {
          producer.send(
              new ProducerRecord<>(
                  probes, null, p.getObservedAt().toEpochMilli(), p.getProbeId(), p));
        }
        producer.flush();
        try (NinesApp app = NinesApp.start(config, platform, registry);
            var dispatcher = new WebhookDispatcher(config, platform, registry, base + "/")) {
          // the incident opened and the page fired, in every tool that takes them
          await()
              .atMost(Duration.ofMinutes(2))
              .pollInterval(Duration.ofMillis(200))
              .until(
                  () ->
                      has(posts, "/pd", "trigger " + INCIDENT)
                          && has(posts, "/pd", "trigger " + PAGE)
                          && count(posts, "/am") >= 2
                          && count(posts, "/slack") >= 2
                          && count(posts, "/nines") >= 1);
          // a maintenance window announced ahead: it starts in 5 s and lasts 3 s
          Instant now = Instant.now();
          window[0] =
              new MaintenanceWindow(
                  Service.VOICE,
                  "eu-west",
                  now.plusSeconds(5),
                  now.plusSeconds(8),
                  null,
                  MaintenanceCategory.PLANNED);
          producer
              .send(
                  new ProducerRecord<>(
                      config.topics().name(dev.nines.Topics.MAINTENANCE_WINDOWS),
                      "mw-voice",
                      window[0]))
              .get();
          await()
              .atMost(Duration.ofMinutes(1))
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () ->
                      has(posts, "/pd", "change maintenance.announced mw-voice")
                          && has(posts, "/slack", slackText(posts, "scheduled")));
        }
        // nobody runs while the window starts and ends: the next dispatcher catches up
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> Instant.now().isAfter(window[0].getEndsAt()));
        // restarted, and the rest of the probes
        for (ProbeResult p : probes(31, 80)) {
          producer.send(
              new ProducerRecord<>(
                  probes, null, p.getObservedAt().toEpochMilli(), p.getProbeId(), p));
        }
        producer.flush();
        try (NinesApp app = NinesApp.start(config, platform, registry);
            var dispatcher = new WebhookDispatcher(config, platform, registry, base + "/")) {
          await()
              .atMost(Duration.ofMinutes(2))
              .pollInterval(Duration.ofMillis(200))
              .untilAsserted(
                  () -> {
                    // the failure message shows what each tool has received so far
                    assertThat(distinct(posts, "/pd")).hasSize(9);
                    assertThat(distinct(posts, "/am")).hasSize(8);
                    assertThat(distinct(posts, "/slack")).hasSize(9);
                    assertThat(distinct(posts, "/nines")).hasSize(2);
                  });
        }
      }

      // PagerDuty Events API v2: each thing triggered, then resolved with the same dedup_key
      assertThat(distinct(posts, "/pd"))
          .containsExactlyInAnyOrder(
              "trigger " + INCIDENT,
              "resolve " + INCIDENT,
              "trigger " + PAGE,
              "resolve " + PAGE,
              "trigger " + NO_DATA,
              "resolve " + NO_DATA,
              "change maintenance.announced mw-voice",
              "change maintenance.started mw-voice",
              "change maintenance.ended mw-voice");
      // announced by the first dispatcher; started and ended, in order, by the second
      assertThat(distinct(posts, "/pd").stream().filter(k -> k.startsWith("change")).toList())
          .containsExactly(
              "change maintenance.announced mw-voice",
              "change maintenance.started mw-voice",
              "change maintenance.ended mw-voice");
      for (String key : List.of(INCIDENT, PAGE, NO_DATA)) {
        assertThat(firstIndex(posts, "/pd", "trigger " + key))
            .as("%s: triggered before it is resolved", key)
            .isLessThan(firstIndex(posts, "/pd", "resolve " + key));
      }
      for (Post p : by(posts, "/pd")) {
        JsonNode b = p.body();
        assertThat(b.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
        if (!b.has("event_action")) {
          // a change event: summary, timestamp, source; it pages nobody
          JsonNode payload = b.get("payload");
          assertThat(payload.get("summary").asText()).startsWith("Maintenance of VOICE in eu-west");
          assertThat(payload.get("source").asText()).isEqualTo("nines/VOICE/eu-west");
          OffsetDateTime.parse(payload.get("timestamp").asText());
          continue;
        }
        if (b.get("event_action").asText().equals("trigger")) {
          JsonNode payload = b.get("payload");
          assertThat(payload.get("summary").asText()).isNotBlank().hasSizeLessThanOrEqualTo(1024);
          assertThat(payload.get("source").asText()).isNotBlank();
          OffsetDateTime.parse(payload.get("timestamp").asText());
          String key = b.get("dedup_key").asText();
          // an outage and a page wake someone; missing probes are a warning
          assertThat(payload.get("severity").asText())
              .isEqualTo(key.equals(NO_DATA) ? "warning" : "critical");
          Instant started = OffsetDateTime.parse(payload.get("timestamp").asText()).toInstant();
          assertThat(started)
              .isEqualTo(
                  key.equals(INCIDENT)
                      ? T0.plusSeconds(600)
                      : key.equals(PAGE) ? T0.plusSeconds(660) : T0.plusSeconds(54 * 60));
        }
      }

      // Alertmanager webhook v4: alertnames, and each resolution with its firing's fingerprint
      List<Post> am = by(posts, "/am");
      assertThat(am)
          .extracting(
              p ->
                  p.body().get("status").asText()
                      + " "
                      + p.body().get("alerts").get(0).get("labels").get("alertname").asText())
          .containsOnly(
              "firing NinesServiceDown",
              "resolved NinesServiceDown",
              "firing NinesErrorBudgetBurn",
              "resolved NinesErrorBudgetBurn",
              "firing NinesNoData",
              "resolved NinesNoData",
              "firing NinesMaintenance",
              "resolved NinesMaintenance");
      for (Post p : am) {
        JsonNode a = p.body().get("alerts").get(0);
        if (p.body().get("status").asText().equals("resolved")) {
          assertThat(am)
              .anyMatch(
                  f ->
                      f.body().get("status").asText().equals("firing")
                          && f.body()
                              .get("alerts")
                              .get(0)
                              .get("fingerprint")
                              .equals(a.get("fingerprint")));
          assertThat(OffsetDateTime.parse(a.get("endsAt").asText()).toInstant())
              .isIn(
                  T0.plusSeconds(40 * 60),
                  T0.plusSeconds(45 * 60),
                  T0.plusSeconds(65 * 60),
                  window[0].getEndsAt());
        }
      }

      // Slack: nine messages, three of them the maintenance, each with text and a header
      assertThat(distinct(posts, "/slack"))
          .filteredOn(t -> t.contains("Maintenance of VOICE in eu-west"))
          .hasSize(3);
      for (Post p : by(posts, "/slack")) {
        assertThat(p.body().get("text").asText()).isNotBlank();
        assertThat(p.body().get("blocks").get(0).get("type").asText()).isEqualTo("header");
      }

      // the filtered nines endpoint: only the us-east incident, opened then resolved
      assertThat(
              by(posts, "/nines").stream()
                  .map(p -> p.headers().get("x-nines-delivery"))
                  .distinct()
                  .toList())
          .containsExactly(INCIDENT + ":OPEN", INCIDENT + ":RESOLVED");
    } finally {
      receiver.stop(0);
    }
  }

  /**
   * Probes of minutes {@code from} to {@code to} after 10:00, in time order: us-east failing
   * 10:10 to 10:39, eu-west silent 10:50 to 11:04.
   */
  static List<ProbeResult> probes(int from, int to) {
    List<ProbeResult> out = new ArrayList<>();
    for (int m = from; m <= to; m++) {
      Instant t = T0.plusSeconds(60L * m);
      for (String region : List.of("us-east", "eu-west")) {
        if (region.equals("eu-west") && m >= 50 && m < 65) {
          continue;
        }
        boolean down = region.equals("us-east") && m >= 10 && m < 40;
        for (String vantage : List.of("probe-a", "probe-b")) {
          out.add(
              ProbeResult.newBuilder()
                  .setProbeId(region + "-" + vantage + "-" + m)
                  .setCheck("sms-send")
                  .setService(Service.SMS)
                  .setRegion(region)
                  .setVantage(vantage)
                  .setSuccess(!down)
                  .setObservedAt(t)
                  .setErrorCode(down ? "PLATFORM_UNAVAILABLE" : null)
                  .setLatencyMs(down ? null : 800L)
                  .build());
        }
      }
    }
    return out;
  }

  static List<Post> by(List<Post> posts, String path) {
    return posts.stream().filter(p -> p.path().equals(path)).toList();
  }

  static int count(List<Post> posts, String path) {
    return by(posts, path).size();
  }

  /** What each tool de-duplicates on, once per distinct value, in the order first seen. */
  static List<String> distinct(List<Post> posts, String path) {
    LinkedHashSet<String> keys = new LinkedHashSet<>();
    for (Post p : by(posts, path)) {
      keys.add(key(p));
    }
    return List.copyOf(keys);
  }

  /** The first Slack text that contains {@code word}, or "" if none. */
  static String slackText(List<Post> posts, String word) {
    return by(posts, "/slack").stream()
        .map(p -> p.body().get("text").asText())
        .filter(t -> t.contains(word))
        .findFirst()
        .orElse("");
  }

  static String key(Post p) {
    return switch (p.path()) {
      case "/pd" ->
          p.body().has("event_action")
              ? p.body().get("event_action").asText() + " " + p.body().get("dedup_key").asText()
              : "change "
                  + p.body().get("payload").get("custom_details").get("event").asText()
                  + " "
                  + p.body().get("payload").get("custom_details").get("id").asText();
      case "/am" ->
          p.body().get("status").asText()
              + " "
              + p.body().get("alerts").get(0).get("fingerprint").asText();
      case "/nines" -> p.headers().get("x-nines-delivery");
      default -> p.body().get("text").asText();
    };
  }

  static boolean has(List<Post> posts, String path, String key) {
    return by(posts, path).stream().map(PagingEndToEndIT::key).anyMatch(Predicate.isEqual(key));
  }

  static int firstIndex(List<Post> posts, String path, String key) {
    return by(posts, path).stream().map(PagingEndToEndIT::key).toList().indexOf(key);
  }
}
