package dev.nines.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Streams state of the running app, written to {@code <platform.data.dir>/nines.state} at
 * every change, for a container health check that needs no network ({@code docker/Dockerfile}:
 * healthy while it reads RUNNING or REBALANCING). Written whole and renamed, so a reader never
 * sees half a word.
 */
public final class HealthFile {
  private static final Logger log = LoggerFactory.getLogger(HealthFile.class);

  /** Its name in the data directory; the Dockerfile's HEALTHCHECK reads the same file. */
  public static final String NAME = "nines.state";

  private HealthFile() {}

  static void follow(KafkaStreams streams, Path dataDir) {
    Path file = dataDir.resolve(NAME);
    write(file, streams.state());
    streams.setStateListener((now, before) -> write(file, now));
  }

  private static void write(Path file, KafkaStreams.State state) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(NAME + ".tmp");
      Files.writeString(tmp, state.name() + "\n");
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("cannot write the health file {}: {}", file, e.toString());
    }
  }
}
