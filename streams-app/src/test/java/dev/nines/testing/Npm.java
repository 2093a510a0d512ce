package dev.nines.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Where npm installs global packages: the validators .ci/run installs for the tests. */
public final class Npm {
  private Npm() {}

  /** npm's global module directory, when node and npm are on the PATH. */
  public static Optional<Path> globalModules() {
    try {
      Process p = new ProcessBuilder("npm", "root", "-g").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
        return Optional.empty();
      }
      return Optional.of(Path.of(out.lines().reduce((a, b) -> b).orElse("")));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
