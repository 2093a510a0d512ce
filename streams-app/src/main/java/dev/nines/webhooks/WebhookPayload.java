package dev.nines.webhooks;

import dev.nines.schema.Incident;
import dev.nines.views.Json;
import dev.nines.views.Model;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON body of a webhook: {@code {"event": "incident.opened" | "incident.resolved",
 * "deliveryId": "<incidentId>:<OPEN|RESOLVED>", "incident": {...contract fields...}}}. The
 * delivery id is the same on every retry and redelivery, so receivers de-duplicate on it. Pure.
 */
public final class WebhookPayload {
  private WebhookPayload() {}

  public static String event(Incident i) {
    return i.getResolvedAt() == null ? "incident.opened" : "incident.resolved";
  }

  public static String deliveryId(Incident i) {
    return i.getIncidentId() + ":" + (i.getResolvedAt() == null ? "OPEN" : "RESOLVED");
  }

  public static String json(Incident i) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event", event(i));
    body.put("deliveryId", deliveryId(i));
    body.put("incident", Model.IncidentView.of(i));
    return Json.write(body);
  }
}
