package dev.nines.webhooks;

import java.net.URI;
import java.util.Objects;

/**
 * One receiver of notifications.
 *
 * @param name its name in the configuration (webhooks.endpoint.NAME.*): logs and metrics use it,
 *     never the URL, which may hold a token
 * @param url where to POST
 * @param format how to write the body
 * @param secret nines: the signing key; pagerduty: the integration's routing key; otherwise
 *     unused (Slack's and Alertmanager receivers' URLs carry their own token)
 * @param filter which notifications it wants
 */
public record Endpoint(String name, URI url, Format format, String secret, Filter filter) {
  public Endpoint {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(format, "format");
    secret = secret == null ? "" : secret;
    filter = filter == null ? Filter.ALL : filter;
  }

  @Override
  public String toString() {
    // the URL and secret may hold tokens
    return "Endpoint[" + name + ", " + format.configName() + "]";
  }
}
