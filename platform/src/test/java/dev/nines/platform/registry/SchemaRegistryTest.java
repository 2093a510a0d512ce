package dev.nines.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.platform.registry.StoreEvent.SchemaVersionWritten;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchemaRegistryTest {

  // A small evolution history. Names say what changed relative to V1 = {a: string}.
  static final String V1 = record("{\"name\":\"a\",\"type\":\"string\"}");
  static final String ADD_B_WITH_DEFAULT =
      record(
          "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}");
  static final String ADD_B_NO_DEFAULT =
      record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}");
  static final String DROP_A = record("{\"name\":\"b\",\"type\":\"int\",\"default\":0}");
  static final String A_AS_INT = record("{\"name\":\"a\",\"type\":\"int\"}");
  static final String A_AS_INT_PLUS_C =
      record("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"c\",\"type\":\"int\",\"default\":0}");

  static String record(String fields) {
    return "{\"type\":\"record\",\"name\":\"Rec\",\"namespace\":\"t\",\"fields\":[" + fields + "]}";
  }

  private final InMemorySchemaStore store = new InMemorySchemaStore();
  private final SchemaRegistry registry = new SchemaRegistry(store);

  private RegisteredSchema register(String subject, String schema) {
    return registry.register(subject, SchemaInput.avro(schema));
  }

  private static void assertRegistryError(ThrowingCallable call, int status, int code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.httpStatus()).as("HTTP status").isEqualTo(status);
              assertThat(e.errorCode()).as("error_code of: %s", e.getMessage()).isEqualTo(code);
            });
  }

  // ---------------------------------------------------------------- ids and versions

  @Test
  void idsAreGlobalAndStartAtOne() {
    assertThat(register("a", V1).id()).isEqualTo(1);
    assertThat(register("a", ADD_B_WITH_DEFAULT).id()).isEqualTo(2);
    assertThat(register("b", "\"string\"").id()).isEqualTo(3);
    assertThat(registry.schemaById(3)).isEqualTo("\"string\"");
  }

  @Test
  void theSameSchemaUnderAnotherSubjectGetsTheSameIdAndANewVersionThere() {
    register("other", "\"long\"");
    RegisteredSchema first = register("a-value", V1);
    RegisteredSchema second = register("b-value", V1);

    assertThat(second.id()).isEqualTo(first.id()).isEqualTo(2);
    assertThat(second.version()).isEqualTo(1);
    assertThat(registry.subjectsForId(2, false)).containsExactly("a-value", "b-value");
    assertThat(registry.versionsForId(2, false))
        .containsExactly(new SubjectVersion("a-value", 1), new SubjectVersion("b-value", 1));
  }

  @Test
  void sameSchemaMeansSameParsedSchemaNotSameText() {
    RegisteredSchema compact = register("a", V1);
    String spaced =
        "{ \"namespace\" : \"t\", \"name\": \"Rec\", \"type\": \"record\",\n"
            + "  \"fields\": [ { \"type\": \"string\", \"name\": \"a\" } ] }";
    RegisteredSchema again = register("b", spaced);
    assertThat(again.id()).isEqualTo(compact.id());
    // The stored text is Avro's canonical rendering, whatever the client sent.
    assertThat(again.schema())
        .isEqualTo(compact.schema())
        .isEqualTo(
            "{\"type\":\"record\",\"name\":\"Rec\",\"namespace\":\"t\","
                + "\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
  }

  @Test
  void registeringAnExistingSchemaAgainIsIdempotent() {
    RegisteredSchema first = register("a", V1);
    register("a", ADD_B_WITH_DEFAULT);
    RegisteredSchema again = register("a", V1);

    assertThat(again).isEqualTo(first);
    assertThat(registry.versions("a", false)).containsExactly(1, 2);
    assertThat(store.events()).filteredOn(e -> e instanceof SchemaVersionWritten).hasSize(2);
  }

  @Test
  void versionsResolveByNumberLatestAndMinusOne() {
    register("a", V1);
    register("a", ADD_B_WITH_DEFAULT);
    assertThat(registry.version("a", "1", false).schema()).isEqualTo(registry.schemaById(1));
    assertThat(registry.version("a", "latest", false).version()).isEqualTo(2);
    assertThat(registry.version("a", "-1", false).version()).isEqualTo(2);
    assertRegistryError(() -> registry.version("a", "3", false), 404, 40402);
    assertRegistryError(() -> registry.version("nope", "1", false), 404, 40401);
    for (String invalid : List.of("0", "-2", "abc", "1.5", "")) {
      assertRegistryError(() -> registry.version("a", invalid, false), 422, 42202);
    }
  }

  @Test
  void lookupFindsTheVersionHoldingASchema() {
    register("a", V1);
    register("a", ADD_B_WITH_DEFAULT);
    assertThat(registry.lookup("a", SchemaInput.avro(V1), false))
        .isEqualTo(new RegisteredSchema("a", 1, 1, registry.schemaById(1)));
    assertRegistryError(() -> registry.lookup("a", SchemaInput.avro(DROP_A), false), 404, 40403);
    assertRegistryError(() -> registry.lookup("b", SchemaInput.avro(V1), false), 404, 40401);
  }

  @Test
  void invalidSchemasAreRefused() {
    assertRegistryError(() -> register("a", "{\"type\":\"record\"}"), 422, 42201);
    assertRegistryError(() -> register("a", "not json"), 422, 42201);
    assertRegistryError(() -> register("a", ""), 422, 42201);
    // A default that does not match its type.
    assertRegistryError(
        () -> register("a", record("{\"name\":\"a\",\"type\":\"int\",\"default\":\"x\"}")),
        422,
        42201);
    assertRegistryError(
        () -> registry.register("a", new SchemaInput("syntax = \"proto3\";", "PROTOBUF", null)),
        422,
        42201);
    assertRegistryError(
        () -> registry.register("a", new SchemaInput(V1, "AVRO", List.of("ref"))), 422, 42201);
    assertThat(registry.register("a", new SchemaInput(V1, "AVRO", List.of())).id()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- compatibility levels

  /** Registers {@code v1} then tries {@code next} under {@code level}. */
  private void evolve(CompatibilityLevel level, String v1, String next, boolean compatible) {
    registry.setSubjectLevel("s", level);
    register("s", v1);
    if (compatible) {
      assertThat(register("s", next).version()).isEqualTo(2);
    } else {
      assertRegistryError(() -> register("s", next), 409, 409);
      assertThat(registry.versions("s", false)).containsExactly(1);
    }
  }

  @Test
  void noneAcceptsAnything() {
    evolve(CompatibilityLevel.NONE, V1, A_AS_INT, true);
  }

  @Test
  void backwardPassesAFieldAddedWithDefault() {
    evolve(CompatibilityLevel.BACKWARD, V1, ADD_B_WITH_DEFAULT, true);
  }

  @Test
  void backwardFailsAFieldAddedWithoutDefault() {
    evolve(CompatibilityLevel.BACKWARD, V1, ADD_B_NO_DEFAULT, false);
  }

  @Test
  void forwardPassesAFieldAddedWithoutDefault() {
    evolve(CompatibilityLevel.FORWARD, V1, ADD_B_NO_DEFAULT, true);
  }

  @Test
  void forwardFailsDroppingAFieldOldReadersNeed() {
    evolve(CompatibilityLevel.FORWARD, V1, DROP_A, false);
  }

  @Test
  void fullPassesAFieldAddedWithDefault() {
    evolve(CompatibilityLevel.FULL, V1, ADD_B_WITH_DEFAULT, true);
  }

  @Test
  void fullFailsWhatOnlyOneDirectionAccepts() {
    evolve(CompatibilityLevel.FULL, V1, ADD_B_NO_DEFAULT, false);
  }

  @Test
  void fullTransitiveFailsWhatOnlyOneDirectionAccepts() {
    evolve(CompatibilityLevel.FULL_TRANSITIVE, V1, DROP_A, false);
  }

  @Test
  void backwardTransitivePassesAFieldAddedWithDefault() {
    evolve(CompatibilityLevel.BACKWARD_TRANSITIVE, V1, ADD_B_WITH_DEFAULT, true);
  }

  @Test
  void forwardTransitiveFailsDroppingAFieldOldReadersNeed() {
    evolve(CompatibilityLevel.FORWARD_TRANSITIVE, V1, DROP_A, false);
  }

  /**
   * History V1 {a: string}, then A_AS_INT {a: int} (allowed under NONE). A_AS_INT_PLUS_C is
   * compatible with A_AS_INT in every direction and with V1 in none: a non-transitive level
   * accepts it (latest only), the transitive one refuses it.
   */
  @ParameterizedTest
  @EnumSource(
      value = CompatibilityLevel.class,
      names = {"BACKWARD", "FORWARD", "FULL"})
  void nonTransitiveLevelsCheckOnlyTheLatestVersionAndTransitiveOnesAll(CompatibilityLevel level) {
    CompatibilityLevel transitive = CompatibilityLevel.valueOf(level.name() + "_TRANSITIVE");
    for (String subject : List.of("plain", "transitive")) {
      registry.setSubjectLevel(subject, CompatibilityLevel.NONE);
      register(subject, V1);
      register(subject, A_AS_INT);
    }
    registry.setSubjectLevel("plain", level);
    registry.setSubjectLevel("transitive", transitive);

    assertThat(registry.testCompatibility("plain", SchemaInput.avro(A_AS_INT_PLUS_C))).isEmpty();
    assertThat(register("plain", A_AS_INT_PLUS_C).version()).isEqualTo(3);

    assertThat(registry.testCompatibility("transitive", SchemaInput.avro(A_AS_INT_PLUS_C)))
        .contains("{oldSchemaVersion: 1}");
    assertRegistryError(() -> register("transitive", A_AS_INT_PLUS_C), 409, 409);
  }

  @Test
  void transitiveChecksIgnoreSoftDeletedVersions() {
    registry.setSubjectLevel("s", CompatibilityLevel.NONE);
    register("s", V1);
    register("s", A_AS_INT);
    registry.setSubjectLevel("s", CompatibilityLevel.FULL_TRANSITIVE);
    registry.deleteVersion("s", "1", false);
    assertThat(register("s", A_AS_INT_PLUS_C).version()).isEqualTo(3);
  }

  @Test
  void incompatibilityIsExplainedAsConfluentExplainsIt() {
    register("s", V1);
    assertThatThrownBy(() -> register("s", ADD_B_NO_DEFAULT))
        .isInstanceOf(RegistryException.class)
        .hasMessage(
            "Schema being registered is incompatible with an earlier schema for subject "
                + "\"s\", details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', "
                + "description:'The field 'b' at path '/fields/1' in the new schema has no default "
                + "value and is missing in the old schema', additionalInfo:'b'}, "
                + "{oldSchemaVersion: 1}, {oldSchema: '"
                + registry.schemaById(1)
                + "'}, "
                + "{validateFields: 'false', compatibility: 'BACKWARD'}]");
  }

  @Test
  void compatibilityAgainstOneVersionUsesOnlyThatVersion() {
    registry.setSubjectLevel("s", CompatibilityLevel.NONE);
    register("s", V1);
    register("s", A_AS_INT);
    registry.setSubjectLevel("s", CompatibilityLevel.BACKWARD_TRANSITIVE);
    SchemaInput candidate = SchemaInput.avro(A_AS_INT_PLUS_C);
    assertThat(registry.testCompatibility("s", "2", candidate)).isEmpty();
    assertThat(registry.testCompatibility("s", "latest", candidate)).isEmpty();
    assertThat(registry.testCompatibility("s", "1", candidate)).isNotEmpty();
    assertRegistryError(() -> registry.testCompatibility("s", "3", candidate), 404, 40402);
    assertRegistryError(() -> registry.testCompatibility("s", "x", candidate), 422, 42202);
    // Confluent: nothing registered yet means nothing to be incompatible with.
    assertThat(registry.testCompatibility("new", "latest", candidate)).isEmpty();
    assertRegistryError(() -> registry.testCompatibility("new", "1", candidate), 404, 40402);
  }

  // ---------------------------------------------------------------- configuration

  @Test
  void theGlobalDefaultIsBackwardAndConfigurable() {
    assertThat(registry.globalLevel()).isEqualTo(CompatibilityLevel.BACKWARD);
    SchemaRegistry full = new SchemaRegistry(new InMemorySchemaStore(), CompatibilityLevel.FULL);
    assertThat(full.globalLevel()).isEqualTo(CompatibilityLevel.FULL);
    assertThat(full.effectiveLevel("any")).isEqualTo(CompatibilityLevel.FULL);

    registry.setGlobalLevel(CompatibilityLevel.NONE);
    assertThat(registry.effectiveLevel("any")).isEqualTo(CompatibilityLevel.NONE);
    assertThat(registry.deleteGlobalLevel()).isEqualTo(CompatibilityLevel.NONE);
    assertThat(registry.globalLevel()).isEqualTo(CompatibilityLevel.BACKWARD);
  }

  @Test
  void aSubjectLevelOverridesTheGlobalOne() {
    registry.setGlobalLevel(CompatibilityLevel.NONE);
    registry.setSubjectLevel("strict", CompatibilityLevel.FULL);
    register("strict", V1);
    register("loose", V1);
    assertRegistryError(() -> register("strict", A_AS_INT), 409, 409);
    assertThat(register("loose", A_AS_INT).version()).isEqualTo(2);

    assertThat(registry.subjectLevel("strict")).contains(CompatibilityLevel.FULL);
    assertThat(registry.subjectLevel("loose")).isEmpty();
    assertThat(registry.deleteSubjectLevel("strict")).isEqualTo(CompatibilityLevel.FULL);
    assertThat(registry.effectiveLevel("strict")).isEqualTo(CompatibilityLevel.NONE);
    assertRegistryError(() -> registry.deleteSubjectLevel("strict"), 404, 40401);
  }

  @Test
  void levelNamesParseCaseInsensitively() {
    assertThat(SchemaRegistry.parseLevel("full_transitive"))
        .isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    assertRegistryError(() -> SchemaRegistry.parseLevel("SIDEWAYS"), 422, 42203);
    assertRegistryError(() -> SchemaRegistry.parseLevel(null), 422, 42203);
  }

  // ---------------------------------------------------------------- deletes

  @Test
  void softDeleteHidesTheSubjectButKeepsIdsResolvable() {
    register("a", V1);
    register("a", ADD_B_WITH_DEFAULT);
    register("b", "\"string\"");

    assertThat(registry.deleteSubject("a", false)).containsExactly(1, 2);

    assertThat(registry.subjects(false)).containsExactly("b");
    assertThat(registry.subjects(true)).containsExactly("a", "b");
    assertRegistryError(() -> registry.versions("a", false), 404, 40401);
    assertThat(registry.versions("a", true)).containsExactly(1, 2);
    assertRegistryError(() -> registry.version("a", "1", false), 404, 40401);
    assertThat(registry.version("a", "1", true).id()).isEqualTo(1);
    assertThat(registry.schemaById(1)).isNotEmpty(); // records framed with id 1 stay readable
    assertThat(registry.subjectsForId(1, false)).isEmpty();
    assertThat(registry.subjectsForId(1, true)).containsExactly("a");
    assertRegistryError(() -> registry.deleteSubject("a", false), 404, 40404);
  }

  @Test
  void reRegisteringAfterSoftDeleteContinuesTheVersionsWithTheSameId() {
    register("a", V1);
    registry.deleteSubject("a", false);
    RegisteredSchema again = register("a", V1);
    assertThat(again.id()).isEqualTo(1);
    assertThat(again.version()).isEqualTo(2);
    // The soft-deleted version 1 holding the same schema is dropped, as in Confluent.
    assertThat(registry.versions("a", true)).containsExactly(2);
  }

  @Test
  void permanentDeleteNeedsASoftDeleteFirstAndRemovesEverything() {
    register("a", V1);
    registry.setSubjectLevel("a", CompatibilityLevel.FULL);
    assertRegistryError(() -> registry.deleteSubject("a", true), 404, 40405);
    registry.deleteSubject("a", false);

    assertThat(registry.deleteSubject("a", true)).containsExactly(1);

    assertThat(registry.subjects(true)).isEmpty();
    assertRegistryError(() -> registry.schemaById(1), 404, 40403);
    assertThat(registry.subjectLevel("a")).isEmpty();
    assertRegistryError(() -> registry.deleteSubject("a", false), 404, 40401);
    // Ids are not reused for another schema.
    assertThat(register("a", "\"int\"").id()).isEqualTo(2);
  }

  @Test
  void versionsDeleteOneAtATime() {
    register("a", V1);
    register("a", ADD_B_WITH_DEFAULT);
    assertRegistryError(() -> registry.deleteVersion("a", "1", true), 404, 40407);
    assertThat(registry.deleteVersion("a", "1", false)).isEqualTo(1);
    assertRegistryError(() -> registry.deleteVersion("a", "1", false), 404, 40406);
    assertThat(registry.versions("a", false)).containsExactly(2);
    assertThat(registry.deleteVersion("a", "1", true)).isEqualTo(1);
    assertThat(registry.versions("a", true)).containsExactly(2);
    assertThat(registry.deleteVersion("a", "latest", false)).isEqualTo(2);
    assertRegistryError(() -> registry.deleteVersion("a", "7", false), 404, 40402);
    assertRegistryError(() -> registry.deleteVersion("zzz", "1", false), 404, 40401);
    assertRegistryError(() -> registry.deleteVersion("a", "0", false), 422, 42202);
  }

  // ---------------------------------------------------------------- durability

  @Test
  void aRestartRebuildsTheSameStateFromTheLog() {
    register("a", V1);
    register("a", ADD_B_WITH_DEFAULT);
    register("b", V1);
    register("c", "\"int\"");
    registry.deleteSubject("c", false);
    registry.deleteSubject("c", true);
    registry.setSubjectLevel("b", CompatibilityLevel.FULL);
    registry.setGlobalLevel(CompatibilityLevel.FORWARD);
    registry.deleteVersion("a", "1", false);

    SchemaRegistry restarted = new SchemaRegistry(new InMemorySchemaStore(store.events()));

    assertThat(restarted.subjects(true)).containsExactly("a", "b");
    assertThat(restarted.versions("a", true)).containsExactly(1, 2);
    assertThat(restarted.versions("a", false)).containsExactly(2);
    assertThat(restarted.version("b", "1", false).id()).isEqualTo(1);
    assertThat(restarted.subjectLevel("b")).contains(CompatibilityLevel.FULL);
    assertThat(restarted.globalLevel()).isEqualTo(CompatibilityLevel.FORWARD);
    assertThat(restarted.register("d", SchemaInput.avro(ADD_B_WITH_DEFAULT)).id()).isEqualTo(2);
    // Id 3 ("int") was permanently deleted, but its registration is still in the (uncompacted)
    // log, so the restarted registry does not hand it out again.
    assertThat(restarted.register("e", SchemaInput.avro("\"float\"")).id()).isEqualTo(4);
  }

  @Test
  void aStoreFailureIsReportedAndLeavesMemoryUntouched() {
    register("a", V1);
    store.failAppends("broker unreachable");

    assertThatThrownBy(() -> register("a", ADD_B_WITH_DEFAULT))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.errorCode()).isEqualTo(50001);
              assertThat(e.getMessage()).contains("broker unreachable");
            });
    assertRegistryError(() -> registry.deleteSubject("a", false), 500, 50001);
    assertRegistryError(() -> registry.setGlobalLevel(CompatibilityLevel.NONE), 500, 50001);

    assertThat(registry.versions("a", false)).containsExactly(1);
    assertThat(registry.globalLevel()).isEqualTo(CompatibilityLevel.BACKWARD);
    store.failAppends(null);
    assertThat(register("a", ADD_B_WITH_DEFAULT).id()).isEqualTo(2);
  }
}
