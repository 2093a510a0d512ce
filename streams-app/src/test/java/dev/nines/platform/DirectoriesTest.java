package dev.nines.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoriesTest {

  @Test
  void removesATreeWithEverythingInIt(@TempDir Path tmp) throws Exception {
    Path root = tmp.resolve("data");
    Files.createDirectories(root.resolve("node-1/logs/topic-0"));
    Files.writeString(root.resolve("node-1/logs/topic-0/00000000000000000000.log"), "x");
    Files.writeString(root.resolve("node-1/meta.properties"), "y");
    Files.createDirectories(root.resolve("empty"));

    Directories.deleteRecursively(root);

    assertThat(root).doesNotExist();
    assertThat(tmp).exists();
  }

  @Test
  void aMissingDirectoryIsNothingToDo(@TempDir Path tmp) {
    Directories.deleteRecursively(tmp.resolve("never-made"));
    assertThat(tmp.resolve("never-made")).doesNotExist();
  }
}
