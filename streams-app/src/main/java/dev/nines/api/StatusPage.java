package dev.nines.api;

import static dev.nines.api.Texts.escape;

import dev.nines.views.Model.Carrier;
import dev.nines.views.Model.Day;
import dev.nines.views.Model.IncidentView;
import dev.nines.views.Model.Ledger;
import dev.nines.views.Model.MaintenanceView;
import dev.nines.views.Model.RegionStatus;
import dev.nines.views.Model.RouteHistory;
import dev.nines.views.Model.Status;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The public status page, rendered on the server: plain HTML with inline CSS and a few lines of
 * JS (no external resources: the page must work offline and behind strict policies). It reads
 * well at phone width: sections stack, the 90 day cells shrink to fit. Elements carry data-*
 * attributes with the raw values, for tests and scrapers. Pure.
 */
public final class StatusPage {
  private StatusPage() {}

  /** Day colours by availability; a day without probes is grey, maintenance only is blue. */
  public static String dayClass(Day d) {
    if (!d.observed()) {
      return "nodata";
    }
    double a = DailyUptime.availabilityPercent(d);
    if (d.downtimeMs() == 0) {
      return d.maintenanceMs() > 0 ? "maint" : "up";
    }
    if (a >= 99.9) {
      return "minor";
    }
    if (a >= 99.0) {
      return "partial";
    }
    return "major";
  }

  public static String dayTitle(Day d) {
    StringBuilder t = new StringBuilder(d.date().toString()).append(": ");
    if (!d.observed()) {
      return t.append("no data").toString();
    }
    t.append(d.downtimeMs() == 0 ? "no downtime" : "down " + Texts.duration(d.downtimeMs()));
    if (d.maintenanceMs() > 0) {
      t.append(", maintenance ").append(Texts.duration(d.maintenanceMs()));
    }
    if (!d.incidentIds().isEmpty()) {
      t.append("; incidents: ").append(String.join(", ", d.incidentIds()));
    }
    return t.toString();
  }

  /**
   * The public page: services, regions, incidents, maintenance and uptime. Routes, carriers,
   * weights and their reasons are left out: a platform's carrier matrix is its own business.
   */
  public static String render(Status s) {
    return render(s, false);
  }

  /** The operator's page (behind the API token): the public page plus every route's weights. */
  public static String renderInternal(Status s) {
    return render(s, true);
  }

  private static String render(Status s, boolean internal) {
    String title = internal ? "nines status (internal)" : "nines status";
    StringBuilder b = new StringBuilder(64 * 1024);
    b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>")
        .append(title)
        .append("</title><link rel=\"alternate\" type=\"application/atom+xml\" ")
        .append("title=\"Incidents\" href=\"")
        .append(internal ? "../" : "")
        .append("feed.atom\"><style>")
        .append(CSS)
        .append("</style></head><body>")
        .append("<header><h1>")
        .append(title)
        .append("</h1><p class=\"asof\">as of <span id=\"asof\">")
        .append(s.asOf() == null ? "no data yet" : Texts.time(s.asOf()))
        .append("</span> (event time)</p></header><main>");
    banner(b, s);
    if (!s.missing().isEmpty()) {
      b.append("<p class=\"warn\">Instances that did not answer (their part is missing): ")
          .append(escape(String.join(", ", s.missing())))
          .append("</p>");
    }
    open(b, s.open());
    maintenance(b, s);
    // relative links: the internal page lives one level down
    uptime(b, s, internal ? "../" : "");
    resolved(b, s.recentResolved());
    if (internal) {
      routes(b, s);
      b.append(
          "</main><footer><a href=\"../feed.atom\">Atom feed</a> · <a href=\"../api/status"
              + "\">JSON</a> · <a href=\"../metrics\">metrics</a></footer>");
    } else {
      b.append("</main><footer><a href=\"feed.atom\">Atom feed</a></footer>");
    }
    b.append("<script>").append(JS).append("</script></body></html>\n");
    return b.toString();
  }

  private static void banner(StringBuilder b, Status s) {
    int n = s.open().size();
    b.append("<section id=\"banner\" class=\"banner ")
        .append(n == 0 ? "ok" : "bad")
        .append("\" data-open=\"")
        .append(n)
        .append("\">")
        .append(n == 0 ? "All systems operational" : n + " open incident" + (n == 1 ? "" : "s"))
        .append("</section>");
  }

  private static void open(StringBuilder b, List<IncidentView> open) {
    b.append("<section id=\"open-incidents\"><h2>Open incidents</h2>");
    if (open.isEmpty()) {
      b.append("<p class=\"muted\">None.</p>");
    }
    for (IncidentView i : open) {
      incident(b, i);
    }
    b.append("</section>");
  }

  /** Upcoming and ongoing maintenance, in UTC and (by the script) in the reader's time. */
  private static void maintenance(StringBuilder b, Status s) {
    b.append("<section id=\"maintenance\"><h2>Scheduled maintenance</h2>");
    if (s.maintenance().isEmpty()) {
      b.append("<p class=\"muted\">None.</p>");
    }
    for (MaintenanceView m : s.maintenance()) {
      String state = m.ongoing(s.asOf()) ? "ongoing" : "upcoming";
      b.append("<article class=\"mwindow ")
          .append(state)
          .append("\" data-window=\"")
          .append(escape(m.id()))
          .append("\" data-service=\"")
          .append(escape(m.service()))
          .append("\" data-region=\"")
          .append(escape(m.region()))
          .append("\" data-state=\"")
          .append(state)
          .append("\"><b>")
          .append(escape(m.service()))
          .append(" · ")
          .append(escape(m.region()))
          .append("</b> <span class=\"tier\">")
          .append(state)
          .append("</span><p>")
          .append(Texts.time(m.startsAt()))
          .append(" to ")
          .append(Texts.time(m.endsAt()))
          .append(" <span class=\"localtime muted\" data-from=\"")
          .append(m.startsAt())
          .append("\" data-to=\"")
          .append(m.endsAt())
          .append("\"></span></p></article>");
    }
    b.append("</section>");
  }

  private static void resolved(StringBuilder b, List<IncidentView> resolved) {
    b.append("<section id=\"resolved-incidents\"><h2>Recently resolved</h2>");
    if (resolved.isEmpty()) {
      b.append("<p class=\"muted\">None.</p>");
    }
    for (IncidentView i : resolved) {
      incident(b, i);
    }
    b.append("</section>");
  }

  private static void incident(StringBuilder b, IncidentView i) {
    b.append("<article class=\"incident ")
        .append(i.open() ? "open" : "resolved")
        .append("\" id=\"incident-")
        .append(escape(i.incidentId()))
        .append("\" data-incident-id=\"")
        .append(escape(i.incidentId()))
        .append("\" data-status=\"")
        .append(i.open() ? "OPEN" : "RESOLVED")
        .append("\">")
        .append("<h3>")
        .append(escape(i.service()))
        .append(" · ")
        .append(escape(i.region()))
        .append(i.inMaintenance() ? " <span class=\"tag\">maintenance</span>" : "")
        .append("</h3><p>")
        .append(i.open() ? "Down since " : "Down from ")
        .append(Texts.time(i.startedAt()));
    if (!i.open()) {
      b.append(" to ")
          .append(Texts.time(i.resolvedAt()))
          .append(" (")
          .append(Texts.duration(i.resolvedAt().toEpochMilli() - i.startedAt().toEpochMilli()))
          .append(")");
    }
    b.append("</p><p class=\"muted\">checks ")
        .append(escape(String.join(", ", i.checks())))
        .append(" · from ")
        .append(escape(String.join(", ", i.vantages())))
        .append(" · ")
        .append(escape(i.incidentId()))
        .append("</p></article>");
  }

  private static void uptime(StringBuilder b, Status s, String feedBase) {
    int days = s.regions().isEmpty() ? 0 : s.regions().get(0).days().size();
    b.append("<section id=\"uptime\"><h2>Uptime, last ").append(days).append(" days</h2>");
    if (s.regions().isEmpty()) {
      b.append("<p class=\"muted\">No probes seen yet.</p>");
    }
    for (RegionStatus r : s.regions()) {
      String key = r.region().key();
      b.append("<div class=\"region\" data-region=\"")
          .append(escape(key))
          .append("\">")
          .append("<div class=\"rhead\"><span class=\"rname\">")
          .append(escape(r.region().service()))
          .append(" · ")
          .append(escape(r.region().region()))
          // a subscriber follows only the components they use
          .append(" <a class=\"feed\" href=\"")
          .append(feedBase)
          .append("feed.atom")
          .append(escape(new AtomFeed.Scope(r.region().service(), r.region().region()).query()))
          .append("\" title=\"Atom feed of ")
          .append(escape(r.region().service() + " in " + r.region().region()))
          .append("\">feed</a>");
      if (r.region().noDataSince() != null) {
        // the probes stopped: neither up nor down can be said, and the reader should know
        b.append("<span class=\"nodata-state\" data-no-data-since=\"")
            .append(r.region().noDataSince())
            .append("\">no data since ")
            .append(Texts.time(r.region().noDataSince()))
            .append("</span>");
      }
      b.append("</span>");
      month(b, r.region().currentMonth(), s.targetPercent());
      b.append("</div><div class=\"bar\" role=\"list\">");
      for (Day d : r.days()) {
        b.append("<span role=\"listitem\" class=\"d ")
            .append(dayClass(d))
            .append("\" data-date=\"")
            .append(d.date())
            .append("\" data-downtime-ms=\"")
            .append(d.downtimeMs())
            .append("\" data-incidents=\"")
            .append(escape(String.join(",", d.incidentIds())))
            .append("\" title=\"")
            .append(escape(dayTitle(d)))
            .append("\"></span>");
      }
      b.append("</div><div class=\"axis\"><span>")
          .append(days)
          .append(" days ago</span>")
          .append("<span class=\"detail\"></span><span>today</span></div></div>");
    }
    b.append(
        "<p class=\"legend\"><span class=\"d up\"></span>no downtime "
            + "<span class=\"d maint\"></span>maintenance only <span class=\"d minor\"></span>"
            + "&ge;99.9% <span class=\"d partial\"></span>&ge;99% <span class=\"d major\"></span>"
            + "&lt;99% <span class=\"d nodata\"></span>no data</p></section>");
  }

  private static void month(StringBuilder b, Ledger l, String objective) {
    if (l == null) {
      b.append("<span class=\"mtd muted\">no ledger line yet this month</span>");
      return;
    }
    boolean met =
        new BigDecimal(l.availabilityPercent()).compareTo(new BigDecimal(l.targetPercent())) >= 0;
    b.append("<span class=\"mtd ")
        .append(met ? "met" : "missed")
        .append("\" data-month=\"")
        .append(escape(l.month()))
        .append("\" data-availability=\"")
        .append(escape(l.availabilityPercent()))
        .append("\" title=\"")
        .append(
            escape(
                "ledger "
                    + l.month()
                    + " up to "
                    + Texts.time(l.observedUntil())
                    + ": downtime "
                    + Texts.duration(l.downtimeMs())
                    + ", maintenance "
                    + Texts.duration(l.maintenanceMs())
                    + (l.unobservedMs() > 0
                        ? ", unobserved (no probes) " + Texts.duration(l.unobservedMs())
                        : "")
                    + "; availability is over the whole month"))
        .append("\">")
        .append(escape(l.month()))
        .append(": <b>")
        .append(escape(l.availabilityPercent()))
        .append("%</b> vs ")
        .append(escape(l.targetPercent()))
        .append("% · budget left ")
        .append(Texts.duration(l.errorBudgetRemainingMs()));
    if (l.unobservedMs() > 0) {
      b.append(" · <span class=\"unobserved\" data-unobserved-ms=\"")
          .append(l.unobservedMs())
          .append("\">unobserved ")
          .append(Texts.duration(l.unobservedMs()))
          .append("</span>");
    }
    b.append("</span>");
  }

  private static void routes(StringBuilder b, Status s) {
    b.append("<section id=\"routes\"><h2>Routes</h2>");
    if (s.routes().isEmpty()) {
      b.append("<p class=\"muted\">No routing decision yet.</p>");
    }
    for (RouteHistory r : s.routes()) {
      var cur = r.current();
      List<String> carriers =
          WeightsChart.carriers(r.decisions().isEmpty() ? List.of(cur) : r.decisions());
      Instant from =
          r.decisions().isEmpty() ? cur.effectiveAt() : r.decisions().get(0).effectiveAt();
      Instant to =
          s.asOf() != null && s.asOf().isAfter(cur.effectiveAt())
              ? s.asOf()
              : cur.effectiveAt().plusSeconds(1);
      b.append("<div class=\"route\" data-route=\"")
          .append(escape(cur.routeId()))
          .append("\" data-version=\"")
          .append(cur.version())
          .append("\"><div class=\"rhead\">")
          .append("<span class=\"rname\">")
          .append(escape(cur.routeId()))
          .append("</span>")
          .append("<span class=\"muted\">")
          .append(escape(cur.mode()))
          .append(" · v")
          .append(cur.version())
          .append(" since ")
          .append(Texts.time(cur.effectiveAt()))
          .append("</span></div><table><tbody>");
      for (Carrier c : cur.carriers()) {
        b.append("<tr data-carrier=\"")
            .append(escape(c.carrierId()))
            .append("\" data-weight=\"")
            .append(c.weight())
            .append("\" data-state=\"")
            .append(escape(c.state()))
            .append("\" data-priority=\"")
            .append(c.priority())
            .append("\" data-canary=\"")
            .append(c.canary())
            .append("\"><td><span class=\"sw\" style=\"background:")
            .append(WeightsChart.color(carriers, c.carrierId()))
            .append("\"></span>")
            .append(escape(c.carrierId()))
            .append(
                c.priority() > 0 ? " <span class=\"tier\">standby " + c.priority() + "</span>" : "")
            .append("</td><td><span class=\"state ")
            .append(escape(c.state().toLowerCase(Locale.ROOT)))
            .append("\">")
            .append(escape(c.state()))
            .append("</span>")
            .append(c.canary() ? " <span class=\"tier canary\">canary</span>" : "")
            .append("</td><td class=\"num\">")
            .append(WeightsChart.pct(c.weight()))
            .append("</td></tr><tr class=\"reason\"><td " + "colspan=\"3\">")
            .append(escape(c.reason()))
            .append("</td></tr>");
      }
      b.append("</tbody></table>")
          .append(
              WeightsChart.svg(r.decisions().isEmpty() ? List.of(cur) : r.decisions(), from, to))
          .append("<div class=\"axis\"><span>")
          .append(Texts.time(from))
          .append("</span><span>")
          .append(Texts.time(to))
          .append("</span></div></div>");
    }
    b.append("</section>");
  }

  static final String CSS =
      """
      :root{--bg:#f6f7f9;--fg:#1f2933;--muted:#667085;--card:#fff;--line:#e4e7ec}
      *{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",\
      Roboto,sans-serif;background:var(--bg);color:var(--fg)}
      header,main,footer{max-width:960px;margin:0 auto;padding:0 16px}
      header{padding-top:20px}h1{font-size:1.5rem;margin:0}h2{font-size:1.1rem;margin:24px 0 8px}
      h3{font-size:1rem;margin:0 0 4px}.asof,.muted{color:var(--muted)}.asof{margin:2px 0 12px}
      .banner{padding:14px 16px;border-radius:8px;font-weight:600;color:#fff}
      .banner.ok{background:#2e9e5b}.banner.bad{background:#d64545}
      .warn{background:#fff4e5;border:1px solid #f5c26b;padding:8px 12px;border-radius:6px}
      .incident,.region,.route,.mwindow{background:var(--card);border:1px solid var(--line);
      border-radius:8px;padding:12px 14px;margin:8px 0}
      .incident.open{border-left:4px solid #d64545}.incident.resolved{border-left:4px solid #2e9e5b}
      .mwindow{border-left:4px solid #5b8def}.mwindow p{margin:2px 0}
      .incident p{margin:2px 0}.tag{font-size:.75rem;background:#5b8def;color:#fff;
      border-radius:4px;padding:1px 6px;vertical-align:middle}
      .rhead{display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 12px;
      margin-bottom:8px}.rname{font-weight:600}.mtd.met b{color:#2e9e5b}.mtd.missed b{color:#d64545}
      .bar{display:flex;gap:2px;height:32px}.bar .d{flex:1 1 0;min-width:0;border-radius:2px}
      .d{display:inline-block}.legend .d{width:12px;height:12px;margin:0 4px 0 10px;
      vertical-align:-1px;border-radius:2px}
      .d.up{background:#2e9e5b}.d.maint{background:#5b8def}.d.minor{background:#e5b300}
      .d.partial{background:#f08c00}.d.major{background:#d64545}.d.nodata{background:#d0d5dd}
      .bar .d:hover,.bar .d.sel{outline:2px solid #1f2933;outline-offset:1px}
      .axis{display:flex;justify-content:space-between;gap:8px;font-size:.8rem;
      color:var(--muted);margin-top:4px}.detail{text-align:center;flex:1}
      table{width:100%;border-collapse:collapse}td{padding:4px 6px;border-top:1px solid var(--line)}
      td.num{text-align:right;font-variant-numeric:tabular-nums}
      tr.reason td{border-top:0;padding-top:0;font-size:.8rem;color:var(--muted)}
      .sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
      .feed{font-size:.75rem;font-weight:400;color:var(--muted)}
      .state{font-size:.75rem;font-weight:600;padding:1px 6px;border-radius:4px;color:#fff}
      .nodata-state{font-size:.75rem;margin-left:8px;padding:0 6px;border-radius:4px;\
      background:#8a8f98;color:#fff}\
      .tier{font-size:.7rem;padding:0 5px;border:1px solid var(--line);border-radius:4px;\
      color:var(--muted)}.tier.canary{border-color:#c98a1b;color:#c98a1b}
      .state.healthy{background:#2e9e5b}.state.degraded{background:#e5b300}
      .state.ejected{background:#d64545}.state.recovering{background:#5b8def}
      .state.disabled{background:#98a2b3}
      .chart{width:100%;height:120px;display:block;margin-top:10px;background:#f0f2f5;
      border-radius:4px}
      footer{padding:24px 16px;color:var(--muted)}footer a{color:inherit}
      @media (max-width:600px){body{font-size:14px}.bar{height:28px;gap:1px}
      .legend .d{margin-left:6px}}
      """;

  /** Touch screens have no hover: a tap on a day shows its title under the bar. */
  static final String JS =
      """
      document.querySelectorAll('.localtime').forEach(function(e){var f=new Date(e.dataset.from),
      t=new Date(e.dataset.to);e.textContent='(your time: '+f.toLocaleString()+' to '+
      t.toLocaleString()+')';});
      document.querySelectorAll('.bar .d').forEach(function(c){c.addEventListener('click',
      function(){var r=c.closest('.region');r.querySelectorAll('.d.sel').forEach(function(x){
      x.classList.remove('sel')});c.classList.add('sel');r.querySelector('.detail').textContent=
      c.getAttribute('title');});});
      """;
}
