package dev.nines.platform.registry;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded HTTP server speaking the Confluent Schema Registry REST API (the subset a Kafka
 * Avro serializer, deserializer and an operator need) over a {@link SchemaRegistry}, so stock
 * Confluent clients in any language can use it. Built on the JDK's own HTTP server to add no
 * runtime dependency.
 *
 * <p>Endpoints: {@code GET /}, {@code GET /schemas/types}, {@code GET /schemas/ids/{id}} (and
 * {@code /schema}, {@code /subjects}, {@code /versions} below it), {@code GET /subjects},
 * {@code POST|DELETE /subjects/{subject}}, {@code GET|POST /subjects/{subject}/versions},
 * {@code GET|DELETE /subjects/{subject}/versions/{version}} (and {@code /schema} below it),
 * {@code POST /compatibility/subjects/{subject}/versions[/{version}]},
 * {@code GET|PUT|DELETE /config} and {@code GET|PUT|DELETE /config/{subject}}.
 *
 * <p>Responses are {@code application/vnd.schemaregistry.v1+json}. Request bodies may be sent as
 * {@code application/vnd.schemaregistry.v1+json}, {@code application/vnd.schemaregistry+json},
 * {@code application/json}, {@code application/octet-stream} (what JAX-RS assumes when a client
 * sends none, so Confluent accepts it too) or with no content type; any other gets 415. Every
 * error body is exactly {@code {"error_code": int, "message": string}}.
 *
 * <p>Error answers, and how they follow Confluent (its registry code and its rest-utils
 * exception mappers):
 * <ul>
 *   <li>A body that is not JSON: 400, {@code error_code} 400, Jackson's parse message (rest-utils'
 *       JsonParseExceptionMapper). JSON of the wrong shape (an array, a non-string schema): 400
 *       with Jackson's mapping message, stripped of its source location as rest-utils does.</li>
 *   <li>An empty body (or JSON {@code null}) where one is required: 422, {@code error_code} 422,
 *       as Jersey's not-null validation answers in Confluent.</li>
 *   <li>Unknown path: 404/404 "HTTP 404 Not Found" (also a non-integer schema id, as Jersey fails
 *       to match it); wrong method: 405/405 "HTTP 405 Method Not Allowed" with an Allow header;
 *       unsupported content type 415/415; an uncaught failure 500/500.</li>
 *   <li>Registry rules: 40401 subject, 40402 version, 40403 schema not found; 40404/40405
 *       (subject) and 40406/40407 (version) soft/permanent delete order; 40408 no subject-level
 *       config; 409 incompatible (see {@link RegistryException}); 42201 invalid or non-AVRO schema
 *       or references; 42202 invalid version; 42203 invalid level; 50001 store failure.</li>
 * </ul>
 *
 * <p>Known differences from Confluent: no schema types other than AVRO and no references; no
 * contexts, modes, tags, metadata, rule sets, {@code normalize} or {@code format}; register
 * answers {@code {"id": n}} only; a register or lookup without a schema is refused (Confluent
 * re-registers the latest schema for metadata-only updates); {@code PUT /config} without a level
 * is 42203 (Confluent accepts it as a no-op); the 409 uses {@code error_code} 409 as Confluent did
 * up to 8.0 (8.1 sends 40901); no pagination ({@code offset}, {@code limit}).
 */
public final class SchemaRegistryServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);

  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Set<String> ACCEPTED_REQUEST_TYPES =
      Set.of(
          "application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
          "application/json", "application/octet-stream");

  /** Requests beyond this are refused rather than buffered: the body is held in memory. */
  private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  /** A handful of threads: registry traffic is a few calls per client start, then cached. */
  private static final int THREADS = 4;

  static {
    // The JDK server writes a response's headers and body in two TCP writes; with Nagle's
    // algorithm on, the body waits for the client's delayed ACK of the headers (~40 ms per
    // request). The property is read once, when the JDK creates its first HTTP server, and only
    // turns on TCP_NODELAY; an explicit setting by the application is left alone.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          // Confluent clients send fields we do not use (version, id, metadata, ruleSet, ...).
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  // Request bodies. Package-private rather than private so Jackson can construct them.
  record RegisterRequest(String schema, String schemaType, List<JsonNode> references) {}

  record ConfigRequest(String compatibility) {}

  private record Response(int status, byte[] body) {}

  private record Request(List<String> params, Map<String, String> query, byte[] body) {
    String param(int i) {
      return params.get(i);
    }

    boolean flag(String name) {
      return Boolean.parseBoolean(query.get(name));
    }
  }

  @FunctionalInterface
  private interface Handler {
    Response handle(Request request) throws IOException;
  }

  private record Route(String method, String[] pattern, boolean readsBody, Handler handler) {}

  private final String host;
  private final int port;
  private final SchemaRegistry registry;
  private final List<Route> routes = new ArrayList<>();
  private HttpServer server;
  private ExecutorService executor;
  private boolean closed;

  /**
   * A server for {@code registry} on {@code host:port}; port 0 picks a free port (see
   * {@link #url()}). Nothing listens until {@link #start()}.
   */
  public SchemaRegistryServer(String host, int port, SchemaRegistry registry) {
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.registry = Objects.requireNonNull(registry, "registry");
    defineRoutes();
  }

  /**
   * Binds and starts serving.
   *
   * @throws UncheckedIOException if the address cannot be bound (e.g. the port is taken)
   */
  public synchronized void start() {
    if (server != null || closed) {
      throw new IllegalStateException("schema registry server already started or closed");
    }
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Schema registry cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    AtomicInteger threadNumber = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            THREADS,
            runnable -> {
              Thread thread =
                  new Thread(runnable, "schema-registry-http-" + threadNumber.incrementAndGet());
              // Daemon: a server someone forgot to close must not keep the JVM from exiting.
              thread.setDaemon(true);
              return thread;
            });
    http.setExecutor(executor);
    http.createContext("/", this::handle);
    http.start();
    server = http;
    log.info("Schema registry listening on {}", url());
  }

  /** The base URL clients use, e.g. {@code http://localhost:8081}, with the actual port. */
  public synchronized String url() {
    if (server == null) {
      throw new IllegalStateException("schema registry server is not started");
    }
    String h = host;
    if (h.isEmpty() || h.equals("0.0.0.0") || h.equals("::")) {
      h = "localhost"; // a wildcard bind is reachable on loopback; the wildcard is not a host
    } else if (h.contains(":") && !h.startsWith("[")) {
      h = "[" + h + "]";
    }
    return "http://" + h + ":" + server.getAddress().getPort();
  }

  /** Stops at once: closes the listening socket and open connections, frees the port. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      // 0: do not wait for exchanges in flight. An interrupted write is like a store timeout:
      // memory holds only what the store confirmed, so nothing half-applied is ever served.
      server.stop(0);
    }
    if (executor != null) {
      executor.shutdownNow();
      try {
        if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("Schema registry HTTP threads did not stop within 5 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    log.info("Schema registry server stopped");
  }

  // ---------------------------------------------------------------- routes

  private void defineRoutes() {
    get("/", r -> json(200, JSON.createObjectNode()));
    get("/schemas/types", r -> json(200, JSON.createArrayNode().add("AVRO")));

    get(
        "/schemas/ids/{id}",
        r -> {
          ObjectNode body = JSON.createObjectNode();
          body.put("schema", registry.schemaById(schemaId(r.param(0))));
          return json(200, body);
        });
    get("/schemas/ids/{id}/schema", r -> raw(registry.schemaById(schemaId(r.param(0)))));
    get(
        "/schemas/ids/{id}/subjects",
        r -> json(200, registry.subjectsForId(schemaId(r.param(0)), r.flag("deleted"))));
    get(
        "/schemas/ids/{id}/versions",
        r -> {
          ArrayNode body = JSON.createArrayNode();
          for (SubjectVersion sv :
              registry.versionsForId(schemaId(r.param(0)), r.flag("deleted"))) {
            body.addObject().put("subject", sv.subject()).put("version", sv.version());
          }
          return json(200, body);
        });

    get(
        "/subjects",
        r -> {
          String prefix = r.query().getOrDefault("subjectPrefix", "");
          return json(
              200,
              registry.subjects(r.flag("deleted")).stream()
                  .filter(s -> s.startsWith(prefix))
                  .toList());
        });
    post(
        "/subjects/{subject}",
        r ->
            json(
                200,
                schemaJson(registry.lookup(r.param(0), schemaInput(r.body()), r.flag("deleted")))));
    delete(
        "/subjects/{subject}",
        r -> json(200, registry.deleteSubject(r.param(0), r.flag("permanent"))));
    get(
        "/subjects/{subject}/versions",
        r -> json(200, registry.versions(r.param(0), r.flag("deleted"))));
    post(
        "/subjects/{subject}/versions",
        r -> {
          RegisteredSchema registered = registry.register(r.param(0), schemaInput(r.body()));
          ObjectNode body = JSON.createObjectNode();
          body.put("id", registered.id());
          return json(200, body);
        });
    get(
        "/subjects/{subject}/versions/{version}",
        r -> json(200, schemaJson(registry.version(r.param(0), r.param(1), r.flag("deleted")))));
    delete(
        "/subjects/{subject}/versions/{version}",
        r -> json(200, registry.deleteVersion(r.param(0), r.param(1), r.flag("permanent"))));
    get(
        "/subjects/{subject}/versions/{version}/schema",
        r -> raw(registry.version(r.param(0), r.param(1), r.flag("deleted")).schema()));

    post(
        "/compatibility/subjects/{subject}/versions/{version}",
        r -> {
          SchemaInput input = schemaInput(r.body());
          return compatibility(r, () -> registry.testCompatibility(r.param(0), r.param(1), input));
        });
    post(
        "/compatibility/subjects/{subject}/versions",
        r -> {
          SchemaInput input = schemaInput(r.body());
          return compatibility(r, () -> registry.testCompatibility(r.param(0), input));
        });

    get("/config", r -> levelJson("compatibilityLevel", registry.globalLevel()));
    put("/config", r -> levelJson("compatibility", registry.setGlobalLevel(level(r.body()))));
    delete("/config", r -> levelJson("compatibilityLevel", registry.deleteGlobalLevel()));
    get(
        "/config/{subject}",
        r -> {
          String subject = r.param(0);
          CompatibilityLevel level =
              r.flag("defaultToGlobal")
                  ? registry.effectiveLevel(subject)
                  : registry
                      .subjectLevel(subject)
                      .orElseThrow(() -> RegistryException.subjectConfigNotFound(subject));
          return levelJson("compatibilityLevel", level);
        });
    put(
        "/config/{subject}",
        r -> levelJson("compatibility", registry.setSubjectLevel(r.param(0), level(r.body()))));
    delete(
        "/config/{subject}",
        r -> levelJson("compatibilityLevel", registry.deleteSubjectLevel(r.param(0))));
  }

  private void get(String path, Handler handler) {
    routes.add(new Route("GET", split(path), false, handler));
  }

  private void post(String path, Handler handler) {
    routes.add(new Route("POST", split(path), true, handler));
  }

  private void put(String path, Handler handler) {
    routes.add(new Route("PUT", split(path), true, handler));
  }

  private void delete(String path, Handler handler) {
    routes.add(new Route("DELETE", split(path), false, handler));
  }

  private static String[] split(String path) {
    return path.equals("/") ? new String[0] : path.substring(1).split("/");
  }

  // ---------------------------------------------------------------- request handling

  private void handle(HttpExchange exchange) {
    Response response;
    boolean head = exchange.getRequestMethod().equals("HEAD");
    try {
      response = dispatch(exchange, head ? "GET" : exchange.getRequestMethod());
    } catch (RegistryException e) {
      response = error(e.httpStatus(), e.errorCode(), e.getMessage());
    } catch (BadRequest e) {
      response = error(e.status, e.status, e.getMessage());
    } catch (RuntimeException | IOException e) {
      log.error(
          "Schema registry request {} {} failed",
          exchange.getRequestMethod(),
          exchange.getRequestURI(),
          e);
      response = error(500, 500, "Internal Server Error");
    }
    try {
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      // HEAD is served like GET (as JAX-RS does) minus the body; -1 means "no body".
      exchange.sendResponseHeaders(response.status(), head ? -1 : response.body().length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(response.body());
        }
      }
    } catch (IOException e) {
      log.debug(
          "Could not answer {} {}: {}",
          exchange.getRequestMethod(),
          exchange.getRequestURI(),
          e.toString());
    } finally {
      exchange.close();
    }
  }

  private Response dispatch(HttpExchange exchange, String method) throws IOException {
    List<String> segments = segments(exchange.getRequestURI().getRawPath());
    Set<String> allowed = new LinkedHashSet<>();
    for (Route route : routes) {
      List<String> params = match(route.pattern(), segments);
      if (params == null) {
        continue;
      }
      if (!route.method().equals(method)) {
        allowed.add(route.method());
        continue;
      }
      byte[] body = new byte[0];
      if (route.readsBody()) {
        checkContentType(exchange.getRequestHeaders().getFirst("Content-Type"));
        body = readBody(exchange.getRequestBody());
      }
      return route
          .handler()
          .handle(new Request(params, query(exchange.getRequestURI().getRawQuery()), body));
    }
    if (!allowed.isEmpty()) {
      if (allowed.contains("GET")) {
        allowed.add("HEAD");
      }
      exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
      return error(405, 405, "HTTP 405 Method Not Allowed");
    }
    return error(404, 404, "HTTP 404 Not Found");
  }

  /** The decoded path segments; one trailing slash is tolerated, as JAX-RS does. */
  private static List<String> segments(String rawPath) {
    String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    List<String> segments = new ArrayList<>();
    if (path.equals("/")) {
      return segments;
    }
    // Split before decoding, so a subject holding an encoded '/' (%2F) stays one segment.
    for (String raw : path.substring(1).split("/", -1)) {
      segments.add(percentDecode(raw));
    }
    return segments;
  }

  /** The values of the {@code {...}} segments, or null if the path does not match. */
  private static List<String> match(String[] pattern, List<String> segments) {
    if (pattern.length != segments.size()) {
      return null;
    }
    List<String> params = new ArrayList<>();
    for (int i = 0; i < pattern.length; i++) {
      String segment = segments.get(i);
      if (pattern[i].startsWith("{")) {
        if (segment.isEmpty()) {
          return null;
        }
        params.add(segment);
      } else if (!pattern[i].equals(segment)) {
        return null;
      }
    }
    return params;
  }

  /** Percent-decodes a path segment as UTF-8. Unlike URLDecoder, '+' stays '+' in a path. */
  static String percentDecode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    int i = 0;
    while (i < raw.length()) {
      char c = raw.charAt(i);
      if (c == '%'
          && i + 2 < raw.length()
          && Character.digit(raw.charAt(i + 1), 16) >= 0
          && Character.digit(raw.charAt(i + 2), 16) >= 0) {
        bytes.write(
            Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
        i += 3;
      } else {
        int codePoint = raw.codePointAt(i);
        bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(codePoint);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> query = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.putIfAbsent(name, value); // the first occurrence wins, as JAX-RS @QueryParam
    }
    return query;
  }

  private static void checkContentType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return;
    }
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!ACCEPTED_REQUEST_TYPES.contains(mediaType)) {
      throw new BadRequest(415, "HTTP 415 Unsupported Media Type");
    }
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    if (body.length > MAX_BODY_BYTES) {
      throw new BadRequest(413, "Request body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    return body;
  }

  /** A request refused before it reaches the registry; its status doubles as error_code. */
  private static final class BadRequest extends RuntimeException {
    final int status;

    BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  // ---------------------------------------------------------------- bodies

  private static SchemaInput schemaInput(byte[] body) {
    RegisterRequest request = readJson(body, RegisterRequest.class);
    return new SchemaInput(request.schema(), request.schemaType(), request.references());
  }

  private static CompatibilityLevel level(byte[] body) {
    return SchemaRegistry.parseLevel(readJson(body, ConfigRequest.class).compatibility());
  }

  private static <T> T readJson(byte[] body, Class<T> type) {
    T value;
    try {
      value =
          new String(body, StandardCharsets.UTF_8).isBlank() ? null : JSON.readValue(body, type);
    } catch (JsonParseException e) {
      throw new BadRequest(400, e.getOriginalMessage());
    } catch (JsonMappingException e) {
      throw new BadRequest(400, sanitize(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new BadRequest(400, e.getMessage());
    }
    if (value == null) {
      throw new BadRequest(422, "Request body is missing: a JSON object is required");
    }
    return value;
  }

  /**
   * Jackson's mapping message without its source location and with Java package names cut
   * from class names, as Confluent's rest-utils presents it: no internals in client errors.
   */
  private static String sanitize(String message) {
    if (message == null) {
      return "Malformed request body";
    }
    String sanitized = message.split("\\(for Object starting at", 2)[0].trim();
    return sanitized.replaceAll("`(?:[\\w$]+\\.)+([\\w]+\\$)?([\\w]+)`", "`$2`");
  }

  private interface CompatibilityCheck {
    List<String> run();
  }

  private static Response compatibility(Request request, CompatibilityCheck check) {
    boolean verbose = request.flag("verbose");
    List<String> messages;
    try {
      messages = check.run();
    } catch (RegistryException e) {
      // Confluent answers an invalid schema with 42201 unless verbose, where it reports it as
      // the reason the schema is not compatible.
      if (!verbose || e.errorCode() != 42201) {
        throw e;
      }
      messages = List.of(e.getMessage());
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("is_compatible", messages.isEmpty());
    if (verbose) {
      messages.forEach(body.putArray("messages")::add);
    }
    return json(200, body);
  }

  /** Confluent's subject-version shape; schemaType is omitted, as Confluent does for AVRO. */
  private static ObjectNode schemaJson(RegisteredSchema schema) {
    ObjectNode body = JSON.createObjectNode();
    body.put("subject", schema.subject());
    body.put("version", schema.version());
    body.put("id", schema.id());
    body.put("schema", schema.schema());
    return body;
  }

  private static Response levelJson(String field, CompatibilityLevel level) {
    ObjectNode body = JSON.createObjectNode();
    body.put(field, level.name());
    return json(200, body);
  }

  private static int schemaId(String segment) {
    try {
      return Integer.parseInt(segment);
    } catch (NumberFormatException e) {
      // Jersey cannot convert the path parameter and answers as for an unknown path.
      throw new BadRequest(404, "HTTP 404 Not Found");
    }
  }

  private static Response raw(String schema) {
    return new Response(200, schema.getBytes(StandardCharsets.UTF_8));
  }

  private static Response json(int status, Object body) {
    try {
      return new Response(status, JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise response", e);
    }
  }

  private static Response error(int status, int errorCode, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error_code", errorCode);
    body.put("message", message);
    return json(status, body);
  }
}
