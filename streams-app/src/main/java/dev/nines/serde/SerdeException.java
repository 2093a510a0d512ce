package dev.nines.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that cannot be written or read. The message always names the topic, the schema id
 * when one is known, and what was wrong, so a dead letter or a log line explains itself.
 * It extends Kafka's {@link SerializationException} so Kafka's own handlers recognise it.
 */
public final class SerdeException extends SerializationException {
  private final String topic;
  private final Integer schemaId;

  public SerdeException(String topic, Integer schemaId, String what, Throwable cause) {
    super(
        "topic '" + topic + "'" + (schemaId == null ? "" : ", schema id " + schemaId) + ": " + what,
        cause);
    this.topic = topic;
    this.schemaId = schemaId;
  }

  public String topic() {
    return topic;
  }

  /** The schema id from the record's header bytes, or null if they could not be read. */
  public Integer schemaId() {
    return schemaId;
  }
}
