package dev.nines.serde;

import org.apache.avro.Schema;

/** What the serde needs from a schema registry. Implementations cache both ways. */
public interface SchemaRegistryClient {

  /** Registers {@code schema} under {@code subject} (or finds it there) and returns its id. */
  int register(String subject, Schema schema);

  /** The id of {@code schema} if it is already registered under {@code subject}. */
  int lookup(String subject, Schema schema);

  /** The schema with this id. */
  Schema schemaById(int id);

  /**
   * Sets the compatibility level of one subject ({@code PUT /config/{subject}}), e.g.
   * FULL_TRANSITIVE. A registry without per-subject levels may ignore it.
   */
  default void setCompatibility(String subject, String level) {}

  /** Raised when the registry answers with an error; carries Confluent's error code. */
  final class RegistryException extends RuntimeException {
    private final int status;
    private final int errorCode;

    public RegistryException(String message, int status, int errorCode) {
      super(message);
      this.status = status;
      this.errorCode = errorCode;
    }

    public int status() {
      return status;
    }

    public int errorCode() {
      return errorCode;
    }

    /**
     * Whether the registry could not answer (no connection, a timeout, 5xx, 408, 429), as
     * opposed to answering that something is wrong (404 unknown schema, 409, 422): the request
     * may succeed later, and the record it was for is not at fault.
     */
    public boolean unavailable() {
      return status == 0 || status >= 500 || status == 408 || status == 429;
    }
  }
}
