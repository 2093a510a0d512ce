package dev.nines.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookEndpointsConfigTest {

  @Test
  void endpointsComeFromTheFileAndTheEnvironmentWithSecretsHidden(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("nines.properties");
    Files.writeString(
        file,
        """
        webhooks.endpoint.pager.format=pagerduty
        webhooks.endpoint.pager.url=https://events.pagerduty.com/v2/enqueue
        webhooks.endpoint.pager.min.severity=critical
        webhooks.endpoint.chat.format=slack
        webhooks.endpoint.chat.services=SMS, VERIFY
        webhooks.endpoint.chat.regions=eu-west
        webhooks.endpoint.chat.events=incident.opened,incident.resolved
        """);
    Path key = dir.resolve("pd-key");
    Files.writeString(key, "ROUTINGKEY\n");
    Map<String, String> env =
        Map.of(
            "NINES_WEBHOOKS_ENDPOINT_PAGER_SECRET_FILE",
            key.toString(),
            "NINES_WEBHOOKS_ENDPOINT_CHAT_URL",
            "https://hooks.slack.com/services/T/B/xoxSECRET");
    NinesConfig c = ConfigLoader.load(Optional.of(file), env, Map.of());
    List<NinesConfig.WebhookEndpoint> e = c.webhooks().endpoints();
    assertThat(e).extracting(NinesConfig.WebhookEndpoint::name).containsExactly("chat", "pager");
    NinesConfig.WebhookEndpoint chat = e.get(0);
    assertThat(chat.format()).isEqualTo("slack");
    assertThat(chat.url()).isEqualTo(URI.create("https://hooks.slack.com/services/T/B/xoxSECRET"));
    assertThat(chat.services()).isEqualTo(Set.of("SMS", "VERIFY"));
    assertThat(chat.regions()).isEqualTo(Set.of("eu-west"));
    assertThat(chat.events()).isEqualTo(Set.of("incident.opened", "incident.resolved"));
    assertThat(chat.minSeverity()).isEqualTo("info");
    NinesConfig.WebhookEndpoint pager = e.get(1);
    assertThat(pager.secret().value()).isEqualTo("ROUTINGKEY");
    assertThat(pager.minSeverity()).isEqualTo("critical");
    assertThat(c.toString()).doesNotContain("ROUTINGKEY", "xoxSECRET");
    // what ./nines config prints
    var shown = ConfigLoader.effective(Optional.of(file), env, Optional.empty(), Map.of());
    assertThat(shown)
        .filteredOn(x -> x.key().equals("webhooks.endpoint.pager.secret"))
        .singleElement()
        .satisfies(x -> assertThat(x.shownValue()).isEqualTo(Secrets.HIDDEN));
    assertThat(shown)
        .filteredOn(x -> x.key().equals("webhooks.endpoint.chat.url"))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.shownValue()).isEqualTo(Secrets.HIDDEN);
              assertThat(x.source()).isEqualTo("environment NINES_WEBHOOKS_ENDPOINT_CHAT_URL");
            });
  }

  static String error(Map<String, String> env, Map<String, String> flags) {
    try {
      ConfigLoader.load(Optional.empty(), env, flags);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void eachMistakeIsOneLine() {
    assertThat(error(Map.of(), Map.of("webhooks.endpoint.x.colour", "red")))
        .isEqualTo(
            "config 'webhooks.endpoint.x.colour' (flag): expected webhooks.endpoint.<name>.<field>,"
                + " the name of lower-case letters, digits and dashes, the field one of url, format,"
                + " secret, services, regions, events, min.severity");
    assertThat(error(Map.of(), Map.of("webhooks.endpoint.x.format", "slack")))
        .isEqualTo(
            "config 'webhooks.endpoint.x.url' is missing: endpoint 'x' needs an http(s) URL");
    Map<String, String> url = Map.of("NINES_WEBHOOKS_ENDPOINT_X_URL", "https://h.example/x");
    assertThat(error(url, Map.of("webhooks.endpoint.x.format", "teams")))
        .isEqualTo(
            "config 'webhooks.endpoint.x.format' = 'teams' (flag): expected one of nines,"
                + " pagerduty, alertmanager, slack");
    assertThat(error(url, Map.of("webhooks.endpoint.x.format", "pagerduty")))
        .startsWith(
            "config 'webhooks.endpoint.x.secret' is missing: a pagerduty endpoint needs the"
                + " integration's routing key; give it in the config file, as"
                + " NINES_WEBHOOKS_ENDPOINT_X_SECRET");
    assertThat(
            error(
                url,
                Map.of(
                    "webhooks.endpoint.x.format", "slack", "webhooks.endpoint.x.events", "page")))
        .isEqualTo(
            "config 'webhooks.endpoint.x.events' = 'page' (flag): expected one of incident.opened,"
                + " incident.resolved, alert.fired, alert.resolved, nodata.started, nodata.ended,"
                + " maintenance.announced, maintenance.started, maintenance.ended,"
                + " maintenance.cancelled");
    assertThat(
            error(
                url,
                Map.of(
                    "webhooks.endpoint.x.format",
                    "slack",
                    "webhooks.endpoint.x.min.severity",
                    "high")))
        .isEqualTo(
            "config 'webhooks.endpoint.x.min.severity' = 'high' (flag): expected one of info,"
                + " warning, critical");
    assertThat(error(Map.of("NINES_WEBHOOKS_ENDPOINT_X_URL", "ftp://h/x"), Map.of()))
        .isEqualTo(
            "config 'webhooks.endpoint.x.url' (environment NINES_WEBHOOKS_ENDPOINT_X_URL):"
                + " expected an http:// or https:// URL");
    // secrets never on the command line
    assertThat(error(Map.of(), Map.of("webhooks.endpoint.x.secret", "k")))
        .startsWith(
            "config 'webhooks.endpoint.x.secret' is a secret and is refused on the command");
    assertThat(error(Map.of("NINES_WEBHOOKS_ENDPOINT_X_COLOUR", "red"), Map.of()))
        .startsWith("environment variable NINES_WEBHOOKS_ENDPOINT_X_COLOUR: expected");
  }
}
