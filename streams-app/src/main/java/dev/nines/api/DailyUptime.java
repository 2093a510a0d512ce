package dev.nines.api;

import dev.nines.views.Model.Day;
import dev.nines.views.Model.IncidentView;
import dev.nines.views.Model.Region;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One region's uptime bar: one cell per UTC day. A day is observed when probes of that region
 * were seen on it. Its downtime is the part of each incident's span [startedAt, resolvedAt) that
 * falls on it (an open incident runs to the region's last seen event time); an incident that
 * started inside a maintenance window counts as maintenance. This is the incidents' own span,
 * while the ledger charges DOWN time exactly against the maintenance windows, so a day's figure
 * can differ from the ledger when an incident runs across the edge of a window; the month's
 * figure on the page is the ledger's.
 */
public final class DailyUptime {
  private DailyUptime() {}

  static final long DAY_MS = 86_400_000L;

  /** The {@code days} days ending with {@code lastDay}, oldest first. */
  public static List<Day> days(Region region, LocalDate lastDay, int days) {
    Set<LocalDate> observed = new HashSet<>(region.observedDays());
    Instant lastSeen = region.lastSeen();
    List<Day> out = new ArrayList<>(days);
    for (LocalDate d = lastDay.minusDays(days - 1L); !d.isAfter(lastDay); d = d.plusDays(1)) {
      long from = d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      long to = from + DAY_MS;
      long down = 0;
      long maintenance = 0;
      List<String> ids = new ArrayList<>();
      for (IncidentView i : region.incidents()) {
        long start = i.startedAt().toEpochMilli();
        Instant endAt =
            i.resolvedAt() != null
                ? i.resolvedAt()
                : (lastSeen != null && lastSeen.isAfter(i.startedAt()) ? lastSeen : i.startedAt());
        long end = endAt.toEpochMilli();
        long overlap = Math.min(end, to) - Math.max(start, from);
        boolean touches = start < to && (end > from || (end == start && start >= from));
        if (!touches) {
          continue;
        }
        ids.add(i.incidentId());
        if (overlap > 0) {
          if (i.inMaintenance()) {
            maintenance += overlap;
          } else {
            down += overlap;
          }
        }
      }
      boolean seen = observed.contains(d) || !ids.isEmpty();
      out.add(new Day(d, seen, down, maintenance, List.copyOf(ids)));
    }
    return out;
  }

  /** A day's availability in percent (100 when nothing was down). */
  public static double availabilityPercent(Day day) {
    return 100.0 * (1.0 - (double) day.downtimeMs() / DAY_MS);
  }
}
