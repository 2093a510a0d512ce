package dev.nines.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.config.ConfigLoader;
import dev.nines.platform.PortCheck;
import dev.nines.testing.Npm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.assertj.core.api.Assumptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI and AsyncAPI documents the server publishes describe exactly what it serves and
 * which topics nines has: every path the server answers is in the OpenAPI document (and nothing
 * else), every topic of {@link Topics} is a channel with its direction and value schema, and the
 * schemas the AsyncAPI document refers to are served. Both documents are also checked by the
 * validators their communities use (npm, installed by .ci/run).
 */
class InterfacesTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static ApiServer server;

  @BeforeAll
  static void start() {
    server =
        ApiServer.start(
            ConfigLoader.load(
                Optional.empty(),
                Map.of(),
                Map.of("api.port", Integer.toString(PortCheck.freePort()))));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode yaml(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
    return YAML.readTree(r.body());
  }

  @Test
  void theOpenApiDocumentListsEveryPathTheServerAnswersAndNoOther() throws Exception {
    JsonNode doc = yaml("openapi.yaml");
    assertThat(doc.get("openapi").asText()).startsWith("3.");
    Set<String> documented = new TreeSet<>();
    doc.get("paths").fieldNames().forEachRemaining(documented::add);
    assertThat(documented).containsExactlyInAnyOrderElementsOf(server.paths());
    // and a path the table does not have is not served
    assertThat(get("api/nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void theAsyncApiDocumentHasEveryTopicWithItsDirectionKeyAndSchema() throws Exception {
    JsonNode doc = yaml("asyncapi.yaml");
    assertThat(doc.get("asyncapi").asText()).isEqualTo("3.0.0");
    Map<String, String> channelOfTopic = new HashMap<>();
    doc.get("channels")
        .fields()
        .forEachRemaining(
            e -> channelOfTopic.put(e.getValue().get("address").asText(), e.getKey()));
    assertThat(channelOfTopic.keySet())
        .containsExactlyInAnyOrderElementsOf(Topics.ALL.stream().map(Topic::name).toList());
    for (Topic<?> t : Topics.ALL) {
      String channelId = channelOfTopic.get(t.name());
      JsonNode channel = doc.get("channels").get(channelId);
      assertThat(channel.at("/bindings/kafka/topicConfiguration/cleanup.policy/0").asText())
          .as(t.name())
          .isEqualTo(t.cleanupPolicy());
      // nines receives the inputs and sends the outputs
      List<String> actions = new ArrayList<>();
      doc.get("operations")
          .forEach(
              op -> {
                if (op.at("/channel/$ref").asText().equals("#/channels/" + channelId)) {
                  actions.add(op.get("action").asText());
                }
              });
      assertThat(actions)
          .as(t.name())
          .containsExactly(Topics.INPUTS.contains(t) ? "receive" : "send");
      JsonNode message = resolve(doc, channel.get("messages").elements().next());
      assertThat(message.at("/bindings/kafka/key/type").asText()).as(t.name()).isEqualTo("string");
      if (t.valueType() == null) {
        assertThat(message.at("/payload/format").asText()).isEqualTo("binary");
        continue;
      }
      String ref = message.at("/payload/schema/$ref").asText();
      assertThat(ref)
          .as(t.name())
          .isEqualTo("./schemas/" + t.valueType().getSimpleName() + ".avsc");
      HttpResponse<String> avsc = get(ref.substring(2));
      assertThat(avsc.statusCode()).as(ref).isEqualTo(200);
      assertThat(new Schema.Parser().parse(avsc.body()))
          .as(ref)
          .isEqualTo(SpecificData.get().getSchema(t.valueType()));
    }
    assertThat(get("schemas/Nothing.avsc").statusCode()).isEqualTo(404);
  }

  private static JsonNode resolve(JsonNode doc, JsonNode node) {
    String ref = node.path("$ref").asText();
    return ref.startsWith("#/") ? doc.at(ref.substring(1)) : node;
  }

  @Test
  void bothDocumentsPassTheValidatorsOfTheirCommunities() throws Exception {
    Optional<Path> nodeModules = Npm.globalModules();
    Assumptions.assumeThat(
            nodeModules.filter(
                m ->
                    Files.isDirectory(m.resolve("@asyncapi/parser"))
                        && Files.isDirectory(m.resolve("@asyncapi/avro-schema-parser"))
                        && Files.isDirectory(m.resolve("@apidevtools/swagger-parser"))))
        .as(
            "the npm validators (npm install -g @asyncapi/parser@3.6.6 "
                + "@asyncapi/avro-schema-parser@3.1.0 @apidevtools/swagger-parser@12.0.0; .ci/run "
                + "does)")
        .isPresent();
    Path script = Files.createTempFile("validate-interfaces", ".cjs");
    try (var in = InterfacesTest.class.getResourceAsStream("/interfaces/validate.cjs")) {
      Files.write(script, in.readAllBytes());
    }
    try {
      ProcessBuilder pb =
          new ProcessBuilder(
                  "node",
                  script.toString(),
                  server.url() + "openapi.yaml",
                  server.url() + "asyncapi.yaml")
              .redirectErrorStream(true);
      pb.environment().put("NODE_PATH", nodeModules.get().toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("validators finished").isTrue();
      assertThat(out).as("validator output").contains("openapi: valid", "asyncapi: valid");
      assertThat(p.exitValue()).as(out).isZero();
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
