package dev.nines.simulate;

import dev.nines.TopicNames;
import dev.nines.schema.CreditTier;
import dev.nines.schema.MaintenanceCategory;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.RoutingPolicyProfile;
import dev.nines.schema.ServiceFee;
import dev.nines.schema.SlaContract;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces the traffic a scenario describes: reference data ({@link #seed}), a stretch of past
 * traffic as fast as the sink takes it ({@link #history}), or traffic paced to a clock
 * ({@link #live}).
 *
 * <p>Deterministic: the same scenario, seed, rate scale, scenario start and time span give the
 * same records in the same order. Nothing reads the wall clock while generating; ids come from
 * the seed and counters. Event offsets count from the scenario start ("origin").
 *
 * <p>Emission order is event-time order, except late receipts, which come out later by their
 * delay, and duplicate re-sends, which follow their original by a short delay. A record's Kafka
 * timestamp is the time it is emitted in simulated time, i.e. its event time for every on-time
 * record.
 *
 * <p>A simulator runs one thing at a time; {@link #stats()} may be read from any thread.
 */
public final class Simulator {
  private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);
  private static final long STEP_MS = TrafficModel.STEP_MS;

  /** Longest sleep in live mode, so keepRunning is polled often enough to stop promptly. */
  private static final long MAX_SLEEP_MS = 100;

  private final Scenario scenario;
  private final long seed;
  private final double rateScale;
  private final TrafficModel model;
  private final StatsCounter stats = new StatsCounter();

  /** With the scenario's own seed and its configured rates. */
  public Simulator(Scenario scenario) {
    this(scenario, scenario.seed());
  }

  public Simulator(Scenario scenario, long seed) {
    this(scenario, seed, 1.0);
  }

  /**
   * @param rateScale multiplies every route's receipt rate (probes are unaffected): small for
   *     tests, large for benchmarks
   */
  public Simulator(Scenario scenario, long seed, double rateScale) {
    this.scenario = Objects.requireNonNull(scenario, "scenario");
    scenario.validate(); // a scenario built in code gets the same checks as one read from a file
    if (!Double.isFinite(rateScale) || rateScale < 0) {
      throw new IllegalArgumentException(
          "rateScale = " + rateScale + ": must be a finite number >= 0");
    }
    this.seed = seed;
    this.rateScale = rateScale;
    this.model = new TrafficModel(scenario, seed, rateScale);
  }

  /** The same scenario and seed with another rate scale (and fresh stats). */
  public Simulator withRateScale(double newRateScale) {
    return new Simulator(scenario, seed, newRateScale);
  }

  public Scenario scenario() {
    return scenario;
  }

  public long seed() {
    return seed;
  }

  public double rateScale() {
    return rateScale;
  }

  /** Records emitted so far by this simulator, across all runs. */
  public SimulationStats stats() {
    return stats.snapshot();
  }

  /**
   * Writes the reference data, all with record timestamp {@code start}: one route plan per route
   * (updatedAt = start), one contract per account, one maintenance window per entry (offsets from
   * {@code start}). A contract without effectiveFrom takes effect at the start of the UTC month of
   * {@code start}, so the demo month is covered entirely.
   */
  public void seed(SimSink sink, Instant start) {
    long t = start.toEpochMilli();
    EmissionQueue out = new EmissionQueue(sink, stats);
    // profiles before the plans that name them
    for (Scenario.Policy p : scenario.policies()) {
      out.add(
          TopicNames.ROUTING_POLICIES,
          p.name(),
          new RoutingPolicyProfile(p.name(), p.settings(), start),
          t,
          Emission.Kind.ON_TIME);
    }
    for (Scenario.Route r : scenario.routes()) {
      out.add(
          TopicNames.ROUTE_PLANS,
          r.id(),
          TrafficModel.plan(scenario, r, 0, start),
          t,
          Emission.Kind.ON_TIME);
    }
    Instant monthStart =
        start
            .atZone(ZoneOffset.UTC)
            .with(TemporalAdjusters.firstDayOfMonth())
            .truncatedTo(ChronoUnit.DAYS)
            .toInstant();
    for (Scenario.Account a : scenario.accounts()) {
      Instant effectiveFrom =
          a.effectiveFrom() == null ? monthStart : a.effectiveFrom().resolve(start);
      Instant effectiveTo = a.effectiveTo() == null ? null : a.effectiveTo().resolve(start);
      if (effectiveTo != null && !effectiveTo.isAfter(effectiveFrom)) {
        // Only detectable now when one end is an instant and the other an offset from the start.
        throw new ScenarioException(
            "scenario account "
                + a.accountId()
                + ": effectiveTo "
                + effectiveTo
                + " is not after effectiveFrom "
                + effectiveFrom
                + " for a start at "
                + start);
      }
      SlaContract contract =
          new SlaContract(
              a.accountId(),
              a.tier(),
              a.targetPercent().trim(),
              a.regions(),
              a.services().stream()
                  .map(f -> new ServiceFee(f.service(), f.monthlyFeeMinor()))
                  .toList(),
              a.currency(),
              a.creditSchedule().stream()
                  .map(c -> new CreditTier(c.belowPercent().trim(), c.creditPercent()))
                  .toList(),
              effectiveFrom,
              effectiveTo,
              null,
              null,
              null,
              null);
      out.add(TopicNames.SLA_CONTRACTS, a.accountId(), contract, t, Emission.Kind.ON_TIME);
    }
    for (Scenario.Window w : scenario.maintenance()) {
      MaintenanceWindow window =
          new MaintenanceWindow(
              w.service(),
              w.region(),
              start.plus(w.start()),
              start.plus(w.end()),
              null,
              MaintenanceCategory.PLANNED);
      out.add(TopicNames.MAINTENANCE_WINDOWS, w.id(), window, t, Emission.Kind.ON_TIME);
    }
    out.emitAll();
    sink.flush();
    LOG.info(
        "Seeded {} route plans, {} contracts, {} maintenance windows at {}",
        scenario.routes().size(),
        scenario.accounts().size(),
        scenario.maintenance().size(),
        start);
  }

  /** {@link #history(SimSink, Instant, Instant, Instant)} with the scenario starting at {@code from}. */
  public void history(SimSink sink, Instant from, Instant to) {
    history(sink, from, from, to);
  }

  /**
   * Every receipt and probe whose event time lies in [from, to), as fast as the sink takes
   * them, with scripted events placed relative to {@code origin}. Late receipts and duplicates
   * whose emission time falls after {@code to} are emitted at the end, still in order. Memory
   * stays bounded whatever the span: records are generated one second at a time.
   */
  public void history(SimSink sink, Instant origin, Instant from, Instant to) {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("history: to (" + to + ") is before from (" + from + ")");
    }
    SimulationStats before = stats();
    long fromMs = from.toEpochMilli();
    long toMs = to.toEpochMilli();
    long originMs = origin.toEpochMilli();
    EmissionQueue out = new EmissionQueue(sink, stats);
    for (long step = Math.floorDiv(fromMs, STEP_MS) * STEP_MS; step < toMs; step += STEP_MS) {
      model.generateStep(step, originMs, fromMs, toMs, out);
      // Nothing generated later can be due before the next step starts, so this is final.
      out.emitBefore(step + STEP_MS);
    }
    out.emitAll();
    sink.flush();
    LOG.info(
        "History {} .. {} emitted {} records ({} before)",
        from,
        to,
        stats().total() - before.total(),
        before.total());
  }

  /**
   * Emits records as the clock reaches their emission time until {@code keepRunning} turns
   * false (checked at least every 100 ms) or the thread is interrupted. The scenario starts at
   * the clock's instant when called, so scripted events count from there. A record's event time
   * is the clock time it was due at; a stalled process catches up in order.
   */
  public void live(SimSink sink, Clock clock, BooleanSupplier keepRunning) {
    live(sink, clock, keepRunning, Thread::sleep);
  }

  /** How live mode waits; a test substitutes one that advances a fake clock. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  void live(SimSink sink, Clock clock, BooleanSupplier keepRunning, Sleeper sleeper) {
    long originMs = clock.millis();
    LOG.info(
        "Live traffic from {} (seed {}, rate scale {})",
        Instant.ofEpochMilli(originMs),
        seed,
        rateScale);
    EmissionQueue out = new EmissionQueue(sink, stats);
    long nextStep = Math.floorDiv(originMs, STEP_MS) * STEP_MS;
    try {
      while (keepRunning.getAsBoolean()) {
        long now = clock.millis();
        while (nextStep <= now) {
          model.generateStep(nextStep, originMs, originMs, Long.MAX_VALUE, out);
          nextStep += STEP_MS;
          out.emitBefore(Math.min(nextStep, now + 1));
        }
        out.emitBefore(now + 1);
        long due = Math.min(out.nextDueMs(), nextStep);
        sleeper.sleep(Math.max(1, Math.min(due - now, MAX_SLEEP_MS)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // let the caller see why we stopped
    } finally {
      sink.flush();
      LOG.info("Live traffic stopped: {}", stats());
    }
  }
}
