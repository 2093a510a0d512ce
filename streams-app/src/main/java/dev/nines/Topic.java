package dev.nines;

import dev.nines.serde.AvroSerde;
import dev.nines.serde.OutputLimits;
import dev.nines.serde.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A contract topic: its name, key serde (always UTF-8 strings), value type, cleanup policy and
 * any other topic config nines creates it with.
 *
 * @param valueType the generated Avro class of the values, or null for raw bytes (dead letters)
 * @param configs topic configs besides the cleanup policy and retention (e.g. {@code
 *     max.message.bytes}), set when nines creates the topic
 */
public record Topic<V extends SpecificRecord>(
    String name, Class<V> valueType, boolean compacted, Map<String, String> configs) {

  public Topic {
    configs = Map.copyOf(configs);
  }

  /** A topic with the broker's defaults for everything but its cleanup policy. */
  public Topic(String name, Class<V> valueType, boolean compacted) {
    this(name, valueType, compacted, Map.of());
  }

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

  /** The value serde of an output: as {@link #valueSerde}, refusing values over its limit. */
  public Serde<V> outputSerde(SchemaRegistryClient registry, OutputLimits limits) {
    return limits.guard(valueSerde(registry));
  }

  public String cleanupPolicy() {
    return compacted ? "compact" : "delete";
  }
}
