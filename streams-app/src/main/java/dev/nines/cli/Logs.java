package dev.nines.cli;

import dev.nines.config.Settings;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Chooses the log format (log.format: text or json) for log4j2.xml, whose console appender
 * selects its layout by the system property {@value #PROPERTY}. The environment is read before
 * anything logs, so that the first lines are already in the chosen format; a config file or a
 * flag choosing otherwise reconfigures logging once the configuration is loaded.
 */
final class Logs {
  private Logs() {}

  static final String PROPERTY = "nines.log.format";

  /** At start, before the first log line: NINES_LOG_FORMAT. */
  static void fromEnvironment(Map<String, String> env) {
    String v = env.get(Settings.LOG_FORMAT.envName());
    if (v != null && v.trim().equalsIgnoreCase("json")) {
      System.setProperty(PROPERTY, "json");
    }
  }

  /** Once the configuration is loaded (it was validated there). */
  static void apply(Settings.LogFormat format) {
    String want = format.name().toLowerCase(Locale.ROOT);
    if (!want.equals(System.getProperty(PROPERTY, "text"))) {
      System.setProperty(PROPERTY, want);
      Configurator.reconfigure();
    }
  }
}
