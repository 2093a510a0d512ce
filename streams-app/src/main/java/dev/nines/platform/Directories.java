package dev.nines.platform;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Temporary directories of state and data: removed with everything in them. */
public final class Directories {
  private static final Logger log = LoggerFactory.getLogger(Directories.class);

  private Directories() {}

  /**
   * Deletes {@code dir} and its contents; a failure is logged, not thrown (cleanup only). A file
   * that vanishes during the walk (a broker's or store's temporary file) is skipped, not an error.
   */
  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              file.toFile().delete();
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) {
              d.toFile().delete();
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.warn("could not delete {}: {}", dir, e.toString());
    }
    if (Files.exists(dir)) {
      log.warn("could not delete all of {}", dir);
    }
  }
}
