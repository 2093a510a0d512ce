package dev.nines.routing;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.health.ClosingWindows;
import dev.nines.health.EventTime;
import dev.nines.health.HealthCounts;
import dev.nines.health.HealthSample;
import dev.nines.schema.RoutePlan;
import dev.nines.serde.SchemaRegistryClient;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Routing weights per route, decided in event time.
 *
 * <pre>
 * INSERT INTO routing-weights
 * SELECT route, DECIDE(plan AS OF bucket time, carrier buckets over the sliding history)
 * FROM TUMBLING(carrier samples, interval) EMIT ON WINDOW CLOSE
 *      LEFT JOIN route-plans VERSIONED AS OF event time
 * GROUP BY route EMIT ON CHANGE OF ANY WEIGHT OR STATE
 * </pre>
 */
public final class RoutingTopology {
  private RoutingTopology() {}

  /** Open buckets (see {@link ClosingWindows}); was the DSL's "routing-bucket-store". */
  public static final String BUCKET_STORE = "routing-open-buckets-store";
  public static final String PLANS_STORE = "route-plans-versioned-store";
  public static final String STATE_STORE = "routing-state-store";

  public static void build(StreamsBuilder builder, NinesConfig config,
      SchemaRegistryClient registry,
      KStream<String, dev.nines.watermark.Marked<HealthSample>> carrierSamples) {
    NinesConfig.Routing r = config.routing();
    double accuracy = config.health().latencyRelativeAccuracy();
    Serde<String> keys = Topics.ROUTE_PLANS.keySerde();
    Serde<RoutePlan> planSerde = Topics.ROUTE_PLANS.valueSerde(registry);

    // The plan in force at each bucket's event time: a versioned table, so a replay of last
    // month uses last month's plans.
    KTable<String, RoutePlan> plans = builder.table(config.topics().name(Topics.ROUTE_PLANS),
        Consumed.with(keys, planSerde).withTimestampExtractor(new EventTime())
            .withName("route-plans-source"),
        Materialized.<String, RoutePlan>as(
                Stores.persistentVersionedKeyValueStore(PLANS_STORE, r.planHistory()))
            .withKeySerde(keys).withValueSerde(planSerde));

    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(STATE_STORE), keys, RouteState.serde()));

    KStream<String, dev.nines.schema.RoutingWeights> weights = carrierSamples
        .process(new ClosingWindows<HealthSample, HealthCounts>(BUCKET_STORE,
            HealthCounts.serde(), r.interval(), r.bucketGrace(), () -> new HealthCounts(accuracy),
            HealthSample::addTo, dev.nines.health.CarrierHealthTopology.upstreams(config)),
            Named.as("routing-buckets-windows"))
        .map((key, w) -> {
          var k = dev.nines.health.CarrierKey.parse(key);
          return KeyValue.pair(k.route(), new CarrierBucket(k.carrierId(), w.start(), w.value()));
        }, Named.as("routing-buckets-key-by-route"))
        .repartition(Repartitioned.with(keys, CarrierBucket.serde())
            .withName("routing-buckets-by-route")
            .withNumberOfPartitions(config.topics().partitions()))
        .leftJoin(plans, PlannedBucket::new,
            Joined.with(keys, CarrierBucket.serde(), planSerde).withName("routing-buckets-plans"))
        .processValues(() -> new RouteEvaluator(STATE_STORE, r.interval(), r.history(),
            r.policy(), accuracy), Named.as("routing-evaluate"), STATE_STORE);
    weights.to(config.topics().name(Topics.ROUTING_WEIGHTS), Produced.with(keys,
        Topics.ROUTING_WEIGHTS.valueSerde(registry)).withName("routing-weights-sink"));
    // queryable views for the API (issue #6): latest decision and the last hours, per route
    dev.nines.views.Views.routing(builder, config, weights);
  }
}
