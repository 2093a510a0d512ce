package dev.nines.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository (docs, schemas, docker) for tests that check them against the code. */
public final class RepoFiles {
  private RepoFiles() {}

  /** The repository's root: the first directory above the working directory with a README. */
  public static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null
        && !(Files.isRegularFile(p.resolve("README.md"))
            && Files.isDirectory(p.resolve("streams-app")))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  public static Path path(String relative) {
    return root().resolve(relative);
  }
}
