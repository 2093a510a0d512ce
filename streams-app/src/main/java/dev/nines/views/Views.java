package dev.nines.views;

import dev.nines.config.NinesConfig;
import dev.nines.schema.AlertSeverity;
import dev.nines.schema.CarrierState;
import dev.nines.schema.CarrierWeight;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Incident;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.RoutingWeights;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.SlaStatement;
import dev.nines.schema.UptimeLedger;
import dev.nines.serde.Tagged;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedKeyValueStore;

/**
 * The view stores and the small processors that fill them from each feature's own output
 * records. Each feature topology calls one method here; the stores are named, changelogged and
 * written in the feature's task, in the same transaction as the output record.
 *
 * <table>
 * <caption>stores</caption>
 * <tr><td>{@value #ROUTE_WEIGHTS_STORE}</td><td>route id: its latest RoutingWeights</td></tr>
 * <tr><td>{@value #ROUTE_HISTORY_STORE}</td><td>versioned, route id: RoutingWeights by
 *     effectiveAt, kept for api.weights.history</td></tr>
 * <tr><td>{@value #LEDGER_STORE}</td><td>SERVICE:region:yyyy-MM: latest ledger line</td></tr>
 * <tr><td>{@value #REGION_STORE}</td><td>SERVICE:region: {@link RegionHistory}</td></tr>
 * <tr><td>{@value #CREDIT_STORE}</td><td>SERVICE:account:yyyy-MM: the SlaCredit</td></tr>
 * <tr><td>{@value #MAINTENANCE_STORE}</td><td>SERVICE:window id: the MaintenanceWindow</td></tr>
 * </table>
 */
public final class Views {
  private Views() {}

  public static final String ROUTE_WEIGHTS_STORE = "routing-weights-view-store";
  public static final String ROUTE_HISTORY_STORE = "routing-weights-history-store";
  public static final String LEDGER_STORE = "uptime-ledger-view-store";
  public static final String REGION_STORE = "uptime-region-view-store";
  public static final String CREDIT_STORE = "credit-view-store";
  public static final String STATEMENT_STORE = "statement-view-store";
  public static final String MAINTENANCE_STORE = "maintenance-view-store";

  static final long HOUR_MS = 3_600_000L;

  /** Routing: the latest decision per route and the decisions of the last hours. */
  public static void routing(
      StreamsBuilder builder, NinesConfig config, KStream<String, RoutingWeights> weights) {
    var serde = AvroValueSerde.of(RoutingWeights.class);
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(ROUTE_WEIGHTS_STORE), Serdes.String(), serde));
    builder.addStateStore(
        Stores.versionedKeyValueStoreBuilder(
            Stores.persistentVersionedKeyValueStore(
                ROUTE_HISTORY_STORE, config.api().weightsHistory()),
            Serdes.String(),
            serde));
    weights.process(
        WeightsWriter::new,
        Named.as("routing-weights-view"),
        ROUTE_WEIGHTS_STORE,
        ROUTE_HISTORY_STORE);
  }

  /** Uptime, part 1: the stores, and the days with probes (probes keyed by service). */
  public static <V> void uptimeProbes(
      StreamsBuilder builder,
      NinesConfig config,
      KStream<String, V> probesByService,
      Function<V, ProbeResult> probeOf) {
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(LEDGER_STORE),
            Serdes.String(),
            AvroValueSerde.of(UptimeLedger.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(REGION_STORE), Serdes.String(), RegionHistory.serde()));
    int days = config.api().historyDays();
    probesByService.process(
        () -> new ProbeDaysWriter<V>(days, probeOf), Named.as("uptime-probes-view"), REGION_STORE);
  }

  /** Uptime, part 2: incidents into the region histories. */
  public static void incidents(NinesConfig config, KStream<String, Incident> incidents) {
    int days = config.api().historyDays();
    incidents.process(
        () -> new IncidentWriter(days), Named.as("uptime-incidents-view"), REGION_STORE);
  }

  /** Uptime, part 4: NO_DATA alerts into the region histories (the status page shows them). */
  public static void alerts(KStream<String, ErrorBudgetAlert> alerts) {
    alerts.process(NoDataWriter::new, Named.as("uptime-no-data-view"), REGION_STORE);
  }

  /** Uptime, part 3: the latest ledger line per service, region and month. */
  public static void ledger(NinesConfig config, KStream<String, UptimeLedger> ledger) {
    int days = config.api().historyDays();
    ledger.process(
        () -> new LedgerWriter(days), Named.as("uptime-ledger-view"), LEDGER_STORE, REGION_STORE);
  }

  /** Credits per service, account and month, in the service's task. */
  /** Maintenance windows by service and id, as announced; a removal deletes them. */
  public static void maintenance(
      StreamsBuilder builder, KStream<String, Tagged<MaintenanceWindow>> windows) {
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(MAINTENANCE_STORE),
            Serdes.String(),
            AvroValueSerde.of(MaintenanceWindow.class)));
    windows.process(MaintenanceWriter::new, Named.as("uptime-maintenance-view"), MAINTENANCE_STORE);
  }

  public static void credits(StreamsBuilder builder, KStream<String, SlaCredit> credits) {
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CREDIT_STORE),
            Serdes.String(),
            AvroValueSerde.of(SlaCredit.class)));
    credits.process(CreditWriter::new, Named.as("credit-view"), CREDIT_STORE);
  }

  /** Statements per service, account and month, in the service's task. */
  public static void statements(StreamsBuilder builder, KStream<String, SlaStatement> statements) {
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(STATEMENT_STORE),
            Serdes.String(),
            AvroValueSerde.of(SlaStatement.class)));
    statements.process(StatementWriter::new, Named.as("statement-view"), STATEMENT_STORE);
  }

  /** The carriers of a decision that are EJECTED now and were not in the one before. */
  public static Set<String> newlyEjected(RoutingWeights before, RoutingWeights now) {
    Map<String, CarrierState> prev = new HashMap<>();
    if (before != null) {
      before.getCarriers().forEach(c -> prev.put(c.getCarrierId(), c.getState()));
    }
    return now.getCarriers().stream()
        .filter(
            c ->
                c.getState() == CarrierState.EJECTED
                    && prev.get(c.getCarrierId()) != CarrierState.EJECTED)
        .map(CarrierWeight::getCarrierId)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private abstract static class Writer<V> implements Processor<String, V, Void, Void> {
    OutputCounters counters;

    void initCounters(ProcessorContext<Void, Void> context) {
      counters = OutputCounters.from(context.appConfigs());
    }

    void count(String name, String tag, String value, long n) {
      if (counters != null && n > 0) {
        counters.add(name, tag, value, n);
      }
    }
  }

  static final class WeightsWriter extends Writer<RoutingWeights> {
    private KeyValueStore<String, RoutingWeights> latest;
    private VersionedKeyValueStore<String, RoutingWeights> history;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      initCounters(context);
      latest = context.getStateStore(ROUTE_WEIGHTS_STORE);
      history = context.getStateStore(ROUTE_HISTORY_STORE);
    }

    @Override
    public void process(Record<String, RoutingWeights> r) {
      RoutingWeights w = r.value();
      if (w == null) {
        return;
      }
      RoutingWeights before = latest.get(w.getRouteId());
      // a replayed or repeated decision (same or older version) must not go back in time
      if (before == null || before.getVersion() < w.getVersion()) {
        latest.put(w.getRouteId(), w);
      }
      history.put(w.getRouteId(), w, w.getEffectiveAt().toEpochMilli());
      count(OutputCounters.DECISIONS, "route", w.getRouteId(), 1);
      count(OutputCounters.EJECTIONS, "route", w.getRouteId(), newlyEjected(before, w).size());
    }
  }

  static final class ProbeDaysWriter<V> extends Writer<V> {
    private final int days;
    private final Function<V, ProbeResult> probeOf;
    private KeyValueStore<String, RegionHistory> store;

    /**
     * Per region, the hour (event time) last written: a region's history is rewritten at most
     * once per hour of probes, not per probe. Emptied in init, which Kafka Streams calls again
     * whenever the store may have been reset (e.g. an aborted transaction).
     */
    private final Map<String, Long> writtenHour = new HashMap<>();

    ProbeDaysWriter(int days, Function<V, ProbeResult> probeOf) {
      this.days = days;
      this.probeOf = probeOf;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(REGION_STORE);
      writtenHour.clear();
    }

    @Override
    public void process(Record<String, V> r) {
      ProbeResult p = probeOf.apply(r.value());
      if (p == null) {
        return;
      }
      String key = p.getService().name() + ":" + p.getRegion();
      long at = p.getObservedAt().toEpochMilli();
      long hour = Math.floorDiv(at, HOUR_MS);
      Long last = writtenHour.get(key);
      if (last != null && last >= hour) {
        return;
      }
      RegionHistory h = store.get(key);
      if (h == null) {
        h = RegionHistory.empty(p.getService().name(), p.getRegion());
      }
      store.put(key, h.seen(at, true).trimmed(days));
      writtenHour.put(key, hour);
    }

    @Override
    public void close() {
      writtenHour.clear();
    }
  }

  static final class IncidentWriter extends Writer<Incident> {
    private final int days;
    private KeyValueStore<String, RegionHistory> store;

    IncidentWriter(int days) {
      this.days = days;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      initCounters(context);
      store = context.getStateStore(REGION_STORE);
    }

    @Override
    public void process(Record<String, Incident> r) {
      Incident i = r.value();
      if (i == null) {
        return;
      }
      String key = i.getService().name() + ":" + i.getRegion();
      RegionHistory h = store.get(key);
      if (h == null) {
        h = RegionHistory.empty(i.getService().name(), i.getRegion());
      }
      long at = (i.getResolvedAt() != null ? i.getResolvedAt() : i.getStartedAt()).toEpochMilli();
      store.put(key, h.seen(at, false).with(i).trimmed(days));
      count(OutputCounters.INCIDENTS, "status", i.getStatus().name().toLowerCase(Locale.ROOT), 1);
    }
  }

  static final class NoDataWriter extends Writer<ErrorBudgetAlert> {
    private KeyValueStore<String, RegionHistory> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(REGION_STORE);
    }

    @Override
    public void process(Record<String, ErrorBudgetAlert> r) {
      ErrorBudgetAlert a = r.value();
      if (a == null || a.getSeverity() != AlertSeverity.NO_DATA) {
        return;
      }
      String key = a.getService().name() + ":" + a.getRegion();
      RegionHistory h = store.get(key);
      if (h == null) {
        h = RegionHistory.empty(a.getService().name(), a.getRegion());
      }
      // firedAt is the latest probe plus the limit, which the alert carries as its window
      long since =
          a.getResolvedAt() != null
              ? Long.MIN_VALUE
              : a.getFiredAt().toEpochMilli() - Duration.parse(a.getLongWindow()).toMillis();
      store.put(key, h.noDataSince(since));
    }
  }

  static final class LedgerWriter extends Writer<UptimeLedger> {
    private final int days;
    private KeyValueStore<String, UptimeLedger> ledger;
    private KeyValueStore<String, RegionHistory> regions;

    LedgerWriter(int days) {
      this.days = days;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      ledger = context.getStateStore(LEDGER_STORE);
      regions = context.getStateStore(REGION_STORE);
    }

    @Override
    public void process(Record<String, UptimeLedger> r) {
      UptimeLedger l = r.value();
      if (l == null) {
        return;
      }
      String region = l.getService().name() + ":" + l.getRegion();
      ledger.put(region + ":" + l.getMonth(), l);
      RegionHistory h = regions.get(region);
      if (h == null) {
        h = RegionHistory.empty(l.getService().name(), l.getRegion());
      }
      long until = l.getObservedUntil().toEpochMilli();
      if (until > h.lastSeenMs()) {
        regions.put(region, h.seen(until, false).trimmed(days));
      }
    }
  }

  static final class CreditWriter extends Writer<SlaCredit> {
    private KeyValueStore<String, SlaCredit> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(CREDIT_STORE);
    }

    @Override
    public void process(Record<String, SlaCredit> r) {
      SlaCredit c = r.value();
      if (c != null) {
        // a month may have a monthly credit and adjustments: each under its own id
        store.put(
            c.getService().name()
                + ":"
                + c.getAccountId()
                + ":"
                + c.getMonth()
                + ":"
                + c.getCreditId(),
            c);
      }
    }
  }

  static final class StatementWriter extends Writer<SlaStatement> {
    private KeyValueStore<String, SlaStatement> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(STATEMENT_STORE);
    }

    @Override
    public void process(Record<String, SlaStatement> r) {
      SlaStatement s = r.value();
      if (s != null) {
        store.put(s.getService().name() + ":" + s.getAccountId() + ":" + s.getMonth(), s);
      }
    }
  }

  static final class MaintenanceWriter extends Writer<Tagged<MaintenanceWindow>> {
    private KeyValueStore<String, MaintenanceWindow> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(MAINTENANCE_STORE);
    }

    @Override
    public void process(Record<String, Tagged<MaintenanceWindow>> r) {
      String key = r.key() + ":" + r.value().id();
      if (r.value().value() == null) {
        store.delete(key);
      } else {
        store.put(key, r.value().value());
      }
    }
  }
}
