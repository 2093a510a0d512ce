package dev.nines.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A test stand-in for the registry in unit tests of the serde's byte handling; the serde is also
 * tested against the real registry over HTTP in the integration tests.
 */
final class InMemoryRegistryClient implements SchemaRegistryClient {
  final Map<Integer, Schema> byId = new HashMap<>();
  final Map<String, Integer> ids = new HashMap<>();
  int nextId;

  InMemoryRegistryClient(int firstId) {
    this.nextId = firstId;
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    return ids.computeIfAbsent(subject + "|" + schema, k -> {
      int id = nextId++;
      byId.put(id, schema);
      return id;
    });
  }

  @Override
  public synchronized int lookup(String subject, Schema schema) {
    Integer id = ids.get(subject + "|" + schema);
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
