package dev.nines.uptime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nines.Topic;
import dev.nines.TopicNames;
import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.config.NinesConfig;
import dev.nines.eventtime.OrderGateProcessor;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Incident;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.UptimeLedger;
import dev.nines.serde.AnyAvroSerializer;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.simulate.Scenario;
import dev.nines.simulate.Simulator;
import dev.nines.testing.CaughtUp;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.LogForensics;
import dev.nines.testing.TestTopics;
import dev.nines.uptime.stream.UptimeProcessor;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #9, deterministic replay across partitions, on the real broker: the same probe history
 * ({@code scenarios/uptime-partitions.yaml}: 3 regions × 2 vantages × 2 services, one probe a
 * minute, 29 Sep 00:00 - 1 Oct 01:10, outages across regions, a spent budget, an incident over the
 * month end, September's close with credits; a region whose probers are away for half an hour
 * (NO_DATA) and a vantage that stops mid-incident and leaves the quorum) through the real app
 * twice:
 *
 * <ol>
 *   <li>with one partition per topic, everything in event order;
 *   <li>with three partitions, each service's three regions on three different input
 *       partitions, produced <b>skewed</b>: all of partition 0 first, then (once the app has
 *       consumed it) all of partition 1, then partition 2. While partition 0 is processed the
 *       others have nothing: its tasks run days of event time ahead of theirs.
 * </ol>
 *
 * <p>Both must write the same {@code uptime-ledger}, {@code incidents} and {@code
 * error-budget-alerts} records per key, in order (key, value bytes, timestamp), and the same
 * {@code sla-credits} per account and service. Per key, because which partition a key lands in
 * differs with the partition count. Credits per account <i>and service</i>: an account's SMS and
 * VERIFY credits come from the tasks of two services, which with three partitions may be two
 * tasks writing in either order; each is written once, and that is what is compared.
 *
 * <p>Two settings make the comparison exact rather than timing-dependent: {@code
 * uptime.partition.idle} is 10 minutes (the pauses between partitions are waits for the app, not
 * idleness: with the default 10 s, partition 1 would be declared idle while partition 0 is
 * processed, and its history, arriving later, would be behind what was released: exactly the
 * case docs/guarantees.md documents as not deterministic); and every input partition ends with one
 * probe a day after the history (an end-of-input mark: it moves every partition's watermark
 * past the whole history, so both runs release all of it; it is itself never released).
 *
 * <p>Before watermarks, the three-partition run dropped probes of the lagging regions as late
 * and closed the month at a different point (docs/guarantees.md, "What is deterministic").
 */
@ExtendWith(KafkaPlatformExtension.class)
class UptimeAcrossPartitionsIT {
  static final String SCENARIO = "scenarios/uptime-partitions.yaml";
  static final Instant ORIGIN = Instant.parse("2026-09-29T00:00:00Z");
  static final Instant HISTORY_END = Instant.parse("2026-10-01T01:10:00Z");
  static final Instant END_OF_INPUT = HISTORY_END.plus(Duration.ofDays(1));
  static final List<Topic<?>> COMPARED =
      List.of(
          Topics.UPTIME_LEDGER, Topics.INCIDENTS, Topics.ERROR_BUDGET_ALERTS, Topics.SLA_CREDITS);

  record Sent(String topic, String key, SpecificRecord value, long timestampMs) {}

  /** What one run wrote: per topic, per comparison key, the records in order. */
  record Outputs(
      Map<String, Map<String, List<String>>> byTopic, long late, String prefix, int partitions) {}

  @Test
  @Timeout(value = 14, unit = TimeUnit.MINUTES)
  void oneAndThreeSkewedPartitionsWriteTheSameOutputs() throws Exception {
    Scenario scenario;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(SCENARIO)) {
      scenario = Scenario.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    List<Sent> reference = new ArrayList<>();
    List<Sent> probes = new ArrayList<>();
    Simulator sim = new Simulator(scenario);
    sim.seed((t, k, v, ts) -> reference.add(new Sent(t, k, v, ts)), ORIGIN);
    sim.history(
        (t, k, v, ts) ->
            (t.equals(TopicNames.PROBE_RESULTS) ? probes : reference).add(new Sent(t, k, v, ts)),
        ORIGIN,
        HISTORY_END);
    assertThat(reference).noneMatch(s -> s.topic().equals(TopicNames.DELIVERY_RECEIPTS));

    long t0 = System.nanoTime();
    Outputs one = run(1, reference, probes);
    long t1 = System.nanoTime();
    Outputs three = run(3, reference, probes);
    long t2 = System.nanoTime();

    int records =
        three.byTopic().values().stream()
            .mapToInt(m -> m.values().stream().mapToInt(List::size).sum())
            .sum();
    System.out.printf(
        Locale.ROOT,
        "UptimeAcrossPartitionsIT: %d probes; 1 partition "
            + "in %.1f s, 3 skewed partitions in %.1f s; per topic (keys/records): %s; %d records "
            + "compared; late: %d and %d%n",
        probes.size(),
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        summary(three),
        records,
        one.late(),
        three.late());

    // the history is complete and meaningful: something of each kind to compare
    Map<String, List<String>> ledger = one.byTopic().get(TopicNames.UPTIME_LEDGER);
    assertThat(ledger.keySet()).as("every service and region, both months").hasSize(12);
    assertThat(
            ledger.values().stream()
                .flatMap(List::stream)
                .filter(s -> s.contains("finalized"))
                .count())
        .as("September closed in 6 regions")
        .isEqualTo(6);
    assertThat(one.byTopic().get(TopicNames.INCIDENTS)).isNotEmpty();
    assertThat(one.byTopic().get(TopicNames.ERROR_BUDGET_ALERTS)).isNotEmpty();
    // the probers away: a NO_DATA alert fired 5 minutes after ap-south's last SMS probe before
    // 02:00 and resolved at its first after 02:30 (the simulator's probes fall within their
    // minute), and the VERIFY us-east incident resolved in the minute of 08:20 although
    // probe-frankfurt only came back at 08:40
    assertThat(one.byTopic().get(TopicNames.ERROR_BUDGET_ALERTS).get("SMS:ap-south"))
        .as("SMS ap-south alerts")
        .anySatisfy(
            r ->
                assertThat(r)
                    .contains(" NO_DATA 2026-09-30T02:04:")
                    .contains(" 2026-09-30T02:30:"));
    assertThat(one.byTopic().get(TopicNames.INCIDENTS).get("VERIFY:us-east"))
        .as("VERIFY us-east incidents")
        .anySatisfy(
            r ->
                assertThat(r)
                    .contains(" RESOLVED 2026-09-30T08:00:")
                    .contains(" 2026-09-30T08:20:"));
    assertThat(one.byTopic().get(TopicNames.SLA_CREDITS).keySet())
        .containsExactlyInAnyOrder("acme:SMS", "beta:VERIFY");
    assertThat(one.late()).as("probes dropped as late, 1 partition").isZero();
    assertThat(three.late()).as("probes dropped as late, 3 skewed partitions").isZero();

    for (Topic<?> t : COMPARED) {
      explainDifferences(t, one, three);
    }
    for (Topic<?> t : COMPARED) {
      Map<String, List<String>> a = one.byTopic().get(t.name());
      Map<String, List<String>> b = three.byTopic().get(t.name());
      assertThat(b.keySet()).as(t.name() + ": keys").isEqualTo(a.keySet());
      a.forEach(
          (key, records1) ->
              assertThat(b.get(key)).as(t.name() + " " + key).containsExactlyElementsOf(records1));
    }
  }

  /**
   * For a key whose records differ: which are missing or extra, and, for both runs, the batches
   * of that topic holding the key together with every transaction marker, as the broker stored
   * them ({@link LogForensics}). This shows whether a missing record was never written or was
   * written and then aborted. Printed before the assertion fails. (A run that lacked the first
   * ledger lines of one key was seen once, 2026-11-22, docs/guarantees.md.)
   */
  static void explainDifferences(Topic<?> t, Outputs one, Outputs three) {
    Map<String, List<String>> a = one.byTopic().get(t.name());
    Map<String, List<String>> b = three.byTopic().get(t.name());
    Set<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (String key : keys) {
      List<String> ra = a.getOrDefault(key, List.of());
      List<String> rb = b.getOrDefault(key, List.of());
      if (ra.equals(rb)) {
        continue;
      }
      List<String> missing = new ArrayList<>(ra);
      rb.forEach(missing::remove);
      List<String> extra = new ArrayList<>(rb);
      ra.forEach(extra::remove);
      System.out.printf(
          "DIFFERENCE in %s %s: %d records in 1 partition, %d in 3; %d only in "
              + "the first run, %d only in the second%n",
          t.name(), key, ra.size(), rb.size(), missing.size(), extra.size());
      missing.forEach(m -> System.out.println("  only in 1 partition: " + abbreviate(m)));
      extra.forEach(m -> System.out.println("  only in 3 partitions: " + abbreviate(m)));
      String recordKey =
          key.contains(":") && t == Topics.SLA_CREDITS
              ? key.substring(0, key.lastIndexOf(':'))
              : key;
      for (Outputs o : List.of(one, three)) {
        for (int p = 0; p < o.partitions(); p++) {
          System.out.printf(
              "  batches of %s%s-%d holding %s, and all markers:%n",
              o.prefix(), t.name(), p, recordKey);
          LogForensics.batches(KafkaPlatformExtension.platform(), o.prefix() + t.name(), p).stream()
              .filter(l -> l.contains(recordKey + "@") || l.contains("CONTROL"))
              .forEach(l -> System.out.println("    " + l));
        }
      }
    }
  }

  static String abbreviate(String record) {
    return record.length() <= 120 ? record : record.substring(0, 120) + "…";
  }

  static String summary(Outputs o) {
    StringBuilder s = new StringBuilder();
    o.byTopic()
        .forEach(
            (t, m) ->
                s.append(t)
                    .append(' ')
                    .append(m.size())
                    .append('/')
                    .append(m.values().stream().mapToInt(List::size).sum())
                    .append(' '));
    return s.toString().trim();
  }

  /** One run on fresh topics with {@code partitions} partitions; skewed if more than one. */
  Outputs run(int partitions, List<Sent> reference, List<Sent> probes) throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("uptime-parts-" + partitions) + ".";
    NinesConfig config =
        KafkaPlatformExtension.config(prefix, partitions, "uptime.partition.idle", "PT10M");
    try (Admin admin = platform.kafka().admin()) {
      TestTopics.ensure(admin, config.topics());
    }
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    String probeTopic = config.topics().name(Topics.PROBE_RESULTS);
    List<String> serviceRegions =
        probes.stream().map(UptimeAcrossPartitionsIT::serviceRegion).distinct().sorted().toList();
    assertThat(serviceRegions).as("six service/region series").hasSize(6);

    Map<String, Map<String, List<String>>> out = new TreeMap<>();
    long late;
    try (var producer =
            new KafkaProducer<String, Object>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    platform.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG,
                    20,
                    ProducerConfig.BATCH_SIZE_CONFIG,
                    262_144),
                new StringSerializer(),
                new AnyAvroSerializer(registry));
        NinesApp app = NinesApp.start(config, platform, registry);
        Admin admin = platform.kafka().admin()) {
      for (Sent s : reference) {
        producer.send(
            new ProducerRecord<>(prefix + s.topic(), null, s.timestampMs(), s.key(), s.value()));
      }
      producer.flush();
      // A maintenance window applies to the ledger lines made after it reaches the uptime step,
      // not by its event time (docs/guarantees.md, "What is deterministic"): a window still in
      // flight while
      // the first probes were released turned their downtime into maintenance only in the run
      // where it arrived first (seen once, 2026-12-06). So the reference data is processed first.
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(CaughtUp.condition(admin, platform.bootstrapServers(), config, registry));
      for (int p = 0; p < partitions; p++) {
        int partition = p;
        // key i of the sorted six goes to partition i mod 3: SMS's and VERIFY's three regions
        // each on three partitions
        for (Sent s : probes) {
          if (serviceRegions.indexOf(serviceRegion(s)) % partitions == partition) {
            producer.send(
                new ProducerRecord<>(probeTopic, partition, s.timestampMs(), s.key(), s.value()));
          }
        }
        ProbeResult last =
            ProbeResult.newBuilder()
                .setProbeId("end-of-input-" + partition)
                .setCheck("end-of-input")
                .setService(Service.SMS)
                .setRegion("nowhere")
                .setVantage("test")
                .setSuccess(true)
                .setObservedAt(END_OF_INPUT)
                .build();
        producer.send(
            new ProducerRecord<>(
                probeTopic, partition, END_OF_INPUT.toEpochMilli(), "end-of-input", last));
        producer.flush();
        // skew: the next partition only once the app has consumed this one to its end
        TopicPartition tp = new TopicPartition(probeTopic, partition);
        long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  var c =
                      admin
                          .listConsumerGroupOffsets(config.streams().applicationId())
                          .partitionsToOffsetAndMetadata()
                          .get()
                          .get(tp);
                  return c != null && c.offset() >= end;
                });
      }
      // then everything: September finalized in its six regions, every input read to its end
      String ledgerTopic = config.topics().name(Topics.UPTIME_LEDGER);
      var ledgerSerde = Topics.UPTIME_LEDGER.valueSerde(registry);
      List<ConsumerRecord<String, byte[]>> ledger = new ArrayList<>();
      try (var c = UptimeEndToEndIT.committedConsumer(platform, ledgerTopic)) {
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  c.poll(Duration.ofMillis(200)).forEach(ledger::add);
                  return ledger.stream()
                              .filter(
                                  r ->
                                      ledgerSerde
                                          .deserializer()
                                          .deserialize(ledgerTopic, r.value())
                                          .getFinalized())
                              .count()
                          >= 6
                      && UptimeEndToEndIT.caughtUp(
                          admin, config.streams().applicationId(), probeTopic);
                });
      }
      late =
          app.streams().metrics().entrySet().stream()
              .filter(
                  e ->
                      e.getKey().name().equals(UptimeProcessor.LATE_PROBES_METRIC)
                          || e.getKey().name().equals(OrderGateProcessor.LATE_METRIC))
              .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue())
              .sum();
      for (Topic<?> t : COMPARED) {
        String name = config.topics().name(t);
        var serde = t.valueSerde(registry);
        Map<String, List<String>> byKey = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : UptimeEndToEndIT.readAll(platform, name, r -> r)) {
          Object v = serde.deserializer().deserialize(name, r.value());
          String key = v instanceof SlaCredit c ? r.key() + ":" + c.getService() : r.key();
          // readable after the bytes, for the assertions on what happened (the bytes decide)
          String readable = v instanceof UptimeLedger l && l.getFinalized() ? " finalized" : "";
          if (v instanceof ErrorBudgetAlert a) {
            readable = " " + a.getSeverity() + " " + a.getFiredAt() + " " + a.getResolvedAt();
          } else if (v instanceof Incident i) {
            readable = " " + i.getStatus() + " " + i.getStartedAt() + " " + i.getResolvedAt();
          }
          byKey
              .computeIfAbsent(key, k -> new ArrayList<>())
              .add(
                  r.key()
                      + " @"
                      + r.timestamp()
                      + " "
                      + HexFormat.of().formatHex(r.value())
                      + readable);
        }
        out.put(t.name(), byKey);
      }
    }
    return new Outputs(out, late, prefix, partitions);
  }

  /** The probe's service and region (the simulator keys probes by probe id). */
  static String serviceRegion(Sent s) {
    ProbeResult p = (ProbeResult) s.value();
    return p.getService() + ":" + p.getRegion();
  }
}
