package dev.nines.bench.micro;

import dev.nines.platform.registry.InMemorySchemaStore;
import dev.nines.platform.registry.SchemaInput;
import dev.nines.platform.registry.SchemaRegistry;
import dev.nines.serde.SchemaRegistryClient;
import org.apache.avro.Schema;

/**
 * The project's own schema registry ({@link SchemaRegistry}, the one behind the embedded HTTP
 * server) over an in-memory store, called directly: the serde benchmark then measures the serde
 * and not the network. The real client caches ids after the first call anyway, and so does the
 * serde, so in steady state neither is called per record.
 */
final class InMemoryRegistry implements SchemaRegistryClient {
  private final SchemaRegistry registry = new SchemaRegistry(new InMemorySchemaStore());

  @Override
  public int register(String subject, Schema schema) {
    return registry.register(subject, SchemaInput.avro(schema.toString())).id();
  }

  @Override
  public int lookup(String subject, Schema schema) {
    return registry.lookup(subject, SchemaInput.avro(schema.toString()), false).id();
  }

  @Override
  public Schema schemaById(int id) {
    return new Schema.Parser().parse(registry.schemaById(id));
  }
}
