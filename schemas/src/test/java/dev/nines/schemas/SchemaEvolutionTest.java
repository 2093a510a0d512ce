package dev.nines.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nines.schema.Roles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * Fails the build when a schema in {@code src/main/avro} cannot read data written with any
 * released version of it (BACKWARD_TRANSITIVE, stricter than the registry's BACKWARD so that
 * an auditor replaying old history can always read it), and, for the schemas nines writes
 * ({@link Roles#OUTPUTS}), also when a released version cannot read data written with it
 * (FULL_TRANSITIVE: a consumer on an old version must read what nines writes today).
 *
 * <p>Released versions live in {@code schemas/released/<FullName>/v<N>.avsc}, self-contained
 * (shared types inlined). Releasing a change = copying the file this test writes to
 * {@code target/schemas-current/} as the next {@code v<N+1>.avsc}.
 */
class SchemaEvolutionTest {

  static final Path SCHEMAS = Path.of(System.getProperty("schemas.dir", "src/main/avro"));
  static final Path RELEASED = Path.of(System.getProperty("released.dir", "released"));

  /** Parses common types first, then every top-level schema, as the avro-maven-plugin does. */
  static Map<String, Schema> currentSchemas() throws IOException {
    Schema.Parser parser = new Schema.Parser();
    for (Path p : list(SCHEMAS.resolve("common"))) {
      parser.parse(p.toFile());
    }
    Map<String, Schema> out = new TreeMap<>();
    for (Path p : list(SCHEMAS)) {
      Schema s = parser.parse(p.toFile());
      out.put(s.getFullName(), s);
    }
    return out;
  }

  static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList();
    }
  }

  @Test
  void everyCurrentSchemaReadsEveryReleasedVersion() throws IOException {
    Path current = Path.of("target/schemas-current");
    Files.createDirectories(current);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Schema> e : currentSchemas().entrySet()) {
      Files.writeString(current.resolve(e.getKey() + ".avsc"), e.getValue().toString(true) + "\n");
      Path dir = RELEASED.resolve(e.getKey());
      if (!Files.isDirectory(dir)) {
        problems.add(
            e.getKey()
                + ": no released version under "
                + dir
                + " (copy target/schemas-current/"
                + e.getKey()
                + ".avsc to "
                + dir
                + "/v1.avsc)");
        continue;
      }
      for (Path released : list(dir)) {
        problems.addAll(problems(e.getKey(), e.getValue(), released));
      }
    }
    if (!problems.isEmpty()) {
      fail(
          "Schema changes are not compatible (inputs BACKWARD_TRANSITIVE, outputs "
              + "FULL_TRANSITIVE):\n  "
              + String.join("\n  ", problems));
    }
  }

  /** What stops {@code current} from replacing one released version of the schema. */
  static List<String> problems(String fullName, Schema current, Path released) throws IOException {
    List<String> out = new ArrayList<>();
    Schema old = new Schema.Parser().parse(released.toFile());
    var backward = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
    if (backward.getType() != SchemaCompatibilityType.COMPATIBLE) {
      out.add(
          fullName
              + " cannot read "
              + released
              + ": "
              + backward.getResult().getIncompatibilities());
    }
    if (Roles.OUTPUTS.contains(fullName)) {
      var forward = SchemaCompatibility.checkReaderWriterCompatibility(old, current);
      if (forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
        out.add(
            "a consumer on "
                + released
                + " cannot read "
                + fullName
                + " as nines writes it "
                + "now: "
                + forward.getResult().getIncompatibilities());
      }
    }
    return out;
  }

  @Test
  void everySchemaIsAnInputOrAnOutput() throws IOException {
    assertThat(currentSchemas().keySet())
        .containsExactlyInAnyOrderElementsOf(
            Stream.concat(Roles.OUTPUTS.stream(), Roles.INPUTS.stream()).toList());
  }

  @Test
  void removingAFieldOfAnOutputIsCaughtButNotOfAnInput() throws IOException {
    // Guards the guard: billing reads creditAmountMinor; a new SlaCredit without it is
    // readable by nines (BACKWARD) but not by billing on v1 (FORWARD).
    Map<String, Schema> current = currentSchemas();
    Path creditV1 = RELEASED.resolve("dev.nines.schema.SlaCredit/v1.avsc");
    Schema withoutAmount = without(current.get("dev.nines.schema.SlaCredit"), "creditAmountMinor");
    assertThat(problems("dev.nines.schema.SlaCredit", withoutAmount, creditV1))
        .singleElement()
        .asString()
        .contains("a consumer on")
        .contains("creditAmountMinor");
    // an input may lose a field: nines reads old data and ignores the field
    Path receiptV1 = RELEASED.resolve("dev.nines.schema.DeliveryReceipt/v1.avsc");
    Schema withoutCode = without(current.get("dev.nines.schema.DeliveryReceipt"), "errorCode");
    assertThat(problems("dev.nines.schema.DeliveryReceipt", withoutCode, receiptV1)).isEmpty();
  }

  /** A copy of a record schema without one field. */
  static Schema without(Schema record, String field) {
    List<Schema.Field> fields =
        record.getFields().stream()
            .filter(f -> !f.name().equals(field))
            .map(f -> new Schema.Field(f, f.schema()))
            .toList();
    assertThat(fields).hasSize(record.getFields().size() - 1);
    return Schema.createRecord(
        record.getName(), record.getDoc(), record.getNamespace(), false, fields);
  }

  @Test
  void latestReleasedVersionEqualsCurrentOrIsOlder() throws IOException {
    // An unreleased change is allowed (it is checked above), but a released file must never be
    // edited in place: its canonical form must still parse and be a real earlier version.
    for (Map.Entry<String, Schema> e : currentSchemas().entrySet()) {
      Path dir = RELEASED.resolve(e.getKey());
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> versions =
          list(dir).stream()
              .sorted(Comparator.comparingInt(SchemaEvolutionTest::versionOf))
              .toList();
      for (int i = 0; i < versions.size(); i++) {
        assertThat(versionOf(versions.get(i)))
            .as("versions of %s are v1..vN", e.getKey())
            .isEqualTo(i + 1);
      }
    }
  }

  @Test
  void compatibilityCheckCatchesABreakingChange() {
    // Guards the guard: a new required field without a default must be reported.
    Schema v1 =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    Schema v2 =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
                    + "{\"name\":\"b\",\"type\":\"int\"}]}");
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(v2, v1).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  static int versionOf(Path p) {
    String n = p.getFileName().toString();
    return Integer.parseInt(n.substring(1, n.length() - ".avsc".length()));
  }
}
