package dev.nines.cli;

import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import dev.nines.schema.AlertSeverity;
import dev.nines.schema.CarrierHealth;
import dev.nines.schema.CarrierState;
import dev.nines.schema.CarrierWeight;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Incident;
import dev.nines.schema.RoutingWeights;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.SlaCreditKind;
import dev.nines.schema.SlaStatement;
import dev.nines.schema.UptimeLedger;
import dev.nines.serde.AvroSerde;
import dev.nines.serde.SchemaRegistryClient;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Prints one line per committed output record, so a newcomer running {@code ./nines run} sees
 * health, weights, incidents, ledger and credits move. Reads only committed transactions, from
 * the end of each topic at start-up.
 */
final class OutputPrinter implements AutoCloseable {
  private static final DateTimeFormatter HM =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, AvroSerde<?>> serdes = new HashMap<>();
  private final PrintStream out;
  private final Thread thread;

  private final NinesConfig.TopicLayout layout;

  private final boolean showHealth;

  OutputPrinter(
      Platform platform,
      SchemaRegistryClient registry,
      NinesConfig.TopicLayout layout,
      PrintStream out,
      boolean showHealth) {
    this.layout = layout;
    this.showHealth = showHealth;
    Map<String, Object> c = new HashMap<>(platform.clientOverrides());
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.out = out;
    for (Topic<?> t : Topics.OUTPUTS) {
      if (t.valueType() != null) {
        serdes.put(t.name(), t.valueSerde(registry));
      }
    }
    List<TopicPartition> parts =
        Topics.OUTPUTS.stream()
            .flatMap(t -> consumer.partitionsFor(layout.name(t), Duration.ofSeconds(15)).stream())
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    // seekToEnd is lazy: resolve it now, or records written before the first poll (e.g. the
    // prelude's, on a slow start) would be skipped
    parts.forEach(tp -> consumer.position(tp, Duration.ofSeconds(30)));
    this.thread = new Thread(this::loop, "output-printer");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (!showHealth && layout.contractName(r.topic()).equals(Topics.CARRIER_HEALTH.name())) {
            continue;
          }
          out.println(line(r));
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private String line(ConsumerRecord<byte[], byte[]> r) {
    String topic = layout.contractName(r.topic());
    if (topic.equals(Topics.DEAD_LETTERS.name())) {
      return String.format(
          "%-14s from %s: %s",
          "dead-letter",
          header(r, "__streams.errors.topic"),
          header(r, "__streams.errors.message"));
    }
    Object v;
    try {
      v = serdes.get(topic).deserialize(r.topic(), r.value());
    } catch (RuntimeException e) {
      return r.topic() + " (unreadable: " + e.getMessage() + ")";
    }
    String body =
        v == null ? "(tombstone) " + new String(r.key(), StandardCharsets.UTF_8) : describe(v);
    return String.format("%-14s %s", topic, body);
  }

  static String describe(Object v) {
    if (v instanceof CarrierHealth h) {
      return String.format(
          Locale.ROOT,
          "%s:%s:%s %s-%s attempts=%d success=%s p95=%sms " + "probeFailures=%d",
          h.getCountry(),
          h.getChannel(),
          h.getCarrierId(),
          HM.format(h.getWindowStart()),
          HM.format(h.getWindowEnd()),
          h.getAttempts(),
          h.getSuccessRatio() == null
              ? "-"
              : String.format(Locale.ROOT, "%.1f%%", 100 * h.getSuccessRatio()),
          h.getLatencyP95Ms() == null ? "-" : h.getLatencyP95Ms(),
          h.getProbeFailures());
    }
    if (v instanceof RoutingWeights w) {
      return w.getRouteId()
          + " v"
          + w.getVersion()
          + " "
          + w.getMode()
          + " "
          + w.getCarriers().stream().map(OutputPrinter::weight).collect(Collectors.joining(", "));
    }
    if (v instanceof Incident i) {
      return i.getService()
          + ":"
          + i.getRegion()
          + " "
          + i.getStatus()
          + " since "
          + i.getStartedAt()
          + (i.getResolvedAt() == null ? "" : " until " + i.getResolvedAt());
    }
    if (v instanceof UptimeLedger l) {
      return l.getService()
          + ":"
          + l.getRegion()
          + ":"
          + l.getMonth()
          + " availability "
          + l.getAvailabilityPercent()
          + "% downtime "
          + l.getDowntimeMs()
          + " ms budget left "
          + l.getErrorBudgetRemainingMs()
          + " ms"
          + (l.getFinalized() ? " (final)" : "");
    }
    if (v instanceof SlaCredit c) {
      return c.getAccountId()
          + " "
          + c.getService()
          + " "
          + c.getMonth()
          + " "
          + c.getCreditPercent()
          + "% = "
          + c.getCreditAmountMinor()
          + " "
          + c.getCurrency()
          + " minor units"
          + (c.getKind() == SlaCreditKind.ADJUSTMENT
              ? " (adjustment " + c.getAdjustmentId() + ")"
              : "");
    }
    if (v instanceof SlaStatement st) {
      return st.getAccountId()
          + " "
          + st.getService()
          + " "
          + st.getMonth()
          + " ("
          + st.getTimeZone()
          + ") availability "
          + st.getAvailabilityPercent()
          + "% target "
          + st.getTargetPercent()
          + "% downtime "
          + st.getDowntimeMs()
          + " ms maintenance "
          + st.getMaintenanceMs()
          + " ms "
          + (st.getCreditId() == null ? "no credit" : st.getCreditId());
    }
    if (v instanceof ErrorBudgetAlert a && a.getSeverity() == AlertSeverity.NO_DATA) {
      return a.getService()
          + ":"
          + a.getRegion()
          + " NO_DATA: no probe results for more than "
          + a.getLongWindow()
          + (a.getResolvedAt() == null
              ? " FIRED at " + a.getFiredAt()
              : " resolved at " + a.getResolvedAt() + " (fired " + a.getFiredAt() + ")");
    }
    if (v instanceof ErrorBudgetAlert a) {
      return a.getService()
          + ":"
          + a.getRegion()
          + " "
          + a.getSeverity()
          + " burn rate > "
          + a.getBurnRate()
          + "x over "
          + a.getLongWindow()
          + " and "
          + a.getShortWindow()
          + (a.getResolvedAt() == null
              ? " FIRED at " + a.getFiredAt()
              : " resolved at " + a.getResolvedAt() + " (fired " + a.getFiredAt() + ")");
    }
    return v.toString();
  }

  private static String weight(CarrierWeight c) {
    // the reason is what an operator wants to read when a carrier is not fully in rotation
    return c.getCarrierId()
        + "="
        + c.getWeight()
        + " "
        + c.getState()
        + (c.getState() == CarrierState.HEALTHY ? "" : " (" + c.getReason() + ")");
  }

  private static String header(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
