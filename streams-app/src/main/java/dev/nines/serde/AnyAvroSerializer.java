package dev.nines.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes any generated Avro record in Confluent's wire format, choosing the schema by the
 * record's class: one producer can then write every topic (the simulator seeds five of them).
 */
public final class AnyAvroSerializer implements Serializer<Object> {
  private final SchemaRegistryClient registry;
  private final Map<Class<?>, AvroSerde<?>> serdes = new ConcurrentHashMap<>();

  public AnyAvroSerializer(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public byte[] serialize(String topic, Object data) {
    if (data == null) {
      return null;
    }
    if (!(data instanceof SpecificRecord)) {
      throw new SerdeException(
          topic,
          null,
          "cannot write a " + data.getClass().getName() + ": expected a generated Avro record",
          null);
    }
    AvroSerde serde =
        serdes.computeIfAbsent(data.getClass(), c -> AvroSerde.forValues((Class) c, registry));
    return serde.serialize(topic, (SpecificRecord) data);
  }
}
