package dev.nines.routing.stream;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.eventtime.ClosingWindows;
import dev.nines.eventtime.Marked;
import dev.nines.eventtime.MarkedSerde;
import dev.nines.eventtime.MulticastPartitioner;
import dev.nines.eventtime.ObjectStore;
import dev.nines.eventtime.WindowsFanOut;
import dev.nines.health.HealthCounts;
import dev.nines.health.stream.CarrierHealthTopology;
import dev.nines.health.stream.HealthCountsSerde;
import dev.nines.ingest.stream.EventTimeExtractor;
import dev.nines.model.CarrierKey;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.RoutingPolicyProfile;
import dev.nines.schema.RoutingWeights;
import dev.nines.serde.OutputLimits;
import dev.nines.serde.SchemaRegistryClient;
import dev.nines.views.Views;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
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
 * SELECT route, DECIDE(plan AS OF interval end, its policy profile AS OF interval end,
 *                      carrier buckets over the sliding history)
 * FROM TUMBLING(carrier samples, interval) EMIT ON WINDOW CLOSE
 * GROUP BY route, interval EMIT WHEN THE WATERMARK PASSES THE INTERVAL,
 *      ON CHANGE OF ANY WEIGHT OR STATE
 * </pre>
 *
 * <p>Watermarks cross both shuffles: the input partitions' marks close the buckets (see {@link
 * ClosingWindows}), and each bucket task relays its closing frontier across the by-route
 * repartition, where the evaluator decides an interval once every bucket task has passed it (see
 * {@link RouteEvaluator}). So the decisions, not only the buckets, are the same whatever the
 * partition count, interleaving or restarts.
 */
public final class RoutingTopology {
  private RoutingTopology() {}

  /** Open buckets (see {@link ClosingWindows}); was the DSL's "routing-bucket-store". */
  public static final String BUCKET_STORE = "routing-open-buckets-store";

  public static final String PLANS_STORE = "route-plans-versioned-store";

  /** routing-policies profiles by name, versioned by event time, on every evaluator task. */
  public static final String PROFILES_STORE = "routing-policies-versioned-store";

  public static final String STATE_STORE = "routing-state-store";

  /** The bucket tasks' relayed watermarks, and the routes with an interval left to decide. */
  public static final String FRONTIER_STORE = "routing-frontier-store";

  /**
   * The routing-policies profiles into the evaluator's versioned store. Any route may name any
   * profile, so every evaluator task needs every profile: each version goes to every partition of
   * the repartition topic (KIP-837), and is read in the evaluator's sub-topology (connected by the
   * store), at its event time like the plans. Built after the rest of the topology, so that the
   * sub-topologies that existed before it keep their numbers, and their tasks their state
   * directories.
   */
  public static void buildProfiles(
      StreamsBuilder builder, NinesConfig config, SchemaRegistryClient registry) {
    Serde<String> keys = Topics.ROUTING_POLICIES.keySerde();
    Serde<RoutingPolicyProfile> profileSerde = Topics.ROUTING_POLICIES.valueSerde(registry);
    builder.stream(
            config.topics().name(Topics.ROUTING_POLICIES),
            Consumed.with(keys, profileSerde)
                .withOffsetResetPolicy(Topics.INPUT_OFFSET_RESET)
                .withTimestampExtractor(new EventTimeExtractor())
                .withName("routing-policies-source"))
        .processValues(
            () ->
                new ProfileValidator.Gate(
                    config.routing().policy(), config.ingest().maxTextLength()),
            Named.as("routing-policies-check"))
        .repartition(
            Repartitioned.with(keys, profileSerde)
                .withStreamPartitioner(new EveryPartition<>())
                .withName("routing-policies-to-every-task")
                .withNumberOfPartitions(config.topics().partitions()))
        .process(
            () -> new ProfileWriter(PROFILES_STORE),
            Named.as("routing-policies-store"),
            PROFILES_STORE);
  }

  /** Where the by-carrier task's windows send the closed buckets (see {@link WindowsFanOut}). */
  static final String CHILD = "routing-buckets-key-by-route";

  /**
   * The carrier buckets, one routing interval wide, as one set of the by-carrier task's windows:
   * receipts and carrier probes under their carrier key; each task relays its closing frontier.
   */
  public static WindowsFanOut.Tap<Object, HealthCounts> buckets(NinesConfig config) {
    NinesConfig.Routing r = config.routing();
    double accuracy = config.health().latencyRelativeAccuracy();
    return new WindowsFanOut.Tap<>(
        new ClosingWindows<Object, HealthCounts>(
            BUCKET_STORE,
            HealthCountsSerde.serde(),
            r.interval(),
            r.bucketGrace(),
            () -> new HealthCounts(accuracy),
            CarrierHealthTopology::addEvidence,
            CarrierHealthTopology.upstreams(config),
            config.topics().partitions()),
        WindowsFanOut.Keys.same(),
        CHILD);
  }

  /** Routing, from the closed carrier buckets of the by-carrier task's windows ({@link #buckets}). */
  public static void build(
      StreamsBuilder builder,
      NinesConfig config,
      SchemaRegistryClient registry,
      OutputLimits limits,
      KStream<String, Marked<ClosingWindows.Window<HealthCounts>>> buckets) {
    NinesConfig.Routing r = config.routing();
    double accuracy = config.health().latencyRelativeAccuracy();
    Serde<String> keys = Topics.ROUTE_PLANS.keySerde();
    Serde<RoutePlan> planSerde = Topics.ROUTE_PLANS.valueSerde(registry);

    // The plan in force at each bucket's event time: a versioned table, so a replay of last
    // month uses last month's plans. It is re-keyed here, not read where it lands: a producer
    // may partition route-plans any way (librdkafka's CRC32, random, explicit partitions), and
    // the evaluator finds a route's plan only on the partition murmur2 gives its route id, where
    // the route's buckets go. The repartition keeps each version's event time as its timestamp.
    // Not joined: the evaluator reads it as of each interval's end (connected by store name).
    builder.stream(
            config.topics().name(Topics.ROUTE_PLANS),
            Consumed.with(keys, planSerde)
                .withOffsetResetPolicy(Topics.INPUT_OFFSET_RESET)
                .withTimestampExtractor(new EventTimeExtractor())
                .withName("route-plans-source"))
        .processValues(
            () -> new PlanValidator.Gate(config.ingest().maxTextLength()),
            Named.as("route-plans-check"))
        .repartition(
            Repartitioned.with(keys, planSerde)
                .withName("route-plans-by-route")
                .withNumberOfPartitions(config.topics().partitions()))
        .toTable(
            Named.as("route-plans-table"),
            Materialized.<String, RoutePlan>as(
                    Stores.persistentVersionedKeyValueStore(PLANS_STORE, r.planHistory()))
                .withKeySerde(keys)
                .withValueSerde(planSerde));

    // policy profiles, versioned like the plans; written by buildProfiles
    builder.addStateStore(
        Stores.versionedKeyValueStoreBuilder(
            Stores.persistentVersionedKeyValueStore(PROFILES_STORE, r.planHistory()),
            keys,
            Topics.ROUTING_POLICIES.valueSerde(registry)));

    // the same changelog bytes as a String / RouteState key-value store, with an object cache
    builder.addStateStore(ObjectStore.builder(STATE_STORE, RouteState.serde()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(FRONTIER_STORE), keys, Serdes.ByteArray())
            .withCachingEnabled());
    int partitions = config.topics().partitions();

    KStream<String, RoutingWeights> weights =
        buckets
            .map(
                (key, m) -> {
                  if (m instanceof Marked.Mark<ClosingWindows.Window<HealthCounts>> mark) {
                    return KeyValue.pair(
                        Marked.MARK_KEY, Marked.<CarrierBucket>mark(mark.watermark()));
                  }
                  var i = (Marked.Item<ClosingWindows.Window<HealthCounts>>) m;
                  var k = CarrierKey.parse(key);
                  var w = i.value();
                  return KeyValue.pair(
                      k.route(),
                      Marked.item(new CarrierBucket(k.carrierId(), w.start(), w.value())));
                },
                Named.as(CHILD))
            .repartition(
                Repartitioned.with(keys, MarkedSerde.of(CarrierBucket.serde()))
                    .withStreamPartitioner(new MulticastPartitioner<CarrierBucket>())
                    .withName("routing-buckets-by-route")
                    .withNumberOfPartitions(partitions))
            .process(
                () ->
                    new RouteEvaluator(
                        STATE_STORE,
                        PLANS_STORE,
                        PROFILES_STORE,
                        FRONTIER_STORE,
                        partitions,
                        r.interval(),
                        r.history(),
                        r.policy(),
                        r.profileOverrides(),
                        accuracy),
                Named.as("routing-evaluate"),
                STATE_STORE,
                PLANS_STORE,
                PROFILES_STORE,
                FRONTIER_STORE);
    weights.to(
        config.topics().name(Topics.ROUTING_WEIGHTS),
        Produced.with(keys, Topics.ROUTING_WEIGHTS.outputSerde(registry, limits))
            .withName("routing-weights-sink"));
    // queryable views for the API: latest decision and the last hours, per route
    Views.routing(builder, config, weights);
  }
}
