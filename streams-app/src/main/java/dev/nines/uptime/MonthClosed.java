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
 * @param regions per region, the DOWN time outside maintenance in the month and the incidents
 *     that contributed to it
 */
public record MonthClosed(
    Service service, YearMonth month, long closedAt, SortedMap<String, RegionMonth> regions) {

  /** One region's charged DOWN time in the month and its evidence. */
  public record RegionMonth(List<Interval> charged, List<String> incidentIds) {
    public RegionMonth {
      charged = List.copyOf(charged);
      incidentIds = List.copyOf(incidentIds);
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
