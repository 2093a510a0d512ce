package dev.nines.simulate;

import dev.nines.TopicNames;
import dev.nines.schema.Channel;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.RoutingPolicyProfile;
import dev.nines.schema.Service;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns a scenario into records, one one-second step at a time. It keeps no state between
 * steps: each step draws from generators seeded by (seed, stream, instant), so what a second
 * contains depends only on the scenario, the seed, the rate scale and the scenario start.
 */
final class TrafficModel {
  static final long STEP_MS = 1_000;

  private final long seed;

  /** Short seed-derived prefix of every id, so runs with different seeds never share an id. */
  private final String tag;

  private final Scenario.DailyShape daily;
  private final List<RouteModel> routes = new ArrayList<>();
  private final List<ProbeSeries> probes = new ArrayList<>();
  private final Scenario scenario;

  /** Events that change reference data (a plan or a profile) at their start and end. */
  private final List<ScriptedEvent> referenceEvents = new ArrayList<>();

  private final long probeIntervalMs;
  private final double probeFailureRate;
  private final String[] accounts;
  private final double lateFraction;
  private final long lateMinMs;
  private final long lateMaxMs;
  private final double duplicateFraction;
  private final long duplicateMinMs;
  private final long duplicateMaxMs;

  TrafficModel(Scenario scenario, long seed, double rateScale) {
    this.scenario = scenario;
    this.seed = seed;
    for (ScriptedEvent e : scenario.events()) {
      if (e.carrierAdded() != null || e.policyChange() != null) {
        referenceEvents.add(e);
      }
    }
    this.tag = String.format(Locale.ROOT, "%08x", SimRandom.mix(seed) >>> 32);
    this.daily = scenario.dailyShape();
    this.probeIntervalMs = scenario.probeInterval().toMillis();
    this.probeFailureRate = scenario.probeFailureRate();
    this.accounts =
        scenario.accounts().isEmpty()
            ? new String[] {"acct-default"}
            : scenario.accounts().stream().map(Scenario.Account::accountId).toArray(String[]::new);
    this.lateFraction = scenario.late().fraction();
    this.lateMinMs = scenario.late().minDelay().toMillis();
    this.lateMaxMs = scenario.late().maxDelay().toMillis();
    this.duplicateFraction = scenario.duplicates().fraction();
    this.duplicateMinMs = scenario.duplicates().minDelay().toMillis();
    this.duplicateMaxMs = scenario.duplicates().maxDelay().toMillis();

    for (Scenario.Route route : scenario.routes()) {
      routes.add(new RouteModel(scenario, route, rateScale));
    }
    for (Scenario.Check check : scenario.checks()) {
      for (String vantage : scenario.vantages()) {
        for (String region : scenario.regions()) {
          probes.add(new ProbeSeries(scenario, check, vantage, region, seed, tag, probeIntervalMs));
        }
      }
    }
  }

  /**
   * Adds to {@code out} every record whose event time lies in [stepMs, stepMs + 1 s) ∩ [fromMs,
   * toMs). Event offsets count from {@code originMs}.
   */
  void generateStep(long stepMs, long originMs, long fromMs, long toMs, EmissionQueue out) {
    referenceChanges(stepMs, originMs, fromMs, toMs, out);
    for (RouteModel route : routes) {
      receipts(route, stepMs, originMs, fromMs, toMs, out);
    }
    for (ProbeSeries series : probes) {
      probe(series, stepMs, originMs, fromMs, toMs, out);
    }
  }

  private void receipts(
      RouteModel rm, long stepMs, long originMs, long fromMs, long toMs, EmissionQueue out) {
    double lambda = rm.ratePerSecond * daily.factorAt(stepMs + STEP_MS / 2);
    SplittableRandom r = SimRandom.at(seed, rm.stream, stepMs);
    int n = SimRandom.poisson(r, lambda);
    for (int j = 0; j < n; j++) {
      // Every draw happens before any branch, so a receipt's randomness never depends on
      // whether an event is active or the receipt falls inside the requested range.
      long completedAt = stepMs + r.nextInt((int) STEP_MS);
      String region = rm.regions[r.nextInt(rm.regions.length)];
      double uCarrier = r.nextDouble();
      String account = accounts[r.nextInt(accounts.length)];
      double uOutcome = r.nextDouble();
      double z = SimRandom.gaussian(r.nextDouble(), r.nextDouble());
      double uCode = r.nextDouble();
      double uLate = r.nextDouble();
      double uLateDelay = r.nextDouble();
      double uDuplicate = r.nextDouble();
      double uDuplicateDelay = r.nextDouble();
      if (completedAt < fromMs || completedAt >= toMs) {
        continue;
      }
      List<RouteModel.Added> added = rm.activeAdded(completedAt - originMs);
      String carrierId;
      List<Degradation> degradations;
      if (added.isEmpty()) {
        int carrier = pick(rm.carrierCumulative, uCarrier);
        carrierId = rm.carrierIds[carrier];
        degradations = rm.degradations.get(carrier);
      } else {
        // the route's carriers and the ones added meanwhile, by base weight
        double[] cumulative = new double[rm.carrierIds.length + added.size()];
        System.arraycopy(rm.carrierCumulative, 0, cumulative, 0, rm.carrierIds.length);
        double sum = rm.carrierIds.length == 0 ? 0 : rm.carrierCumulative[rm.carrierIds.length - 1];
        for (int a = 0; a < added.size(); a++) {
          sum += added.get(a).baseWeight();
          cumulative[rm.carrierIds.length + a] = sum;
        }
        int carrier = pick(cumulative, uCarrier);
        if (carrier < rm.carrierIds.length) {
          carrierId = rm.carrierIds[carrier];
          degradations = rm.degradations.get(carrier);
        } else {
          RouteModel.Added a = added.get(carrier - rm.carrierIds.length);
          carrierId = a.carrierId();
          degradations = a.degradations();
        }
      }
      Degradation degradation = worstActive(degradations, completedAt - originMs);
      Outcome outcome =
          Outcome.draw(degradation == null ? rm.cumulative : degradation.cumulative, uOutcome);
      long latency = rm.latency.sample(z) + (degradation == null ? 0 : degradation.extraLatencyMs);
      String messageId = tag + "-" + rm.slug + "-" + stepMs / STEP_MS + "-" + j;
      DeliveryReceipt receipt =
          new DeliveryReceipt(
              messageId,
              account,
              rm.channel,
              carrierId,
              rm.country,
              region,
              outcome.status,
              outcome.cause,
              outcome.errorCode(rm.channel, uCode),
              Instant.ofEpochMilli(completedAt - latency),
              Instant.ofEpochMilli(completedAt));
      boolean late = uLate < lateFraction;
      long emitAt =
          late ? completedAt + SimRandom.uniform(uLateDelay, lateMinMs, lateMaxMs) : completedAt;
      out.add(
          TopicNames.DELIVERY_RECEIPTS,
          messageId,
          receipt,
          emitAt,
          late ? Emission.Kind.LATE : Emission.Kind.ON_TIME);
      if (uDuplicate < duplicateFraction) {
        // A copy, so a sink that mutates what it is given cannot change the original too.
        out.add(
            TopicNames.DELIVERY_RECEIPTS,
            messageId,
            DeliveryReceipt.newBuilder(receipt).build(),
            emitAt + SimRandom.uniform(uDuplicateDelay, duplicateMinMs, duplicateMaxMs),
            Emission.Kind.DUPLICATE);
      }
    }
  }

  /**
   * The plan and profile versions that scripted events write at their starts and ends within
   * [stepMs, stepMs + 1 s) ∩ [fromMs, toMs), stamped with that instant.
   */
  private void referenceChanges(
      long stepMs, long originMs, long fromMs, long toMs, EmissionQueue out) {
    long lo = Math.max(stepMs, fromMs);
    long hi = Math.min(stepMs + STEP_MS, toMs);
    if (lo >= hi || referenceEvents.isEmpty()) {
      return;
    }
    for (ScriptedEvent e : referenceEvents) {
      for (EventOccurrence o :
          e.occurrences(
              Instant.ofEpochMilli(originMs),
              Instant.ofEpochMilli(lo - 1),
              Instant.ofEpochMilli(hi))) {
        for (Instant at : List.of(o.start(), o.end())) {
          long t = at.toEpochMilli();
          if (t < lo || t >= hi) {
            continue;
          }
          if (e.carrierAdded() != null) {
            Scenario.Route route = routeOf(scenario, e.carrierAdded().route());
            out.add(
                TopicNames.ROUTE_PLANS,
                route.id(),
                plan(scenario, route, t - originMs, at),
                t,
                Emission.Kind.ON_TIME);
          } else {
            String name = e.policyChange().name();
            Map<String, String> settings =
                at.equals(o.start()) ? e.policyChange().settings() : policySettings(scenario, name);
            out.add(
                TopicNames.ROUTING_POLICIES,
                name,
                new RoutingPolicyProfile(name, settings, at),
                t,
                Emission.Kind.ON_TIME);
          }
        }
      }
    }
  }

  /** The scenario's settings of a profile; none when it has no such profile. */
  static Map<String, String> policySettings(Scenario scenario, String name) {
    return scenario.policies().stream()
        .filter(p -> p.name().equals(name))
        .map(Scenario.Policy::settings)
        .findFirst()
        .orElse(Map.of());
  }

  /**
   * The route's plan at {@code offsetMs} from the scenario start: its carriers, and those that
   * scripted events have added by then.
   */
  static RoutePlan plan(Scenario scenario, Scenario.Route route, long offsetMs, Instant at) {
    List<RouteCarrier> carriers = new ArrayList<>();
    for (Scenario.Carrier c : route.carriers()) {
      carriers.add(
          new RouteCarrier(c.carrierId(), c.baseWeight(), c.enabled(), c.priority(), c.warm()));
    }
    for (ScriptedEvent e : scenario.events()) {
      ScriptedEvent.CarrierAdded a = e.carrierAdded();
      if (a != null && a.route().equals(route.id()) && e.isActiveAt(offsetMs)) {
        carriers.add(new RouteCarrier(a.carrierId(), a.baseWeight(), true, a.priority(), a.warm()));
      }
    }
    return new RoutePlan(route.country(), route.channel(), carriers, route.policy(), at);
  }

  private void probe(
      ProbeSeries ps, long stepMs, long originMs, long fromMs, long toMs, EmissionQueue out) {
    // Ticks sit at phase + k × interval from the epoch: the cadence does not depend on where a
    // run starts, and the interval is at least a second, so a step holds at most one tick.
    long t = stepMs + Math.floorMod(ps.phaseMs - stepMs, probeIntervalMs);
    if (t >= stepMs + STEP_MS || t < fromMs || t >= toMs) {
      return;
    }
    SplittableRandom r = SimRandom.at(seed, ps.stream, t);
    double uFailure = r.nextDouble();
    double z = SimRandom.gaussian(r.nextDouble(), r.nextDouble());
    double uCarrier = r.nextDouble();

    long offset = t - originMs;
    for (ScriptedEvent e : ps.silences) {
      if (e.isActiveAt(offset)) {
        return; // the prober is away: no result at all
      }
    }
    boolean outage = false;
    for (ScriptedEvent e : ps.outages) {
      outage |= e.isActiveAt(offset);
    }
    Degradation degradation = worstActive(ps.degradations, offset);
    String errorCode = null;
    if (outage) {
      errorCode = "PLATFORM_UNAVAILABLE";
    } else if (degradation != null && uCarrier >= degradation.successRate) {
      errorCode = "DLR_TIMEOUT";
    } else if (uFailure < probeFailureRate) {
      errorCode = "PROBE_TIMEOUT";
    }
    boolean success = errorCode == null;
    Long latency =
        success
            ? ps.latency.sample(z) + (degradation == null ? 0 : degradation.extraLatencyMs)
            : null; // a failed probe gave up: there is no end-to-end latency to report
    Scenario.CarrierPath path = ps.check.carrier();
    String probeId = ps.idPrefix + t;
    ProbeResult result =
        new ProbeResult(
            probeId,
            ps.check.name(),
            ps.check.service(),
            ps.region,
            ps.vantage,
            success,
            path == null ? null : path.carrierId(),
            path == null ? null : path.country(),
            latency,
            errorCode,
            Instant.ofEpochMilli(t));
    // keyed by probe id, so that probes spread over every partition: a partition that never
    // gets a probe holds the uptime order gate back for uptime.partition.idle. (Order within a
    // region no longer depends on partitions: the gate releases probes in event-time order.)
    out.add(TopicNames.PROBE_RESULTS, probeId, result, t, Emission.Kind.ON_TIME);
  }

  /** The active degradation with the lowest success rate: overlapping events compound to the worst. */
  private static Degradation worstActive(List<Degradation> candidates, long offsetMs) {
    Degradation worst = null;
    for (Degradation d : candidates) {
      if (d.event.isActiveAt(offsetMs) && (worst == null || d.successRate < worst.successRate)) {
        worst = d;
      }
    }
    return worst;
  }

  private static int pick(double[] cumulative, double u) {
    double scaled = u * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length - 1; i++) {
      if (scaled < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  private static List<Degradation> degradationsOf(
      Scenario scenario, String routeId, String carrierId, double[] base) {
    List<Degradation> out = new ArrayList<>();
    for (ScriptedEvent e : scenario.events()) {
      ScriptedEvent.CarrierDegradation d = e.carrierDegradation();
      if (d != null && d.route().equals(routeId) && d.carrierId().equals(carrierId)) {
        out.add(
            new Degradation(
                e,
                d.successRate(),
                d.extraLatencyMs(),
                Outcome.cumulative(Outcome.degraded(base, d.successRate()))));
      }
    }
    return out;
  }

  private static Scenario.Route routeOf(Scenario scenario, String routeId) {
    return scenario.routes().stream().filter(r -> r.id().equals(routeId)).findFirst().orElseThrow();
  }

  /** A scripted degradation as it applies to one carrier of one route. */
  private record Degradation(
      ScriptedEvent event, double successRate, long extraLatencyMs, double[] cumulative) {}

  /** Log-normal latency from a median and a 99th percentile. */
  private record LatencyModel(double mu, double sigma) {
    static LatencyModel of(Scenario.Latency spec) {
      double mu = StrictMath.log(spec.medianMs());
      return new LatencyModel(mu, (StrictMath.log(spec.p99Ms()) - mu) / SimRandom.Z_99);
    }

    long sample(double z) {
      return Math.max(0, Math.round(StrictMath.exp(mu + sigma * z)));
    }
  }

  /** A route prepared for drawing: enabled carriers only, cumulative weights and mixes. */
  private static final class RouteModel {
    final String country;
    final Channel channel;
    final String slug;
    final long stream;
    final double ratePerSecond;
    final String[] regions;
    final String[] carrierIds;
    final double[] carrierCumulative;
    final double[] cumulative;

    /** Per enabled carrier, in carrierIds order. */
    final List<List<Degradation>> degradations = new ArrayList<>();

    final LatencyModel latency;

    RouteModel(Scenario scenario, Scenario.Route route, double rateScale) {
      this.country = route.country();
      this.channel = route.channel();
      this.slug = (route.country() + "-" + route.channel()).toLowerCase(Locale.ROOT);
      this.stream = SimRandom.streamId("receipts:" + route.id());
      this.ratePerSecond = route.ratePerSecond() * rateScale;
      this.regions = route.regions().toArray(String[]::new);
      // Disabled carriers are an operator's drain: they get no traffic at all; standby carriers
      // (above the lowest priority) neither, as from a router while the primaries are healthy.
      int primary =
          route.carriers().stream()
              .filter(Scenario.Carrier::enabled)
              .mapToInt(Scenario.Carrier::priority)
              .min()
              .orElse(0);
      List<Scenario.Carrier> enabled =
          route.carriers().stream().filter(c -> c.enabled() && c.priority() == primary).toList();
      this.carrierIds = enabled.stream().map(Scenario.Carrier::carrierId).toArray(String[]::new);
      this.carrierCumulative = new double[enabled.size()];
      double sum = 0;
      for (int i = 0; i < enabled.size(); i++) {
        sum += enabled.get(i).baseWeight();
        carrierCumulative[i] = sum;
      }
      double[] base = Outcome.probabilities(scenario.failureMixOf(route));
      this.cumulative = Outcome.cumulative(base);
      for (String carrierId : carrierIds) {
        degradations.add(degradationsOf(scenario, route.id(), carrierId, base));
      }
      this.latency = LatencyModel.of(scenario.latency().get(route.channel()));
      for (ScriptedEvent e : scenario.events()) {
        ScriptedEvent.CarrierAdded a = e.carrierAdded();
        if (a != null && a.route().equals(route.id()) && a.priority() <= primary) {
          added.add(
              new Added(
                  e,
                  a.carrierId(),
                  a.baseWeight(),
                  degradationsOf(scenario, route.id(), a.carrierId(), base)));
        }
      }
    }

    /** A carrier that a scripted event adds to the route, with its traffic while it lasts. */
    record Added(
        ScriptedEvent event, String carrierId, int baseWeight, List<Degradation> degradations) {}

    final List<Added> added = new ArrayList<>();

    List<Added> activeAdded(long offsetMs) {
      if (added.isEmpty()) {
        return List.of();
      }
      List<Added> out = new ArrayList<>();
      for (Added a : added) {
        if (a.event().isActiveAt(offsetMs)) {
          out.add(a);
        }
      }
      return out;
    }
  }

  /** One check run from one vantage against one region. */
  private static final class ProbeSeries {
    final Scenario.Check check;
    final String vantage;
    final String region;
    final long stream;
    final long phaseMs;
    final String idPrefix;
    final List<ScriptedEvent> outages = new ArrayList<>();
    final List<ScriptedEvent> silences = new ArrayList<>();
    final List<Degradation> degradations;
    final LatencyModel latency;

    ProbeSeries(
        Scenario scenario,
        Scenario.Check check,
        String vantage,
        String region,
        long seed,
        String tag,
        long intervalMs) {
      this.check = check;
      this.vantage = vantage;
      this.region = region;
      String name = check.name() + "-" + vantage + "-" + region;
      this.stream = SimRandom.streamId("probe:" + name);
      // Real probe schedulers stagger their runs; a seed-derived phase does the same while
      // keeping every series at exactly one run per interval.
      this.phaseMs = Math.floorMod(SimRandom.mix(seed ^ stream), intervalMs);
      this.idPrefix = tag + "-" + name + "-";
      for (ScriptedEvent e : scenario.events()) {
        ScriptedEvent.ServiceOutage o = e.serviceOutage();
        if (o != null
            && o.service() == check.service()
            && o.region().equals(region)
            && o.affectsVantage(vantage)) {
          outages.add(e);
        }
        ScriptedEvent.ServiceOutage stop = e.probesStop();
        if (stop != null
            && stop.service() == check.service()
            && stop.region().equals(region)
            && stop.affectsVantage(vantage)) {
          silences.add(e);
        }
      }
      Scenario.CarrierPath path = check.carrier();
      if (path == null) {
        this.degradations = List.of();
      } else {
        Scenario.Route route = routeOf(scenario, path.routeId());
        this.degradations =
            degradationsOf(
                scenario,
                route.id(),
                path.carrierId(),
                Outcome.probabilities(scenario.failureMixOf(route)));
      }
      Channel channel =
          path != null
              ? path.channel()
              : check.service() == Service.VOICE ? Channel.VOICE : Channel.SMS;
      this.latency = LatencyModel.of(scenario.latency().get(channel));
    }
  }
}
