package dev.nines.routing;

import dev.nines.health.HealthCounts;
import dev.nines.schema.CarrierWeight;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.RoutingWeights;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides a route's weights once per evaluation interval (event time) and forwards a
 * routing-weights record only when a weight or state changed.
 *
 * <p>An interval [E - interval, E) is evaluated as soon as every enabled carrier of the plan has
 * delivered its bucket for it, or a bucket of a later interval has arrived (a carrier without
 * traffic in the interval sends none). Each carrier is judged on the shortest recent span, in
 * whole intervals up to the history, that holds at least minSamples: a busy carrier is judged on
 * the last interval alone, so a failure is acted on within one interval; a quiet one (such as an
 * ejected carrier on its trickle) on as much history as it takes.
 */
final class RouteEvaluator implements FixedKeyProcessor<String, PlannedBucket, RoutingWeights> {
  private final String storeName;
  private final long interval;
  private final long history;
  private final RoutingPolicy policy;
  private final double sketchAccuracy;
  private FixedKeyProcessorContext<String, RoutingWeights> context;
  private KeyValueStore<String, RouteState> store;

  RouteEvaluator(String storeName, Duration interval, Duration history, RoutingPolicy policy,
      double sketchAccuracy) {
    this.storeName = storeName;
    this.interval = interval.toMillis();
    this.history = history.toMillis();
    this.policy = policy;
    this.sketchAccuracy = sketchAccuracy;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, RoutingWeights> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(FixedKeyRecord<String, PlannedBucket> record) {
    String route = record.key();
    CarrierBucket bucket = record.value().bucket();
    RoutePlan plan = record.value().plan();
    RouteState s = store.get(route);
    if (s == null) {
      s = new RouteState();
      s.evaluatedUpTo = bucket.start();
    }
    s.buckets.computeIfAbsent(bucket.carrierId(), c -> new TreeMap<>())
        .merge(bucket.start(), bucket.counts(), HealthCounts::merge);
    s.maxBucketStart = Math.max(s.maxBucketStart, bucket.start());

    while (ready(s, plan)) {
      long end = s.evaluatedUpTo + interval;
      if (plan != null) {
        evaluate(route, plan, s, end, record);
      }
      s.evaluatedUpTo = end;
      prune(s, end);
    }
    store.put(route, s);
  }

  /** The next interval is complete: all enabled carriers reported, or time moved past it. */
  private boolean ready(RouteState s, RoutePlan plan) {
    long start = s.evaluatedUpTo;
    if (s.maxBucketStart >= start + interval) {
      return true;
    }
    if (plan == null || s.maxBucketStart < start) {
      return false;
    }
    return plan.getCarriers().stream().filter(RouteCarrier::getEnabled)
        .allMatch(c -> s.buckets.getOrDefault(c.getCarrierId(), new TreeMap<>())
            .containsKey(start));
  }

  private void evaluate(String route, RoutePlan plan, RouteState s, long end,
      FixedKeyRecord<String, PlannedBucket> record) {
    List<PlanCarrier> carriers = plan.getCarriers().stream()
        .map(c -> new PlanCarrier(c.getCarrierId(), c.getBaseWeight(), c.getEnabled())).toList();
    Map<String, CarrierStats> stats = new HashMap<>();
    for (PlanCarrier c : carriers) {
      stats.put(c.carrierId(), statsOf(s.buckets.get(c.carrierId()), end));
    }
    RouteDecision d = RoutingDecider.decide(carriers, stats, s.memory, policy);
    s.memory.clear();
    s.memory.putAll(d.memory());
    if (s.last != null && s.last.sameWeightsAndStates(d)) {
      return;
    }
    s.last = d;
    s.version++;
    context.forward(record.withValue(toRecord(route, plan, s.version, end, d))
        .withTimestamp(end));
  }

  /** Evidence over the shortest span ending at {@code end} with at least minSamples. */
  private CarrierStats statsOf(TreeMap<Long, HealthCounts> buckets, long end) {
    HealthCounts sum = new HealthCounts(sketchAccuracy);
    long span = 0;
    if (buckets != null) {
      for (long start = end - interval; start >= end - history; start -= interval) {
        span += interval;
        HealthCounts b = buckets.get(start);
        if (b != null) {
          sum.merge(b);
        }
        long n = sum.delivered() + sum.carrierFailures() + sum.probeFailures()
            + sum.probeSuccesses();
        if (n >= policy.minSamples()) {
          break;
        }
      }
    }
    return new CarrierStats(sum.delivered(), sum.carrierFailures(), sum.probeSuccesses(),
        sum.probeFailures(), sum.latencyMs(0.95), Math.max(span, interval));
  }

  private void prune(RouteState s, long end) {
    long oldest = end - history;
    s.buckets.values().forEach(m -> m.headMap(oldest).clear());
    s.buckets.values().removeIf(TreeMap::isEmpty);
  }

  static RoutingWeights toRecord(String route, RoutePlan plan, long version, long end,
      RouteDecision d) {
    List<CarrierWeight> carriers = new ArrayList<>();
    for (CarrierDecision c : d.carriers()) {
      carriers.add(CarrierWeight.newBuilder().setCarrierId(c.carrierId()).setWeight(c.weight())
          .setState(c.state()).setScore(c.score()).setReason(c.reason()).build());
    }
    return RoutingWeights.newBuilder().setRouteId(route).setCountry(plan.getCountry())
        .setChannel(plan.getChannel()).setVersion(version).setEffectiveAt(Instant.ofEpochMilli(end))
        .setMode(d.mode()).setCarriers(carriers).build();
  }
}
