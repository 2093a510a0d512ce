package dev.nines.cli;

import dev.nines.api.Texts;
import dev.nines.views.Model;
import dev.nines.views.Model.Carrier;
import dev.nines.views.Model.IncidentView;
import dev.nines.views.Model.RegionStatus;
import dev.nines.views.Model.RouteHistory;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The compact table {@code nines status} prints from /api/status. Pure. */
final class StatusTable {
  private StatusTable() {}

  static String render(Model.Status s) {
    StringBuilder b = new StringBuilder();
    int open = s.open().size();
    b.append("nines status as of ")
        .append(s.asOf() == null ? "(no data yet)" : Texts.time(s.asOf()))
        .append(" (event time): ")
        .append(
            open == 0
                ? "all systems operational"
                : open + " open incident" + (open == 1 ? "" : "s"))
        .append('\n');
    if (!s.missing().isEmpty()) {
      b.append("instances that did not answer: ")
          .append(String.join(", ", s.missing()))
          .append('\n');
    }
    b.append('\n')
        .append(
            String.format(
                "%-10s %-7s %5s  %s%n",
                "ROUTE", "MODE", "VER", "CARRIERS (weight of 10000 as %, state)"));
    for (RouteHistory r : s.routes()) {
      var c = r.current();
      b.append(
          String.format(
              Locale.ROOT,
              "%-10s %-7s %5s  %s%n",
              c.routeId(),
              c.mode(),
              "v" + c.version(),
              c.carriers().stream().map(StatusTable::carrier).collect(Collectors.joining(", "))));
    }
    if (s.routes().isEmpty()) {
      b.append("(no routing decision yet)\n");
    }
    b.append("\nOPEN INCIDENTS\n");
    if (open == 0) {
      b.append("(none)\n");
    }
    for (IncidentView i : s.open()) {
      b.append(
          String.format(
              "%-7s %-10s since %s  checks %s from %s%s%n",
              i.service(),
              i.region(),
              Texts.time(i.startedAt()),
              String.join(",", i.checks()),
              String.join(",", i.vantages()),
              i.inMaintenance() ? " (maintenance)" : ""));
    }
    b.append(
        String.format(
            "%nMONTH TO DATE (objective %s%%)%n%-7s %-10s %-8s %12s %13s%n",
            s.targetPercent(), "SERVICE", "REGION", "MONTH", "AVAILABILITY", "BUDGET LEFT"));
    for (RegionStatus r : s.regions()) {
      Model.Ledger l = r.region().currentMonth();
      b.append(
          String.format(
              "%-7s %-10s %-8s %12s %13s%n",
              r.region().service(),
              r.region().region(),
              l == null ? "-" : l.month(),
              l == null ? "-" : l.availabilityPercent() + "%",
              l == null ? "-" : Texts.duration(l.errorBudgetRemainingMs())));
    }
    return b.toString();
  }

  private static String carrier(Carrier c) {
    return String.format(Locale.ROOT, "%s %.2f%% %s", c.carrierId(), c.weight() / 100.0, c.state());
  }

  static List<String> lines(Model.Status s) {
    return List.of(render(s).split("\n"));
  }
}
