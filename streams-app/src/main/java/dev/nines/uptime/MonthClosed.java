package dev.nines.uptime;

import dev.nines.schema.Service;
import java.time.YearMonth;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A month of one service was finalized in every region that had probes or DOWN time in it: what
 * the credit rule needs, handed from the uptime processor to the credit processor in the same
 * task (never serialized).
 *
 * @param closedAt the event time at which the month closed: its end plus the month grace
 * @param regions per region: its DOWN time with and without maintenance, the maintenance windows'
 *     versions and the unobserved time (see {@link RegionMonth})
 */
public record MonthClosed(
    Service service, YearMonth month, long closedAt, SortedMap<String, RegionMonth> regions) {

  /** A DOWN interval of the month and the incident it belongs to. */
  public record Down(Interval interval, String incidentId) {
    public Down {
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(incidentId, "incidentId");
    }
  }

  /**
   * One region's month.
   *
   * @param charged DOWN time outside maintenance as last announced (the platform's view)
   * @param incidentIds the incidents that contributed to {@code charged}
   * @param down every DOWN interval of the month, maintenance or not, with its incident
   * @param windows every version of the maintenance windows with time in the region and month,
   *     by window id: a contract that asks for notice decides from these what is excused
   * @param unobserved the time of the month no probe covered
   */
  public record RegionMonth(
      List<Interval> charged,
      List<String> incidentIds,
      List<Down> down,
      SortedMap<String, List<ServiceState.Version>> windows,
      List<Interval> unobserved) {
    public RegionMonth {
      charged = List.copyOf(charged);
      incidentIds = List.copyOf(incidentIds);
      down = List.copyOf(down);
      TreeMap<String, List<ServiceState.Version>> w = new TreeMap<>();
      windows.forEach((id, v) -> w.put(id, List.copyOf(v)));
      windows = Collections.unmodifiableSortedMap(w);
      unobserved = List.copyOf(unobserved);
    }
  }

  public MonthClosed {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(month, "month");
    regions = Collections.unmodifiableSortedMap(new TreeMap<>(regions));
  }

  /** Charged DOWN time per region, as {@code Availability.of} takes it. */
  public Map<String, List<Interval>> chargedByRegion() {
    Map<String, List<Interval>> m = new TreeMap<>();
    regions.forEach((r, rm) -> m.put(r, rm.charged()));
    return m;
  }
}
