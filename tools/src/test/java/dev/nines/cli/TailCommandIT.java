package dev.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nines.Topics;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.TopicManager;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.Incident;
import dev.nines.schema.IncidentStatus;
import dev.nines.schema.Service;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.testing.KafkaPlatformExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #6: {@code nines tail TOPIC} prints a contract topic's records as JSON lines, decoded
 * through the registry; dead letters as their original bytes (base64) with their headers. On the
 * real broker and registry; the records are written here by hand and the lines are checked
 * field by field against them.
 */
@ExtendWith(KafkaPlatformExtension.class)
@Timeout(120)
class TailCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();

  record Run(int exit, List<String> out, String err) {}

  static Run tail(LocalPlatform platform, String prefix, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> cmd = new ArrayList<>(List.of("tail"));
    cmd.addAll(List.of(args));
    cmd.addAll(
        List.of(
            "--bootstrap-servers",
            platform.bootstrapServers(),
            "--schema-registry-url",
            platform.schemaRegistryUrl(),
            "--set",
            "topics.prefix=" + prefix));
    int exit =
        Main.execute(
            new PrintWriter(out, true), new PrintWriter(err, true), cmd.toArray(String[]::new));
    List<String> lines = out.toString().lines().filter(l -> !l.isBlank()).toList();
    return new Run(exit, lines, err.toString());
  }

  @Test
  void printsIncidentsAndDeadLettersAsJsonLines() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("tail") + ".";
    NinesConfig config =
        ConfigLoader.load(Optional.empty(), Map.of(), Map.of("topics.prefix", prefix));
    try (Admin admin = platform.kafka().admin()) {
      TopicManager.ensure(admin, Topics.ALL, config.topics());
    }
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    Incident open =
        Incident.newBuilder()
            .setIncidentId("SMS-us-east-20261101T000000000Z")
            .setService(Service.SMS)
            .setRegion("us-east")
            .setStatus(IncidentStatus.OPEN)
            .setStartedAt(Instant.parse("2026-11-01T00:00:00Z"))
            .setResolvedAt(null)
            .setChecks(List.of("sms-send"))
            .setVantages(List.of("v1", "v2"))
            .setInMaintenance(false)
            .build();
    Incident resolved =
        Incident.newBuilder(open)
            .setStatus(IncidentStatus.RESOLVED)
            .setResolvedAt(Instant.parse("2026-11-01T00:07:30.250Z"))
            .build();
    byte[] garbage = {0x00, 0x00, 0x00, 0x7f, (byte) 0xff, 0x01};
    Map<String, Object> props =
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    var incidentSerde = Topics.INCIDENTS.valueSerde(registry);
    try (var p = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      String topic = config.topics().name(Topics.INCIDENTS);
      p.send(
          new ProducerRecord<>(
              topic,
              0,
              Instant.parse("2026-11-01T00:02:00Z").toEpochMilli(),
              "SMS:us-east",
              incidentSerde.serialize(topic, open)));
      p.send(
          new ProducerRecord<>(
              topic,
              0,
              Instant.parse("2026-11-01T00:09:00Z").toEpochMilli(),
              "SMS:us-east",
              incidentSerde.serialize(topic, resolved)));
      RecordHeaders h = new RecordHeaders();
      h.add("nines.source.topic", (prefix + "probe-results").getBytes(StandardCharsets.UTF_8));
      h.add("nines.error.reason", "unreadable".getBytes(StandardCharsets.UTF_8));
      p.send(
          new ProducerRecord<>(
              config.topics().name(Topics.DEAD_LETTERS), 0, 1_000L, "k1", garbage, h));
      p.flush();
    }

    Run incidents = tail(platform, prefix, "incidents", "--from-beginning", "--no-follow");
    assertThat(incidents.exit()).as(incidents.err()).isZero();
    assertThat(incidents.out()).hasSize(2);
    JsonNode first = JSON.readTree(incidents.out().get(0));
    assertThat(first.get("key").asText()).isEqualTo("SMS:us-east");
    assertThat(first.get("partition").asInt()).isZero();
    assertThat(first.get("offset").asLong()).isZero();
    assertThat(first.get("timestamp").asText()).isEqualTo("2026-11-01T00:02:00Z");
    assertThat(first.get("value"))
        .isEqualTo(
            JSON.readTree(
                "{\"incidentId\":"
                    + "\"SMS-us-east-20261101T000000000Z\",\"service\":\"SMS\",\"region\":\"us-east\","
                    + "\"status\":\"OPEN\",\"startedAt\":\"2026-11-01T00:00:00Z\",\"resolvedAt\":null,"
                    + "\"checks\":[\"sms-send\"],\"vantages\":[\"v1\",\"v2\"],\"inMaintenance\":false}"));
    JsonNode second = JSON.readTree(incidents.out().get(1));
    assertThat(second.get("offset").asLong()).isEqualTo(1);
    assertThat(second.get("value").get("status").asText()).isEqualTo("RESOLVED");
    assertThat(second.get("value").get("resolvedAt").asText())
        .isEqualTo("2026-11-01T00:07:30.250Z");

    Run one = tail(platform, prefix, "incidents", "--from-beginning", "--max", "1");
    assertThat(one.exit()).isZero();
    assertThat(one.out()).containsExactly(incidents.out().get(0));

    Run dead = tail(platform, prefix, "dead-letters", "--from-beginning", "--no-follow");
    assertThat(dead.exit()).as(dead.err()).isZero();
    assertThat(dead.out()).hasSize(1);
    JsonNode d = JSON.readTree(dead.out().get(0));
    assertThat(d.get("key").asText()).isEqualTo("k1");
    assertThat(Base64.getDecoder().decode(d.get("valueBase64").asText())).isEqualTo(garbage);
    assertThat(d.get("headers").get("nines.source.topic").asText())
        .isEqualTo(prefix + "probe-results");
    assertThat(d.get("headers").get("nines.error.reason").asText()).isEqualTo("unreadable");

    // from the end, without following: nothing new, and it returns
    Run fromEnd = tail(platform, prefix, "incidents", "--no-follow");
    assertThat(fromEnd.exit()).isZero();
    assertThat(fromEnd.out()).isEmpty();

    Run unknown = tail(platform, prefix, "incidentz", "--no-follow");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("nines: unknown topic 'incidentz': expected one of [");
  }
}
