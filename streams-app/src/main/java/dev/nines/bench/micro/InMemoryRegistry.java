package dev.nines.bench.micro;

import dev.nines.serde.SchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A registry in memory, so that the serde benchmark measures the serde and not the network: the
 * real client caches ids after the first call anyway, and so does the serde, so in steady state
 * neither is called per record.
 */
final class InMemoryRegistry implements SchemaRegistryClient {
  private final Map<Integer, Schema> byId = new HashMap<>();
  private final Map<Schema, Integer> ids = new HashMap<>();

  @Override
  public synchronized int register(String subject, Schema schema) {
    return ids.computeIfAbsent(schema, s -> {
      int id = ids.size() + 1;
      byId.put(id, s);
      return id;
    });
  }

  @Override
  public synchronized int lookup(String subject, Schema schema) {
    Integer id = ids.get(schema);
    if (id == null) {
      throw new RegistryException("Schema not found", 404, 40403);
    }
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema s = byId.get(id);
    if (s == null) {
      throw new RegistryException("Schema " + id + " not found", 404, 40403);
    }
    return s;
  }
}
