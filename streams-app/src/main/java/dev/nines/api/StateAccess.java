package dev.nines.api;

import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.RoutingWeights;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.SlaStatement;
import dev.nines.schema.UptimeLedger;
import dev.nines.views.Model;
import dev.nines.views.Model.Ledger;
import dev.nines.views.Model.Region;
import dev.nines.views.Model.Route;
import dev.nines.views.Model.RouteHistory;
import dev.nines.views.RegionHistory;
import dev.nines.views.ServicePartitioner;
import dev.nines.views.Views;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.StreamsNotStartedException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.MultiVersionedKeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.state.VersionedRecordIterator;

/**
 * This instance's view of the pipeline's state, through Kafka Streams interactive queries
 * (IQv2): where a key lives (streams metadata), and the values of the keys and partitions this
 * instance holds as the active task. Nothing here talks HTTP; {@link ApiServer} forwards.
 */
final class StateAccess {
  /** Thrown when the state cannot answer now (rebalancing, restoring): the client retries. */
  static final class NotAvailable extends RuntimeException {
    NotAvailable(String message) {
      super(message);
    }
  }

  private final KafkaStreams streams;
  private final HostInfo self;
  private final Duration weightsHistory;

  StateAccess(KafkaStreams streams, HostInfo self, Duration weightsHistory) {
    this.streams = streams;
    this.self = self;
    this.weightsHistory = weightsHistory;
  }

  HostInfo self() {
    return self;
  }

  KafkaStreams streams() {
    return streams;
  }

  /** Where a store's key is held: route keys by their own hash, uptime/credit ones by service. */
  KeyQueryMetadata locate(String store, String key) {
    KeyQueryMetadata m;
    try {
      m =
          byService(store)
              ? streams.queryMetadataForKey(store, key, ServicePartitioner.INSTANCE)
              : streams.queryMetadataForKey(store, key, Serdes.String().serializer());
    } catch (IllegalStateException e) {
      throw new NotAvailable("the app is " + streams.state() + ": " + e.getMessage());
    }
    if (m == null
        || m.equals(KeyQueryMetadata.NOT_AVAILABLE)
        || m.activeHost() == null
        || m.activeHost().equals(HostInfo.unavailable())) {
      throw new NotAvailable(
          "no instance holds '" + key + "' of " + store + " right now (rebalancing)");
    }
    return m;
  }

  static boolean byService(String store) {
    return !store.equals(Views.ROUTE_WEIGHTS_STORE) && !store.equals(Views.ROUTE_HISTORY_STORE);
  }

  /** Every instance of the app, by the host it serves the API on (this one included). */
  List<HostInfo> instances() {
    List<HostInfo> out = new ArrayList<>();
    for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
      if (!out.contains(m.hostInfo())) {
        out.add(m.hostInfo());
      }
    }
    if (!out.contains(self)) {
      out.add(self);
    }
    return out;
  }

  // ---- single keys, on the partition that holds them (must be active here) ----

  Optional<RoutingWeights> weights(String route, int partition) {
    return Optional.ofNullable(key(Views.ROUTE_WEIGHTS_STORE, route, partition));
  }

  /** The route's decisions valid in the last hours before its latest one, oldest first. */
  List<RoutingWeights> history(String route, Instant latest, int partition) {
    var q =
        MultiVersionedKeyQuery.<String, RoutingWeights>withKey(route)
            .fromTime(latest.minus(weightsHistory))
            .toTime(latest)
            .withAscendingTimestamps();
    QueryResult<VersionedRecordIterator<RoutingWeights>> r =
        one(StateQueryRequest.inStore(Views.ROUTE_HISTORY_STORE).withQuery(q), partition);
    List<RoutingWeights> out = new ArrayList<>();
    try (VersionedRecordIterator<RoutingWeights> it = r.getResult()) {
      while (it.hasNext()) {
        VersionedRecord<RoutingWeights> v = it.next();
        out.add(v.value());
      }
    }
    return out;
  }

  Optional<UptimeLedger> ledger(String key, int partition) {
    return Optional.ofNullable(key(Views.LEDGER_STORE, key, partition));
  }

  Optional<RegionHistory> region(String key, int partition) {
    return Optional.ofNullable(key(Views.REGION_STORE, key, partition));
  }

  /** Credits of {@code SERVICE:account:} on its partition. */
  List<SlaCredit> credits(String service, String account, int partition) {
    return byAccount(Views.CREDIT_STORE, service, account, partition);
  }

  /** Statements of {@code SERVICE:account:} on its partition. */
  List<SlaStatement> statements(String service, String account, int partition) {
    return byAccount(Views.STATEMENT_STORE, service, account, partition);
  }

  /** The values of a view keyed {@code SERVICE:account:...}, for one service and account. */
  private <V> List<V> byAccount(String store, String service, String account, int partition) {
    String prefix = service + ":" + account + ":";
    var q = RangeQuery.<String, V>withRange(prefix, prefix + Character.MAX_VALUE);
    List<V> out = new ArrayList<>();
    QueryResult<KeyValueIterator<String, V>> r =
        one(StateQueryRequest.inStore(store).withQuery(q), partition);
    try (KeyValueIterator<String, V> it = r.getResult()) {
      it.forEachRemaining(kv -> out.add(kv.value));
    }
    return out;
  }

  // ---- everything this instance holds, for the status page ----

  Model.Local local() {
    List<RouteHistory> routes = new ArrayList<>();
    all(
        Views.ROUTE_WEIGHTS_STORE,
        RoutingWeights.class,
        (partition, kv) -> {
          RoutingWeights w = kv.value;
          routes.add(
              new RouteHistory(
                  Route.of(w),
                  history(w.getRouteId(), w.getEffectiveAt(), partition).stream()
                      .map(Route::of)
                      .toList()));
        });
    List<Region> regions = new ArrayList<>();
    all(
        Views.REGION_STORE,
        RegionHistory.class,
        (partition, kv) -> {
          RegionHistory h = kv.value;
          Ledger current = null;
          if (h.lastSeenMs() != Long.MIN_VALUE) {
            String month =
                YearMonth.from(Instant.ofEpochMilli(h.lastSeenMs()).atZone(ZoneOffset.UTC))
                    .toString();
            current = ledger(h.key() + ":" + month, partition).map(Ledger::of).orElse(null);
          }
          regions.add(Region.of(h, current));
        });
    List<Model.MaintenanceView> maintenance = new ArrayList<>();
    all(
        Views.MAINTENANCE_STORE,
        MaintenanceWindow.class,
        (partition, kv) ->
            maintenance.add(
                Model.MaintenanceView.of(kv.key.substring(kv.key.indexOf(':') + 1), kv.value)));
    return new Model.Local(self.host() + ":" + self.port(), routes, regions, maintenance);
  }

  private interface PartitionVisitor<V> {
    void visit(int partition, KeyValue<String, V> kv);
  }

  private <V> void all(String store, Class<V> type, PartitionVisitor<V> visitor) {
    StateQueryResult<KeyValueIterator<String, V>> res =
        query(
            StateQueryRequest.inStore(store)
                .withQuery(RangeQuery.<String, V>withNoBounds())
                .requireActive());
    for (Map.Entry<Integer, QueryResult<KeyValueIterator<String, V>>> e :
        res.getPartitionResults().entrySet()) {
      QueryResult<KeyValueIterator<String, V>> r = e.getValue();
      if (r.isFailure()) {
        continue; // not active here (a standby, or moving): another instance reports it
      }
      try (KeyValueIterator<String, V> it = r.getResult()) {
        while (it.hasNext()) {
          visitor.visit(e.getKey(), it.next());
        }
      }
    }
  }

  private <V> V key(String store, String key, int partition) {
    QueryResult<V> r =
        one(
            StateQueryRequest.inStore(store).withQuery(KeyQuery.<String, V>withKey(key)),
            partition);
    return r.getResult();
  }

  private <R> QueryResult<R> one(StateQueryRequest<R> request, int partition) {
    StateQueryResult<R> res = query(request.withPartitions(Set.of(partition)).requireActive());
    QueryResult<R> r = res.getPartitionResults().get(partition);
    if (r == null || r.isFailure()) {
      throw new NotAvailable(
          "partition "
              + partition
              + " of "
              + request.getStoreName()
              + " is not active here"
              + (r == null
                  ? ""
                  : " (" + r.getFailureReason() + ": " + r.getFailureMessage() + ")"));
    }
    return r;
  }

  private <R> StateQueryResult<R> query(StateQueryRequest<R> request) {
    try {
      return streams.query(request);
    } catch (StreamsNotStartedException | UnknownStateStoreException | IllegalStateException e) {
      throw new NotAvailable("state not queryable now: " + e.getMessage());
    }
  }
}
