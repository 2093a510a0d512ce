package dev.nines.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nines.schema.AlertSeverity;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Incident;
import dev.nines.schema.IncidentStatus;
import dev.nines.schema.MaintenanceCategory;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.Service;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each format's body, read as its receiver reads it: field by field, with the rules of the
 * receiver's public documentation (PagerDuty Events API v2, Alertmanager webhook v4, Slack
 * incoming webhooks and Block Kit), not with nines' own serializer.
 */
class FormatTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String BASE = "https://status.example.com/";
  static final Instant START = Instant.parse("2026-10-31T23:05:14.874Z");
  static final Instant END = Instant.parse("2026-10-31T23:09:47.757Z");

  static Incident incident(boolean open) {
    return new Incident(
        "VERIFY-eu-west-20261031T230514874Z",
        Service.VERIFY,
        "eu-west",
        open ? IncidentStatus.OPEN : IncidentStatus.RESOLVED,
        START,
        open ? null : END,
        List.of("verify-send"),
        List.of("probe-frankfurt", "probe-virginia"),
        false);
  }

  static ErrorBudgetAlert alert(boolean firing) {
    return new ErrorBudgetAlert(
        Service.VERIFY,
        "eu-west",
        AlertSeverity.PAGE,
        14.4,
        "PT1H",
        "PT5M",
        Instant.parse("2026-10-31T23:06:00Z"),
        firing ? null : Instant.parse("2026-10-31T23:15:00Z"));
  }

  static JsonNode render(Format f, Notification n, Endpoint e) throws Exception {
    return JSON.readTree(f.render(n, e, BASE).body());
  }

  static final Endpoint PD =
      new Endpoint(
          "pager",
          URI.create("https://events.pagerduty.com/v2/enqueue"),
          Format.PAGERDUTY,
          "R0UTINGKEY0123456789abcdefABCDEF",
          Filter.ALL);

  @Test
  void pagerDutyTriggerAndResolveFollowTheEventsApiV2() throws Exception {
    JsonNode t = render(Format.PAGERDUTY, Notification.of(incident(true)), PD);
    // required: routing_key, event_action in trigger|acknowledge|resolve; trigger: payload with
    // summary (<= 1024), source, severity in critical|error|warning|info
    assertThat(t.get("routing_key").asText()).isEqualTo("R0UTINGKEY0123456789abcdefABCDEF");
    assertThat(t.get("event_action").asText()).isEqualTo("trigger");
    assertThat(t.get("dedup_key").asText())
        .hasSizeLessThanOrEqualTo(255)
        .isEqualTo("VERIFY-eu-west-20261031T230514874Z");
    JsonNode p = t.get("payload");
    assertThat(p.get("summary").asText())
        .hasSizeLessThanOrEqualTo(1024)
        .isEqualTo("VERIFY in eu-west is down (incident VERIFY-eu-west-20261031T230514874Z)");
    assertThat(p.get("source").asText()).isNotBlank();
    assertThat(p.get("severity").asText())
        .isIn("critical", "error", "warning", "info")
        .isEqualTo("critical");
    // timestamp: ISO 8601
    assertThat(OffsetDateTime.parse(p.get("timestamp").asText()).toInstant()).isEqualTo(START);
    assertThat(p.get("custom_details").get("vantages").size()).isEqualTo(2);
    assertThat(t.get("links").get(0).get("href").asText()).isEqualTo(BASE);
    assertThat(t.get("links").get(1).get("href").asText())
        .isEqualTo(BASE + "api/regions/VERIFY/eu-west");

    JsonNode r = render(Format.PAGERDUTY, Notification.of(incident(false)), PD);
    assertThat(r.get("event_action").asText()).isEqualTo("resolve");
    // the same dedup_key closes the same PagerDuty incident
    assertThat(r.get("dedup_key").asText()).isEqualTo(t.get("dedup_key").asText());
    assertThat(r.has("payload")).isFalse();
  }

  @Test
  void alertSeveritiesMapToPagerDutys() throws Exception {
    JsonNode page = render(Format.PAGERDUTY, Notification.of(alert(true)), PD);
    assertThat(page.get("payload").get("severity").asText()).isEqualTo("critical");
    ErrorBudgetAlert ticket = alert(true);
    ticket.setSeverity(AlertSeverity.TICKET);
    assertThat(
            render(Format.PAGERDUTY, Notification.of(ticket), PD)
                .get("payload")
                .get("severity")
                .asText())
        .isEqualTo("warning");
    // alert key and firing time: a new firing of the same rule is a new PagerDuty incident
    assertThat(page.get("dedup_key").asText())
        .isEqualTo("VERIFY:eu-west:PAGE:14.4:PT1H/PT5M@2026-10-31T23:06:00Z");
    assertThat(
            render(Format.PAGERDUTY, Notification.of(alert(false)), PD).get("dedup_key").asText())
        .isEqualTo(page.get("dedup_key").asText());
  }

  static ErrorBudgetAlert noData(boolean silent) {
    return new ErrorBudgetAlert(
        Service.SMS,
        "ap-south",
        AlertSeverity.NO_DATA,
        0.0,
        "PT5M",
        "PT5M",
        Instant.parse("2026-10-31T23:15:00Z"),
        silent ? null : Instant.parse("2026-10-31T23:40:00Z"));
  }

  @Test
  void noDataIsAWarningThatOpensAndClosesOneThingInEachTool() throws Exception {
    Notification started = Notification.of(noData(true));
    Notification ended = Notification.of(noData(false));
    assertThat(started.event()).isEqualTo("nodata.started");
    assertThat(ended.event()).isEqualTo("nodata.ended");
    // PagerDuty: a warning trigger, resolved with the same dedup_key
    JsonNode t = render(Format.PAGERDUTY, started, PD);
    assertThat(t.get("event_action").asText()).isEqualTo("trigger");
    assertThat(t.get("payload").get("severity").asText()).isEqualTo("warning");
    assertThat(t.get("payload").get("summary").asText())
        .isEqualTo("SMS in ap-south: no probe results for PT5M while other regions report");
    assertThat(t.get("dedup_key").asText()).isEqualTo("SMS:ap-south:NO_DATA@2026-10-31T23:15:00Z");
    JsonNode r = render(Format.PAGERDUTY, ended, PD);
    assertThat(r.get("event_action").asText()).isEqualTo("resolve");
    assertThat(r.get("dedup_key").asText()).isEqualTo(t.get("dedup_key").asText());
    // Alertmanager: alertname NinesNoData, firing then resolved, one fingerprint
    JsonNode f = render(Format.ALERTMANAGER, started, AM).get("alerts").get(0);
    JsonNode e = render(Format.ALERTMANAGER, ended, AM).get("alerts").get(0);
    assertThat(f.get("labels").get("alertname").asText()).isEqualTo("NinesNoData");
    assertThat(f.get("status").asText()).isEqualTo("firing");
    assertThat(e.get("status").asText()).isEqualTo("resolved");
    assertThat(OffsetDateTime.parse(e.get("endsAt").asText()).toInstant())
        .isEqualTo(Instant.parse("2026-10-31T23:40:00Z"));
    assertThat(e.get("fingerprint").asText()).isEqualTo(f.get("fingerprint").asText());
  }

  @Test
  void maintenanceIsAPagerDutyChangeEventAnAlertmanagerAlertWhileItRunsAndASlackMessage()
      throws Exception {
    MaintenanceWindow w =
        new MaintenanceWindow(
            Service.VOICE,
            "eu-west",
            Instant.parse("2026-12-10T02:00:00Z"),
            Instant.parse("2026-12-10T03:00:00Z"),
            null,
            MaintenanceCategory.PLANNED);
    Notification announced =
        Notification.maintenance(Notification.Kind.MAINTENANCE_ANNOUNCED, "mw-7", w);
    Notification started =
        Notification.maintenance(Notification.Kind.MAINTENANCE_STARTED, "mw-7", w);
    Notification ended = Notification.maintenance(Notification.Kind.MAINTENANCE_ENDED, "mw-7", w);
    // PagerDuty change events (POST /v2/change/enqueue): routing_key, payload.summary,
    // payload.timestamp, payload.source, custom_details; no event_action: they page nobody
    Format.Rendered r = Format.PAGERDUTY.render(announced, PD, BASE);
    assertThat(r.url()).hasToString("https://events.pagerduty.com/v2/change/enqueue");
    JsonNode c = JSON.readTree(r.body());
    assertThat(c.get("routing_key").asText()).isEqualTo("R0UTINGKEY0123456789abcdefABCDEF");
    assertThat(c.has("event_action")).isFalse();
    assertThat(c.get("payload").get("summary").asText())
        .isEqualTo(
            "Maintenance of VOICE in eu-west scheduled 2026-12-10T02:00:00Z to"
                + " 2026-12-10T03:00:00Z");
    assertThat(OffsetDateTime.parse(c.get("payload").get("timestamp").asText()).toInstant())
        .isEqualTo(w.getStartsAt());
    assertThat(c.get("payload").get("source").asText()).isEqualTo("nines/VOICE/eu-west");
    assertThat(c.get("payload").get("custom_details").get("event").asText())
        .isEqualTo("maintenance.announced");
    // Alertmanager: no announcement; firing while it runs, resolved at its end
    assertThat(Format.ALERTMANAGER.carries(announced.kind())).isFalse();
    JsonNode f = render(Format.ALERTMANAGER, started, AM).get("alerts").get(0);
    JsonNode e = render(Format.ALERTMANAGER, ended, AM).get("alerts").get(0);
    assertThat(f.get("labels").get("alertname").asText()).isEqualTo("NinesMaintenance");
    assertThat(f.get("labels").get("severity").asText()).isEqualTo("info");
    assertThat(f.get("status").asText()).isEqualTo("firing");
    assertThat(e.get("status").asText()).isEqualTo("resolved");
    assertThat(OffsetDateTime.parse(e.get("endsAt").asText()).toInstant()).isEqualTo(w.getEndsAt());
    assertThat(e.get("fingerprint").asText()).isEqualTo(f.get("fingerprint").asText());
    // Slack: a message for each; nines: the window under "maintenance"
    JsonNode slack = render(Format.SLACK, started, PD);
    assertThat(slack.get("blocks").get(0).get("text").get("text").asText())
        .isEqualTo("Maintenance: VOICE in eu-west");
    JsonNode nines =
        JSON.readTree(
            Format.NINES
                .render(
                    ended,
                    new Endpoint("n", URI.create("http://x/"), Format.NINES, "k", Filter.ALL),
                    BASE)
                .body());
    assertThat(nines.get("event").asText()).isEqualTo("maintenance.ended");
    assertThat(nines.get("deliveryId").asText())
        .isEqualTo("maintenance:mw-7:2026-12-10T02:00:00Z/2026-12-10T03:00:00Z:ENDED");
    assertThat(nines.get("maintenance").get("id").asText()).isEqualTo("mw-7");
    // a PagerDuty URL of another shape is used as it is
    assertThat(Format.changeUrl(URI.create("http://proxy/pd"))).hasToString("http://proxy/pd");
  }

  static final Endpoint AM =
      new Endpoint(
          "am", URI.create("http://receiver.example/hook"), Format.ALERTMANAGER, "", Filter.ALL);

  @Test
  void alertmanagerPayloadIsVersion4() throws Exception {
    JsonNode f = render(Format.ALERTMANAGER, Notification.of(alert(true)), AM);
    assertThat(f.get("version").asText()).isEqualTo("4");
    assertThat(f.get("status").asText()).isEqualTo("firing");
    assertThat(f.get("receiver").asText()).isEqualTo("am");
    assertThat(f.get("groupKey").asText()).isNotBlank();
    assertThat(f.get("externalURL").asText()).isEqualTo(BASE);
    assertThat(f.get("truncatedAlerts").asInt()).isZero();
    for (String m : List.of("groupLabels", "commonLabels", "commonAnnotations")) {
      assertThat(f.get(m).isObject()).as(m).isTrue();
    }
    assertThat(f.get("alerts").size()).isEqualTo(1);
    JsonNode a = f.get("alerts").get(0);
    assertThat(a.get("status").asText()).isEqualTo("firing");
    assertThat(a.get("labels").get("alertname").asText()).isEqualTo("NinesErrorBudgetBurn");
    assertThat(a.get("labels").get("severity").asText()).isEqualTo("critical");
    assertThat(a.get("annotations").get("summary").asText())
        .isEqualTo(
            "VERIFY in eu-west burns its error budget: PAGE burn rate > 14.4x over PT1H and PT5M");
    // RFC 3339; a firing alert's endsAt is Go's zero time, as Alertmanager writes it
    assertThat(OffsetDateTime.parse(a.get("startsAt").asText()).toInstant())
        .isEqualTo(Instant.parse("2026-10-31T23:06:00Z"));
    assertThat(a.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(a.get("generatorURL").asText()).startsWith(BASE);
    assertThat(a.get("fingerprint").asText()).matches("[0-9a-f]{16}");

    JsonNode r = render(Format.ALERTMANAGER, Notification.of(alert(false)), AM);
    JsonNode ra = r.get("alerts").get(0);
    assertThat(r.get("status").asText()).isEqualTo("resolved");
    assertThat(OffsetDateTime.parse(ra.get("endsAt").asText()).toInstant())
        .isEqualTo(Instant.parse("2026-10-31T23:15:00Z"));
    // the same alert: same labels, fingerprint and group
    assertThat(ra.get("fingerprint").asText()).isEqualTo(a.get("fingerprint").asText());
    assertThat(r.get("groupKey").asText()).isEqualTo(f.get("groupKey").asText());
  }

  @Test
  void slackMessageHasFallbackTextAndBlocksWithinSlacksLimits() throws Exception {
    Endpoint slack =
        new Endpoint(
            "chat",
            URI.create("https://hooks.slack.com/services/T/B/X"),
            Format.SLACK,
            "",
            Filter.ALL);
    JsonNode m = render(Format.SLACK, Notification.of(incident(true)), slack);
    assertThat(m.get("text").asText()).contains("VERIFY in eu-west is down");
    JsonNode blocks = m.get("blocks");
    assertThat(blocks.size()).isBetween(1, 50);
    Set<String> types = Set.of("header", "section", "context", "divider", "actions");
    for (JsonNode b : blocks) {
      assertThat(b.get("type").asText()).isIn(types);
    }
    assertThat(blocks.get(0).get("text").get("type").asText()).isEqualTo("plain_text");
    assertThat(blocks.get(0).get("text").get("text").asText())
        .hasSizeLessThanOrEqualTo(150)
        .isEqualTo("Critical: VERIFY in eu-west");
    assertThat(blocks.get(1).get("text").get("type").asText()).isEqualTo("mrkdwn");
    assertThat(blocks.get(1).get("text").get("text").asText()).hasSizeLessThanOrEqualTo(3000);
  }

  @Test
  void ninesFormatIsSignedAndKeepsItsDeliveryId() throws Exception {
    Endpoint nines =
        new Endpoint("own", URI.create("http://x/"), Format.NINES, "s3cret", Filter.ALL);
    Format.Rendered r = Format.NINES.render(Notification.of(incident(true)), nines, BASE);
    JsonNode b = JSON.readTree(r.body());
    assertThat(b.get("event").asText()).isEqualTo("incident.opened");
    assertThat(b.get("deliveryId").asText()).isEqualTo("VERIFY-eu-west-20261031T230514874Z:OPEN");
    assertThat(b.get("incident").get("incidentId").asText())
        .isEqualTo("VERIFY-eu-west-20261031T230514874Z");
    String ts = r.headers().get(WebhookSigner.TIMESTAMP_HEADER);
    assertThat(r.headers().get(WebhookSigner.SIGNATURE_HEADER))
        .isEqualTo(WebhookSigner.sign("s3cret".getBytes(), ts, r.body()));
    Format.Rendered a = Format.NINES.render(Notification.of(alert(true)), nines, BASE);
    assertThat(JSON.readTree(a.body()).get("event").asText()).isEqualTo("alert.fired");
    assertThat(JSON.readTree(a.body()).get("alert").get("burnRate").asDouble()).isEqualTo(14.4);
  }

  @Test
  void filtersPickByServiceRegionKindAndSeverity() {
    Notification down = Notification.of(incident(true));
    Notification ticket;
    ErrorBudgetAlert t = alert(true);
    t.setSeverity(AlertSeverity.TICKET);
    ticket = Notification.of(t);
    assertThat(Filter.ALL.accepts(down)).isTrue();
    Filter smsOnly = new Filter(Set.of("SMS"), Set.of(), Set.of(), Notification.Severity.INFO);
    assertThat(smsOnly.accepts(down)).isFalse();
    Filter critical =
        new Filter(Set.of(), Set.of("eu-west"), Set.of(), Notification.Severity.CRITICAL);
    assertThat(critical.accepts(down)).isTrue();
    assertThat(critical.accepts(ticket)).isFalse();
    Filter incidents =
        new Filter(
            Set.of(),
            Set.of(),
            Set.of(Notification.Kind.INCIDENT_OPENED, Notification.Kind.INCIDENT_RESOLVED),
            Notification.Severity.INFO);
    assertThat(incidents.accepts(ticket)).isFalse();
    assertThat(incidents.accepts(Notification.of(incident(false)))).isTrue();
  }
}
