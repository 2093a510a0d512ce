package dev.nines.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.config.ConfigLoader;
import dev.nines.platform.local.LocalKafka;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.serde.AvroSerde;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.serde.WireFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The embedded platform for real: a KRaft broker in a child JVM and the registry over HTTP.
 * Produces and consumes Avro through our serde, restarts everything on the same data directory
 * and finds records and schema ids intact, and leaves no process or port behind.
 */
class LocalPlatformIT {
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  static ProbeResult probe(int i) {
    return ProbeResult.newBuilder()
        .setProbeId("p" + i)
        .setCheck("sms-send")
        .setService(Service.SMS)
        .setRegion("us-east")
        .setVantage("v1")
        .setSuccess(i % 2 == 0)
        .setCarrierId(null)
        .setCountry(null)
        .setLatencyMs((long) i)
        .setErrorCode(null)
        .setObservedAt(Instant.ofEpochMilli(1_700_000_000_000L + i))
        .build();
  }

  @Test
  void restartKeepsDataAndSchemaIdsAndLeavesNothingRunning() throws Exception {
    LocalKafka.Options options = LocalKafka.Options.ephemeral(1);
    // keep the directory across the restart; delete it ourselves at the end
    LocalKafka.Options keep =
        new LocalKafka.Options(
            options.host(),
            options.brokerPorts(),
            options.controllerPorts(),
            options.dataDir(),
            false,
            options.heap(),
            options.startTimeout(),
            Map.of());
    int registryPort = PortCheck.freePort();
    String topic = Topics.PROBE_RESULTS.name();
    int schemaId;
    long brokerPid;
    try (LocalPlatform p = LocalPlatform.start(keep, "localhost", registryPort, (short) 1)) {
      brokerPid = p.kafka().pid(1);
      try (Admin admin = p.kafka().admin()) {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
      }
      var serde =
          Topics.PROBE_RESULTS.valueSerde(new RestSchemaRegistryClient(p.schemaRegistryUrl()));
      try (var producer =
          new KafkaProducer<>(
              Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, p.bootstrapServers()),
              new StringSerializer(),
              serde.serializer())) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>(topic, "p" + i, probe(i))).get();
        }
      }
      schemaId = idOfLatest(p.schemaRegistryUrl(), topic + "-value");
      assertThat(readAll(p.bootstrapServers(), topic, serde)).hasSize(10);
    }
    assertThat(ProcessHandle.of(brokerPid).map(ProcessHandle::isAlive).orElse(false))
        .as("broker process gone after close")
        .isFalse();
    assertPortFree(keep.brokerPorts().get(0));
    assertPortFree(registryPort);

    try (LocalPlatform p = LocalPlatform.start(keep, "localhost", registryPort, (short) 1)) {
      // the registry rebuilt its state from _schemas: same id for the same subject
      assertThat(idOfLatest(p.schemaRegistryUrl(), topic + "-value")).isEqualTo(schemaId);
      // a fresh client (empty caches) reads the old records via the id stored in their bytes
      var serde =
          Topics.PROBE_RESULTS.valueSerde(new RestSchemaRegistryClient(p.schemaRegistryUrl()));
      List<ProbeResult> read = readAll(p.bootstrapServers(), topic, serde);
      assertThat(read)
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 10).mapToObj(LocalPlatformIT::probe).toList());
      // and the raw bytes carry that id in Confluent's framing
      for (byte[] raw : readRaw(p.bootstrapServers(), topic)) {
        assertThat(raw[0]).isEqualTo(WireFormat.MAGIC);
        assertThat(WireFormat.schemaId(topic, raw)).isEqualTo(schemaId);
      }
    } finally {
      Directories.deleteRecursively(keep.dataDir());
    }
  }

  int idOfLatest(String registry, String subject) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(registry + "/subjects/" + subject + "/versions/latest"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode j = JSON.readTree(r.body());
    assertThat(j.get("subject").asText()).isEqualTo(subject);
    assertThat(j.get("version").asInt()).isEqualTo(1);
    return j.get("id").asInt();
  }

  static <T extends SpecificRecord> List<T> readAll(
      String bootstrap, String topic, AvroSerde<T> serde) {
    List<T> out = new ArrayList<>();
    for (byte[] raw : readRaw(bootstrap, topic)) {
      out.add(serde.deserialize(topic, raw));
    }
    return out;
  }

  static List<byte[]> readRaw(String bootstrap, String topic) {
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      List<byte[]> out = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                  out.add(r.value());
                }
                return parts.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
              });
      return out;
    }
  }

  /**
   * {@code ./nines run --set kafka.commit.interval.ms=1000} with no external cluster: the
   * setting reaches Kafka Streams (the embedded platform passed no kafka.* setting before).
   */
  @Test
  void startedFromTheConfigItsClientsGetTheKafkaSettings() throws Exception {
    var ports = PortCheck.freePorts(3);
    int kafkaPort = ports.get(0);
    int controllerPort = ports.get(1);
    int registryPort = ports.get(2);
    var config =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(),
            Map.of(
                "platform.ephemeral",
                "true",
                "platform.kafka.port",
                "" + kafkaPort,
                "platform.controller.port",
                "" + controllerPort,
                "platform.registry.port",
                "" + registryPort,
                "kafka.commit.interval.ms",
                "1000",
                "kafka.producer.linger.ms",
                "7"));
    try (LocalPlatform p = LocalPlatform.start(config)) {
      assertThat(p.clientOverrides())
          .containsEntry("commit.interval.ms", "1000")
          .containsEntry("producer.linger.ms", "7");
      var streams = NinesApp.streamsProperties(config, p);
      assertThat(streams)
          .containsEntry("commit.interval.ms", "1000")
          .containsEntry("producer.linger.ms", "7")
          .containsEntry("bootstrap.servers", "localhost:" + kafkaPort);
      // and the clients still connect with them
      Map<String, Object> admin = new HashMap<>(p.clientOverrides());
      admin.put("bootstrap.servers", p.bootstrapServers());
      try (Admin a = Admin.create(admin)) {
        assertThat(a.describeCluster().nodes().get()).hasSize(1);
      }
    }
    assertPortFree(kafkaPort);
    assertPortFree(registryPort);
  }

  static void assertPortFree(int port) {
    PortCheck.requireFree("localhost", port, "test", "-");
  }

  @Test
  void optionsPutNodesOnConsecutivePorts() {
    var o = LocalKafka.Options.of("localhost", 3, 9092, 9093, Path.of("d"), false, "1g");
    assertThat(o.brokerPorts()).containsExactly(9092, 9093, 9094);
    assertThat(o.controllerPorts()).containsExactly(9093, 9103, 9113);
    assertThat(Set.copyOf(o.brokerPorts()))
        .doesNotContainAnyElementsOf(o.controllerPorts().subList(1, 3));
  }
}
