package dev.nines.deploy;

import dev.nines.testing.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Finds and reads the files under docker/ for the static checks. */
final class DockerFiles {
  private DockerFiles() {}

  /** One Dockerfile instruction, continuation lines joined, e.g. ("COPY", "a b"). */
  record Instruction(String keyword, String args) {}

  /** The repository root. */
  static Path repoRoot() {
    return RepoFiles.root();
  }

  static List<Instruction> dockerfile() {
    try {
      List<Instruction> out = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : Files.readAllLines(repoRoot().resolve("docker/Dockerfile"))) {
        String t = line.strip();
        if (current.length() == 0 && (t.isEmpty() || t.startsWith("#"))) {
          continue;
        }
        if (t.endsWith("\\")) {
          current.append(t, 0, t.length() - 1).append(' ');
          continue;
        }
        current.append(t);
        String full = current.toString().strip();
        current.setLength(0);
        int sp = full.indexOf(' ');
        out.add(
            new Instruction(
                full.substring(0, sp).toUpperCase(Locale.ROOT), full.substring(sp + 1).strip()));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The instructions of the last stage (from its FROM on). */
  static List<Instruction> finalStage(List<Instruction> all) {
    int last = 0;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).keyword().equals("FROM")) {
        last = i;
      }
    }
    return all.subList(last, all.size());
  }

  /** The value an ENV of the final stage gives {@code name} ("NAME=value" form). */
  static String env(List<Instruction> all, String name) {
    return finalStage(all).stream()
        .filter(i -> i.keyword().equals("ENV"))
        .map(Instruction::args)
        .filter(a -> a.startsWith(name + "="))
        .map(a -> a.substring(name.length() + 1))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ENV " + name + " in the final stage"));
  }
}
