package dev.nines.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Any Avro value as plain JSON, with the contract's field names: records as objects, enums as
 * their symbol, timestamps as ISO-8601 UTC strings, bytes as base64. (Avro's own JSON encoding
 * wraps unions and writes timestamps as numbers: exact, but not what a person reads.) Pure.
 */
public final class AvroJson {
  private AvroJson() {}

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  public static JsonNode toJson(Object v) {
    if (v == null) {
      return F.nullNode();
    }
    if (v instanceof GenericRecord r) {
      ObjectNode o = F.objectNode();
      for (Schema.Field f : r.getSchema().getFields()) {
        o.set(f.name(), toJson(r.get(f.pos())));
      }
      return o;
    }
    if (v instanceof Instant t) {
      return F.textNode(t.toString());
    }
    if (v instanceof Enum<?> e) {
      return F.textNode(e.name());
    }
    if (v instanceof CharSequence s) {
      return F.textNode(s.toString());
    }
    if (v instanceof Boolean b) {
      return F.booleanNode(b);
    }
    if (v instanceof Integer i) {
      return F.numberNode(i);
    }
    if (v instanceof Long l) {
      return F.numberNode(l);
    }
    if (v instanceof Double d) {
      return F.numberNode(d);
    }
    if (v instanceof Float d) {
      return F.numberNode(d);
    }
    if (v instanceof ByteBuffer b) {
      byte[] bytes = new byte[b.remaining()];
      b.duplicate().get(bytes);
      return F.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (v instanceof byte[] bytes) {
      return F.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (v instanceof Collection<?> c) {
      ArrayNode a = F.arrayNode();
      c.forEach(x -> a.add(toJson(x)));
      return a;
    }
    if (v instanceof Map<?, ?> m) {
      ObjectNode o = F.objectNode();
      m.forEach((k, x) -> o.set(String.valueOf(k), toJson(x)));
      return o;
    }
    return F.textNode(v.toString());
  }
}
