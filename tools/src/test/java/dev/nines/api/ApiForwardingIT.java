package dev.nines.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.io.SyndFeedInput;
import com.sun.net.httpserver.HttpServer;
import dev.nines.Topics;
import dev.nines.api.ApiFixture.Instance;
import dev.nines.api.ApiFixture.Response;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.Incident;
import dev.nines.schema.RoutingWeights;
import dev.nines.schema.UptimeLedger;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.RepoFiles;
import dev.nines.testing.TopicRecords;
import dev.nines.views.Json;
import dev.nines.views.Model;
import dev.nines.webhooks.WebhookDispatcher;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #6: two instances of the app (one application id, two partitions, each with its own
 * state and API server) on the real broker. Every question (a route's weights, a carrier's
 * health, a ledger line, an account's credits, the whole status) is asked of BOTH instances,
 * and both must give the answer that the output topics hold, read back independently with a
 * consumer. The keys are spread over the two instances, so each must forward to the other: the
 * X-Nines-Served-By header shows who answered.
 */
@ExtendWith(KafkaPlatformExtension.class)
class ApiForwardingIT {

  @Test
  @Timeout(value = 14, unit = TimeUnit.MINUTES)
  void bothInstancesAnswerEveryKeyForwardingToTheOwnerAndAgreeWithTheTopics() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("api") + ".";
    Map<String, String> shared = ApiFixture.settings(prefix, 2);
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    // a webhook receiver that accepts everything: instance a runs a dispatcher, so that the
    // webhook metrics the dashboard shows are on its /metrics
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        x -> {
          x.getRequestBody().readAllBytes();
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    receiver.start();
    shared.put("webhooks.urls", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    shared.put("webhooks.secret", "forwarding-it-secret");
    ApiFixture.createTopics(platform, ApiFixture.config(shared, Path.of("unused")));
    try (Instance a = Instance.start(platform, shared);
        Instance b = Instance.start(platform, shared);
        var webhooks = new WebhookDispatcher(a.config(), platform, registry)) {
      a.api().attach(webhooks);
      List<Instance> both = List.of(a, b);
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .alias("both instances RUNNING")
          .until(
              () ->
                  both.stream()
                      .allMatch(
                          i ->
                              i.app().streams().state() == KafkaStreams.State.RUNNING
                                  && ApiFixture.get(i.url() + "ready").status() == 200));
      ApiFixture.produceHistory(platform, prefix);
      // one unreadable receipt: a dead letter, so that its counter is on /metrics
      try (var producer =
          new KafkaProducer<byte[], byte[]>(
              Map.of("bootstrap.servers", platform.bootstrapServers()),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        producer
            .send(
                new ProducerRecord<>(
                    prefix + Topics.DELIVERY_RECEIPTS.name(), "not avro".getBytes()))
            .get();
      }

      String weightsTopic = prefix + Topics.ROUTING_WEIGHTS.name();
      String ledgerTopic = prefix + Topics.UPTIME_LEDGER.name();
      String creditsTopic = prefix + Topics.SLA_CREDITS.name();
      String incidentsTopic = prefix + Topics.INCIDENTS.name();
      var weightsSerde = Topics.ROUTING_WEIGHTS.valueSerde(registry);
      var ledgerSerde = Topics.UPTIME_LEDGER.valueSerde(registry);
      var creditSerde = Topics.SLA_CREDITS.valueSerde(registry);
      var incidentSerde = Topics.INCIDENTS.valueSerde(registry);

      // the history is processed: October closed (final VERIFY line, acme's credit) and the SMS
      // outage in eu-west open
      // two exactly-once instances on a shared 2-core machine: rebalances at start fence a
      // thread or two (InvalidProducerEpoch, tasks closed dirty and redone), so allow time
      await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofSeconds(2))
          .alias("October closed and the SMS eu-west incident open, in the topics")
          .until(
              () -> {
                Map<String, UptimeLedger> ledger =
                    latest(platform, ledgerTopic, v -> ledgerSerde.deserialize(ledgerTopic, v));
                UptimeLedger l = ledger.get("VERIFY:us-east:2026-10");
                return l != null
                    && l.getFinalized()
                    && !TopicRecords.readAll(platform, creditsTopic).isEmpty()
                    && TopicRecords.readAll(platform, incidentsTopic).stream()
                        .anyMatch(r -> r.key().equals("SMS:eu-west"));
              });

      Set<String> servedByOther = new HashSet<>();
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .alias("both instances answer as the topics hold")
          .untilAsserted(
              () -> {
                Map<String, RoutingWeights> weights =
                    latest(platform, weightsTopic, v -> weightsSerde.deserialize(weightsTopic, v));
                Map<String, UptimeLedger> ledger =
                    latest(platform, ledgerTopic, v -> ledgerSerde.deserialize(ledgerTopic, v));
                assertThat(weights.keySet())
                    .containsExactlyInAnyOrder("US:SMS", "GB:SMS", "FR:SMS", "DE:VOICE");
                for (Instance asked : both) {
                  // routes: weights, and each carrier's health
                  for (RoutingWeights w : weights.values()) {
                    Response r = ok(asked.url() + "api/routes/" + w.getRouteId());
                    JsonNode j = Json.MAPPER.readTree(r.body());
                    assertThat(j.get("version").asLong())
                        .as(w.getRouteId() + " version asked at " + asked.self())
                        .isEqualTo(w.getVersion());
                    assertThat(Json.read(r.body(), Model.Route.class)).isEqualTo(Model.Route.of(w));
                    note(servedByOther, asked, r);
                    for (var c : w.getCarriers()) {
                      Response h =
                          ok(
                              asked.url()
                                  + "api/routes/"
                                  + w.getRouteId()
                                  + "/carriers/"
                                  + c.getCarrierId());
                      JsonNode hj = Json.MAPPER.readTree(h.body());
                      assertThat(hj.get("current").get("weight").asInt()).isEqualTo(c.getWeight());
                      assertThat(hj.get("current").get("state").asText())
                          .isEqualTo(c.getState().name());
                      note(servedByOther, asked, h);
                    }
                  }
                  // ledger lines of every service and region, both months
                  for (UptimeLedger l : ledger.values()) {
                    Response r =
                        ok(
                            asked.url()
                                + "api/ledger/"
                                + l.getService()
                                + "/"
                                + l.getRegion()
                                + "/"
                                + l.getMonth());
                    assertThat(Json.read(r.body(), Model.Ledger.class))
                        .as(
                            "ledger %s:%s:%s asked at %s",
                            l.getService(), l.getRegion(), l.getMonth(), asked.self())
                        .isEqualTo(Model.Ledger.of(l));
                    note(servedByOther, asked, r);
                  }
                  // acme's credits
                  List<Model.Credit> expectedCredits = new ArrayList<>();
                  TopicRecords.readAll(platform, creditsTopic).stream()
                      .filter(rec -> rec.key().equals("acme"))
                      .map(
                          rec ->
                              Model.Credit.of(creditSerde.deserialize(creditsTopic, rec.value())))
                      .forEach(expectedCredits::add);
                  Response cr = ok(asked.url() + "api/credits/acme");
                  JsonNode cj = Json.MAPPER.readTree(cr.body());
                  List<Model.Credit> credits =
                      List.of(Json.MAPPER.treeToValue(cj.get("credits"), Model.Credit[].class));
                  assertThat(credits).containsExactlyInAnyOrderElementsOf(expectedCredits);
                  assertThat(credits)
                      .extracting(Model.Credit::creditAmountMinor)
                      .containsExactly(ApiFixture.FEE / 10); // 10%: 8 min down > 4.46 min budget

                  // the whole status: the same on both, incidents as in the topic
                  Model.Status status =
                      Json.read(ok(asked.url() + "api/status").body(), Model.Status.class);
                  assertThat(status.missing()).isEmpty();
                  assertThat(status.routes())
                      .extracting(rh -> rh.current().routeId())
                      .containsExactlyInAnyOrderElementsOf(weights.keySet());
                  Map<String, Incident> incidents = new TreeMap<>();
                  TopicRecords.readAll(platform, incidentsTopic)
                      .forEach(
                          rec -> {
                            Incident i = incidentSerde.deserialize(incidentsTopic, rec.value());
                            incidents.put(i.getIncidentId(), i);
                          });
                  List<String> open =
                      incidents.values().stream()
                          .filter(i -> i.getResolvedAt() == null)
                          .map(Incident::getIncidentId)
                          .toList();
                  List<String> resolved =
                      incidents.values().stream()
                          .filter(i -> i.getResolvedAt() != null)
                          .map(Incident::getIncidentId)
                          .toList();
                  assertThat(status.open())
                      .extracting(Model.IncidentView::incidentId)
                      .containsExactlyInAnyOrderElementsOf(open);
                  assertThat(status.recentResolved())
                      .extracting(Model.IncidentView::incidentId)
                      .containsExactlyInAnyOrderElementsOf(resolved);
                  assertThat(open).hasSize(1);
                  assertThat(resolved).hasSize(1);
                  // /api/incidents: the same two lists
                  JsonNode inc = Json.MAPPER.readTree(ok(asked.url() + "api/incidents").body());
                  assertThat(inc.get("open").findValuesAsText("incidentId"))
                      .containsExactlyInAnyOrderElementsOf(open);
                  assertThat(inc.get("recentResolved").findValuesAsText("incidentId"))
                      .containsExactlyInAnyOrderElementsOf(resolved);
                  // /api/regions/{service}/{region}: each region with a ledger line, its incidents
                  // as in the topic, and the days of its ledger months that had probes
                  for (UptimeLedger l : ledger.values()) {
                    Response r =
                        ok(asked.url() + "api/regions/" + l.getService() + "/" + l.getRegion());
                    Model.Region region = Json.read(r.body(), Model.Region.class);
                    assertThat(region.incidents())
                        .extracting(Model.IncidentView::incidentId)
                        .as(
                            "incidents of %s:%s asked at %s",
                            l.getService(), l.getRegion(), asked.self())
                        .containsExactlyInAnyOrderElementsOf(
                            incidents.values().stream()
                                .filter(
                                    i ->
                                        i.getService() == l.getService()
                                            && i.getRegion().equals(l.getRegion()))
                                .map(Incident::getIncidentId)
                                .toList());
                    assertThat(region.observedDays())
                        .as("days with probes")
                        .anyMatch(
                            d ->
                                YearMonth.from(d).toString().equals(l.getMonth())
                                    || l.getObservedUntil() == null);
                    note(servedByOther, asked, r);
                  }
                }
              });

      // forwarding both ways: each instance had questions that the other one answered
      assertThat(servedByOther)
          .as("(asked at) -> (answered by)")
          .contains(a.self() + " -> " + b.self(), b.self() + " -> " + a.self());

      // the Atom feed of a running app, read by a real feed parser (ROME) on both instances:
      // one entry per incident in the incidents topic
      Set<String> feedEntries = new TreeSet<>();
      TopicRecords.readAll(platform, incidentsTopic)
          .forEach(
              rec ->
                  feedEntries.add(
                      "urn:nines:incident:"
                          + incidentSerde
                              .deserialize(incidentsTopic, rec.value())
                              .getIncidentId()));
      // and the fixture's one announced maintenance window, still to come at the history's end
      feedEntries.add("urn:nines:maintenance:VOICE:mw-voice-eu");
      for (Instance i : both) {
        SyndFeed feed =
            new SyndFeedInput().build(new StringReader(ok(i.url() + "feed.atom").body()));
        assertThat(feed.getFeedType()).isEqualTo("atom_1.0");
        assertThat(feed.getEntries())
            .extracting(SyndEntry::getUri)
            .as("feed entries at %s", i.url())
            .containsExactlyInAnyOrderElementsOf(feedEntries);
      }

      // health, readiness and metrics on both
      for (Instance i : both) {
        assertThat(ApiFixture.get(i.url() + "health").status()).isEqualTo(200);
        assertThat(ApiFixture.get(i.url() + "ready").status()).isEqualTo(200);
        String metrics = ok(i.url() + "metrics").body();
        assertThat(metrics)
            .contains(
                "kafka_stream_", "nines_routing_decisions_total{route=", "jvm_memory_used_bytes");
      }
      // every metric the Grafana dashboard queries is exported (Kafka Streams' own metrics are
      // bound to the registry a minute after they appear, hence the wait)
      Set<String> queried = DashboardMetrics.queried();
      assertThat(queried).contains("nines_dead_letters_total", "nines_webhooks_gave_up_total");
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                Set<String> exported = new TreeSet<>();
                for (Instance i : both) {
                  exported.addAll(DashboardMetrics.names(ok(i.url() + "metrics").body()));
                }
                assertThat(exported)
                    .as("metrics on /metrics of the two instances")
                    .containsAll(queried);
                // and every metric of nines' own is documented
                String apiPage = Files.readString(RepoFiles.path("docs/api.md"));
                assertThat(
                        exported.stream()
                            .filter(m -> m.startsWith("nines_") || m.startsWith("kafka_nines_")))
                    .as("nines' own metrics")
                    .isNotEmpty()
                    .allSatisfy(
                        m -> assertThat(apiPage).as("docs/api.md lists %s", m).contains("`" + m));
              });
      // decisions counted across the two instances = records in routing-weights
      long decisions = TopicRecords.readAll(platform, weightsTopic).size();
      long counted =
          both.stream()
              .mapToLong(
                  i ->
                      i.app().outputCounters().snapshot().entrySet().stream()
                          .filter(e -> e.getKey().name().equals("routing_decisions"))
                          .mapToLong(Map.Entry::getValue)
                          .sum())
              .sum();
      assertThat(counted).as("decisions counted vs written").isGreaterThanOrEqualTo(decisions);
      System.out.printf(
          "ApiForwardingIT: %d routing decisions, served by the other instance: " + "%s%n",
          decisions, servedByOther);
    } finally {
      receiver.stop(0);
    }
  }

  static Response ok(String url) {
    Response r = ApiFixture.get(url);
    assertThat(r.status()).as("GET %s: %s", url, r.body()).isEqualTo(200);
    return r;
  }

  static void note(Set<String> servedByOther, Instance asked, Response r) {
    if (r.servedBy() != null && !r.servedBy().equals(asked.self())) {
      servedByOther.add(asked.self() + " -> " + r.servedBy());
    }
  }

  /** The latest value per key of a topic (compacted topics: what a reader ends up with). */
  static <V> Map<String, V> latest(
      LocalPlatform platform, String topic, Function<byte[], V> decode) {
    Map<String, V> out = new LinkedHashMap<>();
    TopicRecords.readAll(platform, topic).forEach(r -> out.put(r.key(), decode.apply(r.value())));
    return out;
  }
}
