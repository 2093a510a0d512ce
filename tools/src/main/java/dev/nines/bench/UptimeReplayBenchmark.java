package dev.nines.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import dev.nines.platform.TopicManager;
import dev.nines.schema.UptimeLedger;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.AvroSerde;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.simulate.KafkaSimSink;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.SimSink;
import dev.nines.simulate.Simulator;
import dev.nines.uptime.stream.UptimeProcessor;
import dev.nines.uptime.stream.UptimeTopology;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The uptime replay speed target: a month of probe history replayed into finalized ledgers. The
 * simulator writes a whole UTC month of probes ({@code regions × 3 services × vantages}, one
 * check per service, one probe a minute; for a 30-day month, 6 regions and 3 vantages that is
 * 2,332,800 probes) plus the 70 minutes of the next month that close it (month end +
 * {@code uptime.month.grace}, reached by every region), with a few scripted outages and the
 * simulator's random single failures; no receipts. Only then is the app started, and the time is
 * taken from its start until every service × region ledger line of the month is read back
 * finalized ({@code read_committed}).
 *
 * <p>While it runs, the app's committed offsets are sampled once a second, on the input topic
 * (the first stage: read, check, re-key by service, write the repartition topic) and on the
 * uptime repartition topic (the second stage: DOWN rule, ledger, alerts, month close), so the
 * report shows which stage the time goes to.
 */
public final class UptimeReplayBenchmark {
  /** Region names, in order; {@code --regions n} takes the first n. */
  static final List<String> REGIONS =
      List.of(
          "us-east",
          "us-west",
          "eu-west",
          "eu-central",
          "ap-south",
          "ap-northeast",
          "sa-east",
          "af-south",
          "me-central",
          "ca-central");

  static final List<String> VANTAGES =
      List.of(
          "probe-virginia",
          "probe-frankfurt",
          "probe-singapore",
          "probe-oregon",
          "probe-tokyo",
          "probe-saopaulo");

  /** Past the month end: the grace (1 h) plus a few ticks, so that every region reaches it. */
  static final Duration AFTER_MONTH = Duration.ofMinutes(70);

  public record Options(int regions, int vantages, YearMonth month, long seed, Duration timeout) {
    public Options {
      if (regions < 1 || regions > REGIONS.size() || vantages < 1 || vantages > VANTAGES.size()) {
        throw new IllegalArgumentException(
            "regions must be 1.." + REGIONS.size() + " and vantages 1.." + VANTAGES.size());
      }
    }
  }

  /**
   * @param monthProbes probes whose event time lies in the month
   * @param probes all probes written (the month plus the hour that closes it)
   * @param changelogOffsets end offsets of the uptime stores' changelogs when the month was
   *     finalized, summed (records written, plus one transaction marker per commit)
   * @param stages per-second samples: seconds since app start, the app's committed offset on
   *     the probe topic (probes through the first stage) and on the uptime repartition topic
   *     (through the second; its offsets also count one transaction marker per commit)
   */
  public record Result(
      long monthProbes,
      long probes,
      double loadSeconds,
      double processingSeconds,
      double firstStageSeconds,
      long peakHeapBytes,
      long maxHeapBytes,
      int ledgersFinalized,
      long lateProbes,
      List<String> finalizedLines,
      List<long[]> stages,
      Cpu cpu,
      long changelogOffsets) {
    public double probesPerSecond() {
      return probes / processingSeconds;
    }
  }

  /**
   * CPU seconds used while the app processed (app start to the last finalized line): the whole
   * benchmark JVM (app, ledger reader, sampling), its Kafka Streams threads alone, and the
   * embedded broker's child processes (-1 when the broker is not ours).
   */
  public record Cpu(double jvmSeconds, double streamThreadSeconds, double brokerSeconds) {}

  private final NinesConfig config;
  private final Platform platform;
  private final Options options;
  private final PrintStream out;

  public UptimeReplayBenchmark(
      NinesConfig config, Platform platform, Options options, PrintStream out) {
    this.config = config;
    this.platform = platform;
    this.options = options;
    this.out = out;
  }

  /** The scenario: the first n regions and vantages, a check per service, a few outages. */
  public String scenarioYaml() {
    List<String> regions = REGIONS.subList(0, options.regions());
    List<String> vantages = VANTAGES.subList(0, options.vantages());
    String r0 = regions.get(0);
    String rLast = regions.get(regions.size() - 1);
    return """
        name: bench-uptime
        seed: %d
        regions: [%s]
        vantages: [%s]
        probeInterval: PT60S
        probeFailureRate: 0.001
        checks:
          - {name: sms-send, service: SMS}
          - {name: voice-call, service: VOICE}
          - {name: verify-send, service: VERIFY}
        maintenance:
          - {id: mw-voice, service: VOICE, region: %s, start: P12DT2H, end: P12DT3H}
        events:
          - name: sms-down
            start: P3DT10H
            end: P3DT10H25M
            serviceOutage: {service: SMS, region: %s}
          - name: voice-down-in-maintenance
            start: P12DT2H10M
            end: P12DT2H40M
            serviceOutage: {service: VOICE, region: %s}
          - name: verify-down-daily
            start: PT6H
            end: PT6H4M
            repeatEvery: P1D
            serviceOutage: {service: VERIFY, region: %s}
        """
        .formatted(
            options.seed(),
            String.join(", ", regions),
            String.join(", ", vantages),
            rLast,
            r0,
            rLast,
            rLast);
  }

  public Result run() throws Exception {
    Instant from = options.month().atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant monthEnd =
        options.month().plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant to = monthEnd.plus(AFTER_MONTH);
    Scenario scenario = Scenario.parse(scenarioYaml());
    int series = options.regions() * options.vantages() * scenario.checks().size();
    long monthProbes = series * Duration.between(from, monthEnd).toMinutes();
    long probes = series * Duration.between(from, to).toMinutes();
    String month = options.month().toString();
    out.printf(
        Locale.ROOT,
        "uptime replay: %d series (%d regions x %d services x %d vantages), "
            + "%,d probes in %s plus %,d to close it (to %s)%n",
        series,
        options.regions(),
        scenario.checks().size(),
        options.vantages(),
        monthProbes,
        month,
        probes - monthProbes,
        to);

    Map<String, Object> adminConfig = new HashMap<>(platform.clientOverrides());
    adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    try (Admin admin = Admin.create(adminConfig)) {
      TopicManager.ensure(admin, Topics.ALL, config.topics());
      var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());

      // ---- load: the simulator's history pace, as fast as the broker takes it ----
      long loadStart = System.nanoTime();
      Map<String, Object> producerConfig = new HashMap<>(platform.clientOverrides());
      producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
      producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
      producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
      try (var producer =
          new KafkaProducer<String, Object>(
              producerConfig, new StringSerializer(), new AnyAvroSerializer(registry))) {
        SimSink sink =
            SimSink.withTopicPrefix(new KafkaSimSink(producer), config.topics().prefix());
        Simulator sim = new Simulator(scenario);
        sim.seed(sink, from);
        sim.history(sink, from, to);
        sink.flush();
        long written = sim.stats().total() - scenario.maintenance().size();
        if (written != probes) {
          throw new IllegalStateException(
              "benchmark: " + written + " probes written, " + probes + " expected");
        }
      }
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      out.printf(
          Locale.ROOT, "loaded in %.1f s (%,.0f probes/s)%n", loadSeconds, probes / loadSeconds);

      // ---- processing: app start until every ledger line of the month is finalized ----
      String ledgerTopic = config.topics().name(Topics.UPTIME_LEDGER);
      AvroSerde<UptimeLedger> serde = Topics.UPTIME_LEDGER.valueSerde(registry);
      int expectedLines = options.regions() * scenario.checks().size();
      TreeSet<String> finalized = new TreeSet<>();
      List<String> lines = new ArrayList<>();
      List<long[]> stages = new ArrayList<>();
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      AtomicLong peakHeap = new AtomicLong();
      long lateProbes;
      long changelogOffsets;
      double processingSeconds;
      double firstStageSeconds = Double.NaN;
      String probeTopic = config.topics().name(Topics.PROBE_RESULTS);
      String repartition =
          config.streams().applicationId() + "-uptime-probes-by-service-repartition";
      double jvmCpuBefore = jvmCpuSeconds();
      double brokerCpuBefore = childCpuSeconds();
      Map<Long, Long> streamThreadCpu = new HashMap<>();
      long appStart = System.nanoTime();
      try (NinesApp app = NinesApp.start(config, platform, registry);
          KafkaConsumer<String, byte[]> ledger = committedConsumer(ledgerTopic)) {
        long deadline = appStart + options.timeout().toNanos();
        long nextSample = appStart;
        while (finalized.size() < expectedLines) {
          for (var r : ledger.poll(Duration.ofMillis(100))) {
            UptimeLedger l = serde.deserialize(ledgerTopic, r.value());
            if (l.getFinalized() && l.getMonth().equals(month) && finalized.add(r.key())) {
              lines.add(
                  String.format(
                      Locale.ROOT,
                      "%s availability %s%% downtime %d ms " + "maintenance %d ms incidents %d",
                      r.key(),
                      l.getAvailabilityPercent(),
                      l.getDowntimeMs(),
                      l.getMaintenanceMs(),
                      l.getIncidentIds().size()));
            }
          }
          peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
          long now = System.nanoTime();
          if (now >= nextSample) {
            sampleStreamThreads(streamThreadCpu);
            long[] s = {
              (now - appStart) / 1_000_000_000L,
              committed(admin, probeTopic),
              committed(admin, repartition)
            };
            stages.add(s);
            if (Double.isNaN(firstStageSeconds) && s[1] >= probes) {
              firstStageSeconds = (now - appStart) / 1e9;
            }
            nextSample += 1_000_000_000L;
          }
          if (now > deadline) {
            throw new IllegalStateException(
                "benchmark: only "
                    + finalized.size()
                    + " of "
                    + expectedLines
                    + " ledger lines of "
                    + month
                    + " finalized within "
                    + options.timeout().toSeconds()
                    + " s; last progress "
                    + describe(stages));
          }
        }
        processingSeconds = (System.nanoTime() - appStart) / 1e9;
        sampleStreamThreads(streamThreadCpu);
        String appId = config.streams().applicationId();
        changelogOffsets =
            endOffsets(admin, appId + "-" + UptimeTopology.REGION_STORE + "-changelog")
                + endOffsets(admin, appId + "-" + UptimeTopology.SERVICE_STORE + "-changelog");
        long[] last = {
          Math.round(processingSeconds), committed(admin, probeTopic), committed(admin, repartition)
        };
        stages.add(last);
        if (Double.isNaN(firstStageSeconds) && last[1] >= probes) {
          firstStageSeconds = processingSeconds; // within the last second
        }
        lateProbes =
            app.streams().metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(UptimeProcessor.LATE_PROBES_METRIC))
                .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue())
                .sum();
      }
      double brokerCpu = childCpuSeconds();
      Cpu cpu =
          new Cpu(
              jvmCpuSeconds() - jvmCpuBefore,
              streamThreadCpu.values().stream().mapToLong(Long::longValue).sum() / 1e9,
              brokerCpu < 0 || brokerCpuBefore < 0 ? -1 : brokerCpu - brokerCpuBefore);
      return new Result(
          monthProbes,
          probes,
          loadSeconds,
          processingSeconds,
          firstStageSeconds,
          peakHeap.get(),
          memory.getHeapMemoryUsage().getMax(),
          finalized.size(),
          lateProbes,
          lines,
          stages,
          cpu,
          changelogOffsets);
    }
  }

  /** The end offsets of a topic's partitions, summed; -1 if it cannot be read. */
  private static long endOffsets(Admin admin, String topic) {
    try {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      return admin.listOffsets(latest).all().get().values().stream()
          .mapToLong(i -> i.offset())
          .sum();
    } catch (Exception e) {
      return -1;
    }
  }

  private static double jvmCpuSeconds() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  /** CPU seconds of this JVM's child processes (the embedded broker), or -1 if there are none. */
  private double childCpuSeconds() {
    if (!platform.embedded()) {
      return -1;
    }
    return ProcessHandle.current()
            .descendants()
            .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
            .sum()
        / 1e9;
  }

  /** Latest CPU time of every Kafka Streams thread seen, by thread id (they may be replaced). */
  private static void sampleStreamThreads(Map<Long, Long> cpuNanos) {
    var threads = ManagementFactory.getThreadMXBean();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().contains("-StreamThread-") && !t.getName().contains("producer")) {
        long c = threads.getThreadCpuTime(t.getId());
        if (c > 0) {
          cpuNanos.put(t.getId(), c);
        }
      }
    }
  }

  private static String describe(List<long[]> stages) {
    if (stages.isEmpty()) {
      return "none";
    }
    long[] s = stages.get(stages.size() - 1);
    return s[0] + " s: " + s[1] + " probes through stage 1, " + s[2] + " through stage 2";
  }

  /** The app's committed offsets on a topic, summed over partitions (0 before the first). */
  private long committed(Admin admin, String topic) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(config.streams().applicationId())
              .partitionsToOffsetAndMetadata()
              .get();
      return offsets.entrySet().stream()
          .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
          .mapToLong(e -> e.getValue().offset())
          .sum();
    } catch (Exception e) {
      return 0;
    }
  }

  private KafkaConsumer<String, byte[]> committedConsumer(String topic) {
    Map<String, Object> c = new HashMap<>(platform.clientOverrides());
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    return CommittedReader.fromBeginning(c, topic, new StringDeserializer());
  }
}
