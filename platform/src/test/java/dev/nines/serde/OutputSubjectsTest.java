package dev.nines.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.registry.InMemorySchemaStore;
import dev.nines.platform.registry.SchemaRegistry;
import dev.nines.platform.registry.SchemaRegistryServer;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.Roles;
import dev.nines.schema.SlaCredit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The app sets each output subject to FULL_TRANSITIVE (by default) before it registers a
 * schema there, through the registry's REST API; inputs and internal subjects keep the
 * registry's level. Against the real HTTP registry.
 */
class OutputSubjectsTest {
  InMemorySchemaStore store;
  SchemaRegistryServer server;
  RestSchemaRegistryClient client;

  @BeforeEach
  void start() {
    store = new InMemorySchemaStore();
    server = new SchemaRegistryServer("localhost", 0, new SchemaRegistry(store));
    server.start();
    client = new RestSchemaRegistryClient(server.url());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    store.close();
  }

  String level(String subject) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(server.url() + "/config/" + subject + "?defaultToGlobal=true"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  SchemaRegistryClient app(Map<String, String> flags) {
    NinesConfig config = ConfigLoader.load(Optional.empty(), Map.of(), flags);
    return NinesApp.outputLevels(config, client);
  }

  @Test
  void anOutputSubjectIsFullTransitiveBeforeItsFirstVersionOthersKeepTheRegistrysLevel()
      throws Exception {
    SchemaRegistryClient registry = app(Map.of("topics.prefix", "t."));
    Schema credit = SpecificData.get().getSchema(SlaCredit.class);
    registry.register("t.sla-credits-value", credit);
    registry.register(
        "t.delivery-receipts-value", SpecificData.get().getSchema(DeliveryReceipt.class));
    registry.register("nines-app-some-repartition-value", credit);
    assertThat(level("t.sla-credits-value")).contains("FULL_TRANSITIVE");
    assertThat(level("t.delivery-receipts-value")).contains("\"BACKWARD\"");
    assertThat(level("nines-app-some-repartition-value")).contains("\"BACKWARD\"");

    // the level holds: a version without a field old consumers need is refused
    Schema withoutAmount =
        Schema.createRecord(
            credit.getName(),
            credit.getDoc(),
            credit.getNamespace(),
            false,
            credit.getFields().stream()
                .filter(f -> !f.name().equals("creditAmountMinor"))
                .map(f -> new Schema.Field(f, f.schema()))
                .toList());
    assertThatThrownBy(() -> client.register("t.sla-credits-value", withoutAmount))
        .isInstanceOf(SchemaRegistryClient.RegistryException.class)
        .satisfies(
            e -> assertThat(((SchemaRegistryClient.RegistryException) e).status()).isEqualTo(409));
  }

  @Test
  void keepLeavesTheRegistrysLevel() throws Exception {
    SchemaRegistryClient registry = app(Map.of("schema.registry.output.compatibility", "keep"));
    registry.register("sla-credits-value", SpecificData.get().getSchema(SlaCredit.class));
    assertThat(level("sla-credits-value")).contains("\"BACKWARD\"");
  }

  @Test
  void theOutputsAreTheSchemasModulesOutputs() {
    assertThat(
            Topics.OUTPUTS.stream()
                .filter(t -> t.valueType() != null)
                .map(t -> t.valueType().getName())
                .toList())
        .containsExactlyInAnyOrderElementsOf(Roles.OUTPUTS);
    assertThat(Topics.INPUTS.stream().map(t -> t.valueType().getName()).toList())
        .containsExactlyInAnyOrderElementsOf(Roles.INPUTS);
  }
}
