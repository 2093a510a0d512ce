package dev.nines.webhooks;

import dev.nines.schema.AlertSeverity;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Incident;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.views.Json;
import dev.nines.views.Model;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One thing to tell the on-call or the subscribers, whatever the receiving tool: what happened,
 * to which service and region, how bad, and a key that stays the same on every redelivery (so
 * the receiving tool collapses the at-least-once copies). Built from an output record. Pure.
 *
 * @param kind what happened
 * @param service the service, e.g. SMS
 * @param region the platform region
 * @param severity how bad: an incident (a service DOWN) is critical, a PAGE alert critical, a
 *     TICKET alert a warning; an incident inside announced maintenance a warning
 * @param dedupKey the same for the opening and the closing of one thing, and on every
 *     redelivery: the incident id; the alert's service, region, rule and firing time
 * @param summary one line for humans
 * @param startsAt when it started (event time)
 * @param endsAt when it ended, or null while it lasts
 * @param details the record's fields, for the receiving tool's detail view
 * @param path the API path of the service and region's JSON (its state, incidents and ledger),
 *     relative to the API's URL
 */
public record Notification(
    Kind kind,
    String service,
    String region,
    Severity severity,
    String dedupKey,
    String summary,
    Instant startsAt,
    Instant endsAt,
    Map<String, Object> details,
    String path) {

  /** What happened; {@link #event()} is the name receivers filter on. */
  public enum Kind {
    INCIDENT_OPENED("incident.opened"),
    INCIDENT_RESOLVED("incident.resolved"),
    ALERT_FIRED("alert.fired"),
    ALERT_RESOLVED("alert.resolved"),
    NO_DATA_STARTED("nodata.started"),
    NO_DATA_ENDED("nodata.ended"),
    MAINTENANCE_ANNOUNCED("maintenance.announced"),
    MAINTENANCE_STARTED("maintenance.started"),
    MAINTENANCE_ENDED("maintenance.ended"),
    MAINTENANCE_CANCELLED("maintenance.cancelled");

    private final String event;

    Kind(String event) {
      this.event = event;
    }

    public String event() {
      return event;
    }

    /** Whether this closes what an earlier notification opened. */
    public boolean resolves() {
      return this == INCIDENT_RESOLVED
          || this == ALERT_RESOLVED
          || this == NO_DATA_ENDED
          || this == MAINTENANCE_ENDED
          || this == MAINTENANCE_CANCELLED;
    }

    public boolean maintenance() {
      return name().startsWith("MAINTENANCE");
    }

    /** The kind named by its event, e.g. alert.fired; null if none is. */
    public static Kind ofEvent(String event) {
      for (Kind k : values()) {
        if (k.event.equals(event)) {
          return k;
        }
      }
      return null;
    }
  }

  /** In increasing order of urgency. */
  public enum Severity {
    INFO,
    WARNING,
    CRITICAL;

    public String lower() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Notification {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(dedupKey, "dedupKey");
    // in order, nulls kept: it is written as JSON as it is
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /**
   * {@code <dedupKey>:<OPEN|RESOLVED>} (maintenance: {@code <dedupKey>:<ANNOUNCED|STARTED|ENDED|
   * CANCELLED>}): one delivery per notification, however often sent.
   */
  public String deliveryId() {
    if (kind.maintenance()) {
      return dedupKey + ":" + kind.name().substring("MAINTENANCE_".length());
    }
    return dedupKey + ":" + (kind.resolves() ? "RESOLVED" : "OPEN");
  }

  public String event() {
    return kind.event();
  }

  public static Notification of(Incident i) {
    boolean open = i.getResolvedAt() == null;
    // the incident as the API shows it (and as nines-format webhooks always carried it)
    Map<String, Object> details = asMap(Model.IncidentView.of(i));
    String where = i.getService() + " in " + i.getRegion();
    return new Notification(
        open ? Kind.INCIDENT_OPENED : Kind.INCIDENT_RESOLVED,
        i.getService().name(),
        i.getRegion(),
        i.getInMaintenance() ? Severity.WARNING : Severity.CRITICAL,
        i.getIncidentId(),
        open
            ? where + " is down (incident " + i.getIncidentId() + ")"
            : where + " is up again (incident " + i.getIncidentId() + ")",
        i.getStartedAt(),
        i.getResolvedAt(),
        details,
        "api/regions/" + i.getService() + "/" + i.getRegion());
  }

  public static Notification of(ErrorBudgetAlert a) {
    if (a.getSeverity() == AlertSeverity.NO_DATA) {
      return noData(a);
    }
    boolean firing = a.getResolvedAt() == null;
    String rule =
        a.getSeverity()
            + " burn rate > "
            + rate(a.getBurnRate())
            + "x over "
            + a.getLongWindow()
            + " and "
            + a.getShortWindow();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("service", a.getService().name());
    details.put("region", a.getRegion());
    details.put("severity", a.getSeverity().name());
    details.put("burnRate", a.getBurnRate());
    details.put("longWindow", a.getLongWindow());
    details.put("shortWindow", a.getShortWindow());
    details.put("firedAt", a.getFiredAt().toString());
    details.put("resolvedAt", firing ? null : a.getResolvedAt().toString());
    String key =
        a.getService()
            + ":"
            + a.getRegion()
            + ":"
            + a.getSeverity()
            + ":"
            + rate(a.getBurnRate())
            + ":"
            + a.getLongWindow()
            + "/"
            + a.getShortWindow()
            + "@"
            + a.getFiredAt();
    String where = a.getService() + " in " + a.getRegion();
    return new Notification(
        firing ? Kind.ALERT_FIRED : Kind.ALERT_RESOLVED,
        a.getService().name(),
        a.getRegion(),
        a.getSeverity() == AlertSeverity.PAGE ? Severity.CRITICAL : Severity.WARNING,
        key,
        (firing ? where + " burns its error budget: " : where + " no longer burns: ") + rule,
        a.getFiredAt(),
        a.getResolvedAt(),
        details,
        "api/regions/" + a.getService() + "/" + a.getRegion());
  }

  /**
   * A maintenance window announced, started, ended or withdrawn. Information, not an alarm; the
   * key is the window's id and times, so an edited window is a new one for the receivers.
   */
  public static Notification maintenance(Kind kind, String id, MaintenanceWindow w) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("id", id);
    details.put("service", w.getService().name());
    details.put("region", w.getRegion());
    details.put("startsAt", w.getStartsAt().toString());
    details.put("endsAt", w.getEndsAt().toString());
    String what = "Maintenance of " + w.getService() + " in " + w.getRegion();
    String when = w.getStartsAt() + " to " + w.getEndsAt();
    String summary =
        switch (kind) {
          case MAINTENANCE_ANNOUNCED -> what + " scheduled " + when;
          case MAINTENANCE_STARTED -> what + " has started (" + when + ")";
          case MAINTENANCE_ENDED -> what + " has ended (" + when + ")";
          case MAINTENANCE_CANCELLED -> what + " (" + when + ") is cancelled";
          default -> throw new IllegalArgumentException("not a maintenance kind: " + kind);
        };
    return new Notification(
        kind,
        w.getService().name(),
        w.getRegion(),
        Severity.INFO,
        "maintenance:" + id + ":" + w.getStartsAt() + "/" + w.getEndsAt(),
        summary,
        w.getStartsAt(),
        kind.resolves() ? w.getEndsAt() : null,
        details,
        "api/status");
  }

  /** The probes of a region stopped (a warning: nothing is known to be down) or came back. */
  private static Notification noData(ErrorBudgetAlert a) {
    boolean silent = a.getResolvedAt() == null;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("service", a.getService().name());
    details.put("region", a.getRegion());
    details.put("severity", a.getSeverity().name());
    details.put("noDataAfter", a.getLongWindow());
    details.put("firedAt", a.getFiredAt().toString());
    details.put("resolvedAt", silent ? null : a.getResolvedAt().toString());
    String where = a.getService() + " in " + a.getRegion();
    return new Notification(
        silent ? Kind.NO_DATA_STARTED : Kind.NO_DATA_ENDED,
        a.getService().name(),
        a.getRegion(),
        Severity.WARNING,
        a.getService() + ":" + a.getRegion() + ":NO_DATA@" + a.getFiredAt(),
        silent
            ? where + ": no probe results for " + a.getLongWindow() + " while other regions report"
            : where + ": probe results arrive again",
        a.getFiredAt(),
        a.getResolvedAt(),
        details,
        "api/regions/" + a.getService() + "/" + a.getRegion());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object view) {
    return Json.MAPPER.convertValue(view, LinkedHashMap.class);
  }

  /** 14.4 -> "14.4", 6.0 -> "6". */
  static String rate(double r) {
    return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
  }
}
