package dev.nines.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.Topics;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.CarrierHealth;
import dev.nines.serde.AvroSerde;
import dev.nines.testing.HeavyLoad;
import dev.nines.testing.KafkaPlatformExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Issue #7: {@code ./nines bench throughput} end to end on the real broker, small. Each figure
 * the report is built from is checked against the broker itself, read here independently: the
 * pass-through output holds every loaded receipt; nines closed the first health window of every
 * scenario carrier; two instances split the work and still finish; memory, CPU and latency are
 * real numbers; the charts are PNG files.
 */
@ExtendWith(KafkaPlatformExtension.class)
@Timeout(600)
@ResourceLock(HeavyLoad.LOCK)
class ThroughputBenchmarkIT {
  static final int ROUTES = 10;

  @Test
  void measuresCeilingPassThroughNinesLatencyAndScaling(@TempDir Path work) throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    NinesConfig config =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(),
            Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl()));
    // 200 s of event time at 100 receipts/s (2 a second per carrier): the health windows of the
    // first minute close once every input partition has passed 90 s, the probes' too (a round a
    // minute: 0 s, 60 s, ...)
    var options =
        new ThroughputBenchmark.Options(
            20_000,
            2,
            new ThroughputBenchmark.Routes(ROUTES, ThroughputBenchmark.CARRIERS_PER_ROUTE),
            100,
            1,
            "256m",
            EnumSet.allOf(ThroughputBenchmark.Part.class),
            10_000,
            Duration.ofSeconds(4),
            Duration.ofSeconds(2),
            20_000,
            List.of(2),
            List.of(2),
            List.of(ThroughputBenchmark.Routes.parse("20x8")),
            7,
            Duration.ofMinutes(4),
            work);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    ThroughputBenchmark.Result r;
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      r = new ThroughputBenchmark(config, platform, options, out).run();
      ThroughputReport.print(r, options, out);
    }
    String report = printed.toString(StandardCharsets.UTF_8);

    // the load, counted by the broker
    String receipts = r.load().prefix() + Topics.DELIVERY_RECEIPTS.name();
    assertThat(r.load().receipts()).isEqualTo(count(platform, receipts));
    assertThat(r.load().receipts()).isBetween(18_000L, 22_000L);
    assertThat(r.load().probes()).isPositive();

    // ceiling: both perf tools ran on this broker
    // (the consumer perf tool stops at the records asked for, or when none came for a while)
    assertThat(r.consumer().records()).isPositive().isLessThanOrEqualTo(r.load().receipts());
    assertThat(r.producer().records()).isEqualTo(10_000);
    assertThat(r.consumer().recordsPerSecond()).isPositive();
    assertThat(r.producer().recordsPerSecond()).isPositive();

    // pass-through: its output topic holds every receipt, committed
    assertThat(count(platform, receipts + BenchWorker.PASSTHROUGH_SUFFIX))
        .isEqualTo(r.load().receipts());
    assertThat(r.passThrough().events()).isEqualTo(r.load().receipts());

    // nines: the first minute's carrier-health window closed for every carrier of the scenario
    Map<String, Integer> firstWindow =
        firstWindowRecords(platform, r.load().prefix() + Topics.CARRIER_HEALTH.name());
    assertThat(firstWindow.keySet()).isEqualTo(scenarioCarriers());
    assertThat(firstWindow.values()).allMatch(n -> n == 1);
    assertThat(r.nines().events()).isEqualTo(r.load().receipts() + r.load().probes());
    for (var run : List.of(r.passThrough(), r.nines())) {
      assertThat(run.rate()).isPositive();
      assertThat(run.appCpu()).isPositive();
      assertThat(run.peakLiveHeap())
          .isPositive()
          .isLessThanOrEqualTo(run.memory().get(0).maxHeap());
      assertThat(run.peakRss()).isGreaterThan(run.peakLiveHeap());
    }
    assertThat(r.nines().peakRocksDb()).isPositive();
    // the stream thread's time split, as Kafka Streams measured it: shares of one loop
    Worker.Memory m = r.nines().memory().get(0);
    assertThat(m.processRatio()).isGreaterThan(0).isLessThanOrEqualTo(1);
    assertThat(m.commitRatio()).isGreaterThan(0).isLessThan(1);
    assertThat(m.processRatio() + m.commitRatio() + m.pollRatio() + m.punctuateRatio())
        .isLessThanOrEqualTo(1.01);
    assertThat(report).containsPattern("\\| \\d+% / \\d+% / \\d+% \\|");

    // latency: every cohort sent live got through, quantiles in order
    assertThat(r.latency().cohorts()).isPositive();
    assertThat(r.latency().p50()).isPositive().isLessThanOrEqualTo(r.latency().p99());
    assertThat(r.latency().p99()).isLessThanOrEqualTo(r.latency().max());

    // scaling: two instances on 2 partitions, then 20 routes of 8 carriers; each through its own
    // load, whose carriers the broker saw
    assertThat(r.scaling()).extracting(ThroughputBenchmark.AppRun::instances).containsExactly(2, 1);
    assertThat(r.scaling())
        .extracting(a -> a.routes().routes() + "x" + a.routes().carriers())
        .containsExactly(ROUTES + "x5", "20x8");
    assertThat(report).contains("| 20 x 8 | 160 |");
    assertThat(r.scaling().get(0).memory()).hasSize(2);

    assertThat(report)
        .contains(
            "nines / pass-through = ",
            "nines / ceiling",
            "kafka-producer-perf-test",
            "end-to-end latency",
            "| scaling");
    List<Path> charts = ThroughputReport.charts(r, work.resolve("charts"));
    assertThat(charts)
        .extracting(p -> p.getFileName().toString())
        .containsExactly("throughput.png", "scaling.png");
    for (Path png : charts) {
      byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
      assertThat(head).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }
  }

  /** carrierId keys {@code <country>:<channel>:<carrierId>} the scenario of 10 routes has. */
  static Set<String> scenarioCarriers() {
    Set<String> keys = new TreeSet<>();
    for (int i = 0; i < ROUTES; i++) {
      String country = ThroughputBenchmark.COUNTRIES.get(i / 3);
      String channel = ThroughputBenchmark.CHANNELS.get(i % 3);
      for (int c = 0; c < ThroughputBenchmark.CARRIERS_PER_ROUTE; c++) {
        keys.add(
            country
                + ":"
                + channel
                + ":"
                + country.toLowerCase()
                + "-"
                + channel.toLowerCase()
                + "-c"
                + c);
      }
    }
    return keys;
  }

  static Map<String, Integer> firstWindowRecords(LocalPlatform platform, String topic) {
    AvroSerde<CarrierHealth> serde = Topics.CARRIER_HEALTH.valueSerde(platform.registryClient());
    Instant first = Instant.parse("2026-10-01T00:00:00Z");
    Map<String, Integer> seen = new TreeMap<>();
    readAll(
        platform,
        topic,
        rec -> {
          if (serde.deserialize(topic, rec.value()).getWindowStart().equals(first)) {
            seen.merge(rec.key(), 1, Integer::sum);
          }
        });
    return seen;
  }

  /** Committed records in a topic, read one by one. */
  static long count(LocalPlatform platform, String topic) {
    long[] n = {0};
    readAll(platform, topic, rec -> n[0]++);
    return n[0];
  }

  /** Every committed record of {@code topic}, from the start to the end it has now. */
  static void readAll(
      LocalPlatform platform, String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
    try (var consumer = consumer(platform)) {
      List<TopicPartition> parts = partitions(consumer, topic);
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      var ends = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        consumer.poll(Duration.ofMillis(200)).forEach(each);
      }
    }
  }

  static KafkaConsumer<String, byte[]> consumer(LocalPlatform platform) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
  }

  static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }
}
