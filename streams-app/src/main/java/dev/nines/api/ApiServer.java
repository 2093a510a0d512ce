package dev.nines.api;

import dev.nines.app.NinesApp;
import dev.nines.config.NinesConfig;
import dev.nines.ingest.stream.DeadLetters;
import dev.nines.platform.Faults;
import dev.nines.uptime.stream.UptimeTopology;
import dev.nines.views.Json;
import dev.nines.views.Model;
import dev.nines.views.OutputCounters;
import dev.nines.views.Views;
import dev.nines.webhooks.WebhookDispatcher;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the app (Jetty 12, core handlers): the status page, the Atom feed, the JSON
 * API over the pipeline's own state, /metrics, /health and /ready.
 *
 * <p>The server binds before Kafka Streams starts, because the port it got is what the app
 * advertises as {@code application.server} (so that other instances can forward to it); until
 * {@link #attach} the state endpoints answer 503. A question about one key is answered by the
 * instance whose active task holds it: any other instance forwards the request there once.
 *
 * <p>With {@code api.token} set, {@code /api/...}, {@code /internal/...} and {@code /metrics}
 * answer 401 unless the request says {@code Authorization: Bearer <token>}; the status page, the
 * feed, {@code /health} and {@code /ready} stay public (a status page is meant to be, and probes
 * of an orchestrator carry no token). Instances forward with the same token.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  static final String JSON = "application/json; charset=utf-8";
  static final String SERVED_BY = "X-Nines-Served-By";

  /** One answer: status, content type, body, and the instance that produced it. */
  public record Reply(int status, String contentType, String body, String servedBy) {
    static Reply error(int status, String message) {
      return new Reply(status, JSON, Json.write(Map.of("error", message)), null);
    }
  }

  private final NinesConfig config;
  private final Server server;
  private final ServerConnector connector;
  private final ApiMetrics metrics = new ApiMetrics();
  private volatile StateAccess state;
  private volatile Forwarder forwarder;

  private ApiServer(NinesConfig config) {
    this.config = config;
    QueuedThreadPool threads = new QueuedThreadPool(32, 4);
    threads.setName("nines-api");
    threads.setDaemon(true);
    this.server = new Server(threads);
    this.connector = new ServerConnector(server);
    connector.setHost(config.api().host());
    connector.setPort(config.api().port());
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            Reply reply = answer(request);
            if (reply.status() == 401) {
              response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"nines\"");
            }
            response.setStatus(reply.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response
                .getHeaders()
                .put(SERVED_BY, reply.servedBy() != null ? reply.servedBy() : self());
            Content.Sink.write(response, true, reply.body(), callback);
            return true;
          }
        });
    server.setStopTimeout(2_000);
  }

  /** Binds and starts the server (port 0: any free port). */
  public static ApiServer start(NinesConfig config) {
    ApiServer s = new ApiServer(config);
    try {
      s.server.start();
    } catch (Exception e) {
      s.close();
      throw new IllegalStateException(
          "cannot serve the API on "
              + config.api().host()
              + ":"
              + config.api().port()
              + " ("
              + e.getMessage()
              + "): free the port or set api.port");
    }
    log.info("API and status page on {}", s.url());
    return s;
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** What other instances use to reach this one: Kafka Streams' application.server. */
  public String advertised() {
    return config.api().advertisedHost() + ":" + port();
  }

  public String url() {
    String host = config.api().host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = config.api().advertisedHost();
    }
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
  }

  private String self() {
    return advertised();
  }

  /** Connects the server to the running app; state endpoints answer from now on. */
  public void attach(KafkaStreams streams, DeadLetters deadLetters, OutputCounters counters) {
    HostInfo self = new HostInfo(config.api().advertisedHost(), port());
    this.forwarder =
        new Forwarder(config.api().forwardTimeout(), advertised(), config.api().token());
    this.state = new StateAccess(streams, self, config.api().weightsHistory());
    metrics.attach(streams, deadLetters, counters);
  }

  /** {@link #attach(KafkaStreams, DeadLetters, OutputCounters)} for a started app. */
  public void attach(NinesApp app) {
    this.faults = app.faults();
    metrics.attach(app.faults());
    attach(app.streams(), app.deadLetters(), app.outputCounters());
  }

  /** Shows the webhook dispatcher's state on /ready and its counts on /metrics. */
  public void attach(WebhookDispatcher dispatcher) {
    this.webhooks = dispatcher;
    metrics.attach(dispatcher);
  }

  /** The Streams property that advertises this server to the other instances. */
  public Map<String, Object> streamsProperties() {
    return Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised());
  }

  Reply answer(Request request) {
    String path = Request.getPathInContext(request);
    String query = request.getHttpURI().getQuery();
    String pathAndQuery = path + (query == null ? "" : "?" + query);
    boolean forwarded = request.getHeaders().get(Forwarder.HEADER) != null;
    if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
      return Reply.error(405, "only GET is served");
    }
    if (needsToken(path) && !tokenGiven(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
      return Reply.error(
          401, "this path needs the API token: send 'Authorization: Bearer " + "<api.token>'");
    }
    return guarded(pathAndQuery, self(), () -> route(path, pathAndQuery, forwarded));
  }

  /**
   * The answer of {@code route}, or the error a caller may see: 503 while state is not
   * available, else a 500 that names only the instance whose log has the details (an
   * exception's text can show internals to any caller).
   */
  static Reply guarded(String pathAndQuery, String self, Supplier<Reply> route) {
    try {
      return route.get();
    } catch (StateAccess.NotAvailable e) {
      return Reply.error(503, e.getMessage() + "; retry shortly");
    } catch (RuntimeException e) {
      log.warn("API request {} failed", pathAndQuery, e);
      return Reply.error(500, "internal error; the log of " + self + " has the details");
    }
  }

  /**
   * Every path the server answers, in one table: what the OpenAPI document describes (a test
   * keeps the two equal). {@code {name}} matches one path segment.
   */
  private final List<Route> routes =
      List.of(
          new Route(
              "/",
              (v, pq, fw) ->
                  new Reply(200, "text/html; charset=utf-8", StatusPage.render(status()), null)),
          new Route("/health", (v, pq, fw) -> ok(Map.of("status", "UP"))),
          new Route("/ready", (v, pq, fw) -> ready()),
          new Route(
              "/metrics",
              (v, pq, fw) ->
                  new Reply(
                      200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape(), null)),
          new Route("/feed.atom", (v, pq, fw) -> feed(pq)),
          new Route("/openapi.yaml", (v, pq, fw) -> Interfaces.openApi()),
          new Route("/asyncapi.yaml", (v, pq, fw) -> Interfaces.asyncApi()),
          new Route("/schemas/{file}", (v, pq, fw) -> Interfaces.schema(v.get("file"))),
          new Route("/internal/local", (v, pq, fw) -> ok(state().local())),
          new Route(
              "/internal/status",
              (v, pq, fw) ->
                  new Reply(
                      200, "text/html; charset=utf-8", StatusPage.renderInternal(status()), null)),
          new Route("/api/status", (v, pq, fw) -> ok(status())),
          new Route(
              "/api/routes",
              (v, pq, fw) ->
                  ok(status().routes().stream().map(Model.RouteHistory::current).toList())),
          new Route(
              "/api/incidents",
              (v, pq, fw) -> {
                Model.Status s = status();
                return ok(Map.of("open", s.open(), "recentResolved", s.recentResolved()));
              }),
          new Route(
              "/api/routes/{route}",
              (v, pq, fw) -> {
                String route = v.get("route");
                return keyed(
                    Views.ROUTE_WEIGHTS_STORE,
                    route,
                    pq,
                    fw,
                    part -> state().weights(route, part).map(Model.Route::of).orElse(null));
              }),
          new Route(
              "/api/routes/{route}/history",
              (v, pq, fw) -> {
                String route = v.get("route");
                return keyed(
                    Views.ROUTE_WEIGHTS_STORE,
                    route,
                    pq,
                    fw,
                    part ->
                        state()
                            .weights(route, part)
                            .map(
                                w ->
                                    new Model.RouteHistory(
                                        Model.Route.of(w),
                                        state().history(route, w.getEffectiveAt(), part).stream()
                                            .map(Model.Route::of)
                                            .toList()))
                            .orElse(null));
              }),
          new Route(
              "/api/routes/{route}/carriers/{carrier}",
              (v, pq, fw) -> {
                String route = v.get("route");
                String carrier = v.get("carrier");
                return keyed(
                    Views.ROUTE_WEIGHTS_STORE,
                    route,
                    pq,
                    fw,
                    part ->
                        state()
                            .weights(route, part)
                            .flatMap(
                                w ->
                                    w.getCarriers().stream()
                                        .filter(c -> c.getCarrierId().equals(carrier))
                                        .findFirst()
                                        .map(
                                            c ->
                                                new Model.CarrierHealth(
                                                    route,
                                                    carrier,
                                                    w.getEffectiveAt(),
                                                    w.getVersion(),
                                                    w.getMode().name(),
                                                    Model.Carrier.of(c),
                                                    state()
                                                        .history(route, w.getEffectiveAt(), part)
                                                        .stream()
                                                        .flatMap(
                                                            h ->
                                                                h.getCarriers().stream()
                                                                    .filter(
                                                                        x ->
                                                                            x.getCarrierId()
                                                                                .equals(carrier))
                                                                    .map(
                                                                        x ->
                                                                            new Model.CarrierPoint(
                                                                                h.getEffectiveAt(),
                                                                                h.getVersion(),
                                                                                x.getWeight(),
                                                                                x.getState()
                                                                                    .name())))
                                                        .toList())))
                            .orElse(null));
              }),
          new Route(
              "/api/ledger/{service}/{region}/{month}",
              (v, pq, fw) -> {
                String key =
                    v.get("service").toUpperCase(Locale.ROOT)
                        + ":"
                        + v.get("region")
                        + ":"
                        + v.get("month");
                return keyed(
                    Views.LEDGER_STORE,
                    key,
                    pq,
                    fw,
                    part -> state().ledger(key, part).map(Model.Ledger::of).orElse(null));
              }),
          new Route(
              "/api/regions/{service}/{region}",
              (v, pq, fw) -> {
                String key = v.get("service").toUpperCase(Locale.ROOT) + ":" + v.get("region");
                return keyed(
                    Views.REGION_STORE,
                    key,
                    pq,
                    fw,
                    part ->
                        state().region(key, part).map(h -> Model.Region.of(h, null)).orElse(null));
              }),
          new Route("/api/credits/{account}", (v, pq, fw) -> perService(CREDITS, v.get("account"))),
          new Route(
              "/api/credits/{account}/{service}",
              (v, pq, fw) -> oneService(CREDITS, v.get("account"), v.get("service"), pq, fw)),
          new Route(
              "/api/statements/{account}", (v, pq, fw) -> perService(STATEMENTS, v.get("account"))),
          new Route(
              "/api/statements/{account}/{service}",
              (v, pq, fw) -> oneService(STATEMENTS, v.get("account"), v.get("service"), pq, fw)));

  /** The path templates this server answers, as the OpenAPI document must list them. */
  public List<String> paths() {
    return routes.stream().map(Route::template).toList();
  }

  private Reply route(String path, String pathAndQuery, boolean forwarded) {
    List<String> p = segments(path);
    for (Route r : routes) {
      var vars = r.match(p);
      if (vars.isPresent()) {
        return r.handler().answer(vars.get(), pathAndQuery, forwarded);
      }
    }
    return Reply.error(
        404,
        "no such " + (!p.isEmpty() && p.get(0).equals("api") ? "API path" : "page") + ": " + path);
  }

  /**
   * An account's records of one kind, kept per service ({@code /api/<path>/<account>[/<SERVICE>]}).
   *
   * @param local the records of a service and account held on a partition
   */
  private record PerAccount<T>(
      String path, String store, Class<T[]> type, StateFunction<T> local, Comparator<T> order) {}

  private interface StateFunction<T> {
    List<T> apply(StateAccess state, String service, String account, int partition);
  }

  private static final PerAccount<Model.Credit> CREDITS =
      new PerAccount<>(
          "credits",
          Views.CREDIT_STORE,
          Model.Credit[].class,
          (s, service, account, part) ->
              s.credits(service, account, part).stream().map(Model.Credit::of).toList(),
          Comparator.comparing(Model.Credit::month)
              .thenComparing(Model.Credit::service)
              .thenComparing(Model.Credit::creditId));

  private static final PerAccount<Model.Statement> STATEMENTS =
      new PerAccount<>(
          "statements",
          Views.STATEMENT_STORE,
          Model.Statement[].class,
          (s, service, account, part) ->
              s.statements(service, account, part).stream().map(Model.Statement::of).toList(),
          Comparator.comparing(Model.Statement::month).thenComparing(Model.Statement::service));

  /** One service's records of an account, from the instance holding that service. */
  private <T> Reply oneService(
      PerAccount<T> what, String account, String serviceText, String pq, boolean forwarded) {
    String service = serviceText.toUpperCase(Locale.ROOT);
    return keyed(
        what.store(),
        service + ":" + account,
        pq,
        forwarded,
        part -> what.local().apply(state(), service, account, part));
  }

  /** An account's records over every service, each service's part from its instance. */
  private <T> Reply perService(PerAccount<T> what, String account) {
    List<T> all = new ArrayList<>();
    List<String> servedBy = new ArrayList<>();
    for (var service : UptimeTopology.SERVICES) {
      String path = "/api/" + what.path() + "/" + enc(account) + "/" + service.name();
      Reply r = oneService(what, account, service.name(), path, false);
      if (r.status() != 200) {
        return r;
      }
      all.addAll(Arrays.asList(Json.read(r.body(), what.type())));
      servedBy.add(service.name() + "=" + (r.servedBy() == null ? self() : r.servedBy()));
    }
    all.sort(what.order());
    Map<String, Object> body = new TreeMap<>();
    body.put("accountId", account);
    body.put(what.path(), all);
    return new Reply(200, JSON, Json.write(body), String.join(",", servedBy));
  }

  /** Answers here when this instance's active task holds the key, else forwards once. */
  private Reply keyed(
      String store, String key, String pathAndQuery, boolean forwarded, IntFunction<Object> local) {
    StateAccess s = state();
    KeyQueryMetadata m = s.locate(store, key);
    if (m.activeHost().equals(s.self())) {
      Object v = local.apply(m.partition());
      return v == null ? Reply.error(404, "no " + store + " entry for '" + key + "'") : ok(v);
    }
    if (forwarded) {
      return Reply.error(503, "'" + key + "' is held by " + m.activeHost() + " by now; retry");
    }
    return forwarder.get(m.activeHost(), pathAndQuery);
  }

  /** The status of every route and region, gathered from every instance. */
  Model.Status status() {
    StateAccess s = state();
    List<Model.Local> locals = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (HostInfo h : s.instances()) {
      if (h.equals(s.self())) {
        locals.add(s.local());
        continue;
      }
      Reply r = forwarder.get(h, "/internal/local");
      if (r.status() == 200) {
        locals.add(Json.read(r.body(), Model.Local.class));
      } else {
        missing.add(h.host() + ":" + h.port());
      }
    }
    return StatusBuilder.build(
        locals,
        missing,
        config.api().historyDays(),
        config.api().recentResolved(),
        config.uptime().targetPercent().toPlainString());
  }

  /** Stream-thread failures of the attached app, or null before it is attached. */
  private volatile Faults faults;

  /** The webhook dispatcher of this instance, or null when webhooks are off. */
  private volatile WebhookDispatcher webhooks;

  private Reply ready() {
    StateAccess s = state;
    if (s == null) {
      return new Reply(503, JSON, Json.write(Map.of("ready", false, "state", "STARTING")), null);
    }
    KafkaStreams.State st = s.streams().state();
    List<String> threads = new ArrayList<>();
    boolean allRunning = st == KafkaStreams.State.RUNNING;
    for (ThreadMetadata t : s.streams().metadataForLocalThreads()) {
      threads.add(t.threadName() + "=" + t.threadState());
      allRunning &= "RUNNING".equals(t.threadState());
    }
    Map<String, Object> body = new TreeMap<>();
    // a stream thread that failed within the last minute (the schema registry down, an
    // internal error): the app is up but not doing its work
    var fault = faults == null ? Optional.<Faults.Failure>empty() : faults.recent();
    fault.ifPresent(
        f ->
            body.put(
                "fault",
                Map.of(
                    "cause",
                    f.cause(),
                    "message",
                    f.message(),
                    "at",
                    f.at().toString(),
                    "inARow",
                    f.inARow())));
    boolean ready = allRunning && fault.isEmpty();
    var dispatcher = webhooks;
    if (dispatcher != null) {
      var w = dispatcher.status();
      Map<String, Object> wb = new TreeMap<>();
      wb.put("running", w.running());
      wb.put("delivered", w.delivered());
      wb.put("gaveUp", w.gaveUp());
      wb.put("errors", w.errors());
      if (w.lastError() != null) {
        wb.put("lastError", w.lastError());
        wb.put("lastErrorAt", w.lastErrorAt().toString());
      }
      body.put("webhooks", wb);
      ready &= w.healthy(Instant.now());
    }
    body.put("ready", ready);
    body.put("state", st.name());
    body.put("threads", threads);
    return new Reply(ready ? 200 : 503, JSON, Json.write(body), null);
  }

  /** Adds the API token to a request to a nines API (instances forwarding, `nines status`). */
  public static HttpRequest.Builder withToken(
      HttpRequest.Builder request, NinesConfig.Secret token) {
    return token.isEmpty() ? request : request.header("Authorization", "Bearer " + token.value());
  }

  /** Whether {@code path} is behind the API token (when one is configured). */
  boolean needsToken(String path) {
    if (config.api().token().isEmpty()) {
      return false;
    }
    List<String> p = segments(path);
    return !p.isEmpty() && Set.of("api", "internal", "metrics").contains(p.get(0));
  }

  private boolean tokenGiven(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    // constant time: how long a wrong guess takes says nothing about the token
    return MessageDigest.isEqual(
        authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8),
        config.api().token().value().getBytes(StandardCharsets.UTF_8));
  }

  private StateAccess state() {
    StateAccess s = state;
    if (s == null) {
      throw new StateAccess.NotAvailable("the streams app is not started yet");
    }
    return s;
  }

  /** The feed, whole or scoped by {@code ?service=SMS&region=eu-west}. */
  private Reply feed(String pathAndQuery) {
    Map<String, String> q = query(pathAndQuery);
    String service = q.get("service");
    if (service != null && !List.of("SMS", "VOICE", "VERIFY").contains(service)) {
      return Reply.error(
          400, "service '" + service + "': expected SMS, VOICE or VERIFY (or no service)");
    }
    String region = q.get("region");
    if (region != null && region.isBlank()) {
      return Reply.error(400, "region is empty: expected a region, e.g. eu-west (or no region)");
    }
    return new Reply(
        200,
        "application/atom+xml; charset=utf-8",
        AtomFeed.render(status(), url(), new AtomFeed.Scope(service, region)),
        null);
  }

  /** The query's parameters, decoded; the last of a repeated one wins. */
  static Map<String, String> query(String pathAndQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    int q = pathAndQuery.indexOf('?');
    if (q < 0) {
      return out;
    }
    for (String pair : pathAndQuery.substring(q + 1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static Reply ok(Object body) {
    return new Reply(200, JSON, Json.write(body), null);
  }

  static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("API server did not stop cleanly: {}", e.toString());
    }
    metrics.close();
  }
}
