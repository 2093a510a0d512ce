package dev.nines.platform.registry;

import static dev.nines.platform.registry.SchemaRegistryTest.ADD_B_NO_DEFAULT;
import static dev.nines.platform.registry.SchemaRegistryTest.ADD_B_WITH_DEFAULT;
import static dev.nines.platform.registry.SchemaRegistryTest.V1;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every endpoint of {@link SchemaRegistryServer} over real HTTP, checked field by field against
 * what a Confluent Schema Registry answers.
 */
class SchemaRegistryHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String V1_JSON = "application/vnd.schemaregistry.v1+json";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private InMemorySchemaStore store;
  private SchemaRegistryServer server;
  private int port;

  /** One HTTP answer; {@code json} is null when the body is not JSON. */
  record Answer(int status, String contentType, String body, JsonNode json) {}

  @BeforeEach
  void start() {
    store = new InMemorySchemaStore();
    server = new SchemaRegistryServer("localhost", 0, new SchemaRegistry(store));
    server.start();
    port = URI.create(server.url()).getPort();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    store.close();
    try (ServerSocket probe = new ServerSocket(port)) {
      assertThat(probe.getLocalPort()).as("port freed by close()").isEqualTo(port);
    }
  }

  // ---------------------------------------------------------------- helpers

  private Answer send(String method, String path, String body, String contentType)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json;
    try {
      json = JSON.readTree(response.body());
    } catch (IOException e) {
      json = null;
    }
    return new Answer(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(null),
        response.body(),
        json);
  }

  private Answer get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  private Answer delete(String path) throws Exception {
    return send("DELETE", path, null, null);
  }

  private Answer post(String path, String body) throws Exception {
    return send("POST", path, body, V1_JSON);
  }

  private Answer put(String path, String body) throws Exception {
    return send("PUT", path, body, V1_JSON);
  }

  /** {"schema": schema} plus optional extra fields, as a client sends it. */
  private static String schemaBody(String schema, String... extraFieldsJson) {
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", schema);
    String json = body.toString();
    for (String extra : extraFieldsJson) {
      json = json.substring(0, json.length() - 1) + "," + extra + "}";
    }
    return json;
  }

  private int register(String subject, String schema) throws Exception {
    Answer answer = post("/subjects/" + subject + "/versions", schemaBody(schema));
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return answer.json().get("id").intValue();
  }

  private static void assertOk(Answer answer, String expectedJson) throws Exception {
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.contentType()).isEqualTo(V1_JSON);
    assertThat(answer.json()).isEqualTo(JSON.readTree(expectedJson));
  }

  /** An error answer: status, content type and a body of exactly error_code and message. */
  private static void assertError(Answer answer, int status, int errorCode, String message) {
    assertErrorShape(answer, status, errorCode);
    assertThat(answer.json().get("message").textValue()).isEqualTo(message);
  }

  private static void assertErrorStartingWith(
      Answer answer, int status, int errorCode, String messagePrefix) {
    assertErrorShape(answer, status, errorCode);
    assertThat(answer.json().get("message").textValue()).startsWith(messagePrefix);
  }

  private static void assertErrorShape(Answer answer, int status, int errorCode) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).isEqualTo(V1_JSON);
    assertThat(answer.json()).as(answer.body()).isNotNull();
    assertThat(answer.json().size()).as(answer.body()).isEqualTo(2);
    assertThat(answer.json().get("error_code").isInt()).as(answer.body()).isTrue();
    assertThat(answer.json().get("error_code").intValue()).isEqualTo(errorCode);
    assertThat(answer.json().get("message").isTextual()).as(answer.body()).isTrue();
  }

  private static String canonical(String schema) {
    return new Schema.Parser().parse(schema).toString();
  }

  private static String quoted(String text) {
    return JSON.getNodeFactory().textNode(text).toString();
  }

  // ---------------------------------------------------------------- root and types

  @Test
  void rootAndSchemaTypes() throws Exception {
    assertOk(get("/"), "{}");
    assertOk(get("/schemas/types"), "[\"AVRO\"]");
  }

  // ---------------------------------------------------------------- register and read back

  @Test
  void registerAndReadBackById() throws Exception {
    assertOk(post("/subjects/orders-value/versions", schemaBody(V1)), "{\"id\":1}");

    assertOk(get("/schemas/ids/1"), "{\"schema\":" + quoted(canonical(V1)) + "}");
    Answer raw = get("/schemas/ids/1/schema");
    assertOk(raw, canonical(V1));
    assertThat(raw.body()).isEqualTo(canonical(V1));
    assertOk(get("/schemas/ids/1/subjects"), "[\"orders-value\"]");
    assertOk(get("/schemas/ids/1/versions"), "[{\"subject\":\"orders-value\",\"version\":1}]");

    assertError(get("/schemas/ids/99"), 404, 40403, "Schema 99 not found");
    assertError(get("/schemas/ids/99/schema"), 404, 40403, "Schema 99 not found");
    assertError(get("/schemas/ids/99/subjects"), 404, 40403, "Schema not found");
    assertError(get("/schemas/ids/99/versions"), 404, 40403, "Schema not found");
    assertError(get("/schemas/ids/abc"), 404, 404, "HTTP 404 Not Found");
  }

  @Test
  void sameSchemaInTwoSubjectsSharesTheId() throws Exception {
    register("a-value", "\"string\"");
    assertOk(post("/subjects/b-value/versions", schemaBody(V1)), "{\"id\":2}");
    assertOk(post("/subjects/c-value/versions", schemaBody(V1)), "{\"id\":2}");
    assertOk(get("/schemas/ids/2/subjects"), "[\"b-value\",\"c-value\"]");
    assertOk(
        get("/schemas/ids/2/versions"),
        "[{\"subject\":\"b-value\",\"version\":1},{\"subject\":\"c-value\",\"version\":1}]");
  }

  @Test
  void registeringAgainReturnsTheSameIdAndNoNewVersion() throws Exception {
    register("s", V1);
    assertOk(post("/subjects/s/versions", schemaBody(V1)), "{\"id\":1}");
    assertOk(
        post(
            "/subjects/s/versions",
            schemaBody(
                V1,
                "\"schemaType\":\"AVRO\"",
                "\"references\":[]",
                "\"version\":0",
                "\"metadata\":null")),
        "{\"id\":1}");
    assertOk(get("/subjects/s/versions"), "[1]");
  }

  @Test
  void incompatibleRegistrationIs409() throws Exception {
    register("s", V1);
    Answer answer = post("/subjects/s/versions", schemaBody(ADD_B_NO_DEFAULT));
    assertErrorStartingWith(
        answer,
        409,
        409,
        "Schema being registered is incompatible with an "
            + "earlier schema for subject \"s\", details: [{errorType:'READER_FIELD_MISSING_DEFAULT"
            + "_VALUE', description:'The field 'b' at path '/fields/1' in the new schema has no "
            + "default value and is missing in the old schema', additionalInfo:'b'}, "
            + "{oldSchemaVersion: 1}, {oldSchema: '");
    assertThat(answer.json().get("message").textValue())
        .endsWith("{validateFields: 'false', compatibility: 'BACKWARD'}]");
  }

  @Test
  void invalidSchemasAre422() throws Exception {
    assertErrorStartingWith(
        post("/subjects/s/versions", schemaBody("{\"type\":\"record\"}")),
        422,
        42201,
        "Invalid schema");
    assertErrorStartingWith(
        post("/subjects/s/versions", schemaBody("nonsense")), 422, 42201, "Invalid schema");
    assertError(post("/subjects/s/versions", "{}"), 422, 42201, "Empty schema");
    assertError(
        post(
            "/subjects/s/versions",
            schemaBody("syntax = \"proto3\";", "\"schemaType\":\"PROTOBUF\"")),
        422,
        42201,
        "Invalid schema type PROTOBUF: this registry supports only AVRO");
    assertError(
        post(
            "/subjects/s/versions",
            schemaBody(
                V1, "\"references\":[{\"name\":\"t.Other\",\"subject\":\"other\",\"version\":1}]")),
        422,
        42201,
        "Invalid schema: schema references are not supported by this registry, "
            + "got 1 reference(s)");
  }

  // ---------------------------------------------------------------- lookup

  @Test
  void lookupUnderSubject() throws Exception {
    register("s", V1);
    register("s", ADD_B_WITH_DEFAULT);
    assertOk(
        post("/subjects/s", schemaBody(ADD_B_WITH_DEFAULT)),
        "{\"subject\":\"s\",\"version\":2,\"id\":2,\"schema\":"
            + quoted(canonical(ADD_B_WITH_DEFAULT))
            + "}");
    assertError(post("/subjects/nope", schemaBody(V1)), 404, 40401, "Subject 'nope' not found.");
    assertError(post("/subjects/s", schemaBody("\"int\"")), 404, 40403, "Schema not found");
    assertErrorStartingWith(post("/subjects/s", schemaBody("{")), 422, 42201, "Invalid schema");

    delete("/subjects/s");
    assertError(post("/subjects/s", schemaBody(V1)), 404, 40401, "Subject 's' not found.");
    assertOk(
        post("/subjects/s?deleted=true", schemaBody(V1)),
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":" + quoted(canonical(V1)) + "}");
  }

  // ---------------------------------------------------------------- subjects and versions

  @Test
  void subjectsAndVersions() throws Exception {
    assertOk(get("/subjects"), "[]");
    register("b", V1);
    register("a", V1);
    register("a", ADD_B_WITH_DEFAULT);
    assertOk(get("/subjects"), "[\"a\",\"b\"]");
    assertOk(get("/subjects?subjectPrefix=a"), "[\"a\"]");
    assertOk(get("/subjects/a/versions"), "[1,2]");
    assertError(get("/subjects/zzz/versions"), 404, 40401, "Subject 'zzz' not found.");

    String v1 =
        "{\"subject\":\"a\",\"version\":1,\"id\":1,\"schema\":" + quoted(canonical(V1)) + "}";
    String v2 =
        "{\"subject\":\"a\",\"version\":2,\"id\":2,\"schema\":"
            + quoted(canonical(ADD_B_WITH_DEFAULT))
            + "}";
    assertOk(get("/subjects/a/versions/1"), v1);
    assertOk(get("/subjects/a/versions/2"), v2);
    assertOk(get("/subjects/a/versions/latest"), v2);
    assertOk(get("/subjects/a/versions/-1"), v2);
    Answer raw = get("/subjects/a/versions/1/schema");
    assertOk(raw, canonical(V1));
    assertThat(raw.body()).isEqualTo(canonical(V1));
    assertOk(get("/subjects/a/versions/latest/schema"), canonical(ADD_B_WITH_DEFAULT));

    assertError(get("/subjects/a/versions/3"), 404, 40402, "Version 3 not found.");
    assertError(get("/subjects/zzz/versions/1"), 404, 40401, "Subject 'zzz' not found.");
    assertError(get("/subjects/zzz/versions/latest"), 404, 40401, "Subject 'zzz' not found.");
    String invalid =
        "The specified version '%s' is not a valid version id. Allowed values are "
            + "between [1, 2^31-1] and the string \"latest\"";
    assertError(get("/subjects/a/versions/abc"), 422, 42202, String.format(invalid, "abc"));
    assertError(get("/subjects/a/versions/0"), 422, 42202, String.format(invalid, "0"));
    assertError(get("/subjects/a/versions/-2"), 422, 42202, String.format(invalid, "-2"));
    assertError(get("/subjects/a/versions/abc/schema"), 422, 42202, String.format(invalid, "abc"));
  }

  @Test
  void subjectNamesAreUrlDecoded() throws Exception {
    register("team%2Fa%20b%2Bc-value", V1);
    assertOk(get("/subjects"), "[\"team/a b+c-value\"]");
    assertOk(get("/subjects/team%2Fa%20b%2Bc-value/versions"), "[1]");
    register("caf%C3%A9", V1);
    assertOk(get("/subjects"), "[\"café\",\"team/a b+c-value\"]");
    assertOk(
        get("/schemas/ids/1/versions"),
        "[{\"subject\":\"café\",\"version\":1},"
            + "{\"subject\":\"team/a b+c-value\",\"version\":1}]");
    assertOk(
        get("/config/caf%C3%A9?defaultToGlobal=true"), "{\"compatibilityLevel\":\"BACKWARD\"}");
  }

  // ---------------------------------------------------------------- deletes

  @Test
  void deleteSubjectSoftThenPermanent() throws Exception {
    register("s", V1);
    register("s", ADD_B_WITH_DEFAULT);
    register("t", V1);

    assertError(
        delete("/subjects/s?permanent=true"),
        404,
        40405,
        "Subject 's' was not deleted first before being permanently deleted");
    assertOk(delete("/subjects/s"), "[1,2]");
    assertError(
        delete("/subjects/s"),
        404,
        40404,
        "Subject 's' was soft deleted.Set permanent=true to delete permanently");
    assertOk(get("/subjects"), "[\"t\"]");
    assertOk(get("/subjects?deleted=true"), "[\"s\",\"t\"]");
    assertError(get("/subjects/s/versions"), 404, 40401, "Subject 's' not found.");
    assertOk(get("/subjects/s/versions?deleted=true"), "[1,2]");
    assertOk(
        get("/subjects/s/versions/1?deleted=true"),
        "{\"subject\":\"s\",\"version\":1," + "\"id\":1,\"schema\":" + quoted(canonical(V1)) + "}");
    assertOk(get("/schemas/ids/2"), "{\"schema\":" + quoted(canonical(ADD_B_WITH_DEFAULT)) + "}");
    assertOk(get("/schemas/ids/1/subjects"), "[\"t\"]");
    assertOk(get("/schemas/ids/1/subjects?deleted=true"), "[\"s\",\"t\"]");

    assertOk(delete("/subjects/s?permanent=true"), "[1,2]");
    assertOk(get("/subjects?deleted=true"), "[\"t\"]");
    assertError(get("/schemas/ids/2"), 404, 40403, "Schema 2 not found");
    assertError(delete("/subjects/s"), 404, 40401, "Subject 's' not found.");
  }

  @Test
  void deleteVersion() throws Exception {
    register("s", V1);
    register("s", ADD_B_WITH_DEFAULT);
    assertError(
        delete("/subjects/s/versions/1?permanent=true"),
        404,
        40407,
        "Subject 's' Version 1 was not deleted first before being permanently deleted");
    assertOk(delete("/subjects/s/versions/1"), "1");
    assertError(
        delete("/subjects/s/versions/1"),
        404,
        40406,
        "Subject 's' Version 1 was soft deleted.Set permanent=true to delete permanently");
    assertOk(get("/subjects/s/versions"), "[2]");
    assertOk(delete("/subjects/s/versions/1?permanent=true"), "1");
    assertOk(delete("/subjects/s/versions/latest"), "2");
    assertError(delete("/subjects/s/versions/9"), 404, 40402, "Version 9 not found.");
    assertError(delete("/subjects/x/versions/1"), 404, 40401, "Subject 'x' not found.");
    assertErrorStartingWith(
        delete("/subjects/s/versions/x"),
        422,
        42202,
        "The specified version 'x' is not a valid version id");
  }

  // ---------------------------------------------------------------- compatibility

  @Test
  void compatibilityChecks() throws Exception {
    register("s", V1);
    assertOk(
        post("/compatibility/subjects/s/versions/latest", schemaBody(ADD_B_WITH_DEFAULT)),
        "{\"is_compatible\":true}");
    assertOk(
        post("/compatibility/subjects/s/versions/1", schemaBody(ADD_B_NO_DEFAULT)),
        "{\"is_compatible\":false}");
    assertOk(
        post("/compatibility/subjects/s/versions", schemaBody(ADD_B_NO_DEFAULT)),
        "{\"is_compatible\":false}");
    assertOk(
        post(
            "/compatibility/subjects/s/versions/latest?verbose=true",
            schemaBody(ADD_B_WITH_DEFAULT)),
        "{\"is_compatible\":true,\"messages\":[]}");

    Answer verbose =
        post(
            "/compatibility/subjects/s/versions/latest?verbose=true", schemaBody(ADD_B_NO_DEFAULT));
    assertThat(verbose.status()).isEqualTo(200);
    assertThat(verbose.contentType()).isEqualTo(V1_JSON);
    assertThat(verbose.json().size()).isEqualTo(2);
    assertThat(verbose.json().get("is_compatible").booleanValue()).isFalse();
    assertThat(verbose.json().get("messages"))
        .extracting(JsonNode::textValue)
        .containsExactly(
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path "
                + "'/fields/1' in the new schema has no default value and is missing in the old "
                + "schema', additionalInfo:'b'}",
            "{oldSchemaVersion: 1}",
            "{oldSchema: '" + canonical(V1) + "'}",
            "{validateFields: 'false', compatibility: 'BACKWARD'}");

    // As Confluent: "latest" of a subject with nothing registered is compatible; a missing
    // numbered version is 40402 whether or not the subject exists.
    assertOk(
        post("/compatibility/subjects/new/versions/latest", schemaBody(V1)),
        "{\"is_compatible\":true}");
    assertError(
        post("/compatibility/subjects/s/versions/2", schemaBody(V1)),
        404,
        40402,
        "Version 2 not found.");
    assertError(
        post("/compatibility/subjects/new/versions/1", schemaBody(V1)),
        404,
        40402,
        "Version 1 not found.");
    assertErrorStartingWith(
        post("/compatibility/subjects/s/versions/first", schemaBody(V1)),
        422,
        42202,
        "The specified version 'first' is not a valid version id");
    assertErrorStartingWith(
        post("/compatibility/subjects/s/versions/latest", schemaBody("{")),
        422,
        42201,
        "Invalid schema");
    Answer invalidVerbose =
        post("/compatibility/subjects/s/versions/latest?verbose=true", schemaBody("{"));
    assertThat(invalidVerbose.status()).isEqualTo(200);
    assertThat(invalidVerbose.json().get("is_compatible").booleanValue()).isFalse();
    assertThat(invalidVerbose.json().get("messages").get(0).textValue())
        .startsWith("Invalid schema");
  }

  // ---------------------------------------------------------------- config

  @Test
  void globalConfig() throws Exception {
    assertOk(get("/config"), "{\"compatibilityLevel\":\"BACKWARD\"}");
    assertOk(put("/config", "{\"compatibility\":\"FULL\"}"), "{\"compatibility\":\"FULL\"}");
    assertOk(get("/config"), "{\"compatibilityLevel\":\"FULL\"}");
    assertOk(
        put("/config", "{\"compatibility\":\"forward_transitive\"}"),
        "{\"compatibility\":\"FORWARD_TRANSITIVE\"}");
    String invalid =
        "Invalid compatibility level. Valid values are none, backward, forward, "
            + "full, backward_transitive, forward_transitive, and full_transitive";
    assertError(put("/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203, invalid);
    assertError(put("/config", "{}"), 422, 42203, invalid);
    assertOk(delete("/config"), "{\"compatibilityLevel\":\"FORWARD_TRANSITIVE\"}");
    assertOk(get("/config"), "{\"compatibilityLevel\":\"BACKWARD\"}");
  }

  @Test
  void subjectConfig() throws Exception {
    assertError(
        get("/config/s"),
        404,
        40408,
        "Subject 's' does not have subject-level compatibility configured");
    assertOk(get("/config/s?defaultToGlobal=true"), "{\"compatibilityLevel\":\"BACKWARD\"}");
    assertOk(put("/config/s", "{\"compatibility\":\"NONE\"}"), "{\"compatibility\":\"NONE\"}");
    assertOk(get("/config/s"), "{\"compatibilityLevel\":\"NONE\"}");
    assertOk(get("/config/s?defaultToGlobal=true"), "{\"compatibilityLevel\":\"NONE\"}");
    assertErrorStartingWith(
        put("/config/s", "{\"compatibility\":\"x\"}"), 422, 42203, "Invalid compatibility level");

    // The subject's level governs registration.
    register("s", V1);
    assertThat(post("/subjects/s/versions", schemaBody("\"int\"")).status()).isEqualTo(200);

    assertOk(delete("/config/s"), "{\"compatibilityLevel\":\"NONE\"}");
    assertError(
        get("/config/s"),
        404,
        40408,
        "Subject 's' does not have subject-level compatibility configured");
    assertError(delete("/config/s"), 404, 40401, "Subject 's' not found.");
  }

  // ---------------------------------------------------------------- protocol errors

  @Test
  void malformedJsonIs400() throws Exception {
    Answer answer = post("/subjects/s/versions", "{\"schema\": ");
    assertErrorShape(answer, 400, 400);
    assertThat(answer.json().get("message").textValue()).startsWith("Unexpected end-of-input");
    assertErrorShape(post("/subjects/s/versions", "schema=\"int\""), 400, 400);
    assertErrorShape(put("/config", "{compatibility: FULL}"), 400, 400);
    assertErrorShape(post("/compatibility/subjects/s/versions/latest", "{,}"), 400, 400);
    assertErrorShape(post("/subjects/s", "}"), 400, 400);
  }

  @Test
  void wellFormedJsonOfTheWrongShapeIs400WithoutJavaPackageNames() throws Exception {
    Answer array = post("/subjects/s/versions", "[1,2]");
    assertErrorShape(array, 400, 400);
    assertThat(array.json().get("message").textValue())
        .contains("`RegisterRequest`")
        .doesNotContain("dev.nines");
    assertErrorShape(post("/subjects/s/versions", "{\"schema\":{\"type\":\"int\"}}"), 400, 400);
  }

  @Test
  void aMissingBodyIs422() throws Exception {
    assertErrorShape(post("/subjects/s/versions", ""), 422, 422);
    assertErrorShape(post("/subjects/s/versions", "null"), 422, 422);
    assertErrorShape(post("/subjects/s/versions", " \n "), 422, 422);
    assertErrorShape(put("/config", ""), 422, 422);
  }

  @Test
  void unknownPathsAre404() throws Exception {
    assertError(get("/nope"), 404, 404, "HTTP 404 Not Found");
    assertError(get("/subjects/s/versions/1/schema/extra"), 404, 404, "HTTP 404 Not Found");
    assertError(post("/schemas", "{}"), 404, 404, "HTTP 404 Not Found");
    assertError(get("/subjects//versions"), 404, 404, "HTTP 404 Not Found");
  }

  @Test
  void wrongMethodsAre405() throws Exception {
    Answer answer = put("/subjects", "{}");
    assertError(answer, 405, 405, "HTTP 405 Method Not Allowed");
    assertError(delete("/schemas/types"), 405, 405, "HTTP 405 Method Not Allowed");
    assertError(send("PATCH", "/config", "{}", V1_JSON), 405, 405, "HTTP 405 Method Not Allowed");
    assertError(
        get("/compatibility/subjects/s/versions/latest"), 405, 405, "HTTP 405 Method Not Allowed");
    assertError(post("/schemas/ids/1", "{}"), 405, 405, "HTTP 405 Method Not Allowed");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/vnd.schemaregistry.v1+json",
        "application/vnd.schemaregistry+json",
        "application/json",
        "application/json; charset=utf-8",
        "application/octet-stream",
        ""
      })
  void acceptedRequestContentTypes(String contentType) throws Exception {
    Answer answer =
        send(
            "POST",
            "/subjects/s/versions",
            schemaBody(V1),
            contentType.isEmpty() ? null : contentType);
    assertOk(answer, "{\"id\":1}");
  }

  @Test
  void otherRequestContentTypesAre415() throws Exception {
    assertError(
        send("POST", "/subjects/s/versions", schemaBody(V1), "text/plain"),
        415,
        415,
        "HTTP 415 Unsupported Media Type");
    assertError(
        send("PUT", "/config", "{\"compatibility\":\"NONE\"}", "application/xml"),
        415,
        415,
        "HTTP 415 Unsupported Media Type");
  }

  @Test
  void storeFailuresAre500With50001() throws Exception {
    register("s", V1);
    store.failAppends("broker unreachable");
    assertErrorStartingWith(
        post("/subjects/s/versions", schemaBody(ADD_B_WITH_DEFAULT)),
        500,
        50001,
        "Register schema operation failed while writing to the Kafka store");
    assertErrorShape(put("/config", "{\"compatibility\":\"NONE\"}"), 500, 50001);
    assertErrorShape(delete("/subjects/s"), 500, 50001);
    // Reads keep working from memory.
    assertOk(get("/subjects/s/versions"), "[1]");
  }

  // ---------------------------------------------------------------- lifecycle

  @Test
  void urlCarriesTheActualPortAndCloseIsPromptAndIdempotent() throws Exception {
    assertThat(server.url()).isEqualTo("http://localhost:" + port);
    assertThat(port).isPositive();
    register("s", V1);
    long start = System.nanoTime();
    server.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    server.close();
    // @AfterEach checks that the port is free again.
  }

  @Test
  void aSecondServerCanServeTheSameRegistryStateAfterARestart() throws Exception {
    register("s", V1);
    server.close();
    SchemaRegistry restarted = new SchemaRegistry(new InMemorySchemaStore(store.events()));
    try (SchemaRegistryServer second = new SchemaRegistryServer("127.0.0.1", 0, restarted)) {
      second.start();
      HttpResponse<String> answer =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(second.url() + "/schemas/ids/1")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(answer.body()))
          .isEqualTo(JSON.readTree("{\"schema\":" + quoted(canonical(V1)) + "}"));
    }
  }

  @Test
  void headIsServedLikeGetWithoutBody() throws Exception {
    HttpResponse<String> answer =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/subjects"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEmpty();
    assertThat(answer.headers().firstValue("Content-Type")).contains(V1_JSON);
  }
}
