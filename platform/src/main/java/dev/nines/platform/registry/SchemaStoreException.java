package dev.nines.platform.registry;

/** The durable log could not be read or written; the registry answers such failures with 50001. */
public class SchemaStoreException extends RuntimeException {

  public SchemaStoreException(String message) {
    super(message);
  }

  public SchemaStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
