package dev.nines.platform.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nines.platform.registry.StoreEvent.ConfigRemoved;
import dev.nines.platform.registry.StoreEvent.ConfigSet;
import dev.nines.platform.registry.StoreEvent.SchemaVersionRemoved;
import dev.nines.platform.registry.StoreEvent.SchemaVersionWritten;
import dev.nines.platform.registry.StoreEvent.SubjectSoftDeleted;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns {@link StoreEvent}s into Kafka record keys and values and back. Kept apart from
 * {@link KafkaSchemaStore} so the format can be tested without a broker.
 *
 * <p>The format follows Confluent's {@code _schemas} topic, so the topic reads familiarly to
 * anyone who has looked at one (and tools that dump it keep working):
 *
 * <pre>
 * SCHEMA          key   {"keytype":"SCHEMA","subject":"s","version":1,"magic":1}
 *                 value {"subject":"s","version":1,"id":7,"schema":"...","deleted":false}
 *                       or null (tombstone) for a permanent delete
 * DELETE_SUBJECT  key   {"keytype":"DELETE_SUBJECT","subject":"s","magic":0}
 *                 value {"subject":"s","version":3}   (soft-deletes versions 1..3)
 * CONFIG          key   {"keytype":"CONFIG","subject":"s" or null for global,"magic":0}
 *                 value {"compatibilityLevel":"FULL"} or null (tombstone) to remove
 * </pre>
 *
 * Every event is keyed by what it describes, so compaction only drops records that a later
 * record of the same key supersedes. Key types we do not write (Confluent's NOOP, MODE, ...) are
 * skipped on read; a SCHEMA record we cannot represent (another schema type, references) is an
 * error rather than skipped, because silently dropping it would let its id be handed out again.
 */
public final class StoreEventCodec {

  /** A Kafka record's key and value; {@code value == null} is a tombstone. */
  public record KeyValue(byte[] key, byte[] value) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String SCHEMA = "SCHEMA";
  private static final String DELETE_SUBJECT = "DELETE_SUBJECT";
  private static final String CONFIG = "CONFIG";

  public KeyValue encode(StoreEvent event) {
    if (event instanceof SchemaVersionWritten e) {
      ObjectNode value = JSON.createObjectNode();
      value.put("subject", e.subject());
      value.put("version", e.version());
      value.put("id", e.id());
      value.put("schema", e.schema());
      value.put("deleted", e.deleted());
      return new KeyValue(bytes(schemaKey(e.subject(), e.version())), bytes(value));
    } else if (event instanceof SchemaVersionRemoved e) {
      return new KeyValue(bytes(schemaKey(e.subject(), e.version())), null);
    } else if (event instanceof SubjectSoftDeleted e) {
      ObjectNode value = JSON.createObjectNode();
      value.put("subject", e.subject());
      value.put("version", e.upToVersion());
      return new KeyValue(bytes(subjectKey(DELETE_SUBJECT, e.subject())), bytes(value));
    } else if (event instanceof ConfigSet e) {
      ObjectNode value = JSON.createObjectNode();
      value.put("compatibilityLevel", e.level().name());
      return new KeyValue(bytes(subjectKey(CONFIG, e.subject())), bytes(value));
    } else if (event instanceof ConfigRemoved e) {
      return new KeyValue(bytes(subjectKey(CONFIG, e.subject())), null);
    }
    throw new IllegalArgumentException("unknown store event " + event);
  }

  /**
   * Decodes one record; empty for record kinds the registry does not use.
   *
   * @throws IllegalArgumentException if the record is malformed or cannot be represented
   */
  public Optional<StoreEvent> decode(byte[] key, byte[] value) {
    if (key == null) {
      throw new IllegalArgumentException("record has no key");
    }
    JsonNode k = parse(key, "key");
    String keyType = requiredText(k, "keytype", "key");
    switch (keyType) {
      case SCHEMA:
        {
          String subject = requiredText(k, "subject", "SCHEMA key");
          int version = requiredInt(k, "version", "SCHEMA key");
          if (value == null) {
            return Optional.of(new SchemaVersionRemoved(subject, version));
          }
          JsonNode v = parse(value, "SCHEMA value");
          String schemaType = text(v, "schemaType", "SCHEMA value");
          if (schemaType != null && !"AVRO".equals(schemaType)) {
            throw new IllegalArgumentException(
                "schema "
                    + subject
                    + " v"
                    + version
                    + " has schemaType "
                    + schemaType
                    + "; only AVRO is supported");
          }
          JsonNode refs = v.get("references");
          if (refs != null && !refs.isNull() && !refs.isEmpty()) {
            throw new IllegalArgumentException(
                "schema "
                    + subject
                    + " v"
                    + version
                    + " has schema references, which are not supported");
          }
          String valueSubject = requiredText(v, "subject", "SCHEMA value");
          int valueVersion = requiredInt(v, "version", "SCHEMA value");
          if (!valueSubject.equals(subject) || valueVersion != version) {
            throw new IllegalArgumentException(
                "SCHEMA key "
                    + subject
                    + " v"
                    + version
                    + " does not match its value "
                    + valueSubject
                    + " v"
                    + valueVersion);
          }
          JsonNode deleted = v.get("deleted");
          return Optional.of(
              new SchemaVersionWritten(
                  subject,
                  version,
                  requiredInt(v, "id", "SCHEMA value"),
                  requiredText(v, "schema", "SCHEMA value"),
                  deleted != null && deleted.asBoolean(false)));
        }
      case DELETE_SUBJECT:
        {
          if (value == null) {
            return Optional.empty();
          }
          String subject = requiredText(k, "subject", "DELETE_SUBJECT key");
          JsonNode v = parse(value, "DELETE_SUBJECT value");
          return Optional.of(
              new SubjectSoftDeleted(subject, requiredInt(v, "version", "DELETE_SUBJECT value")));
        }
      case CONFIG:
        {
          String subject = text(k, "subject", "CONFIG key");
          if (value == null) {
            return Optional.of(new ConfigRemoved(subject));
          }
          JsonNode v = parse(value, "CONFIG value");
          String level = text(v, "compatibilityLevel", "CONFIG value");
          if (level == null) {
            // A Confluent config record may carry only other settings: no level is configured.
            return Optional.of(new ConfigRemoved(subject));
          }
          return Optional.of(
              new ConfigSet(
                  subject,
                  CompatibilityLevel.parse(level)
                      .orElseThrow(
                          () ->
                              new IllegalArgumentException(
                                  "unknown compatibility level " + level))));
        }
      default:
        return Optional.empty();
    }
  }

  private static ObjectNode schemaKey(String subject, int version) {
    ObjectNode key = JSON.createObjectNode();
    key.put("keytype", SCHEMA);
    key.put("subject", subject);
    key.put("version", version);
    key.put("magic", 1);
    return key;
  }

  private static ObjectNode subjectKey(String keyType, String subject) {
    ObjectNode key = JSON.createObjectNode();
    key.put("keytype", keyType);
    key.put("subject", subject); // null for the global config, written as JSON null
    key.put("magic", 0);
    return key;
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + node, e);
    }
  }

  private static JsonNode parse(byte[] bytes, String what) {
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(
            what + " is not a JSON object: " + new String(bytes, StandardCharsets.UTF_8));
      }
      return node;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          what + " is not valid JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
    }
  }

  private static String text(JsonNode node, String field, String what) {
    JsonNode f = node.get(field);
    if (f == null || f.isNull()) {
      return null;
    }
    if (!f.isTextual()) {
      throw new IllegalArgumentException(what + " field '" + field + "' is not a string: " + f);
    }
    return f.textValue();
  }

  private static String requiredText(JsonNode node, String field, String what) {
    String text = text(node, field, what);
    if (text == null) {
      throw new IllegalArgumentException(what + " has no '" + field + "': " + node);
    }
    return text;
  }

  private static int requiredInt(JsonNode node, String field, String what) {
    JsonNode f = node.get(field);
    if (f == null || !f.canConvertToInt() || !f.isIntegralNumber()) {
      throw new IllegalArgumentException(what + " has no integer '" + field + "': " + node);
    }
    return f.intValue();
  }
}
