package dev.nines.cli;

import dev.nines.config.Settings;
import org.slf4j.LoggerFactory;

/**
 * Logs two lines through the product's log4j2.xml, for PackagedJarIT: the format comes from
 * NINES_LOG_FORMAT as at start; with the argument {@code then-json} the second line comes after
 * the configuration chose json (as a config file or flag would).
 */
public final class LogProbe {
  public static void main(String[] args) {
    Logs.fromEnvironment(System.getenv());
    var log = LoggerFactory.getLogger("dev.nines.probe");
    log.info("first line");
    if (args.length > 0 && args[0].equals("then-json")) {
      Logs.apply(Settings.LogFormat.JSON);
    }
    log.warn("second line");
  }
}
