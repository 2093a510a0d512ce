package dev.nines.api;

import static dev.nines.api.Texts.escape;

import dev.nines.views.Model.IncidentView;
import dev.nines.views.Model.MaintenanceView;
import dev.nines.views.Model.RegionStatus;
import dev.nines.views.Model.Status;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The incidents as an Atom feed (RFC 4287): one entry per incident, updated when it resolves,
 * newest first. Entry ids are the deterministic incident ids, so a reader shows a resolved
 * incident as an update of the one it saw open. A feed may be scoped to a service, or to a
 * service in a region, so that a subscriber follows only the components they use. Pure.
 */
public final class AtomFeed {
  private AtomFeed() {}

  /**
   * What a feed covers: a service (null: all) and a region (null: all).
   *
   * @param service e.g. SMS
   * @param region e.g. eu-west
   */
  public record Scope(String service, String region) {
    public static final Scope ALL = new Scope(null, null);

    boolean covers(IncidentView i) {
      return covers(i.service(), i.region());
    }

    boolean covers(String s, String r) {
      return (service == null || service.equals(s)) && (region == null || region.equals(r));
    }

    /** The query that selects this scope, e.g. {@code ?service=SMS&region=eu-west}. */
    public String query() {
      List<String> parts = new ArrayList<>();
      if (service != null) {
        parts.add("service=" + URLEncoder.encode(service, StandardCharsets.UTF_8));
      }
      if (region != null) {
        parts.add("region=" + URLEncoder.encode(region, StandardCharsets.UTF_8));
      }
      return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    String words() {
      if (service == null && region == null) {
        return "";
      }
      return " of "
          + (service == null ? "every service" : service)
          + (region == null ? "" : " in " + region);
    }

    String urn() {
      return "urn:nines:incidents"
          + (service == null ? "" : ":" + service)
          + (region == null ? "" : (service == null ? ":*" : "") + ":" + region);
    }
  }

  public static String render(Status status, String baseUrl) {
    return render(status, baseUrl, Scope.ALL);
  }

  /** At most this many entries: a feed is for what is new. */
  static final int MAX_ENTRIES = 100;

  public static String render(Status status, String baseUrl, Scope scope) {
    List<IncidentView> incidents = new ArrayList<>();
    for (RegionStatus r : status.regions()) {
      for (IncidentView i : r.region().incidents()) {
        if (scope.covers(i)) {
          incidents.add(i);
        }
      }
    }
    incidents.sort(
        Comparator.comparing(AtomFeed::updated).reversed().thenComparing(IncidentView::incidentId));
    if (incidents.size() > MAX_ENTRIES) {
      incidents = incidents.subList(0, MAX_ENTRIES);
    }
    List<MaintenanceView> windows =
        status.maintenance().stream().filter(m -> scope.covers(m.service(), m.region())).toList();
    List<MaintenanceView> ended =
        status.recentMaintenance().stream()
            .filter(m -> scope.covers(m.service(), m.region()))
            .toList();
    Instant feedUpdated =
        incidents.isEmpty()
            ? (status.asOf() == null ? Instant.EPOCH : status.asOf())
            : updated(incidents.get(0));
    StringBuilder b = new StringBuilder();
    b.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
        .append("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n")
        .append("  <title>nines status: incidents")
        .append(escape(scope.words()))
        .append("</title>\n")
        .append(
            "  <subtitle>Incidents per service and region, opened and resolved by the "
                + "nines pipeline</subtitle>\n")
        .append("  <id>")
        .append(escape(scope.urn()))
        .append("</id>\n")
        .append("  <updated>")
        .append(ts(feedUpdated))
        .append("</updated>\n")
        .append("  <link rel=\"self\" type=\"application/atom+xml\" href=\"")
        .append(escape(baseUrl))
        .append("feed.atom")
        .append(escape(scope.query()))
        .append("\"/>\n")
        .append("  <link rel=\"alternate\" type=\"text/html\" href=\"")
        .append(escape(baseUrl))
        .append("\"/>\n")
        .append("  <author><name>nines</name></author>\n")
        .append("  <generator>nines</generator>\n");
    // upcoming and ongoing maintenance first: what a subscriber must plan for; then the windows
    // that ended lately. One entry per window: it appears when announced, is retitled when the
    // window starts, and updated when it ends.
    List<MaintenanceView> all = new ArrayList<>(windows);
    all.addAll(ended);
    for (MaintenanceView m : all) {
      maintenanceEntry(b, m, status, baseUrl);
    }
    for (IncidentView i : incidents) {
      b.append("  <entry>\n")
          .append("    <id>urn:nines:incident:")
          .append(escape(i.incidentId()))
          .append("</id>\n")
          .append("    <title>")
          .append(escape(title(i)))
          .append("</title>\n")
          .append("    <published>")
          .append(ts(i.startedAt()))
          .append("</published>\n")
          .append("    <updated>")
          .append(ts(updated(i)))
          .append("</updated>\n")
          .append("    <link rel=\"alternate\" type=\"text/html\" href=\"")
          .append(escape(baseUrl))
          .append("#incident-")
          .append(escape(i.incidentId()))
          .append("\"/>\n")
          .append("    <category term=\"")
          .append(i.open() ? "open" : "resolved")
          .append("\"/>\n")
          .append("    <summary type=\"text\">")
          .append(escape(summary(i)))
          .append("</summary>\n")
          .append("  </entry>\n");
    }
    return b.append("</feed>\n").toString();
  }

  static Instant updated(IncidentView i) {
    return i.resolvedAt() != null ? i.resolvedAt() : i.startedAt();
  }

  static String title(IncidentView i) {
    String where = i.service() + " in " + i.region();
    if (i.open()) {
      return where + ": down" + (i.inMaintenance() ? " (in maintenance)" : "");
    }
    return where
        + ": resolved after "
        + Texts.duration(i.resolvedAt().toEpochMilli() - i.startedAt().toEpochMilli());
  }

  static String summary(IncidentView i) {
    return i.service()
        + " was down in "
        + i.region()
        + " from "
        + Texts.time(i.startedAt())
        + (i.open() ? " and is still down" : " to " + Texts.time(i.resolvedAt()))
        + ". Failed checks: "
        + String.join(", ", i.checks())
        + "; seen from: "
        + String.join(", ", i.vantages())
        + "."
        + (i.inMaintenance() ? " It began inside an announced maintenance window." : "")
        + " Incident "
        + i.incidentId()
        + ".";
  }

  private static String ts(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }

  /** The status's event time, or the earliest instant when it has none (nothing is over). */
  private static Instant asOfOrStart(Status s) {
    return s.asOf() == null ? Instant.MIN : s.asOf();
  }

  /** One window's entry: its state (scheduled, in progress, completed) in title and category. */
  private static void maintenanceEntry(
      StringBuilder b, MaintenanceView m, Status status, String baseUrl) {
    String state =
        !m.endsAt().isAfter(asOfOrStart(status))
            ? "completed"
            : m.ongoing(status.asOf()) ? "in progress" : "scheduled";
    b.append("  <entry>\n")
        .append("    <id>urn:nines:maintenance:")
        .append(escape(m.service() + ":" + m.id()))
        .append("</id>\n")
        .append("    <title>")
        .append(
            escape(
                m.service()
                    + " in "
                    + m.region()
                    + ": maintenance "
                    + state
                    + ", "
                    + Texts.time(m.startsAt())
                    + " to "
                    + Texts.time(m.endsAt())))
        .append("</title>\n")
        .append("    <updated>")
        .append(ts(state.equals("completed") ? m.endsAt() : m.startsAt()))
        .append("</updated>\n")
        .append("    <link rel=\"alternate\" type=\"text/html\" href=\"")
        .append(escape(baseUrl))
        .append("#maintenance\"/>\n")
        .append("    <category term=\"maintenance\"/>\n")
        .append("    <category term=\"maintenance-")
        .append(state.replace(' ', '-'))
        .append("\"/>\n")
        .append("    <summary type=\"text\">")
        .append(
            escape(
                (state.equals("completed")
                        ? "Completed maintenance of "
                        : state.equals("in progress")
                            ? "Maintenance in progress of "
                            : "Scheduled maintenance of ")
                    + m.service()
                    + " in "
                    + m.region()
                    + " from "
                    + Texts.time(m.startsAt())
                    + " to "
                    + Texts.time(m.endsAt())
                    + ": downtime inside it is not charged. Window "
                    + m.id()
                    + "."))
        .append("</summary>\n")
        .append("  </entry>\n");
  }
}
