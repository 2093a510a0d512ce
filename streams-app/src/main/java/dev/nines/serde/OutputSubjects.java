package dev.nines.serde;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A registry client that sets the compatibility level of each output subject before it first
 * registers a schema there: billing, routers and auditors are old readers of nines' outputs, so
 * an output schema must stay readable by them (FULL_TRANSITIVE by default), not only by nines.
 * Inputs and internal subjects are left at the registry's level.
 */
public final class OutputSubjects implements SchemaRegistryClient {
  private final SchemaRegistryClient registry;
  private final Set<String> outputSubjects;
  private final String level;
  private final Set<String> done = ConcurrentHashMap.newKeySet();

  public OutputSubjects(SchemaRegistryClient registry, Set<String> outputSubjects, String level) {
    this.registry = registry;
    this.outputSubjects = Set.copyOf(outputSubjects);
    this.level = level;
  }

  @Override
  public int register(String subject, Schema schema) {
    // first the level, then the version: a registration is checked at the subject's level
    if (outputSubjects.contains(subject) && !done.contains(subject)) {
      registry.setCompatibility(subject, level);
      done.add(subject);
    }
    return registry.register(subject, schema);
  }

  @Override
  public int lookup(String subject, Schema schema) {
    return registry.lookup(subject, schema);
  }

  @Override
  public Schema schemaById(int id) {
    return registry.schemaById(id);
  }

  @Override
  public void setCompatibility(String subject, String level) {
    registry.setCompatibility(subject, level);
  }
}
