package dev.nines.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Every place a text can hide in a record, each named by the path the message gives. */
class TextLimitTest {
  static final Schema SCHEMA =
      new Schema.Parser()
          .parse(
              """
              {"type": "record", "name": "T", "fields": [
                {"name": "id", "type": "string"},
                {"name": "n", "type": "long"},
                {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                {"name": "note", "type": ["null", "string"], "default": null},
                {"name": "inner", "type": ["null", {"type": "record", "name": "I",
                  "fields": [{"name": "name", "type": "string"}]}], "default": null},
                {"name": "items", "type": {"type": "array", "items": "I"}},
                {"name": "tags", "type": {"type": "array", "items": "string"}},
                {"name": "m", "type": {"type": "map", "values": "string"}}
              ]}
              """);
  static final Schema INNER = SCHEMA.getField("items").schema().getElementType();

  GenericRecord record() {
    GenericRecord r = new GenericData.Record(SCHEMA);
    r.put("id", "ok");
    r.put("n", 1L);
    r.put("at", 2L);
    r.put("items", List.of(inner("a"), inner("b")));
    r.put("tags", List.of("x", "y", "z"));
    r.put("m", Map.of("k", "v"));
    return r;
  }

  static GenericRecord inner(String name) {
    GenericRecord i = new GenericData.Record(INNER);
    i.put("name", name);
    return i;
  }

  static Optional<String> problem(GenericRecord r) {
    return TextLimit.check(r, 3).map(Problem::text);
  }

  @Test
  void withinTheLimitIsNoProblem() {
    assertThat(problem(record())).isEmpty();
  }

  @Test
  void eachPlaceIsNamedByItsPath() {
    GenericRecord r = record();
    r.put("id", "four");
    assertThat(problem(r))
        .hasValue("id is 4 characters long: expected at most 3 (ingest.max.text.length)");
    r = record();
    r.put("note", "12345");
    assertThat(problem(r)).hasValueSatisfying(t -> assertThat(t).startsWith("note is 5 "));
    r = record();
    r.put("inner", inner("long"));
    assertThat(problem(r)).hasValueSatisfying(t -> assertThat(t).startsWith("inner.name is 4 "));
    r = record();
    r.put("items", List.of(inner("a"), inner("bbbb")));
    assertThat(problem(r)).hasValueSatisfying(t -> assertThat(t).startsWith("items[1].name is 4 "));
    r = record();
    r.put("tags", List.of("x", "y", "zzzz"));
    assertThat(problem(r)).hasValueSatisfying(t -> assertThat(t).startsWith("tags[2] is 4 "));
    r = record();
    r.put("m", Map.of("kkkk", "v"));
    assertThat(problem(r)).hasValueSatisfying(t -> assertThat(t).startsWith("m key is 4 "));
    r = record();
    r.put("m", Map.of("k", "vvvv"));
    assertThat(problem(r)).hasValueSatisfying(t -> assertThat(t).startsWith("m[k] is 4 "));
  }
}
