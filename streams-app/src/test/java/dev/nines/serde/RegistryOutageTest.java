package dev.nines.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.nines.schema.ProbeResult;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A registry that does not answer is not a bad record: the client tries again for a while, then
 * the serde raises {@link RegistryUnavailableException} (never a {@link SerdeException}, which
 * dead-letters the record). A registry that answers "no such schema" is the record's fault.
 */
class RegistryOutageTest {
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** A registry answering {@code failures} times with {@code status}, then with the schema. */
  private String registry(int failures, int status, AtomicInteger calls) throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String schema =
        "{\"schema\":"
            + new ObjectMapper().writeValueAsString(ProbeResult.getClassSchema().toString())
            + "}";
    server.createContext(
        "/",
        ex -> {
          int n = calls.incrementAndGet();
          byte[] body =
              n <= failures
                  ? ("{\"error_code\":" + (status == 404 ? 40403 : status) + ",\"message\":\"m\"}")
                      .getBytes(StandardCharsets.UTF_8)
                  : schema.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(n <= failures ? status : 200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static RestSchemaRegistryClient client(String url, Duration retryFor) {
    return new RestSchemaRegistryClient(
        url, Optional.empty(), Optional.empty(), Duration.ofSeconds(2), retryFor);
  }

  @Test
  void aBriefOutageIsRiddenOut() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    var c = client(registry(2, 503, calls), Duration.ofSeconds(5));
    Schema s = c.schemaById(7);
    assertThat(s).isEqualTo(ProbeResult.getClassSchema());
    assertThat(calls).hasValue(3);
  }

  @Test
  void aLongerOutageIsUnavailableNotABadRecord() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    var c = client(registry(Integer.MAX_VALUE, 503, calls), Duration.ofMillis(1500));
    var serde = AvroSerde.forValues(ProbeResult.class, c);
    byte[] framed = HexFormat.of().parseHex("0000000007" + "00");
    assertThatThrownBy(() -> serde.deserialize("probe-results", framed))
        .isInstanceOf(RegistryUnavailableException.class)
        .isNotInstanceOf(SerdeException.class)
        .hasMessageStartingWith(
            "topic 'probe-results', schema id 7: cannot fetch the writer "
                + "schema: schema registry GET /schemas/ids/7 answered HTTP 503");
    // tried again within the budget: backoffs of 100, 200 and 400 ms fit in 1.5 s, 800 more do
    // not; a slow first call on a loaded machine (cold HTTP client) may cost a retry or two
    assertThat(calls.get()).isBetween(2, 4);
  }

  @Test
  void nothingListeningIsUnavailable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    var c = client("http://127.0.0.1:" + port, Duration.ZERO);
    var serde = AvroSerde.forValues(ProbeResult.class, c);
    assertThatThrownBy(
            () ->
                serde.deserialize(
                    "delivery-receipts", HexFormat.of().parseHex("0000000007" + "00")))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("unreachable");
    assertThatThrownBy(() -> serde.serialize("probe-results", AvroSerdeTest.probe()))
        .isInstanceOf(RegistryUnavailableException.class);
  }

  @Test
  void anUnknownSchemaIdIsTheRecordsFault() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    var c = client(registry(Integer.MAX_VALUE, 404, calls), Duration.ofSeconds(5));
    var serde = AvroSerde.forValues(ProbeResult.class, c);
    assertThatThrownBy(
            () -> serde.deserialize("probe-results", HexFormat.of().parseHex("0000000007" + "00")))
        .isInstanceOf(SerdeException.class)
        .hasMessage(
            "topic 'probe-results', schema id 7: unknown schema id: the registry has "
                + "no schema 7");
    assertThat(calls).as("asked once: an answer is not retried").hasValue(1);
  }

  @Test
  void whichStatusesMeanUnavailable() {
    for (int status : new int[] {0, 408, 429, 500, 502, 503, 504}) {
      assertThat(new SchemaRegistryClient.RegistryException("m", status, 0).unavailable())
          .as("HTTP %d", status)
          .isTrue();
    }
    for (int status : new int[] {400, 401, 403, 404, 409, 422}) {
      assertThat(new SchemaRegistryClient.RegistryException("m", status, 0).unavailable())
          .as("HTTP %d", status)
          .isFalse();
    }
  }
}
