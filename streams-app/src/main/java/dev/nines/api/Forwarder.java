package dev.nines.api;

import dev.nines.config.NinesConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance of the app (found in the streams metadata) the same question over HTTP.
 * A forwarded request carries {@value #HEADER}, and an instance never forwards such a request
 * again: if the key moved in between, the caller gets 503 and retries, instead of a loop.
 */
final class Forwarder {
  static final String HEADER = "X-Nines-Forwarded-By";

  private final HttpClient client;
  private final Duration timeout;
  private final String self;
  private final NinesConfig.Secret token;

  Forwarder(Duration timeout, String self, NinesConfig.Secret token) {
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.timeout = timeout;
    this.self = self;
    this.token = token;
  }

  ApiServer.Reply get(HostInfo target, String pathAndQuery) {
    String url = "http://" + target.host() + ":" + target.port() + pathAndQuery;
    // every instance of one app has the same token
    HttpRequest req =
        ApiServer.withToken(
                HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header(HEADER, self),
                token)
            .GET()
            .build();
    try {
      HttpResponse<String> res = client.send(req, HttpResponse.BodyHandlers.ofString());
      return new ApiServer.Reply(
          res.statusCode(),
          res.headers().firstValue("Content-Type").orElse(ApiServer.JSON),
          res.body(),
          res.headers()
              .firstValue(ApiServer.SERVED_BY)
              .orElse(target.host() + ":" + target.port()));
    } catch (IOException e) {
      return ApiServer.Reply.error(
          502,
          "instance "
              + target.host()
              + ":"
              + target.port()
              + " that holds this key did not answer: "
              + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ApiServer.Reply.error(503, "interrupted while forwarding");
    }
  }
}
