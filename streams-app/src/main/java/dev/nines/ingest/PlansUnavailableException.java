package dev.nines.ingest;

/**
 * A receipt could not be checked against the route plans because the plans reader has stopped
 * (the app is closing, or the reader died). Not bad input: the receipt must not go to
 * dead-letters, so the processing handler fails the task instead ({@link
 * DeadLetters.ProcessingHandler}), and the app stops ({@code NinesApp}); under exactly-once the
 * receipt is processed again after a restart.
 */
public final class PlansUnavailableException extends RuntimeException {
  public PlansUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
