package dev.nines.routing.stream;

import dev.nines.config.RoutingPolicies;
import dev.nines.eventtime.Marked;
import dev.nines.eventtime.ObjectStore;
import dev.nines.eventtime.Watermark;
import dev.nines.health.HealthCounts;
import dev.nines.routing.CarrierDecision;
import dev.nines.routing.CarrierStats;
import dev.nines.routing.PlanCarrier;
import dev.nines.routing.RouteDecision;
import dev.nines.routing.RoutingDecider;
import dev.nines.routing.RoutingPolicy;
import dev.nines.schema.CarrierWeight;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.RoutingPolicyProfile;
import dev.nines.schema.RoutingWeights;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides a route's weights once per evaluation interval (event time) and forwards a
 * routing-weights record only when a weight or state changed.
 *
 * <p>An interval {@code [E - interval, E)} of a route is evaluated once the watermark frontier
 * {@code F} has reached {@code E}, with the plan in force at {@code E} (the time the decision
 * takes effect; the marks are stamped later than {@code E}, so that the task has read the plans
 * up to {@code E} first). {@code F} is the
 * minimum over the upstream tasks (the partitions of the by-carrier windows, which relay their
 * closing frontier, see {@link dev.nines.eventtime.ClosingWindows}) of the last window end each has
 * said it closed; nothing is evaluated until every upstream task has sent one. A bucket of the
 * interval comes from its carrier's task before that task's mark passes {@code E}, so by then
 * every bucket of the interval, and of the history before it, has arrived: the decision depends
 * on the input alone, not on how the upstream tasks interleaved, how many partitions there are,
 * or restarts. (Before, an interval was evaluated when all enabled carriers had reported or a
 * later bucket arrived, so with several partitions which buckets it saw depended on the order in
 * which the tasks ran.) Intervals after a route's latest bucket wait for a later bucket, as a
 * route without traffic needs no decision; once it comes, the intervals in between are evaluated
 * in order.
 *
 * <p>Each carrier is judged on the shortest recent span, in whole intervals up to the history,
 * that holds at least minSamples: a busy carrier is judged on the last interval alone, so a
 * failure is acted on within one interval; a quiet one (such as an ejected carrier on its
 * trickle) on as much history as it takes.
 *
 * <p>The upstream marks and the routes with an interval still to evaluate live in a second store
 * ({@code frontierStore}), so that a frontier advance visits only those routes.
 *
 * <p>A route's state (its carriers' recent buckets, with latency sketches) is an {@link
 * ObjectStore}: decoded once and encoded once per commit, not once per bucket. Encoding it per
 * bucket was the largest cost of nines' own code in the profile (BENCHMARKS.md).
 */
final class RouteEvaluator
    implements Processor<String, Marked<CarrierBucket>, String, RoutingWeights> {
  private static final Logger log = LoggerFactory.getLogger(RouteEvaluator.class);
  private static final String MARK_PREFIX = "mark/";
  private static final String PENDING_PREFIX = "pending/";
  private static final byte[] PRESENT = new byte[0];

  private final String storeName;
  private final String plansStoreName;
  private final String profilesStoreName;
  private final String frontierStoreName;
  private final int upstreams;
  private final long interval;
  private final long history;
  private final RoutingPolicy policy;
  private final Map<String, Map<String, String>> profileOverrides;
  private final double sketchAccuracy;
  private ProcessorContext<String, RoutingWeights> context;
  private ObjectStore<RouteState> store;
  private VersionedKeyValueStore<String, RoutePlan> plans;
  private VersionedKeyValueStore<String, RoutingPolicyProfile> profiles;

  /** Policies of profile versions already parsed, by name and version time. */
  private final Map<String, RoutingPolicy> profilePolicies = new HashMap<>();

  private KeyValueStore<String, byte[]> frontierStore;
  private long[] marks;
  private long frontier;
  private boolean warnedMark;

  RouteEvaluator(
      String storeName,
      String plansStoreName,
      String profilesStoreName,
      String frontierStoreName,
      int upstreams,
      Duration interval,
      Duration history,
      RoutingPolicy policy,
      Map<String, Map<String, String>> profileOverrides,
      double sketchAccuracy) {
    this.storeName = storeName;
    this.plansStoreName = plansStoreName;
    this.profilesStoreName = profilesStoreName;
    this.frontierStoreName = frontierStoreName;
    this.upstreams = upstreams;
    this.interval = interval.toMillis();
    this.history = history.toMillis();
    this.policy = policy;
    this.profileOverrides = profileOverrides;
    this.sketchAccuracy = sketchAccuracy;
  }

  @Override
  public void init(ProcessorContext<String, RoutingWeights> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    this.plans = context.getStateStore(plansStoreName);
    this.profiles = context.getStateStore(profilesStoreName);
    this.frontierStore = context.getStateStore(frontierStoreName);
    this.marks = new long[upstreams];
    for (int u = 0; u < upstreams; u++) {
      byte[] b = frontierStore.get(MARK_PREFIX + u);
      marks[u] = b == null ? Long.MIN_VALUE : ByteBuffer.wrap(b).getLong();
    }
    this.frontier = min(marks);
    this.warnedMark = false;
  }

  @Override
  public void process(Record<String, Marked<CarrierBucket>> record) {
    if (record.value() instanceof Marked.Mark<CarrierBucket> m) {
      onMark(m.watermark());
      return;
    }
    String route = record.key();
    CarrierBucket bucket = ((Marked.Item<CarrierBucket>) record.value()).value();
    RouteState s = store.get(route);
    if (s == null) {
      s = new RouteState();
      s.evaluatedUpTo = bucket.start();
    } else if (bucket.start() < s.evaluatedUpTo && bucket.start() + interval > frontier) {
      // An earlier interval than the route's first bucket so far, from another carrier's task:
      // nothing of the route was evaluated yet (that takes F >= the end of an interval at or
      // after the first bucket), so the route starts at this one, whichever task ran first.
      s.evaluatedUpTo = bucket.start();
    }
    s.buckets
        .computeIfAbsent(bucket.carrierId(), c -> new TreeMap<>())
        .merge(bucket.start(), bucket.counts(), HealthCounts::merge);
    s.maxBucketStart = Math.max(s.maxBucketStart, bucket.start());
    advance(route, s);
  }

  private void onMark(Watermark w) {
    if (w.partitions() != upstreams) {
      // a mark of another layout (topics.partitions changed): it says nothing about this one
      if (!warnedMark) {
        warnedMark = true;
        log.warn(
            "routing (task {}): watermark of upstream {} of {} ignored: this topology "
                + "expects {} upstream partitions",
            context.taskId(),
            w.partition(),
            w.partitions(),
            upstreams);
      }
      return;
    }
    if (w.streamTime() <= marks[w.partition()]) {
      return;
    }
    marks[w.partition()] = w.streamTime();
    frontierStore.put(
        MARK_PREFIX + w.partition(), ByteBuffer.allocate(8).putLong(w.streamTime()).array());
    long f = min(marks);
    if (f <= frontier) {
      return;
    }
    frontier = f;
    List<String> pending = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        frontierStore.prefixScan(PENDING_PREFIX, new StringSerializer())) {
      it.forEachRemaining(kv -> pending.add(kv.key.substring(PENDING_PREFIX.length())));
    }
    for (String route : pending) {
      RouteState s = store.get(route);
      if (s == null) {
        frontierStore.delete(PENDING_PREFIX + route);
      } else {
        advance(route, s);
      }
    }
  }

  /**
   * Evaluates the route's intervals up to the frontier and its latest bucket, then stores it and
   * whether it has an interval left.
   */
  private void advance(String route, RouteState s) {
    PlanLookup plan = new PlanLookup(plans, route);
    while (s.evaluatedUpTo <= s.maxBucketStart && s.evaluatedUpTo + interval <= frontier) {
      long end = s.evaluatedUpTo + interval;
      RoutePlan p = plan.at(end);
      if (p != null) {
        evaluate(route, p, s, end);
      }
      s.evaluatedUpTo = end;
      prune(s, end);
    }
    store.put(route, s);
    if (s.evaluatedUpTo <= s.maxBucketStart) {
      frontierStore.put(PENDING_PREFIX + route, PRESENT);
    } else {
      frontierStore.delete(PENDING_PREFIX + route);
    }
  }

  private static long min(long[] marks) {
    long m = Long.MAX_VALUE;
    for (long x : marks) {
      m = Math.min(m, x);
    }
    return marks.length == 0 ? Long.MIN_VALUE : m;
  }

  private void evaluate(String route, RoutePlan plan, RouteState s, long end) {
    List<PlanCarrier> carriers =
        plan.getCarriers().stream()
            .map(
                c ->
                    new PlanCarrier(
                        c.getCarrierId(),
                        c.getBaseWeight(),
                        c.getEnabled(),
                        c.getPriority(),
                        c.getWarm()))
            .toList();
    StringBuilder note = new StringBuilder();
    RoutingPolicy p = policyOf(plan.getPolicy(), end, note);
    Map<String, CarrierStats> stats = new HashMap<>();
    for (PlanCarrier c : carriers) {
      stats.put(c.carrierId(), statsOf(s.buckets.get(c.carrierId()), end, p));
    }
    RouteDecision d = withNote(RoutingDecider.decide(carriers, stats, s.memory, p, end), note);
    s.memory.clear();
    s.memory.putAll(d.memory());
    if (s.last != null && s.last.sameWeightsAndStates(d)) {
      return;
    }
    s.last = d;
    s.version++;
    // a new record without headers: which input triggered the decision depends on interleaving
    context.forward(new Record<>(route, toRecord(route, plan, s.version, end, d), end));
  }

  /**
   * The policy of a plan at {@code end}: the configured one, or the profile it names in the
   * version in force then. A profile that is not defined then (never written, or retired) leaves
   * the configured policy, and the reasons say so.
   */
  private RoutingPolicy policyOf(String name, long end, StringBuilder note) {
    if (name == null) {
      return policy;
    }
    VersionedRecord<RoutingPolicyProfile> v = profiles.get(name, end);
    Map<String, String> overrides = profileOverrides.getOrDefault(name, Map.of());
    if (v == null && overrides.isEmpty()) {
      note.append("policy profile '")
          .append(name)
          .append("' is not defined at this time: the configured policy applies");
      return policy;
    }
    String key = name + "@" + (v == null ? "none" : Long.toString(v.timestamp()));
    RoutingPolicy p = profilePolicies.get(key);
    if (p == null) {
      // the configuration's routing.profile.<name>.* keys (a replay's what-if) over the version
      Map<String, String> settings = new TreeMap<>();
      if (v != null) {
        settings.putAll(v.value().getSettings());
      }
      settings.putAll(overrides);
      try {
        p = RoutingPolicies.override(policy, settings);
      } catch (IllegalArgumentException e) {
        // valid when it was read, not under the configuration of this run
        note.append("policy profile '")
            .append(name)
            .append("' does not fit the configured policy (")
            .append(e.getMessage())
            .append("): the configured policy applies");
        return policy;
      }
      if (profilePolicies.size() > 1000) {
        profilePolicies.clear();
      }
      profilePolicies.put(key, p);
    }
    return p;
  }

  private static RouteDecision withNote(RouteDecision d, CharSequence note) {
    if (note.length() == 0) {
      return d;
    }
    List<CarrierDecision> carriers = new ArrayList<>();
    for (CarrierDecision c : d.carriers()) {
      String reason = c.reason().isEmpty() ? note.toString() : c.reason() + "; " + note;
      carriers.add(
          new CarrierDecision(
              c.carrierId(), c.weight(), c.state(), c.score(), reason, c.priority(), c.canary()));
    }
    return new RouteDecision(d.mode(), carriers, d.memory());
  }

  /** Evidence over the shortest span ending at {@code end} with at least minSamples. */
  private CarrierStats statsOf(TreeMap<Long, HealthCounts> buckets, long end, RoutingPolicy p) {
    HealthCounts sum = new HealthCounts(sketchAccuracy);
    long span = 0;
    // A carrier without any bucket yet is looked at over the whole history too: whether its map
    // exists can depend on a bucket of a later interval having arrived, and the decision (its
    // reason text) must not.
    for (long start = end - interval; start >= end - history; start -= interval) {
      span += interval;
      HealthCounts b = buckets == null ? null : buckets.get(start);
      if (b != null) {
        sum.merge(b);
      }
      long n = sum.delivered() + sum.carrierFailures() + sum.probeFailures() + sum.probeSuccesses();
      if (n >= p.minSamples()) {
        break;
      }
    }
    return new CarrierStats(
        sum.delivered(),
        sum.carrierFailures(),
        sum.probeSuccesses(),
        sum.probeFailures(),
        sum.latencyMs(0.95),
        Math.max(span, interval));
  }

  private void prune(RouteState s, long end) {
    long oldest = end - history;
    s.buckets.values().forEach(m -> m.headMap(oldest).clear());
    s.buckets.values().removeIf(TreeMap::isEmpty);
  }

  static RoutingWeights toRecord(
      String route, RoutePlan plan, long version, long end, RouteDecision d) {
    List<CarrierWeight> carriers = new ArrayList<>();
    for (CarrierDecision c : d.carriers()) {
      carriers.add(
          CarrierWeight.newBuilder()
              .setCarrierId(c.carrierId())
              .setWeight(c.weight())
              .setState(c.state())
              .setScore(c.score())
              .setReason(c.reason())
              .setPriority(c.priority())
              .setCanary(c.canary())
              .build());
    }
    return RoutingWeights.newBuilder()
        .setRouteId(route)
        .setCountry(plan.getCountry())
        .setChannel(plan.getChannel())
        .setVersion(version)
        .setEffectiveAt(Instant.ofEpochMilli(end))
        .setMode(d.mode())
        .setCarriers(carriers)
        .build();
  }
}
