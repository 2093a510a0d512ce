package dev.nines.credits;

import dev.nines.schema.Service;
import dev.nines.uptime.Interval;
import dev.nines.uptime.Intervals;
import dev.nines.uptime.MonthClosed;
import dev.nines.uptime.ServiceState;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One account's contract month of one service, decided: what was charged, what maintenance
 * excused, what nobody observed, and the credit the schedule gives. Pure.
 *
 * <pre>
 * charged = UNION over covered regions (DOWN by probes - maintenance excused for this contract)
 *           UNION (error-rate periods - maintenance excused in any covered region)
 *           clipped to the contract month in its time zone
 * </pre>
 *
 * <p>Maintenance is excused per contract: a contract with {@code minMaintenanceNotice} excuses
 * only what windows announced in time promised ({@link MaintenanceNotice}); one without takes the
 * windows as last announced. Unobserved time is the time no covered region observed: a region
 * without a probe in a UTC month observed none of it.
 *
 * @param month the contract month
 * @param availability its length and charged downtime
 * @param maintenanceMs DOWN time by probes that maintenance excused, covered regions, once
 * @param unobservedMs time no covered region observed
 * @param downIntervals the charged time, by start, each with its cause and incidents
 * @param credit the schedule's credit, empty when none is due (also when it rounds to 0)
 * @param closedAt when the last UTC month it spans closed
 * @param disputeUntil closedAt plus the contract's dispute window
 */
public record MonthStatement(
    ContractMonth month,
    Availability availability,
    long maintenanceMs,
    long unobservedMs,
    List<Down> downIntervals,
    Optional<Credit> credit,
    long closedAt,
    long disputeUntil) {

  /** What made time downtime: probes outrank error rate where both apply. */
  public enum Cause {
    PROBES,
    ERROR_RATE
  }

  /** One charged interval. */
  public record Down(Interval interval, Cause cause, List<String> incidentIds) {
    public Down {
      incidentIds = List.copyOf(incidentIds);
    }
  }

  public MonthStatement {
    downIntervals = List.copyOf(downIntervals);
  }

  /** The incidents behind the charged time, sorted, once each. */
  public List<String> incidentIds() {
    TreeSet<String> ids = new TreeSet<>();
    downIntervals.forEach(d -> ids.addAll(d.incidentIds()));
    return List.copyOf(ids);
  }

  /**
   * The statement, or empty when the contract does not list the service.
   *
   * @param closed the closed UTC months of the service the contract month spans; a month missing
   *     here had no probe of the service
   * @param errorRateDown the account's error-rate periods over its threshold (any order)
   */
  public static Optional<MonthStatement> of(
      Service service,
      ContractMonth cm,
      Contract contract,
      Map<YearMonth, MonthClosed> closed,
      List<Interval> errorRateDown,
      long closedAt) {
    Long fee = contract.monthlyFeeMinor().get(service);
    if (fee == null) {
      return Optional.empty();
    }
    Interval period = new Interval(cm.startMs(), cm.endMs());
    List<Interval> probesCharged = new ArrayList<>();
    List<Interval> excusedDown = new ArrayList<>();
    List<Interval> excusedAnywhere = new ArrayList<>();
    List<MonthClosed.Down> downs = new ArrayList<>();
    List<Interval> unobserved = null;
    for (String region : new TreeSet<>(contract.regions())) {
      List<Interval> down = new ArrayList<>();
      List<Interval> regionUnobserved = new ArrayList<>();
      SortedMap<String, List<ServiceState.Version>> windows = new TreeMap<>();
      for (YearMonth utc : cm.utcMonths()) {
        MonthClosed m = closed.get(utc);
        MonthClosed.RegionMonth rm = m == null ? null : m.regions().get(region);
        if (rm == null) {
          regionUnobserved.add(utcPeriod(utc));
          continue;
        }
        for (MonthClosed.Down d : rm.down()) {
          down.add(d.interval());
          downs.add(d);
        }
        regionUnobserved.addAll(rm.unobserved());
        // a later month's list holds every version an earlier one did
        rm.windows()
            .forEach((id, v) -> windows.merge(id, v, (a, b) -> b.size() > a.size() ? b : a));
      }
      List<Interval> excused = excused(windows, region, contract.terms());
      List<Interval> d = Intervals.clip(Intervals.union(down), period);
      probesCharged.addAll(Intervals.subtract(d, excused));
      excusedDown.addAll(Intervals.intersection(d, excused));
      excusedAnywhere.addAll(excused);
      List<Interval> u = Intervals.clip(Intervals.union(regionUnobserved), period);
      unobserved = unobserved == null ? u : Intervals.intersection(unobserved, u);
    }
    List<Interval> probes = Intervals.union(probesCharged);
    List<Interval> byRate =
        Intervals.subtract(
            Intervals.subtract(
                Intervals.clip(Intervals.union(errorRateDown), period),
                Intervals.union(excusedAnywhere)),
            probes);
    List<Down> out = new ArrayList<>();
    for (Interval i : probes) {
      TreeSet<String> ids = new TreeSet<>();
      for (MonthClosed.Down d : downs) {
        if (d.interval().start() < i.end() && d.interval().end() > i.start()) {
          ids.add(d.incidentId());
        }
      }
      ids.remove("");
      out.add(new Down(i, Cause.PROBES, List.copyOf(ids)));
    }
    for (Interval i : byRate) {
      out.add(new Down(i, Cause.ERROR_RATE, List.of()));
    }
    out.sort(Comparator.comparingLong(x -> x.interval().start()));
    Availability a =
        new Availability(cm.lengthMs(), Intervals.length(probes) + Intervals.length(byRate));
    Optional<Credit> credit =
        CreditRule.credit(contract.creditSchedule(), a, fee).filter(c -> c.amountMinor() > 0);
    return Optional.of(
        new MonthStatement(
            cm,
            a,
            Intervals.length(Intervals.union(excusedDown)),
            unobserved == null ? 0 : Intervals.length(unobserved),
            out,
            credit,
            closedAt,
            Adjustments.disputeUntil(closedAt, contract.terms().disputeWindow())));
  }

  /** The time maintenance excuses in one region for a contract with these terms. */
  static List<Interval> excused(
      SortedMap<String, List<ServiceState.Version>> windows, String region, Contract.Terms terms) {
    List<Interval> out = new ArrayList<>();
    windows.forEach(
        (id, versions) -> {
          List<MaintenanceNotice.Version> mine = new ArrayList<>();
          for (ServiceState.Version v : versions) {
            boolean here = !v.removed() && v.region().equals(region);
            mine.add(new MaintenanceNotice.Version(v.announcedAt(), here ? v.interval() : null));
          }
          out.addAll(MaintenanceNotice.excused(mine, terms.minMaintenanceNotice()));
        });
    return Intervals.union(out);
  }

  private static Interval utcPeriod(YearMonth m) {
    return new Interval(Months.startMs(m), Months.endMs(m));
  }
}
