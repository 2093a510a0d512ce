package dev.nines.webhooks;

import dev.nines.views.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a notification is written for one kind of receiver. Each format follows the receiver's
 * public API documentation, so that the tools on-call teams already run take nines' deliveries
 * as their own. Pure: the same notification gives the same bytes (receivers de-duplicate on
 * them, and tests compare them).
 */
public enum Format {
  /**
   * nines' own: {@code {"event", "deliveryId", "incident" | "alert": {...}}}, signed with the
   * endpoint's secret (X-Nines-Signature, see {@link WebhookSigner}).
   */
  NINES,

  /**
   * PagerDuty Events API v2 ({@code POST https://events.pagerduty.com/v2/enqueue}): {@code
   * routing_key} (the endpoint's secret, the integration key), {@code event_action} trigger or
   * resolve, {@code dedup_key}; a trigger carries {@code payload.summary} (at most 1024
   * characters), {@code source}, {@code severity} (critical or warning), {@code timestamp},
   * {@code component}, {@code group}, {@code class} and {@code custom_details}, and {@code links}.
   */
  PAGERDUTY,

  /**
   * Prometheus Alertmanager's webhook payload, version 4: {@code status}, {@code groupKey},
   * {@code receiver}, {@code groupLabels}, {@code commonLabels}, {@code commonAnnotations},
   * {@code externalURL} and one alert with {@code labels}, {@code annotations}, {@code
   * startsAt}, {@code endsAt}, {@code generatorURL} and {@code fingerprint}; what tools that take
   * Alertmanager's webhooks (and Alertmanager-compatible receivers) read.
   */
  ALERTMANAGER,

  /** A Slack incoming webhook: {@code text} (the fallback) and {@code blocks}. */
  SLACK;

  /** The name in the configuration: nines, pagerduty, alertmanager, slack. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format with this configuration name, or null. */
  public static Format of(String name) {
    for (Format f : values()) {
      if (f.configName().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /**
   * A request body and the headers that go with it (besides Content-Type).
   *
   * @param url where it goes when not to the endpoint's URL (PagerDuty's change events), or null
   */
  public record Rendered(byte[] body, Map<String, String> headers, URI url) {
    public Rendered(byte[] body, Map<String, String> headers) {
      this(body, headers, null);
    }
  }

  /**
   * Whether this format can say it: Alertmanager has no announcements (an alert fires while
   * something is the case, so a maintenance window is an alert only while it runs).
   */
  public boolean carries(Notification.Kind kind) {
    return !(this == ALERTMANAGER && kind == Notification.Kind.MAINTENANCE_ANNOUNCED);
  }

  /**
   * @param n what to send
   * @param endpoint where (its name, secret)
   * @param baseUrl the API's URL, ending in a slash, for links
   */
  public Rendered render(Notification n, Endpoint endpoint, String baseUrl) {
    return switch (this) {
      case NINES -> nines(n, endpoint);
      case PAGERDUTY ->
          n.kind().maintenance()
              ? new Rendered(
                  Json.write(pagerDutyChange(n, endpoint, baseUrl))
                      .getBytes(StandardCharsets.UTF_8),
                  Map.of(),
                  changeUrl(endpoint.url()))
              : json(pagerDuty(n, endpoint, baseUrl));
      case ALERTMANAGER -> json(alertmanager(n, endpoint, baseUrl));
      case SLACK -> json(slack(n, baseUrl));
    };
  }

  private static Rendered json(Map<String, Object> body) {
    return new Rendered(Json.write(body).getBytes(StandardCharsets.UTF_8), Map.of());
  }

  private static Rendered nines(Notification n, Endpoint e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event", n.event());
    body.put("deliveryId", n.deliveryId());
    body.put(
        n.kind().name().startsWith("INCIDENT")
            ? "incident"
            : n.kind().maintenance() ? "maintenance" : "alert",
        n.details());
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    String ts = Long.toString(Instant.now().getEpochSecond());
    return new Rendered(
        bytes,
        Map.of(
            WebhookSigner.EVENT_HEADER, n.event(),
            WebhookSigner.DELIVERY_HEADER, n.deliveryId(),
            WebhookSigner.TIMESTAMP_HEADER, ts,
            WebhookSigner.SIGNATURE_HEADER,
                WebhookSigner.sign(e.secret().getBytes(StandardCharsets.UTF_8), ts, bytes)));
  }

  static final int PAGERDUTY_SUMMARY_MAX = 1024;

  private static Map<String, Object> pagerDuty(Notification n, Endpoint e, String baseUrl) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("routing_key", e.secret());
    body.put("event_action", n.kind().resolves() ? "resolve" : "trigger");
    body.put("dedup_key", n.dedupKey());
    if (!n.kind().resolves()) {
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("summary", truncate(n.summary(), PAGERDUTY_SUMMARY_MAX));
      payload.put("source", "nines/" + n.service() + "/" + n.region());
      // PagerDuty's severities are critical, error, warning and info
      payload.put("severity", n.severity().lower());
      payload.put("timestamp", iso(n.startsAt()));
      payload.put("component", n.service());
      payload.put("group", n.region());
      payload.put("class", n.event());
      payload.put("custom_details", n.details());
      body.put("payload", payload);
    }
    body.put("client", "nines");
    body.put("client_url", baseUrl);
    body.put(
        "links",
        List.of(
            Map.of("href", baseUrl, "text", "Status page"),
            Map.of(
                "href",
                baseUrl + n.path(),
                "text",
                n.service() + " in " + n.region() + " (JSON)")));
    return body;
  }

  /**
   * A PagerDuty change event ({@code POST /v2/change/enqueue}): maintenance is context for the
   * responders, not something to page on. {@code routing_key}, {@code payload.summary} (at most
   * 1024), {@code payload.timestamp}, {@code payload.source}, {@code payload.custom_details},
   * {@code links}.
   */
  private static Map<String, Object> pagerDutyChange(Notification n, Endpoint e, String baseUrl) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("summary", truncate(n.summary(), PAGERDUTY_SUMMARY_MAX));
    payload.put(
        "timestamp",
        iso(n.kind() == Notification.Kind.MAINTENANCE_ENDED ? n.endsAt() : n.startsAt()));
    payload.put("source", "nines/" + n.service() + "/" + n.region());
    Map<String, Object> details = new LinkedHashMap<>(n.details());
    details.put("event", n.event());
    payload.put("custom_details", details);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("routing_key", e.secret());
    body.put("payload", payload);
    body.put("links", List.of(Map.of("href", baseUrl, "text", "Status page")));
    return body;
  }

  /**
   * Where PagerDuty takes change events: the events URL's {@code /v2/enqueue} becomes {@code
   * /v2/change/enqueue}; any other URL (a proxy, a test receiver) is used as it is.
   */
  static URI changeUrl(URI events) {
    String s = events.toString();
    return s.endsWith("/v2/enqueue")
        ? URI.create(s.substring(0, s.length() - "/v2/enqueue".length()) + "/v2/change/enqueue")
        : events;
  }

  /** Alertmanager writes this for an alert that has not ended. */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private static Map<String, Object> alertmanager(Notification n, Endpoint e, String baseUrl) {
    String status = n.kind().resolves() ? "resolved" : "firing";
    Map<String, String> labels = new TreeMap<>();
    labels.put("alertname", alertname(n.kind()));
    labels.put("service", n.service());
    labels.put("region", n.region());
    labels.put("severity", n.severity().lower());
    labels.put("dedup_key", n.dedupKey());
    Map<String, String> annotations = new TreeMap<>();
    annotations.put("summary", n.summary());
    annotations.put("description", n.summary() + " since " + iso(n.startsAt()));
    Map<String, Object> alert = new LinkedHashMap<>();
    alert.put("status", status);
    alert.put("labels", labels);
    alert.put("annotations", annotations);
    alert.put("startsAt", iso(n.startsAt()));
    alert.put("endsAt", n.endsAt() == null ? ZERO_TIME : iso(n.endsAt()));
    alert.put("generatorURL", baseUrl + n.path());
    alert.put("fingerprint", fingerprint(labels));
    Map<String, String> groupLabels = new TreeMap<>();
    groupLabels.put("alertname", labels.get("alertname"));
    groupLabels.put("service", n.service());
    groupLabels.put("region", n.region());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", "4");
    body.put("groupKey", "{}:" + labelString(groupLabels));
    body.put("truncatedAlerts", 0);
    body.put("status", status);
    body.put("receiver", e.name());
    body.put("groupLabels", groupLabels);
    body.put("commonLabels", labels);
    body.put("commonAnnotations", annotations);
    body.put("externalURL", baseUrl);
    body.put("alerts", List.of(alert));
    return body;
  }

  static String alertname(Notification.Kind kind) {
    return switch (kind) {
      case INCIDENT_OPENED, INCIDENT_RESOLVED -> "NinesServiceDown";
      case ALERT_FIRED, ALERT_RESOLVED -> "NinesErrorBudgetBurn";
      case NO_DATA_STARTED, NO_DATA_ENDED -> "NinesNoData";
      case MAINTENANCE_ANNOUNCED, MAINTENANCE_STARTED, MAINTENANCE_ENDED, MAINTENANCE_CANCELLED ->
          "NinesMaintenance";
    };
  }

  /** {@code {alertname="x", region="y"}}: how Alertmanager writes a label set in a group key. */
  static String labelString(Map<String, String> labels) {
    List<String> parts = new ArrayList<>();
    labels.forEach((k, v) -> parts.add(k + "=\"" + v.replace("\"", "\\\"") + "\""));
    return "{" + String.join(", ", parts) + "}";
  }

  /**
   * 16 hex digits of a 64-bit FNV-1a hash over the sorted labels, as Alertmanager's fingerprints
   * are: stable for the same label set, so a receiver pairs the resolution with the firing.
   */
  static String fingerprint(Map<String, String> sortedLabels) {
    long h = 0xcbf29ce484222325L;
    for (var e : sortedLabels.entrySet()) {
      for (String part : List.of(e.getKey(), "\u00ff", e.getValue(), "\u00ff")) {
        for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
          h ^= b & 0xff;
          h *= 0x100000001b3L;
        }
      }
    }
    return String.format(Locale.ROOT, "%016x", h);
  }

  /** Slack's limits: a header's text at most 150 characters, a section's 3000. */
  static final int SLACK_HEADER_MAX = 150;

  static final int SLACK_SECTION_MAX = 3000;

  private static Map<String, Object> slack(Notification n, String baseUrl) {
    String icon =
        n.kind().maintenance()
            ? ":wrench:"
            : n.kind().resolves()
                ? ":white_check_mark:"
                : n.severity() == Notification.Severity.CRITICAL ? ":red_circle:" : ":warning:";
    String title =
        (n.kind().maintenance()
                ? "Maintenance: "
                : n.kind().resolves()
                    ? "Resolved: "
                    : n.severity() == Notification.Severity.CRITICAL ? "Critical: " : "Warning: ")
            + n.service()
            + " in "
            + n.region();
    StringBuilder fields = new StringBuilder();
    fields.append(icon).append(' ').append(n.summary()).append('\n');
    fields.append("*Since* ").append(iso(n.startsAt()));
    if (n.endsAt() != null) {
      fields.append("  *until* ").append(iso(n.endsAt()));
    }
    Map<String, Object> header =
        Map.of(
            "type",
            "header",
            "text",
            Map.of("type", "plain_text", "text", truncate(title, SLACK_HEADER_MAX)));
    Map<String, Object> section =
        Map.of(
            "type",
            "section",
            "text",
            Map.of("type", "mrkdwn", "text", truncate(fields.toString(), SLACK_SECTION_MAX)));
    Map<String, Object> context =
        Map.of(
            "type",
            "context",
            "elements",
            List.of(
                Map.of(
                    "type",
                    "mrkdwn",
                    "text",
                    "<"
                        + baseUrl
                        + "|Status page> · <"
                        + baseUrl
                        + n.path()
                        + "|JSON> · "
                        + n.deliveryId())));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("text", icon + " " + n.summary());
    body.put("blocks", List.of(header, section, context));
    return body;
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private static String iso(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }
}
