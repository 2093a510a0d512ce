package dev.nines.ingest;

/**
 * An input record that was read but makes no sense (e.g. a contract whose credit schedule is out
 * of order). Thrown by a validation step right after a source, so that Kafka Streams' processing
 * exception handler writes the record's original key and value bytes to {@code dead-letters}
 * with headers naming the topic, partition, offset, this class and the message; processing goes
 * on with the next record.
 *
 * <p>{@link #reason()} is a short, stable code (e.g. {@code completed-before-submitted}) that the
 * dead-letter metric is tagged with; the message says the rest in words.
 */
public final class InvalidInputException extends RuntimeException {
  private final String reason;

  public InvalidInputException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** For checks with one kind of failure: the reason is {@code invalid}. */
  public InvalidInputException(String message) {
    this("invalid", message);
  }

  public String reason() {
    return reason;
  }
}
