package dev.nines.platform.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Compatibility of a new schema with earlier ones, decided by Avro's own
 * {@link SchemaCompatibility} (the same check Confluent delegates to), with the findings worded
 * as Confluent words them so that a 409 or a verbose compatibility answer reads the same as from
 * a Confluent registry: one {@code {errorType:..., description:..., additionalInfo:...}} entry
 * per incompatibility, then {@code {oldSchemaVersion: n}}, {@code {oldSchema: '...'}} and a final
 * {@code {validateFields: 'false', compatibility: 'LEVEL'}}.
 */
final class AvroCompatibility {

  /** An earlier live version of the subject. */
  record Previous(int version, Schema schema, String canonical) {}

  // Confluent truncates the old schema in messages beyond this size, so huge schemas do not
  // produce huge error bodies.
  private static final int MAX_SCHEMA_IN_MESSAGE = 10 * 1024;

  private AvroCompatibility() {}

  /**
   * Checks {@code candidate} against {@code previousNewestFirst} under {@code level}: the latest
   * only for non-transitive levels, every one (newest first, stopping at the first failure, as
   * Confluent does) for transitive levels.
   *
   * @return the messages; empty when compatible
   */
  static List<String> check(
      CompatibilityLevel level, Schema candidate, List<Previous> previousNewestFirst) {
    if (level == CompatibilityLevel.NONE || previousNewestFirst.isEmpty()) {
      return List.of();
    }
    List<Previous> against =
        level.transitive ? previousNewestFirst : previousNewestFirst.subList(0, 1);
    for (Previous previous : against) {
      List<String> messages = new ArrayList<>();
      if (level.oldReadsNew) {
        // For FULL Confluent lists the old-reads-new findings first, without the old schema.
        messages.addAll(
            describe(
                previous.schema(), candidate, "old", "new", level.newReadsOld ? null : previous));
      }
      if (level.newReadsOld) {
        messages.addAll(describe(candidate, previous.schema(), "new", "old", previous));
      }
      if (!messages.isEmpty()) {
        messages.add("{validateFields: 'false', compatibility: '" + level.name() + "'}");
        return messages;
      }
    }
    return List.of();
  }

  /**
   * The incompatibilities of reading data written with {@code writer} using {@code reader}.
   * {@code appendOld}, when not null, is appended (version and text) after any finding.
   */
  private static List<String> describe(
      Schema reader, Schema writer, String readerName, String writerName, Previous appendOld) {
    List<Incompatibility> found =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
            .getResult()
            .getIncompatibilities();
    List<String> messages = new ArrayList<>();
    for (Incompatibility incompatibility : found) {
      messages.add(describe(incompatibility, readerName, writerName));
    }
    if (!messages.isEmpty() && appendOld != null) {
      messages.add("{oldSchemaVersion: " + appendOld.version() + "}");
      String old = appendOld.canonical();
      messages.add(
          old.length() <= MAX_SCHEMA_IN_MESSAGE
              ? "{oldSchema: '" + old + "'}"
              : "{oldSchema: <truncated> '" + old.substring(0, MAX_SCHEMA_IN_MESSAGE) + "...'}");
    }
    return messages;
  }

  private static String describe(Incompatibility incompatibility, String reader, String writer) {
    String path = incompatibility.getLocation();
    String info = incompatibility.getMessage();
    String description;
    switch (incompatibility.getType()) {
      case FIXED_SIZE_MISMATCH:
        description =
            "The size of FIXED type field at path '"
                + path
                + "' in the "
                + reader
                + " schema does not match with the "
                + writer
                + " schema";
        break;
      case TYPE_MISMATCH:
        description =
            "The type (path '"
                + path
                + "') of a field in the "
                + reader
                + " schema does not match with the "
                + writer
                + " schema";
        break;
      case NAME_MISMATCH:
        description = "The name of the schema has changed (path '" + path + "')";
        break;
      case MISSING_ENUM_SYMBOLS:
        description =
            "The "
                + reader
                + " schema is missing enum symbols '"
                + info
                + "' at path '"
                + path
                + "' in the "
                + writer
                + " schema";
        break;
      case MISSING_UNION_BRANCH:
        description =
            "The "
                + reader
                + " schema is missing a type inside a union field at path '"
                + path
                + "' in the "
                + writer
                + " schema";
        break;
      case READER_FIELD_MISSING_DEFAULT_VALUE:
        description =
            "The field '"
                + info
                + "' at path '"
                + path
                + "' in the "
                + reader
                + " schema has no default value and is missing in the "
                + writer
                + " schema";
        break;
      default:
        description = "";
    }
    return "{errorType:'"
        + incompatibility.getType()
        + "', description:'"
        + description
        + "', additionalInfo:'"
        + info
        + "'}";
  }
}
