package dev.nines.platform.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A schema as a client submits it (the body of a register, lookup or compatibility request).
 * {@code schemaType} null means AVRO, as in Confluent; {@code references} null means none. Both
 * are kept, although only AVRO without references is supported, so the registry can refuse the
 * others with Confluent's error rather than silently ignore them.
 */
public record SchemaInput(String schema, String schemaType, List<?> references) {

  public SchemaInput {
    // Not List.copyOf: a client may send [null], which must reach the "no references" check
    // rather than fail here with a NullPointerException.
    references =
        references == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(references));
  }

  public static SchemaInput avro(String schema) {
    return new SchemaInput(schema, null, List.of());
  }
}
