package dev.nines.api;

import dev.nines.views.Model.IncidentView;
import dev.nines.views.Model.Local;
import dev.nines.views.Model.MaintenanceView;
import dev.nines.views.Model.Region;
import dev.nines.views.Model.RegionStatus;
import dev.nines.views.Model.RouteHistory;
import dev.nines.views.Model.Status;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges what each instance holds into one {@link Status}. Pure. During a rebalance two
 * instances may both report a key; the newer copy wins (higher route version, later last seen).
 */
public final class StatusBuilder {
  private StatusBuilder() {}

  public static Status build(
      List<Local> locals,
      List<String> missing,
      int historyDays,
      Duration recentResolved,
      String targetPercent) {
    Map<String, RouteHistory> routes = new TreeMap<>();
    Map<String, Region> regions = new TreeMap<>();
    Map<String, MaintenanceView> windows = new TreeMap<>();
    for (Local l : locals) {
      for (MaintenanceView m : l.maintenance()) {
        // during a rebalance two instances may report a window: the same record either way
        windows.put(m.service() + ":" + m.id(), m);
      }
      for (RouteHistory r : l.routes()) {
        routes.merge(
            r.current().routeId(),
            r,
            (a, b) -> a.current().version() >= b.current().version() ? a : b);
      }
      for (Region r : l.regions()) {
        regions.merge(r.key(), r, (a, b) -> later(a.lastSeen(), b.lastSeen()) ? a : b);
      }
    }
    Instant asOf = null;
    for (RouteHistory r : routes.values()) {
      asOf = max(asOf, r.current().effectiveAt());
    }
    for (Region r : regions.values()) {
      asOf = max(asOf, r.lastSeen());
    }
    LocalDate lastDay = (asOf == null ? Instant.EPOCH : asOf).atZone(ZoneOffset.UTC).toLocalDate();
    List<RegionStatus> regionStatus = new ArrayList<>();
    List<IncidentView> open = new ArrayList<>();
    List<IncidentView> resolved = new ArrayList<>();
    Instant resolvedAfter = asOf == null ? Instant.EPOCH : asOf.minus(recentResolved);
    for (Region r : regions.values()) {
      regionStatus.add(new RegionStatus(r, DailyUptime.days(r, lastDay, historyDays)));
      for (IncidentView i : r.incidents()) {
        if (i.open()) {
          open.add(i);
        } else if (!i.resolvedAt().isBefore(resolvedAfter)) {
          resolved.add(i);
        }
      }
    }
    open.sort(Comparator.comparing(IncidentView::startedAt).reversed());
    resolved.sort(Comparator.comparing(IncidentView::resolvedAt).reversed());
    Instant now = asOf;
    List<MaintenanceView> maintenance =
        windows.values().stream()
            .filter(m -> now == null || m.endsAt().isAfter(now))
            .sorted(
                Comparator.comparing(MaintenanceView::startsAt)
                    .thenComparing(MaintenanceView::service)
                    .thenComparing(MaintenanceView::region)
                    .thenComparing(MaintenanceView::id))
            .toList();
    List<MaintenanceView> ended =
        now == null
            ? List.of()
            : windows.values().stream()
                .filter(m -> !m.endsAt().isAfter(now) && !m.endsAt().isBefore(resolvedAfter))
                .sorted(
                    Comparator.comparing(MaintenanceView::endsAt)
                        .reversed()
                        .thenComparing(MaintenanceView::service)
                        .thenComparing(MaintenanceView::id))
                .toList();
    return new Status(
        asOf,
        targetPercent,
        List.copyOf(routes.values()),
        regionStatus,
        open,
        resolved,
        List.copyOf(missing),
        maintenance,
        ended);
  }

  private static boolean later(Instant a, Instant b) {
    return b == null || (a != null && !a.isBefore(b));
  }

  private static Instant max(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }
}
