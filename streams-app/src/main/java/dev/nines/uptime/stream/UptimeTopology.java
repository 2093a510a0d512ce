package dev.nines.uptime.stream;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.eventtime.Marked;
import dev.nines.eventtime.MarkedSerde;
import dev.nines.eventtime.MulticastPartitioner;
import dev.nines.eventtime.ObjectStore;
import dev.nines.eventtime.OrderGateProcessor;
import dev.nines.eventtime.WatermarkEmitter;
import dev.nines.ingest.InvalidInputException;
import dev.nines.ingest.TextLimit;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Incident;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.schema.UptimeLedger;
import dev.nines.serde.OutputLimits;
import dev.nines.serde.SchemaRegistryClient;
import dev.nines.serde.Tagged;
import dev.nines.uptime.ErrorRateHour;
import dev.nines.uptime.MonthClosed;
import dev.nines.uptime.RegionState;
import dev.nines.uptime.ServiceState;
import dev.nines.views.Views;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Probes to incidents, the monthly uptime ledger and error-budget alerts.
 *
 * <pre>
 * INSERT INTO incidents, uptime-ledger, error-budget-alerts
 * SELECT DOWN_RULE(probes IN EVENT ORDER), LEDGER(month), BURN_RATE_ALERTS(rules)
 * FROM (DISTINCT probe-results BY probeId) JOIN maintenance-windows ON service, region
 * GROUP BY service, region
 * </pre>
 *
 * <p>Probes and maintenance windows are both re-keyed by service, so that all regions of a
 * service meet in one task: a month is then finalized in all of them at the same tick, and the
 * credit rule (which unions DOWN time across regions) gets the whole month at once. Probe volume
 * is small (one per check, region and vantage per minute), so three services' worth of tasks is
 * ample parallelism.
 */
public final class UptimeTopology {
  private UptimeTopology() {}

  public static final String REGION_STORE = "uptime-region-store";
  public static final String SERVICE_STORE = "uptime-service-store";

  /** Per input partition: its stream time and last watermark (upstream of the repartition). */
  public static final String WATERMARK_STORE = "uptime-probes-watermark-store";

  /** The platform's error-rate hours per region, and the by-carrier tasks' relayed marks. */
  public static final String ERROR_RATE_STORE = "uptime-error-rate-store";

  /** Probes waiting for the watermarks, the watermarks and the released frontier. */
  public static final String ORDER_STORE = "uptime-probes-order-store";

  /** Services a tombstone of reference data is sent to: every known symbol. */
  public static final List<Service> SERVICES =
      List.of(Service.values()).stream().filter(s -> s != Service.UNKNOWN).toList();

  /**
   * Adds the uptime features; returns the {@link MonthClosed} stream, keyed by service, for the
   * credit rule to join in the same task.
   */
  public static KStream<String, MonthClosed> build(
      StreamsBuilder builder,
      NinesConfig config,
      SchemaRegistryClient registry,
      OutputLimits limits,
      KStream<String, ProbeResult> probes,
      KStream<String, Marked<ErrorRateHour>> errorRateHours) {
    KStream<String, UptimeInput> byService = probesInOrder(builder, config, registry, probes);
    KStream<String, UptimeInput> windows = maintenanceByService(builder, config, registry);
    addStateStores(builder);
    // Probes pass two re-ordering stages with the same grace, on purpose for now. The order
    // gate (probesInOrder) orders a service's probes across the upstream partitions (that is what
    // makes the
    // outputs independent of partitioning). The per-region ReorderBuffer inside the processor
    // then sees them in order already; what it still does is drop a second copy of a probe id
    // that reached the gate from two partitions, and apply each probe only once the region's
    // stream time is a grace past it, which decides which probes a tick or a month close has
    // seen. Taking it out would change outputs, so it waits for a release that may.
    KStream<String, UptimeOutput> out =
        windows
            .merge(byService, Named.as("uptime-inputs"))
            .merge(
                errorRateHours.mapValues(
                    m -> (UptimeInput) new UptimeInput.ErrorRate(m),
                    Named.as("uptime-error-rate-as-input")),
                Named.as("uptime-inputs-and-error-rate"))
            .process(
                () ->
                    new UptimeProcessor(
                        config.uptime(),
                        REGION_STORE,
                        SERVICE_STORE,
                        ERROR_RATE_STORE,
                        config.topics().partitions()),
                Named.as("uptime-processor"),
                REGION_STORE,
                SERVICE_STORE,
                ERROR_RATE_STORE);

    return toTopics(out, config, registry, limits);
  }

  /** A service's probes, in event-time order whatever the upstream partitions did. */
  private static KStream<String, UptimeInput> probesInOrder(
      StreamsBuilder builder,
      NinesConfig config,
      SchemaRegistryClient registry,
      KStream<String, ProbeResult> probes) {
    Serde<String> keys = Serdes.String();
    int partitions = config.topics().partitions();
    // Watermarks across the repartition (deterministic replay): the task of each input
    // partition sends its stream time to every partition of the repartition topic; the gate
    // after it releases probes in (observedAt, probeId) order once every input partition has
    // gone past them, so UptimeProcessor sees the same sequence whatever the interleaving of
    // the upstream tasks, the partition count or restarts (dev.nines.eventtime.OrderGate).
    var probeSerde = Topics.PROBE_RESULTS.valueSerde(registry);
    KStream<String, UptimeInput> byService =
        probes
            .selectKey((k, p) -> p.getService().name(), Named.as("uptime-probes-key-by-service"))
            .process(
                WatermarkEmitter.<ProbeResult>of(
                    WATERMARK_STORE,
                    partitions,
                    config.uptime().watermarkInterval(),
                    config.uptime().partitionIdle(),
                    p -> p.getObservedAt().toEpochMilli()),
                Named.as("uptime-probes-watermarks"))
            .repartition(
                Repartitioned.with(keys, MarkedSerde.of(probeSerde))
                    .withStreamPartitioner(new MulticastPartitioner<ProbeResult>())
                    .withName("uptime-probes-by-service")
                    .withNumberOfPartitions(partitions))
            .process(
                new OrderGateProcessor<ProbeResult>(
                    ORDER_STORE,
                    probeSerde,
                    p -> p.getObservedAt().toEpochMilli(),
                    ProbeResult::getProbeId,
                    config.uptime().reorderGrace()),
                Named.as("uptime-probes-in-order"))
            .mapValues(
                p -> (UptimeInput) new UptimeInput.Probe(p), Named.as("uptime-probes-as-input"));
    // queryable views for the API: days with probes, incidents, ledger lines
    Views.uptimeProbes(builder, config, byService, UptimeInput::probeOf);

    return byService;
  }

  /** Maintenance windows (checked) keyed by their service; a removal goes to every service. */
  private static KStream<String, UptimeInput> maintenanceByService(
      StreamsBuilder builder, NinesConfig config, SchemaRegistryClient registry) {
    Serde<String> keys = Serdes.String();
    int partitions = config.topics().partitions();
    KStream<String, Tagged<MaintenanceWindow>> windows =
        builder.stream(
                config.topics().name(Topics.MAINTENANCE_WINDOWS),
                Consumed.with(keys, Topics.MAINTENANCE_WINDOWS.valueSerde(registry))
                    .withOffsetResetPolicy(Topics.INPUT_OFFSET_RESET)
                    .withName("maintenance-source"))
            .flatMap(
                (id, w) -> windowByService(id, w, config.ingest().maxTextLength()),
                Named.as("maintenance-check-and-key"))
            .repartition(
                Repartitioned.with(
                        keys, Tagged.serde(Topics.MAINTENANCE_WINDOWS.valueSerde(registry)))
                    .withName("uptime-maintenance-by-service")
                    .withNumberOfPartitions(partitions));
    // queryable view for the status page and feed: upcoming and ongoing maintenance
    Views.maintenance(builder, windows);
    return windows.mapValues(
        t -> (UptimeInput) new UptimeInput.Maintenance(t), Named.as("uptime-maintenance-as-input"));
  }

  private static void addStateStores(StreamsBuilder builder) {
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(ERROR_RATE_STORE), Serdes.String(), Serdes.ByteArray()));
    // Written back once per commit: both states change on every probe (a few hundred bytes to
    // kB each), and encoding them per probe was the uptime processor's largest cost (a sixth of
    // the stream thread on a month's replay, BENCHMARKS.md, "Uptime replay"). The stored bytes
    // and the changelog are those of a String-keyed bytes store, as before.
    builder.addStateStore(
        ObjectStore.builder(
            REGION_STORE,
            Serdes.serdeFrom((topic, rs) -> rs.toBytes(), (topic, b) -> RegionState.fromBytes(b))));
    builder.addStateStore(
        ObjectStore.builder(
            SERVICE_STORE,
            Serdes.serdeFrom(
                (topic, ss) -> ss.toBytes(), (topic, b) -> ServiceState.fromBytes(b))));
  }

  /** Each kind of output to its topic; returns the closed months for the credit rule. */
  private static KStream<String, MonthClosed> toTopics(
      KStream<String, UptimeOutput> out,
      NinesConfig config,
      SchemaRegistryClient registry,
      OutputLimits limits) {
    Serde<String> keys = Serdes.String();
    List<KStream<String, MonthClosed>> closed = new ArrayList<>();
    out.split(Named.as("uptime-out-"))
        .branch(
            (k, v) -> v instanceof UptimeOutput.IncidentChange,
            Branched.withConsumer(
                s -> {
                  KStream<String, Incident> incidents =
                      s.mapValues(
                          v -> ((UptimeOutput.IncidentChange) v).incident(),
                          Named.as("uptime-incident-records"));
                  incidents.to(
                      config.topics().name(Topics.INCIDENTS),
                      Produced.with(keys, Topics.INCIDENTS.outputSerde(registry, limits))
                          .withName("incidents-sink"));
                  Views.incidents(config, incidents);
                },
                "incidents"))
        .branch(
            (k, v) -> v instanceof UptimeOutput.LedgerLine,
            Branched.withConsumer(
                s -> {
                  KStream<String, UptimeLedger> ledger =
                      s.mapValues(
                          v -> ((UptimeOutput.LedgerLine) v).line(),
                          Named.as("uptime-ledger-records"));
                  ledger.to(
                      config.topics().name(Topics.UPTIME_LEDGER),
                      Produced.with(keys, Topics.UPTIME_LEDGER.outputSerde(registry, limits))
                          .withName("uptime-ledger-sink"));
                  Views.ledger(config, ledger);
                },
                "ledger"))
        .branch(
            (k, v) -> v instanceof UptimeOutput.Alert,
            Branched.withConsumer(
                s -> {
                  KStream<String, ErrorBudgetAlert> alerts =
                      s.mapValues(
                          v -> ((UptimeOutput.Alert) v).alert(), Named.as("uptime-alert-records"));
                  alerts.to(
                      config.topics().name(Topics.ERROR_BUDGET_ALERTS),
                      Produced.with(keys, Topics.ERROR_BUDGET_ALERTS.outputSerde(registry, limits))
                          .withName("alerts-sink"));
                  Views.alerts(alerts);
                },
                "alerts"))
        .branch(
            (k, v) -> v instanceof UptimeOutput.Closed,
            Branched.withConsumer(
                s ->
                    closed.add(
                        s.mapValues(
                            v -> ((UptimeOutput.Closed) v).month(),
                            Named.as("uptime-month-closed"))),
                "closed"));
    return closed.get(0);
  }

  /**
   * A window to its service, with its id; a tombstone to every service (the removed window's
   * service is not in it). A window that cannot be applied goes to dead-letters.
   */
  static List<KeyValue<String, Tagged<MaintenanceWindow>>> windowByService(
      String id, MaintenanceWindow w, int maxTextLength) {
    if (id == null || id.isBlank()) {
      throw new InvalidInputException("maintenance-windows: record without a window id key");
    }
    if (w == null) {
      return SERVICES.stream()
          .map(s -> KeyValue.pair(s.name(), new Tagged<MaintenanceWindow>(id, null)))
          .toList();
    }
    List<String> problems = new ArrayList<>();
    if (w.getService() == null || w.getService() == Service.UNKNOWN) {
      problems.add("service = " + w.getService() + ": expected one of " + SERVICES);
    }
    if (w.getRegion() == null || w.getRegion().isBlank()) {
      problems.add("region is blank: expected a platform region, e.g. us-east");
    }
    if (w.getStartsAt() == null
        || w.getEndsAt() == null
        || !w.getEndsAt().isAfter(w.getStartsAt())) {
      problems.add("endsAt = " + w.getEndsAt() + " is not after startsAt = " + w.getStartsAt());
    }
    TextLimit.check(w, maxTextLength).ifPresent(p -> problems.add(p.text()));
    if (!problems.isEmpty()) {
      throw new InvalidInputException(
          "maintenance-windows: window '" + id + "' rejected: " + String.join("; ", problems));
    }
    return List.of(KeyValue.pair(w.getService().name(), new Tagged<>(id, w)));
  }
}
