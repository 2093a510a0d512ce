package dev.nines.config;

/** A configuration problem, stated in one line: what is wrong and what would be right. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
