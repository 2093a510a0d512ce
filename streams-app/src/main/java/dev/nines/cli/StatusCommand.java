package dev.nines.cli;

import dev.nines.api.ApiServer;
import dev.nines.config.NinesConfig;
import dev.nines.views.Json;
import dev.nines.views.Model;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A compact live table of routes, open incidents and month-to-date availability, from the API. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Print routes and weights, open incidents and month-to-date availability, "
          + "from a running app's API (./nines run in another terminal)."
    })
final class StatusCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "The app's API (default: http://<api.host>:<api.port>/ from the config).")
  String url;

  @Option(names = "--watch", description = "Redraw every --interval until Ctrl-C.")
  boolean watch;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "PT5S",
      description = "Redraw interval with --watch (ISO-8601, default PT5S).")
  Duration interval;

  @Override
  public Integer call() throws InterruptedException {
    NinesConfig config = options.load(Map.of());
    String base =
        url != null
            ? url
            : "http://"
                + (config.api().host().equals("0.0.0.0") ? "127.0.0.1" : config.api().host())
                + ":"
                + config.api().port()
                + "/";
    if (!base.endsWith("/")) {
      base += "/";
    }
    PrintWriter out = spec.commandLine().getOut();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    do {
      String text = fetch(http, base, config.api().token());
      if (watch) {
        out.print("\033[H\033[2J");
      }
      out.print(text);
      out.flush();
      if (watch) {
        Thread.sleep(interval.toMillis());
      }
    } while (watch);
    return 0;
  }

  private static String fetch(HttpClient http, String base, NinesConfig.Secret token)
      throws InterruptedException {
    try {
      HttpRequest req =
          ApiServer.withToken(
                  HttpRequest.newBuilder(URI.create(base + "api/status"))
                      .timeout(Duration.ofSeconds(30)),
                  token)
              .GET()
              .build();
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new Main.UserError(
            "the API at " + base + " answered " + r.statusCode() + ": " + r.body());
      }
      return StatusTable.render(Json.read(r.body(), Model.Status.class));
    } catch (IOException e) {
      throw new Main.UserError(
          "no nines API at "
              + base
              + " ("
              + e.getClass().getSimpleName()
              + "): start ./nines run, or give --url");
    }
  }
}
