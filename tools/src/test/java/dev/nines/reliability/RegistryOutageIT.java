package dev.nines.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.nines.Topic;
import dev.nines.TopicNames;
import dev.nines.Topics;
import dev.nines.api.ApiServer;
import dev.nines.app.NinesApp;
import dev.nines.config.NinesConfig;
import dev.nines.platform.PortCheck;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.Channel;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.Simulator;
import dev.nines.testing.CaughtUp;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.Records;
import dev.nines.testing.TestTopics;
import dev.nines.testing.TopicRecords;
import dev.nines.testing.TopicRecords.Rec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A schema registry outage is not bad input. The app starts while nothing answers at its
 * registry address (as after a typo, or during an outage), valid receipts and probes are already
 * waiting: not one goes to dead-letters, {@code /ready} answers 503 naming the registry, the
 * failures are counted on {@code /metrics}; once the registry answers, every output is the same,
 * record for record, as in a run that never lost it.
 *
 * <p>The producer registers its schemas with the real registry; the app reaches it through a
 * forwarder on a port of its own, which the test starts only after the app has failed a few
 * times (nothing listening: connection refused, as in the report that led here).
 */
@ExtendWith(KafkaPlatformExtension.class)
class RegistryOutageIT {
  static final Instant ORIGIN = Instant.parse("2026-10-31T23:50:00Z");
  static final Instant END = ORIGIN.plus(Duration.ofMinutes(4));
  static final Instant END_OF_INPUT = END.plus(Duration.ofDays(1));
  static final String SCENARIO =
      """
      name: registry-outage
      seed: 11
      regions: [us-east]
      vantages: [v1]
      probeInterval: PT60S
      probeFailureRate: 0
      checks:
        - {name: sms-send, service: SMS}
      routes:
        - country: US
          channel: SMS
          ratePerSecond: 5
          carriers:
            - {carrierId: atlas, baseWeight: 60}
            - {carrierId: bluewave, baseWeight: 40}
      failureMix: {delivered: 0.995, carrier: 0.002, recipient: 0.003}
      duplicates: {fraction: 0.0}
      events:
        - name: bluewave-down
          start: PT1M
          end: PT3M
          carrierDegradation: {route: "US:SMS", carrierId: bluewave, successRate: 0.30}
      """;

  record Sent(String topic, String key, SpecificRecord value, long timestampMs) {}

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void anOutageAtStartLosesNothingAndDeadLettersNothing() throws Exception {
    List<Sent> input = input();
    Map<String, Map<String, List<String>>> healthy = run("healthy", input, false);
    Map<String, Map<String, List<String>>> outage = run("outage", input, true);
    assertThat(healthy.get(TopicNames.ROUTING_WEIGHTS))
        .as("routing decided something")
        .containsKey("US:SMS");
    assertThat(healthy.get(TopicNames.CARRIER_HEALTH)).as("health windows closed").isNotEmpty();
    for (Topic<?> t : Topics.OUTPUTS) {
      assertThat(outage.get(t.name()))
          .as("%s: with an outage against without", t.name())
          .isEqualTo(healthy.get(t.name()));
    }
  }

  static List<Sent> input() {
    List<Sent> all = new ArrayList<>();
    Simulator sim = new Simulator(Scenario.parse(SCENARIO), 11L);
    sim.seed((t, k, v, ts) -> all.add(new Sent(t, k, v, ts)), ORIGIN);
    // the route of the end-of-input receipt: a route no plan knows is dead-lettered
    all.add(
        new Sent(
            TopicNames.ROUTE_PLANS,
            "ZZ:SMS",
            new RoutePlan(
                "ZZ",
                Channel.SMS,
                List.of(new RouteCarrier("end", 1, true, 0, false)),
                null,
                ORIGIN),
            ORIGIN.toEpochMilli()));
    sim.history((t, k, v, ts) -> all.add(new Sent(t, k, v, ts)), ORIGIN, END);
    all.add(
        new Sent(
            TopicNames.DELIVERY_RECEIPTS,
            "end-of-input-0",
            Records.endOfInputReceipt(0, END_OF_INPUT),
            END_OF_INPUT.toEpochMilli()));
    all.add(
        new Sent(
            TopicNames.PROBE_RESULTS,
            "end-of-input-0",
            Records.endOfInputProbe(0, END_OF_INPUT),
            END_OF_INPUT.toEpochMilli()));
    return all;
  }

  /** One run on fresh topics (one partition each); returns each output's records per key. */
  Map<String, Map<String, List<String>>> run(String name, List<Sent> input, boolean outage)
      throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("registry-" + name) + ".";
    NinesConfig config =
        KafkaPlatformExtension.config(
            prefix,
            1,
            "api.port",
            Integer.toString(PortCheck.freePort()),
            "uptime.month.grace",
            "PT5M",
            "health.partition.idle",
            "PT10M",
            "uptime.partition.idle",
            "PT10M");
    String appId = config.streams().applicationId();
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    int port = PortCheck.freePort(); // nothing listens there until the forwarder starts
    var appRegistry =
        new RestSchemaRegistryClient(
            outage ? "http://127.0.0.1:" + port : platform.schemaRegistryUrl());
    HttpServer forwarder = null;
    try (Admin admin = platform.kafka().admin()) {
      TestTopics.ensure(admin, config.topics());
      try (var producer =
          new KafkaProducer<String, Object>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  platform.bootstrapServers(),
                  ProducerConfig.LINGER_MS_CONFIG,
                  20),
              new StringSerializer(),
              new AnyAvroSerializer(registry))) {
        for (Sent s : input) {
          producer.send(
              new ProducerRecord<>(prefix + s.topic(), null, s.timestampMs(), s.key(), s.value()));
        }
      }
      try (ApiServer api = ApiServer.start(config);
          NinesApp app =
              NinesApp.start(config, platform, appRegistry, api.streamsProperties(), x -> {})) {
        api.attach(app);
        if (outage) {
          // (a failed stream thread is the expected course here, not a test failure)
          await()
              .atMost(Duration.ofMinutes(2))
              .pollInterval(Duration.ofMillis(200))
              .dontCatchUncaughtExceptions()
              .alias("a stream thread failed on the registry")
              .until(() -> app.faults().counts().getOrDefault("schema-registry", 0L) >= 1);
          HttpResponse<String> ready = get(api, "ready");
          assertThat(ready.statusCode()).as("/ready during the outage").isEqualTo(503);
          assertThat(ready.body())
              .contains("\"cause\":\"schema-registry\"")
              .contains("127.0.0.1:" + port);
          assertThat(get(api, "metrics").body())
              .containsPattern(
                  "nines_stream_thread_failures_total\\{cause=\"schema-registry\"[^}]*} [1-9]");
          assertThat(TopicRecords.readAll(platform, prefix + TopicNames.DEAD_LETTERS))
              .as("dead letters during the outage")
              .isEmpty();
          forwarder = forwarder(port, platform.schemaRegistryUrl());
        }
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofMillis(500))
            .dontCatchUncaughtExceptions()
            .alias(name + ": the app caught up")
            .until(CaughtUp.condition(admin, platform.bootstrapServers(), config, registry));
        assertThat(app.deadLetters().counts()).as("%s: dead letters counted", name).isEmpty();
      }
    } finally {
      if (forwarder != null) {
        forwarder.stop(0);
      }
    }
    Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
    for (Topic<?> t : Topics.OUTPUTS) {
      Map<String, List<String>> byKey = new TreeMap<>();
      for (Rec r : TopicRecords.readAll(platform, config.topics().name(t))) {
        byKey
            .computeIfAbsent(r.key(), k -> new ArrayList<>())
            .add(Instant.ofEpochMilli(r.timestamp()) + " " + HexFormat.of().formatHex(r.value()));
      }
      out.put(t.name(), byKey);
    }
    System.out.printf(
        "RegistryOutageIT %s: %s%n",
        name,
        out.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue().values().stream().mapToInt(List::size).sum())
            .toList());
    return out;
  }

  static HttpResponse<String> get(ApiServer api, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(api.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** An HTTP server on {@code port} passing every request on to {@code target}. */
  static HttpServer forwarder(int port, String target) throws IOException {
    HttpClient client = HttpClient.newHttpClient();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(
        "/",
        ex -> {
          try {
            HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(target + ex.getRequestURI()))
                    .method(
                        ex.getRequestMethod(),
                        HttpRequest.BodyPublishers.ofByteArray(ex.getRequestBody().readAllBytes()));
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
              b.header("Content-Type", type);
            }
            HttpResponse<byte[]> r =
                client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            r.headers()
                .firstValue("Content-Type")
                .ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
            ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            try (OutputStream o = ex.getResponseBody()) {
              o.write(r.body());
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.sendResponseHeaders(503, -1);
          } finally {
            ex.close();
          }
        });
    server.start();
    return server;
  }
}
