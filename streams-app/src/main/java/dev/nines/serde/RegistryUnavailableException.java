package dev.nines.serde;

import org.apache.kafka.common.errors.RetriableException;

/**
 * The schema registry could not be reached or could not answer, so a record could not be read or
 * written now. Not a fault of the record: it is never dead-lettered; the stream thread fails and
 * is replaced, and processing resumes from the last commit (see {@code dev.nines.app.NinesApp}).
 */
public final class RegistryUnavailableException extends RetriableException {
  public RegistryUnavailableException(
      String topic, Integer schemaId, String what, Throwable cause) {
    super(
        "topic '" + topic + "'" + (schemaId == null ? "" : ", schema id " + schemaId) + ": " + what,
        cause);
  }

  /** Whether {@code e} or one of its causes is a registry outage. */
  public static boolean causedBy(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof RegistryUnavailableException) {
        return true;
      }
    }
    return false;
  }
}
