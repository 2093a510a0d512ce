package dev.nines.ingest;

/**
 * An input record that was read but makes no sense (e.g. a contract whose credit schedule is out
 * of order). Thrown by a validation step right after a source, so that Kafka Streams' processing
 * exception handler writes the record's original key and value bytes to {@code dead-letters}
 * with headers naming the topic, partition, offset, this class and the message; processing goes
 * on with the next record.
 */
public final class InvalidInputException extends RuntimeException {
  public InvalidInputException(String message) {
    super(message);
  }
}
