package dev.nines;

import dev.nines.serde.AvroSerde;
import dev.nines.serde.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A contract topic: its name, key serde (always UTF-8 strings), value type and cleanup policy.
 *
 * @param valueType the generated Avro class of the values, or null for raw bytes (dead letters)
 */
public record Topic<V extends SpecificRecord>(String name, Class<V> valueType, boolean compacted) {

  public Serde<String> keySerde() {
    return Serdes.String();
  }

  /** The value serde; outputs auto-register their schema, as KafkaAvroSerializer does. */
  public AvroSerde<V> valueSerde(SchemaRegistryClient registry) {
    if (valueType == null) {
      throw new IllegalStateException("topic " + name + " carries raw bytes, not Avro");
    }
    return AvroSerde.forValues(valueType, registry);
  }

  public String cleanupPolicy() {
    return compacted ? "compact" : "delete";
  }
}
