package dev.nines.api;

import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.config.Settings;
import dev.nines.platform.Directories;
import dev.nines.platform.PortCheck;
import dev.nines.platform.TopicManager;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.simulate.KafkaSimSink;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.SimSink;
import dev.nines.simulate.Simulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * For the API tests: a simulated history across a month end (routes with a carrier ejected, a
 * VERIFY outage with its incident, October closed with a credit, VOICE's probes of eu-west
 * stopped from 23:59 so that it shows NO_DATA at the end), and app instances each with its API
 * server, as `./nines run` starts them.
 */
final class ApiFixture {
  private ApiFixture() {}

  static final Instant ORIGIN = Instant.parse("2026-10-31T23:45:00Z");
  static final Instant END = Instant.parse("2026-11-01T00:12:00Z");
  static final long FEE = 50_000;

  static final String SCENARIO =
      """
      name: api-it
      seed: 7
      regions: [us-east, eu-west]
      vantages: [v1]
      probeInterval: PT60S
      probeFailureRate: 0
      checks:
        - {name: sms-send, service: SMS}
        - {name: voice-call, service: VOICE}
        - {name: verify-send, service: VERIFY}
      routes:
        - country: US
          channel: SMS
          ratePerSecond: 12
          carriers:
            - {carrierId: atlas, baseWeight: 50}
            - {carrierId: bluewave, baseWeight: 30}
            - {carrierId: corvid, baseWeight: 20}
        - country: GB
          channel: SMS
          ratePerSecond: 2
          carriers:
            - {carrierId: delta, baseWeight: 60}
            - {carrierId: echo, baseWeight: 40}
        - country: FR
          channel: SMS
          ratePerSecond: 2
          carriers:
            - {carrierId: foxtrot, baseWeight: 50}
            - {carrierId: golf, baseWeight: 50}
        - country: DE
          channel: VOICE
          ratePerSecond: 2
          carriers:
            - {carrierId: hotel, baseWeight: 70}
            - {carrierId: india, baseWeight: 30}
      failureMix: {delivered: 0.995, carrier: 0.002, recipient: 0.003}
      accounts:
        - accountId: acme
          tier: standard
          targetPercent: "99.99"
          regions: [us-east]
          services:
            - {service: VERIFY, monthlyFeeMinor: %d}
          currency: USD
          creditSchedule:
            - {belowPercent: "99.99", creditPercent: 10}
            - {belowPercent: "99.9", creditPercent: 25}
      maintenance:
        # announced, after the history's end: upcoming on the page
        - {id: mw-voice-eu, service: VOICE, region: eu-west, start: PT60M, end: PT90M}
      events:
        - name: bluewave-degraded
          start: PT2M
          end: PT7M
          carrierDegradation: {route: "US:SMS", carrierId: bluewave, successRate: 0.40}
        - name: verify-down
          start: PT3M
          end: PT11M
          serviceOutage: {service: VERIFY, region: us-east}
        - name: sms-down
          start: PT20M
          end: PT40M
          serviceOutage: {service: SMS, region: eu-west}
        # VOICE's prober in eu-west goes away: NO_DATA on the page at the history's end
        - name: voice-eu-probes-stop
          start: PT14M
          end: PT60M
          probesStop: {service: VOICE, region: eu-west}
      """
          .formatted(FEE);

  /** The settings every instance of one test shares (one app, one set of topics). */
  static Map<String, String> settings(String prefix, int partitions) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("topics.prefix", prefix);
    s.put("application.id", prefix + "app");
    s.put("topics.partitions", Integer.toString(partitions));
    s.put("uptime.month.grace", "PT5M");
    s.put("api.host", "127.0.0.1");
    return s;
  }

  static NinesConfig config(Map<String, String> shared, Path stateDir) {
    Map<String, String> s = new LinkedHashMap<>(shared);
    s.put("state.dir", stateDir.toString());
    s.put("api.port", Integer.toString(PortCheck.freePort()));
    // secrets are refused as flags: they come from the environment, as in production
    Map<String, String> env = new LinkedHashMap<>();
    for (String secret : Settings.SECRET_KEYS) {
      String v = s.remove(secret);
      if (v != null) {
        env.put(Settings.envName(secret), v);
      }
    }
    return ConfigLoader.load(Optional.empty(), env, s);
  }

  static void createTopics(LocalPlatform platform, NinesConfig config) {
    try (Admin admin = platform.kafka().admin()) {
      TopicManager.ensure(admin, Topics.ALL, config.topics());
    }
  }

  /** Produces the scenario's reference data and history [ORIGIN, END). */
  static void produceHistory(LocalPlatform platform, String prefix) {
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    Simulator sim = new Simulator(Scenario.parse(SCENARIO), 7L);
    try (var producer =
        new KafkaProducer<String, Object>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024),
            new StringSerializer(),
            new AnyAvroSerializer(registry))) {
      SimSink sink = SimSink.withTopicPrefix(new KafkaSimSink(producer), prefix);
      sim.seed(sink, ORIGIN);
      sim.history(sink, ORIGIN, END);
      sink.flush();
    }
  }

  /** One instance of the app with its API server, as `./nines run` wires them. */
  record Instance(NinesConfig config, ApiServer api, NinesApp app, Path stateDir)
      implements AutoCloseable {
    static Instance start(LocalPlatform platform, Map<String, String> shared) throws IOException {
      Path state = Files.createTempDirectory("nines-api-it-");
      NinesConfig config = ApiFixture.config(shared, state);
      var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
      ApiServer api = ApiServer.start(config);
      Map<String, Object> props = new LinkedHashMap<>(api.streamsProperties());
      // fewer, longer transactions: on a shared 2-core machine, 100 ms commits and Streams'
      // 10 s transaction timeout got two instances fenced again and again (kafka.* settings
      // do not reach Streams with the in-process test platform, hence here)
      props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
      props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 60_000);
      NinesApp app = NinesApp.start(config, platform, registry, props, s -> {});
      api.attach(app);
      return new Instance(config, api, app, state);
    }

    String url() {
      return api.url();
    }

    String self() {
      return api.advertised();
    }

    @Override
    public void close() {
      app.close();
      api.close();
      Directories.deleteRecursively(stateDir);
    }
  }

  record Response(int status, String body, String servedBy) {}

  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static Response get(String url) {
    return get(url, null);
  }

  /** GET with {@code Authorization: Bearer <token>} when a token is given. */
  static Response get(String url, String token) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(
          r.statusCode(), r.body(), r.headers().firstValue("X-Nines-Served-By").orElse(null));
    } catch (IOException e) {
      return new Response(-1, e.toString(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
