package dev.nines.uptime.stream;

import dev.nines.config.NinesConfig;
import dev.nines.eventtime.Marked;
import dev.nines.eventtime.ObjectStore;
import dev.nines.schema.AlertSeverity;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Incident;
import dev.nines.schema.IncidentStatus;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.schema.UptimeLedger;
import dev.nines.serde.Tagged;
import dev.nines.uptime.AlertEvent;
import dev.nines.uptime.AlertState;
import dev.nines.uptime.BurnRateAlerts;
import dev.nines.uptime.BurnRule;
import dev.nines.uptime.ErrorRateDowntime;
import dev.nines.uptime.ErrorRateHour;
import dev.nines.uptime.HealthTransition;
import dev.nines.uptime.IncidentId;
import dev.nines.uptime.Interval;
import dev.nines.uptime.Intervals;
import dev.nines.uptime.MonthBalance;
import dev.nines.uptime.MonthClosed;
import dev.nines.uptime.MonthLedger;
import dev.nines.uptime.NoDataRule;
import dev.nines.uptime.Outage;
import dev.nines.uptime.ProbeObservation;
import dev.nines.uptime.RegionState;
import dev.nines.uptime.ReorderBuffer;
import dev.nines.uptime.ServiceHealthTracker;
import dev.nines.uptime.ServiceState;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per service (all its regions in one task): probes to incidents, ledger lines, burn-rate alerts
 * and, when a month closes, the {@link MonthClosed} that the credit rule needs.
 *
 * <p>Reads {@link UptimeInput}s (probes in order, maintenance windows); writes {@link
 * UptimeOutput}s: incidents, ledger lines and alerts keyed as the contract says, and {@link
 * MonthClosed} keyed by service.
 *
 * <p>Time is the service's own stream time: the latest probe {@code observedAt} seen. Whenever it
 * crosses a {@code uptime.tick} boundary, every region of the service is ticked: held probes
 * that are due are applied, burn-rate rules are evaluated at each tick boundary passed, the
 * ledger of an open incident is refreshed, and months whose end plus {@code uptime.month.grace}
 * has been reached are finalized. Ticks come from data only, never from the wall clock, so a
 * replay ticks at the same instants.
 *
 * <p>With {@code uptime.error.rate.percent} set, it also reads the platform's error-rate hours
 * ({@link ErrorRateTopology}: each region's receipts of all accounts, per minute) and the
 * by-carrier tasks' relayed watermarks: a ledger line shows the periods over the objective as
 * {@code errorRateDowntimeMs}, and a month is finalized only once those watermarks have passed
 * its end too, so that its line counts every receipt of the month.
 */
public final class UptimeProcessor implements Processor<String, UptimeInput, String, UptimeOutput> {
  private static final Logger log = LoggerFactory.getLogger(UptimeProcessor.class);

  private final NinesConfig.Uptime config;
  private final String regionStoreName;
  private final String serviceStoreName;
  private final String errorRateStoreName;
  private final int relayedUpstreams;
  private final ErrorRateDowntime platformRule;
  private KeyValueStore<String, byte[]> errorRate;
  // min over the by-carrier tasks' relayed marks; Long.MIN_VALUE before each sent one
  private ErrorRateHours hours;
  private final ReorderBuffer reorder;
  private final ServiceHealthTracker tracker;
  private final MonthLedger ledger;
  private final BurnRateAlerts alerts;
  private final NoDataRule noData;
  private final long tickMs;
  private final long longestAlertWindowMs;

  private ProcessorContext<String, UptimeOutput> context;
  private ObjectStore<RegionState> regions;
  private ObjectStore<ServiceState> services;

  /**
   * The decoded values of the two stores, as last read from or written to them, so that a probe
   * does not decode its region's and service's state again (decoding was about a sixth of the
   * stream thread's time on a month's replay). The stores stay the record: every change is
   * written through, in the same call. Both maps are emptied in {@link #init} and {@link
   * #close}: Kafka Streams closes and re-initializes the processors whenever a task's stores may
   * have been reset (suspension, an aborted transaction under exactly-once, restoration), so a
   * value is never taken from here that the store does not hold.
   */
  private final Map<String, RegionState> regionCache = new HashMap<>();

  private final Map<Service, ServiceState> serviceCache = new EnumMap<>(Service.class);
  private Sensor lateProbes;

  /** Metric (group {@value #METRIC_GROUP}) counting probes that were dropped as late. */
  public static final String LATE_PROBES_METRIC = "late-probes-total";

  public static final String METRIC_GROUP = "nines-uptime";

  /**
   * @param errorRateStore the platform's error-rate hours and the relayed marks
   * @param relayedUpstreams how many by-carrier tasks relay the error-rate watermarks
   */
  public UptimeProcessor(
      NinesConfig.Uptime config,
      String regionStore,
      String serviceStore,
      String errorRateStore,
      int relayedUpstreams) {
    this.config = config;
    this.regionStoreName = regionStore;
    this.serviceStoreName = serviceStore;
    this.errorRateStoreName = errorRateStore;
    this.relayedUpstreams = relayedUpstreams;
    this.platformRule = config.platformErrorRate();
    this.reorder = new ReorderBuffer(config.reorderGrace());
    this.tracker = new ServiceHealthTracker(config.rule());
    this.ledger = new MonthLedger(config.targetPercent());
    this.alerts = new BurnRateAlerts(config.targetPercent(), config.alertRules());
    this.noData = new NoDataRule(config.noDataAfter());
    this.tickMs = config.tick().toMillis();
    this.longestAlertWindowMs =
        config.alertRules().stream().mapToLong(r -> r.longWindow().toMillis()).max().orElse(0);
  }

  @Override
  public void init(ProcessorContext<String, UptimeOutput> context) {
    this.context = context;
    regionCache.clear();
    serviceCache.clear();
    this.regions = context.getStateStore(regionStoreName);
    this.services = context.getStateStore(serviceStoreName);
    this.errorRate = context.getStateStore(errorRateStoreName);
    this.hours = new ErrorRateHours(errorRate, relayedUpstreams);
    // dropped probes are counted, not only logged: a rising count means producers lag more than
    // the reorder grace, or data arrives for months already finalized
    this.lateProbes =
        context
            .metrics()
            .addSensor("nines-uptime-late-probes-" + context.taskId(), Sensor.RecordingLevel.INFO);
    lateProbes.add(
        new MetricName(
            LATE_PROBES_METRIC,
            METRIC_GROUP,
            "Probes not applied: later than uptime.reorder.grace, or for a finalized month",
            Map.of("task-id", context.taskId().toString())),
        new CumulativeCount());
  }

  @Override
  public void close() {
    regionCache.clear();
    serviceCache.clear();
    context.metrics().removeSensor(lateProbes);
  }

  @Override
  public void process(Record<String, UptimeInput> record) {
    if (record.value() instanceof UptimeInput.Probe p) {
      onProbe(p.probe());
    } else if (record.value() instanceof UptimeInput.Maintenance m) {
      onMaintenance(Service.valueOf(record.key()), m.window(), record.timestamp());
    } else if (record.value() instanceof UptimeInput.ErrorRate e && platformRule != null) {
      onErrorRate(record.key(), e.marked());
    }
  }

  // --- the platform's error-rate hours (ErrorRateHours): keys "H:<SERVICE>:<region length>:
  // <region>:<hour, 16 hex digits>", every account's counts

  private static String hourPrefix(Service service, String region) {
    return "H:" + service.name() + ":" + region.length() + ":" + region + ":";
  }

  private static String hex(long t) {
    return ErrorRateHours.hex(t);
  }

  /** {@code key}: the service of an hour; the mark key of a watermark. */
  private void onErrorRate(String key, Marked<ErrorRateHour> m) {
    if (m instanceof Marked.Mark<ErrorRateHour> mark) {
      // a mark of another layout (topics.partitions changed) says nothing here
      if (hours.onMark(mark.watermark())) {
        // months that waited for the receipts close now (no tick: only the close)
        for (Service s : UptimeTopology.SERVICES) {
          ServiceState ss = service(s);
          if (ss.clock() != Long.MIN_VALUE) {
            ServiceState after = closeMonths(s, ss);
            if (after != ss) {
              putService(s, after);
            }
          }
        }
      }
      return;
    }
    ErrorRateHour h = ((Marked.Item<ErrorRateHour>) m).value();
    if (h.accountId() != null) {
      return; // an account's hour: the credit rule's
    }
    hours.add(
        hourPrefix(Service.valueOf(key), h.region()) + hex(h.hourStart()),
        h.hourStart(),
        h.counts());
  }

  /**
   * The region's periods over the platform's objective in [from, to), from the hours the
   * watermarks have passed: 0 when the objective is off.
   */
  private long errorRateDowntimeMs(Service service, String region, long from, long to) {
    if (platformRule == null) {
      return 0;
    }
    long until = Math.min(to, hours.frontier());
    if (until <= from) {
      return 0;
    }
    Map<Long, ErrorRateDowntime.Counts> byPeriod = new TreeMap<>();
    String prefix = hourPrefix(service, region);
    hours.forEach(
        prefix + hex(from),
        prefix + hex(until),
        (k, counts) -> {
          long hour = Long.parseUnsignedLong(k.substring(prefix.length()), 16);
          if (hour < until) {
            counts.addTo(hour, platformRule, byPeriod);
          }
        });
    return Intervals.length(
        Intervals.clip(platformRule.downtime(byPeriod), new Interval(from, until)));
  }

  /**
   * Forgets the platform's hours of the service before {@code before} in every region (a
   * region with receipts and no probes too): the months they were in have closed.
   */
  private void forgetHours(Service service, long before) {
    // uptime's keys end with the hour as 16 hex digits
    hours.forget(
        "H:" + service.name() + ":",
        before,
        key -> Long.parseUnsignedLong(key.substring(key.length() - 16), 16));
  }

  private void onProbe(ProbeResult p) {
    Service service = p.getService();
    ServiceState ss = service(service);
    String rk = regionKey(service, p.getRegion());
    RegionState rs = region(rk);
    long regionBefore = rs.reorder().streamTime();
    ProbeObservation o =
        new ProbeObservation(
            p.getProbeId(),
            p.getCheck(),
            p.getVantage(),
            p.getSuccess(),
            p.getObservedAt().toEpochMilli());
    int gapsBefore = rs.gaps().size();
    rs = arrive(service, p.getRegion(), rs, regionBefore, o.observedAt());
    Interval gap = rs.gaps().size() > gapsBefore ? rs.gaps().get(rs.gaps().size() - 1) : null;
    ReorderBuffer.Released released = reorder.offer(rs.reorder(), o);
    for (ProbeObservation late : released.late()) {
      log.warn(
          "uptime {}: probe {} observed at {} arrived more than {} behind the region's "
              + "stream time; not applied",
          rk,
          late.probeId(),
          Instant.ofEpochMilli(late.observedAt()),
          config.reorderGrace());
      lateProbes.record();
    }
    rs = apply(service, p.getRegion(), rs.withReorder(released.state()), released.ready(), ss);
    if (crossesTick(regionBefore, rs.reorder().streamTime())) {
      rs = tickRegion(service, p.getRegion(), rs, ss);
    }
    if (gap != null) {
      // the months the gap touched show their unobserved time now, not only at the month's close
      long until = Math.max(rs.health().lastObservedAt(), gap.start());
      rs = ledgerLines(service, p.getRegion(), rs, ss, gap.start(), until, new ArrayList<>());
    }
    putRegion(rk, rs);
    long before = ss.clock();
    ss = ss.withClock(o.observedAt(), noData.afterMs());
    if (crossesTick(before, ss.clock())) {
      ss = tickService(service, ss);
    }
    putService(service, ss);
  }

  /** A probe later than the region's latest: it may end a gap, and a NO_DATA alert with it. */
  private RegionState arrive(
      Service service, String region, RegionState rs, long latest, long observedAt) {
    NoDataRule.Arrival a = noData.arrive(rs.gaps(), rs.silence(), latest, observedAt);
    if (a.gaps() == rs.gaps() && a.silence() == rs.silence()) {
      return rs;
    }
    if (a.resolved() != null) {
      forward(
          regionKey(service, region),
          new UptimeOutput.Alert(noDataAlert(service, region, a.resolved(), observedAt)),
          observedAt);
    }
    return rs.withGaps(a.gaps(), a.silence());
  }

  private boolean crossesTick(long before, long after) {
    return after != Long.MIN_VALUE
        && (before == Long.MIN_VALUE
            || Math.floorDiv(after, tickMs) > Math.floorDiv(before, tickMs));
  }

  /**
   * A version of a window: announced at its {@code announcedAt}, else at the record's time (a
   * tombstone's too).
   */
  private void onMaintenance(Service service, Tagged<MaintenanceWindow> t, long recordTime) {
    ServiceState ss = service(service);
    MaintenanceWindow w = t.value();
    if (w == null && !ss.windows().containsKey(t.id())) {
      return; // a tombstone sent to every service; not ours
    }
    long announcedAt =
        w == null || w.getAnnouncedAt() == null ? recordTime : w.getAnnouncedAt().toEpochMilli();
    ServiceState next =
        w == null
            ? ss.withWindow(t.id(), announcedAt, null, 0, 0)
            : ss.withWindow(
                t.id(),
                announcedAt,
                w.getRegion(),
                w.getStartsAt().toEpochMilli(),
                w.getEndsAt().toEpochMilli());
    if (next != ss) {
      putService(service, next);
    }
  }

  /** Applies released probes in order: transitions become incidents and ledger lines. */
  private RegionState apply(
      Service service,
      String region,
      RegionState rs,
      List<ProbeObservation> ready,
      ServiceState ss) {
    for (ProbeObservation o : ready) {
      YearMonth month = month(o.observedAt());
      if (!rs.isOpenable(month)) {
        log.warn(
            "uptime {}:{}: probe {} falls in finalized month {}; not applied",
            service,
            region,
            o.probeId(),
            month);
        lateProbes.record();
        continue;
      }
      boolean newMonth = !rs.openMonths().contains(month);
      rs = rs.withOpenMonth(month);
      ServiceHealthTracker.Step step = tracker.observe(rs.health(), o);
      rs = rs.withHealth(step.state());
      List<YearMonth> written = new ArrayList<>();
      for (HealthTransition t : step.transitions()) {
        String id = IncidentId.of(service, region, t.startedAt());
        List<Outage> outages = new ArrayList<>(rs.outages());
        if (t instanceof HealthTransition.Down d) {
          outages.add(Outage.open(id, d.startedAt()));
          forward(
              regionKey(service, region),
              new UptimeOutput.IncidentChange(
                  incident(service, region, id, d.startedAt(), null, d.checks(), d.vantages(), ss)),
              o.observedAt());
        } else if (t instanceof HealthTransition.Up u) {
          outages.replaceAll(
              x ->
                  x.incidentId().equals(id)
                      ? Outage.resolved(id, x.startedAt(), u.resolvedAt())
                      : x);
          forward(
              regionKey(service, region),
              new UptimeOutput.IncidentChange(
                  incident(
                      service,
                      region,
                      id,
                      u.startedAt(),
                      u.resolvedAt(),
                      u.checks(),
                      u.vantages(),
                      ss)),
              o.observedAt());
        }
        rs =
            ledgerLines(
                service,
                region,
                rs.withOutages(outages),
                ss,
                t.startedAt(),
                o.observedAt(),
                written);
      }
      if (newMonth && !written.contains(month)) {
        ledgerLine(service, region, rs, ss, month, o.observedAt(), false);
      }
    }
    return rs;
  }

  /**
   * Opens every month from {@code from} to {@code observedUntil} and writes their ledger lines at
   * {@code observedUntil}; a month already finalized is left as it is. The months written are
   * added to {@code written}.
   */
  private RegionState ledgerLines(
      Service service,
      String region,
      RegionState rs,
      ServiceState ss,
      long from,
      long observedUntil,
      List<YearMonth> written) {
    for (YearMonth m = month(from); !m.isAfter(month(observedUntil)); m = m.plusMonths(1)) {
      rs = rs.withOpenMonth(m);
      if (rs.openMonths().contains(m)) {
        ledgerLine(service, region, rs, ss, m, observedUntil, false);
        written.add(m);
      } else {
        log.warn(
            "uptime {}:{}: DOWN time reaches back into finalized month {}; that month is "
                + "not changed",
            service,
            region,
            m);
      }
    }
    return rs;
  }

  /**
   * Time-driven work for one region, at its effective stream time (see {@link #effectiveTime}):
   * a region whose probes stopped still moves on, while one whose probes merely lag behind
   * another region's is not hurried.
   */
  private RegionState tickRegion(Service service, String region, RegionState rs, ServiceState ss) {
    long effective = effectiveTime(rs, ss);
    ReorderBuffer.Released released = reorder.advance(rs.reorder(), effective);
    rs = apply(service, region, rs.withReorder(released.state()), released.ready(), ss);
    long known = floorTick(saturatedMinus(effective, config.reorderGrace().toMillis()));
    if (known == Long.MIN_VALUE) {
      return rs; // not even one grace of stream time yet: nothing is settled
    }
    rs = evaluateAlerts(service, region, rs, ss, known);
    if (rs.health().isDown()) {
      // the balance is good to the settled tick, or to the latest applied probe if later
      long until = Math.max(known, rs.health().lastObservedAt());
      Outage open = rs.outages().stream().filter(Outage::isOpen).findFirst().orElseThrow();
      rs = ledgerLines(service, region, rs, ss, open.startedAt(), until, new ArrayList<>());
    }
    return prune(rs, known);
  }

  /**
   * Ticks every region of the service at the service's stream time, and closes the months whose
   * end plus the month grace it has reached, in all regions at once: the credit rule needs every
   * region's month together. Returns the service's state without the maintenance windows the
   * closed months leave unread.
   */
  private ServiceState tickService(Service service, ServiceState ss) {
    SortedMap<YearMonth, SortedMap<String, MonthClosed.RegionMonth>> closed = new TreeMap<>();
    List<Map.Entry<String, RegionState>> all = new ArrayList<>();
    for (String key : regions.keys(service.name() + ":")) {
      all.add(Map.entry(key, region(key)));
    }
    // a month closes when every region's effective time has reached its end plus the grace:
    // regions of one service come through different partitions, and one that lags (catching
    // up on a backlog) must not have its month closed under it; one silent for longer than
    // uptime.region.idle no longer holds the others back
    long closeTime = Long.MAX_VALUE;
    for (Map.Entry<String, RegionState> e : all) {
      closeTime = Math.min(closeTime, effectiveTime(e.getValue(), ss));
    }
    for (Map.Entry<String, RegionState> e : all) {
      String region = e.getKey().substring(service.name().length() + 1);
      RegionState rs = e.getValue();
      NoDataRule.Silence silent =
          noData.evaluate(rs.silence(), rs.reorder().streamTime(), ss.resumedAt(), ss.clock());
      if (silent != null) {
        rs = rs.withGaps(rs.gaps(), silent);
        forward(
            e.getKey(),
            new UptimeOutput.Alert(noDataAlert(service, region, silent, null)),
            silent.firedAt());
      }
      rs = tickRegion(service, region, rs, ss);
      rs = closeRegionMonths(service, region, rs, ss, closeTime, closed);
      putRegion(e.getKey(), rs);
    }
    return monthsClosed(service, ss, closed);
  }

  /**
   * Closes the months of every region that {@link #tickService} would close at the service's
   * current time, without ticking: for months that waited only for the error-rate watermarks.
   */
  private ServiceState closeMonths(Service service, ServiceState ss) {
    SortedMap<YearMonth, SortedMap<String, MonthClosed.RegionMonth>> closed = new TreeMap<>();
    List<String> keys = List.copyOf(regions.keys(service.name() + ":"));
    long closeTime = Long.MAX_VALUE;
    for (String key : keys) {
      closeTime = Math.min(closeTime, effectiveTime(region(key), ss));
    }
    for (String key : keys) {
      String region = key.substring(service.name().length() + 1);
      RegionState rs = region(key);
      RegionState after = closeRegionMonths(service, region, rs, ss, closeTime, closed);
      if (after != rs) {
        putRegion(key, after);
      }
    }
    return monthsClosed(service, ss, closed);
  }

  /**
   * Finalizes the region's open months whose end plus the month grace {@code closeTime} has
   * reached (and, with the platform's error-rate objective, that the error-rate watermarks have
   * passed), adding each to {@code closed}.
   */
  private RegionState closeRegionMonths(
      Service service,
      String region,
      RegionState rs,
      ServiceState ss,
      long closeTime,
      SortedMap<YearMonth, SortedMap<String, MonthClosed.RegionMonth>> closed) {
    for (YearMonth m : List.copyOf(rs.openMonths())) {
      long end = start(m.plusMonths(1));
      if (closeTime < end + config.monthGrace().toMillis()
          || platformRule != null && hours.frontier() < end) {
        break;
      }
      // everything observed before the end is applied now; a probe of the month arriving
      // later is late and dropped: a finalized month never changes
      ReorderBuffer.Released released =
          reorder.advance(rs.reorder(), end + config.reorderGrace().toMillis());
      rs = apply(service, region, rs.withReorder(released.state()), released.ready(), ss);
      ledgerLine(service, region, rs, ss, m, end, true);
      closed.computeIfAbsent(m, x -> new TreeMap<>()).put(region, charged(rs, ss, region, m));
      rs = rs.withClosed(m);
    }
    return rs;
  }

  /** Sends the closed months to the credit rule; returns the state without what they used. */
  private ServiceState monthsClosed(
      Service service,
      ServiceState ss,
      SortedMap<YearMonth, SortedMap<String, MonthClosed.RegionMonth>> closed) {
    closed.forEach(
        (m, byRegion) -> {
          long closedAt = start(m.plusMonths(1)) + config.monthGrace().toMillis();
          context.forward(
              new Record<>(
                  service.name(),
                  new UptimeOutput.Closed(new MonthClosed(service, m, closedAt, byRegion)),
                  closedAt));
        });
    if (!closed.isEmpty() && platformRule != null) {
      forgetHours(service, start(closed.lastKey().plusMonths(1)));
    }
    // windows that ended before the closed months and every alert window: read no more
    return closed.isEmpty()
        ? ss
        : ss.withoutWindowsEndingBefore(
            saturatedMinus(start(closed.lastKey().plusMonths(1)), longestAlertWindowMs));
  }

  /** The region's own stream time, or the service's less uptime.region.idle if later. */
  private long effectiveTime(RegionState rs, ServiceState ss) {
    return Math.max(
        rs.reorder().streamTime(), saturatedMinus(ss.clock(), config.regionIdle().toMillis()));
  }

  /** Evaluates the burn-rate rules at each tick boundary up to {@code known}. */
  private RegionState evaluateAlerts(
      Service service, String region, RegionState rs, ServiceState ss, long known) {
    AlertState state = rs.alerts();
    long from = state.evaluatedAt() == Long.MIN_VALUE ? known : state.evaluatedAt() + tickMs;
    List<Interval> maintenance = ss.maintenance(region);
    for (long b = from; b <= known; b += tickMs) {
      if (state.firing().isEmpty() && !anyDownWithin(rs.outages(), b - longestAlertWindowMs, b)) {
        continue; // nothing can fire: skip the arithmetic (evaluatedAt is moved below)
      }
      BurnRateAlerts.Step step = alerts.evaluate(state, b, rs.outages(), maintenance);
      state = step.state();
      for (AlertEvent ev : step.events()) {
        forward(regionKey(service, region), new UptimeOutput.Alert(alert(service, region, ev)), b);
      }
    }
    if (known > state.evaluatedAt()) {
      state = new AlertState(known, state.firing());
    }
    return rs.withAlerts(state);
  }

  private static boolean anyDownWithin(List<Outage> outages, long from, long to) {
    for (Outage o : outages) {
      if (o.startedAt() < to && (o.isOpen() || o.resolvedAt() > from)) {
        return true;
      }
    }
    return false;
  }

  /** Drops outages no open month and no alert window can see any more. */
  private RegionState prune(RegionState rs, long known) {
    long cutoff = saturatedMinus(known, longestAlertWindowMs);
    if (!rs.openMonths().isEmpty()) {
      cutoff = Math.min(cutoff, start(rs.openMonths().first()));
    }
    long keepAfter = cutoff;
    List<Outage> kept =
        rs.outages().stream().filter(o -> o.isOpen() || o.resolvedAt() >= keepAfter).toList();
    if (kept.size() != rs.outages().size()) {
      rs = rs.withOutages(kept);
    }
    // a gap is only needed by the ledger of a month still open
    long firstOpen = rs.openMonths().isEmpty() ? Long.MAX_VALUE : start(rs.openMonths().first());
    List<Interval> gaps = rs.gaps().stream().filter(g -> g.end() > firstOpen).toList();
    return gaps.size() == rs.gaps().size() ? rs : rs.withGaps(gaps, rs.silence());
  }

  private MonthClosed.RegionMonth charged(
      RegionState rs, ServiceState ss, String region, YearMonth m) {
    Interval period = new Interval(start(m), start(m.plusMonths(1)));
    List<Interval> maintenance = ss.maintenance(region);
    List<Interval> charged = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<MonthClosed.Down> down = new ArrayList<>();
    for (Outage o : rs.outages()) {
      List<Interval> in = Intervals.clip(List.of(o.knownUntil(period.end())), period);
      for (Interval i : in) {
        down.add(new MonthClosed.Down(i, o.incidentId()));
      }
      List<Interval> c = Intervals.subtract(in, maintenance);
      if (Intervals.length(c) > 0) {
        charged.addAll(c);
        ids.add(o.incidentId());
      }
    }
    return new MonthClosed.RegionMonth(
        Intervals.union(charged),
        ids,
        down,
        ss.windowHistory(region, period),
        NoDataRule.unobserved(rs.gaps(), rs.silence(), period, period.end()));
  }

  private void ledgerLine(
      Service service,
      String region,
      RegionState rs,
      ServiceState ss,
      YearMonth m,
      long observedUntil,
      boolean finalized) {
    MonthBalance b =
        ledger.balance(
            m, rs.outages(), ss.maintenance(region), observedUntil, rs.gaps(), rs.silence());
    UptimeLedger line =
        UptimeLedger.newBuilder()
            .setService(service)
            .setRegion(region)
            .setMonth(m.toString())
            .setPeriodStart(Instant.ofEpochMilli(b.periodStart()))
            .setPeriodEnd(Instant.ofEpochMilli(b.periodEnd()))
            .setObservedUntil(Instant.ofEpochMilli(b.observedUntil()))
            .setDowntimeMs(b.downtimeMs())
            .setMaintenanceMs(b.maintenanceMs())
            .setAvailabilityPercent(b.availabilityPercent())
            .setTargetPercent(b.targetPercent())
            .setErrorBudgetRemainingMs(b.errorBudgetRemainingMs())
            .setIncidentIds(b.incidentIds())
            .setFinalized(finalized)
            .setUnobservedMs(b.unobservedMs())
            // on the final line only: before, how far the receipts had been counted would
            // depend on how the inputs interleaved, and a replay must write the same lines
            .setErrorRateDowntimeMs(
                finalized
                    ? errorRateDowntimeMs(service, region, b.periodStart(), b.periodEnd())
                    : 0)
            .build();
    forward(regionKey(service, region) + ":" + m, new UptimeOutput.LedgerLine(line), observedUntil);
  }

  private static Incident incident(
      Service service,
      String region,
      String id,
      long startedAt,
      Long resolvedAt,
      List<String> checks,
      List<String> vantages,
      ServiceState ss) {
    boolean inMaintenance = ss.maintenance(region).stream().anyMatch(w -> w.contains(startedAt));
    return Incident.newBuilder()
        .setIncidentId(id)
        .setService(service)
        .setRegion(region)
        .setStatus(resolvedAt == null ? IncidentStatus.OPEN : IncidentStatus.RESOLVED)
        .setStartedAt(Instant.ofEpochMilli(startedAt))
        .setResolvedAt(resolvedAt == null ? null : Instant.ofEpochMilli(resolvedAt))
        .setChecks(checks)
        .setVantages(vantages)
        .setInMaintenance(inMaintenance)
        .build();
  }

  private static ErrorBudgetAlert alert(Service service, String region, AlertEvent ev) {
    BurnRule r = ev.rule();
    ErrorBudgetAlert.Builder b =
        ErrorBudgetAlert.newBuilder()
            .setService(service)
            .setRegion(region)
            .setSeverity(r.severity())
            .setBurnRate(r.burnRate().doubleValue())
            .setLongWindow(r.longWindow().toString())
            .setShortWindow(r.shortWindow().toString());
    if (ev instanceof AlertEvent.Fired f) {
      return b.setFiredAt(Instant.ofEpochMilli(f.firedAt())).setResolvedAt(null).build();
    }
    AlertEvent.Resolved res = (AlertEvent.Resolved) ev;
    return b.setFiredAt(Instant.ofEpochMilli(res.firedAt()))
        .setResolvedAt(Instant.ofEpochMilli(res.resolvedAt()))
        .build();
  }

  /** A NO_DATA alert: firing (resolvedAt null) or resolved. */
  private ErrorBudgetAlert noDataAlert(
      Service service, String region, NoDataRule.Silence s, Long resolvedAt) {
    String limit = config.noDataAfter().toString();
    return ErrorBudgetAlert.newBuilder()
        .setService(service)
        .setRegion(region)
        .setSeverity(AlertSeverity.NO_DATA)
        .setBurnRate(0)
        .setLongWindow(limit)
        .setShortWindow(limit)
        .setFiredAt(Instant.ofEpochMilli(s.firedAt()))
        .setResolvedAt(resolvedAt == null ? null : Instant.ofEpochMilli(resolvedAt))
        .build();
  }

  private void forward(String key, UptimeOutput value, long timestamp) {
    context.forward(new Record<>(key, value, timestamp));
  }

  private ServiceState service(Service service) {
    ServiceState cached = serviceCache.get(service);
    if (cached != null) {
      return cached;
    }
    ServiceState ss = services.get(service.name());
    if (ss == null) {
      return ServiceState.initial();
    }
    serviceCache.put(service, ss);
    return ss;
  }

  private void putService(Service service, ServiceState ss) {
    services.put(service.name(), ss);
    serviceCache.put(service, ss);
  }

  private RegionState region(String key) {
    RegionState cached = regionCache.get(key);
    if (cached != null) {
      return cached;
    }
    RegionState rs = regions.get(key);
    if (rs == null) {
      return RegionState.initial();
    }
    regionCache.put(key, rs);
    return rs;
  }

  private void putRegion(String key, RegionState rs) {
    regions.put(key, rs);
    regionCache.put(key, rs);
  }

  static String regionKey(Service service, String region) {
    return service.name() + ":" + region;
  }

  private long floorTick(long t) {
    return t == Long.MIN_VALUE ? t : Math.floorDiv(t, tickMs) * tickMs;
  }

  private static long saturatedMinus(long t, long d) {
    return t < Long.MIN_VALUE + d ? Long.MIN_VALUE : t - d;
  }

  static YearMonth month(long epochMs) {
    return YearMonth.from(Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC));
  }

  static long start(YearMonth m) {
    return m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
  }
}
