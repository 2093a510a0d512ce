package dev.nines.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nines.testing.KafkaPlatformExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The embedded registry backed by the real _schemas topic, seen as a Confluent client sees it:
 * raw HTTP, responses checked field by field.
 */
@ExtendWith(KafkaPlatformExtension.class)
class RegistryOverKafkaIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CT = "application/vnd.schemaregistry.v1+json";
  final HttpClient http = HttpClient.newHttpClient();
  final String base = KafkaPlatformExtension.platform().schemaRegistryUrl();

  HttpResponse<String> call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", CT);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String schemaBody(String fields) {
    String schema = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[" + fields + "]}";
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  @Test
  void registerLookupAndEvolveLikeConfluent() throws Exception {
    String subject = KafkaPlatformExtension.unique("t") + "-value";
    HttpResponse<String> r =
        call(
            "POST",
            "/subjects/" + subject + "/versions",
            schemaBody("{\"name\":\"a\",\"type\":\"string\"}"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue(CT);
    JsonNode reg = JSON.readTree(r.body());
    assertThat(reg.fieldNames()).toIterable().containsExactly("id");
    int id = reg.get("id").asInt();

    JsonNode v1 = JSON.readTree(call("GET", "/subjects/" + subject + "/versions/1", null).body());
    assertThat(v1.get("subject").asText()).isEqualTo(subject);
    assertThat(v1.get("version").asInt()).isEqualTo(1);
    assertThat(v1.get("id").asInt()).isEqualTo(id);
    assertThat(JSON.readTree(v1.get("schema").asText()).get("name").asText()).isEqualTo("T");

    JsonNode byId = JSON.readTree(call("GET", "/schemas/ids/" + id, null).body());
    assertThat(byId.get("schema").asText()).isEqualTo(v1.get("schema").asText());

    // BACKWARD (the default): adding a field with a default is fine, without one is not
    HttpResponse<String> ok =
        call(
            "POST",
            "/subjects/" + subject + "/versions",
            schemaBody(
                "{\"name\":\"a\",\"type\":\"string\"},"
                    + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ok.body()).get("id").asInt()).isNotEqualTo(id);
    HttpResponse<String> bad =
        call(
            "POST",
            "/subjects/" + subject + "/versions",
            schemaBody("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"c\",\"type\":\"int\"}"));
    assertThat(bad.statusCode()).isEqualTo(409);
    assertThat(JSON.readTree(bad.body()).get("error_code").asInt()).isEqualTo(409);

    JsonNode versions =
        JSON.readTree(call("GET", "/subjects/" + subject + "/versions", null).body());
    assertThat(versions.toString()).isEqualTo("[1,2]");
  }

  @Test
  void errorsCarryConfluentBodiesAndStatuses() throws Exception {
    HttpResponse<String> malformed = call("POST", "/subjects/x-value/versions", "{not json");
    assertThat(malformed.statusCode()).isEqualTo(400);
    JsonNode m = JSON.readTree(malformed.body());
    assertThat(m.fieldNames()).toIterable().containsExactly("error_code", "message");
    assertThat(m.get("error_code").asInt()).isEqualTo(400);

    HttpResponse<String> invalid =
        call("POST", "/subjects/x-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}");
    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(invalid.body()).get("error_code").asInt()).isEqualTo(42201);

    HttpResponse<String> noSubject =
        call("GET", "/subjects/" + KafkaPlatformExtension.unique("none") + "/versions", null);
    assertThat(noSubject.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(noSubject.body()).get("error_code").asInt()).isEqualTo(40401);

    HttpResponse<String> noId = call("GET", "/schemas/ids/99999", null);
    assertThat(noId.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(noId.body()).get("error_code").asInt()).isEqualTo(40403);

    HttpResponse<String> level = call("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}");
    assertThat(level.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(level.body()).get("error_code").asInt()).isEqualTo(42203);
  }
}
