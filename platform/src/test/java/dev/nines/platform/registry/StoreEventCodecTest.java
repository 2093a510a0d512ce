package dev.nines.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nines.platform.registry.StoreEvent.ConfigRemoved;
import dev.nines.platform.registry.StoreEvent.ConfigSet;
import dev.nines.platform.registry.StoreEvent.SchemaVersionRemoved;
import dev.nines.platform.registry.StoreEvent.SchemaVersionWritten;
import dev.nines.platform.registry.StoreEvent.SubjectSoftDeleted;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreEventCodecTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final StoreEventCodec codec = new StoreEventCodec();

  @Test
  void everyEventSurvivesARoundTrip() {
    List<StoreEvent> events =
        List.of(
            new SchemaVersionWritten("orders-value", 3, 17, "{\"type\":\"string\"}", false),
            new SchemaVersionWritten("a/b c-value", 1, 1, "\"long\"", true),
            new SchemaVersionRemoved("orders-value", 2),
            new SubjectSoftDeleted("orders-value", 3),
            new ConfigSet("orders-value", CompatibilityLevel.FULL_TRANSITIVE),
            new ConfigSet(null, CompatibilityLevel.NONE),
            new ConfigRemoved("orders-value"),
            new ConfigRemoved(null));
    for (StoreEvent event : events) {
      StoreEventCodec.KeyValue kv = codec.encode(event);
      assertThat(codec.decode(kv.key(), kv.value())).as("%s", event).contains(event);
    }
  }

  @Test
  void schemaRecordsUseConfluentsLayout() throws Exception {
    StoreEventCodec.KeyValue kv =
        codec.encode(new SchemaVersionWritten("s", 2, 5, "\"int\"", false));
    assertThat(JSON.readTree(kv.key()))
        .isEqualTo(
            JSON.readTree("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":2,\"magic\":1}"));
    assertThat(JSON.readTree(kv.value()))
        .isEqualTo(
            JSON.readTree(
                "{\"subject\":\"s\",\"version\":2,\"id\":5,\"schema\":\"\\\"int\\\"\",\"deleted\":false}"));
    // Field order as Confluent writes it, for people reading the topic.
    assertThat(new String(kv.key(), StandardCharsets.UTF_8))
        .isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":2,\"magic\":1}");
  }

  @Test
  void deletesAreTombstonesAndConfigKeysCarryTheSubjectOrNull() throws Exception {
    StoreEventCodec.KeyValue removed = codec.encode(new SchemaVersionRemoved("s", 1));
    assertThat(removed.value()).isNull();

    StoreEventCodec.KeyValue global = codec.encode(new ConfigSet(null, CompatibilityLevel.FULL));
    assertThat(JSON.readTree(global.key()))
        .isEqualTo(JSON.readTree("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}"));
    assertThat(JSON.readTree(global.value()))
        .isEqualTo(JSON.readTree("{\"compatibilityLevel\":\"FULL\"}"));
    assertThat(codec.encode(new ConfigRemoved(null)).value()).isNull();

    StoreEventCodec.KeyValue deleted = codec.encode(new SubjectSoftDeleted("s", 4));
    assertThat(JSON.readTree(deleted.key()))
        .isEqualTo(JSON.readTree("{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"s\",\"magic\":0}"));
    assertThat(JSON.readTree(deleted.value()))
        .isEqualTo(JSON.readTree("{\"subject\":\"s\",\"version\":4}"));
  }

  @Test
  void readsConfluentRecordsWithExtraFieldsAndSkipsKindsItDoesNotUse() {
    Optional<StoreEvent> schema =
        codec.decode(
            bytes("{\"keytype\":\"SCHEMA\",\"subject\":\"t-value\",\"version\":1,\"magic\":1}"),
            bytes(
                "{\"subject\":\"t-value\",\"version\":1,\"id\":100001,\"schemaType\":\"AVRO\","
                    + "\"references\":[],\"schema\":\"\\\"string\\\"\",\"deleted\":false,"
                    + "\"metadata\":null}"));
    assertThat(schema)
        .contains(new SchemaVersionWritten("t-value", 1, 100001, "\"string\"", false));
    // A global config without subject field, as older Confluent versions wrote it.
    assertThat(
            codec.decode(
                bytes("{\"keytype\":\"CONFIG\",\"magic\":0}"),
                bytes("{\"compatibilityLevel\":\"backward\"}")))
        .contains(new ConfigSet(null, CompatibilityLevel.BACKWARD));
    assertThat(codec.decode(bytes("{\"keytype\":\"NOOP\",\"magic\":0}"), null)).isEmpty();
    assertThat(
            codec.decode(
                bytes("{\"keytype\":\"MODE\",\"subject\":null,\"magic\":0}"),
                bytes("{\"mode\":\"READWRITE\"}")))
        .isEmpty();
    assertThat(
            codec.decode(
                bytes("{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"s\",\"magic\":0}"), null))
        .isEmpty();
  }

  @Test
  void refusesRecordsItCannotRepresentRatherThanDroppingTheirIds() {
    byte[] key = bytes("{\"keytype\":\"SCHEMA\",\"subject\":\"p\",\"version\":1,\"magic\":1}");
    assertThatThrownBy(
            () ->
                codec.decode(
                    key,
                    bytes(
                        "{\"subject\":\"p\",\"version\":1,\"id\":2,"
                            + "\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only AVRO");
    assertThatThrownBy(
            () ->
                codec.decode(
                    key,
                    bytes(
                        "{\"subject\":\"p\",\"version\":1,\"id\":2,"
                            + "\"references\":[{\"name\":\"x\",\"subject\":\"y\",\"version\":1}],"
                            + "\"schema\":\"\\\"int\\\"\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("references");
  }

  @Test
  void malformedRecordsFailWithTheReason() {
    assertThatThrownBy(() -> codec.decode(bytes("not json"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> codec.decode(null, bytes("{}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no key");
    assertThatThrownBy(
            () ->
                codec.decode(
                    bytes("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}"),
                    bytes("{\"subject\":\"s\",\"version\":2,\"id\":1,\"schema\":\"\\\"int\\\"\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match");
    assertThatThrownBy(
            () ->
                codec.decode(
                    bytes("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}"),
                    bytes("{\"subject\":\"s\",\"version\":1,\"schema\":\"\\\"int\\\"\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'id'");
    assertThatThrownBy(
            () ->
                codec.decode(
                    bytes("{\"keytype\":\"CONFIG\",\"subject\":\"s\"}"),
                    bytes("{\"compatibilityLevel\":\"SIDEWAYS\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SIDEWAYS");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
