package dev.nines.testing;

import dev.nines.serde.SchemaRegistryClient;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * In-memory registry for unit and TopologyTestDriver tests, which run without any network. Like
 * Confluent's, it gives one id per distinct schema and remembers under which subjects each was
 * registered. The serde's use of a real registry over HTTP is covered by the integration tests.
 */
public final class TestRegistry implements SchemaRegistryClient {
  private final Map<Integer, Schema> byId = new HashMap<>();
  private final Map<Schema, Integer> ids = new HashMap<>();

  /** Registrations as "subject|schema", for tests of the subject naming strategy. */
  public final Set<String> registrations = new HashSet<>();

  private int nextId;

  public TestRegistry() {
    this(1);
  }

  /** @param firstId the id the first registered schema gets (golden-bytes tests pin it) */
  public TestRegistry(int firstId) {
    this.nextId = firstId;
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    registrations.add(subject + "|" + schema);
    return ids.computeIfAbsent(
        schema,
        s -> {
          int id = nextId++;
          byId.put(id, s);
          return id;
        });
  }

  @Override
  public synchronized int lookup(String subject, Schema schema) {
    Integer id = registrations.contains(subject + "|" + schema) ? ids.get(schema) : null;
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
