package dev.nines.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API (Confluent SR, Apicurio ccompat, Karapace,
 * Redpanda, or the embedded registry). Caches id to schema and (subject, schema) to id, so each
 * schema costs one request per process.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How long a request is tried again while the registry does not answer (no connection, 5xx,
   * 408, 429), with backoff from 100 ms. A blip is absorbed in the stream thread; a longer outage
   * fails the thread (see {@link RegistryUnavailableException}). Short of Kafka Streams'
   * exactly-once transaction timeout (10 s), so the open transaction outlives the wait.
   */
  static final Duration RETRY_FOR = Duration.ofSeconds(5);

  private final String baseUrl;
  private final Optional<String> authorization;
  private final Duration timeout;
  private final Duration retryFor;
  private final HttpClient http;
  private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idBySubject = new ConcurrentHashMap<>();

  /**
   * @param baseUrl e.g. http://localhost:8081
   * @param basicAuthUserInfo "user:password" for HTTP basic auth, or empty
   */
  public RestSchemaRegistryClient(
      String baseUrl, Optional<String> basicAuthUserInfo, Duration timeout) {
    this(baseUrl, basicAuthUserInfo, Optional.empty(), timeout);
  }

  /**
   * @param basicAuthUserInfo "user:password" for HTTP basic auth, or empty
   * @param tls for an https:// registry: whom to trust (and a client certificate for mutual
   *     TLS), see {@link #tls}; empty: the JVM's default trusted CAs
   */
  public RestSchemaRegistryClient(
      String baseUrl,
      Optional<String> basicAuthUserInfo,
      Optional<SSLContext> tls,
      Duration timeout) {
    this(baseUrl, basicAuthUserInfo, tls, timeout, RETRY_FOR);
  }

  RestSchemaRegistryClient(
      String baseUrl,
      Optional<String> basicAuthUserInfo,
      Optional<SSLContext> tls,
      Duration timeout,
      Duration retryFor) {
    this.retryFor = retryFor;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.authorization =
        basicAuthUserInfo
            .filter(s -> !s.isBlank())
            .map(
                s ->
                    "Basic "
                        + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
    this.timeout = timeout;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
    tls.ifPresent(b::sslContext);
    this.http = b.build();
  }

  /**
   * A TLS context that trusts the certificates of {@code truststore} (PKCS12 or JKS; empty: the
   * JVM's default CAs) and presents the key of {@code keystore} (empty: none). The JDK checks
   * the registry's host name against its certificate as for any https:// URL.
   */
  public static SSLContext tls(
      Optional<Path> truststore,
      Optional<String> truststorePassword,
      Optional<Path> keystore,
      Optional<String> keystorePassword) {
    try {
      TrustManagerFactory tmf = null;
      if (truststore.isPresent()) {
        KeyStore ts = load(truststore.get(), truststorePassword);
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
      }
      KeyManagerFactory kmf = null;
      if (keystore.isPresent()) {
        char[] pw = keystorePassword.orElse("").toCharArray();
        KeyStore ks = load(keystore.get(), keystorePassword);
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          kmf == null ? null : kmf.getKeyManagers(),
          tmf == null ? null : tmf.getTrustManagers(),
          null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("schema registry TLS: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(Path file, Optional<String> password) {
    try {
      // getInstance(File, ...) recognizes PKCS12 and JKS alike
      return KeyStore.getInstance(file.toFile(), password.orElse("").toCharArray());
    } catch (IOException | GeneralSecurityException e) {
      // the message never includes the password; a wrong one reads "keystore password was
      // incorrect" or similar
      throw new IllegalStateException(
          "schema registry TLS: cannot open key store '" + file + "': " + e.getMessage(), e);
    }
  }

  public RestSchemaRegistryClient(String baseUrl) {
    this(baseUrl, Optional.empty(), Duration.ofSeconds(10));
  }

  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public int register(String subject, Schema schema) {
    return idBySubject
        .computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            schema,
            s -> {
              JsonNode r = post("/subjects/" + enc(subject) + "/versions", body(s));
              int id = r.get("id").asInt();
              byId.putIfAbsent(id, s);
              return id;
            });
  }

  @Override
  public int lookup(String subject, Schema schema) {
    return idBySubject
        .computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            schema,
            s -> {
              JsonNode r = post("/subjects/" + enc(subject), body(s));
              int id = r.get("id").asInt();
              byId.putIfAbsent(id, s);
              return id;
            });
  }

  @Override
  public Schema schemaById(int id) {
    return byId.computeIfAbsent(
        id,
        i -> {
          JsonNode r = send(HttpRequest.newBuilder(uri("/schemas/ids/" + i)).GET());
          return new Schema.Parser().parse(r.get("schema").asText());
        });
  }

  @Override
  public void setCompatibility(String subject, String level) {
    send(
        HttpRequest.newBuilder(uri("/config/" + enc(subject)))
            .header("Content-Type", CONTENT_TYPE)
            .PUT(
                HttpRequest.BodyPublishers.ofString(
                    JSON.createObjectNode().put("compatibility", level).toString())));
  }

  private static String body(Schema s) {
    return JSON.createObjectNode().put("schema", s.toString()).toString();
  }

  private JsonNode post(String path, String body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private JsonNode send(HttpRequest.Builder b) {
    b.timeout(timeout).header("Accept", CONTENT_TYPE);
    authorization.ifPresent(a -> b.header("Authorization", a));
    HttpRequest req = b.build();
    long deadline = System.nanoTime() + retryFor.toNanos();
    long backoffMs = 100;
    while (true) {
      try {
        return sendOnce(req);
      } catch (RegistryException e) {
        if (!e.unavailable()
            || Thread.currentThread().isInterrupted()
            || System.nanoTime() + backoffMs * 1_000_000 > deadline) {
          throw e;
        }
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoffMs = Math.min(backoffMs * 2, 1_000);
      }
    }
  }

  private JsonNode sendOnce(HttpRequest req) {
    HttpResponse<String> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RegistryException(
          "schema registry "
              + baseUrl
              + " unreachable for "
              + req.method()
              + " "
              + req.uri().getPath()
              + ": "
              + e,
          0,
          0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while calling the schema registry", 0, 0);
    }
    JsonNode json;
    try {
      json = JSON.readTree(resp.body());
    } catch (IOException e) {
      json = null;
    }
    if (resp.statusCode() / 100 != 2) {
      int code = json != null && json.has("error_code") ? json.get("error_code").asInt() : 0;
      String msg = json != null && json.has("message") ? json.get("message").asText() : resp.body();
      throw new RegistryException(
          "schema registry "
              + req.method()
              + " "
              + req.uri().getPath()
              + " answered HTTP "
              + resp.statusCode()
              + " (error_code "
              + code
              + "): "
              + msg,
          resp.statusCode(),
          code);
    }
    if (json == null) {
      throw new RegistryException(
          "schema registry " + req.uri().getPath() + " answered with a body that is not JSON",
          resp.statusCode(),
          0);
    }
    return json;
  }

  private URI uri(String path) {
    return URI.create(baseUrl + path);
  }

  private static String enc(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
