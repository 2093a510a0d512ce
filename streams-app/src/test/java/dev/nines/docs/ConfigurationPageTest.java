package dev.nines.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.config.ConfigReference;
import dev.nines.config.Setting;
import dev.nines.config.Settings;
import dev.nines.testing.RepoFiles;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is what the code generates, and says something about every key. */
class ConfigurationPageTest {

  @Test
  void theCheckedInPageIsWhatTheCodeGenerates() throws Exception {
    String onDisk = Files.readString(RepoFiles.path("docs/configuration.md"));
    assertThat(onDisk)
        .as(
            "docs/configuration.md is out of date: run "
                + "./nines config --reference > docs/configuration.md")
        .isEqualTo(ConfigReference.markdown());
  }

  @Test
  void everyKeyHasARowWithItsTypeDefaultVariableAndMeaning() {
    String page = ConfigReference.markdown();
    for (Setting<?> s : Settings.ALL) {
      assertThat(s.doc()).as(s.key()).isNotBlank();
      assertThat(s.type()).as(s.key()).isNotBlank();
      String row =
          page.lines()
              .filter(l -> l.startsWith("| `" + s.key() + "`"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no row for " + s.key()));
      assertThat(row).contains("`" + s.envName() + "`").contains(s.doc().replace("|", "\\|"));
    }
  }

  @Test
  void aPolicyKeyAndASecretAreMarked() {
    String page = ConfigReference.markdown();
    assertThat(page)
        .contains("| `routing.trickle.weight` *policy* |")
        .contains("| `api.token` *secret* |")
        .contains("| `api.port` |");
  }
}
