package dev.nines.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.PortCheck;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #8: with {@code api.token} set, the JSON API, /internal and /metrics need {@code
 * Authorization: Bearer <token>}; the status page, the feed, /health and /ready stay public. A
 * real Jetty server on a free port, before any Kafka Streams is attached: what passes the token
 * check answers 503 ("not started yet") or 200, what does not answers 401.
 */
class ApiTokenTest {
  static final String TOKEN = "t0k-ABC_123";
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  ApiServer server;

  ApiServer start(Map<String, String> env) {
    NinesConfig config =
        ConfigLoader.load(
            Optional.empty(), env, Map.of("api.port", Integer.toString(PortCheck.freePort())));
    server = ApiServer.start(config);
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withATokenTheApiNeedsItAndThePublicPagesDoNot() throws Exception {
    start(Map.of("NINES_API_TOKEN", TOKEN));
    for (String path :
        new String[] {
          "api/status", "api/routes/US:SMS", "internal/local", "internal/status", "metrics"
        }) {
      HttpResponse<String> none = get(path, null);
      assertThat(none.statusCode()).as(path + " without a token").isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .as(path)
          .contains("Bearer realm=\"nines\"");
      assertThat(none.body()).contains("needs the API token").doesNotContain(TOKEN);
      assertThat(get(path, "Bearer wrong").statusCode()).as(path + " wrong token").isEqualTo(401);
      assertThat(get(path, "Bearer " + TOKEN + "x").statusCode())
          .as(path + " longer token")
          .isEqualTo(401);
      assertThat(get(path, "Basic " + TOKEN).statusCode())
          .as(path + " not a bearer")
          .isEqualTo(401);
      assertThat(get(path, "Bearer " + TOKEN).statusCode())
          .as(path + " with the token")
          .isIn(200, 503);
      assertThat(get(path, "bearer " + TOKEN).statusCode())
          .as(path + " scheme any case")
          .isIn(200, 503);
    }
    assertThat(get("metrics", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    // public: the status page and feed (503 until the app is attached, but not 401), health
    for (String path : new String[] {"", "feed.atom", "health", "ready"}) {
      assertThat(get(path, null).statusCode()).as(path + " is public").isNotEqualTo(401);
    }
    assertThat(get("health", null).statusCode()).isEqualTo(200);
  }

  @Test
  void withoutATokenEverythingIsOpen() throws Exception {
    start(Map.of());
    assertThat(get("metrics", null).statusCode()).isEqualTo(200);
    assertThat(get("api/status", null).statusCode()).isEqualTo(503);
  }
}
