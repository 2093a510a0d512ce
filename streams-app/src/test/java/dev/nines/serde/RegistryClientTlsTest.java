package dev.nines.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.nines.testing.TestPki;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client against a tiny HTTPS server (the JDK's own) whose certificate is signed by
 * a CA made for the test: it trusts exactly the truststore it is given, and sends HTTP basic
 * auth as Confluent's clients do ({@code Authorization: Basic base64(user:password)}).
 */
class RegistryClientTlsTest {
  @TempDir static Path dir;
  static TestPki pki;
  static HttpsServer server;
  static final List<String> authorizations = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir.resolve("pki"), "changeit-42");
    KeyStore ks = KeyStore.getInstance(pki.serverKeystore().toFile(), pki.password().toCharArray());
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pki.password().toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("localhost", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    server.createContext(
        "/schemas/ids/7",
        ex -> {
          authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          byte[] body = "{\"schema\":\"\\\"string\\\"\"}".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
          }
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  static String url() {
    return "https://localhost:" + server.getAddress().getPort();
  }

  @Test
  void trustsTheGivenCaAndSendsBasicAuth() {
    SSLContext tls =
        RestSchemaRegistryClient.tls(
            Optional.of(pki.truststore()),
            Optional.of(pki.password()),
            Optional.empty(),
            Optional.empty());
    var client =
        new RestSchemaRegistryClient(
            url(), Optional.of("alice:pa:ss"), Optional.of(tls), Duration.ofSeconds(10));
    authorizations.clear();
    assertThat(client.schemaById(7)).isEqualTo(Schema.create(Schema.Type.STRING));
    // base64("alice:pa:ss"), worked out by hand: YWxp Y2U6 cGE6 c3M=
    assertThat(authorizations).containsExactly("Basic YWxpY2U6cGE6c3M=");
  }

  @Test
  void withoutTheTruststoreTheCertificateIsRefused() {
    var client =
        new RestSchemaRegistryClient(
            url(), Optional.empty(), Optional.empty(), Duration.ofSeconds(10));
    assertThatThrownBy(() -> client.schemaById(7))
        .isInstanceOf(SchemaRegistryClient.RegistryException.class)
        .hasMessageContaining("unreachable")
        .hasMessageContaining("SSLHandshakeException");
  }

  @Test
  void aWrongStorePasswordIsNamedWithoutThePassword() {
    assertThatThrownBy(
            () ->
                RestSchemaRegistryClient.tls(
                    Optional.of(pki.truststore()),
                    Optional.of("wrong-pw-31"),
                    Optional.empty(),
                    Optional.empty()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "schema registry TLS: cannot open key store '" + pki.truststore() + "'")
        .hasMessageNotContaining("wrong-pw-31");
  }

  @Test
  void noAuthorizationHeaderWithoutUserInfo() {
    SSLContext tls =
        RestSchemaRegistryClient.tls(
            Optional.of(pki.truststore()),
            Optional.of(pki.password()),
            Optional.empty(),
            Optional.empty());
    var client =
        new RestSchemaRegistryClient(
            url(), Optional.empty(), Optional.of(tls), Duration.ofSeconds(10));
    authorizations.clear();
    client.schemaById(7);
    assertThat(authorizations).containsExactly("null");
  }
}
