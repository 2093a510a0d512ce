package dev.nines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.app.NinesTopology;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The topology's names are the identity of its state: an instance that starts on a state
 * directory or changelogs written by an earlier build finds them by store, processor and
 * internal topic names. The description of the whole topology (sub-topologies, processors,
 * stores, topics) is kept in {@code topology/nines.txt}; a change to it is a change to what an
 * upgrade keeps, to be made on purpose: copy {@code target/topology-nines.txt} over the kept
 * file and say in CHANGELOG.md what an upgrade must do (docs/operations.md, "Upgrade: a rolling restart keeps state").
 */
class TopologyIdentityTest {

  @Test
  void theTopologyKeepsTheNamesItsStateIsFoundBy() throws Exception {
    NinesConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
    String actual = NinesTopology.build(config, new TestRegistry()).describe().toString();
    Path written = Path.of("target", "topology-nines.txt");
    Files.createDirectories(written.getParent());
    Files.writeString(written, actual);
    String kept;
    try (var in = TopologyIdentityTest.class.getResourceAsStream("/topology/nines.txt")) {
      kept = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(actual)
        .as(
            "the topology as built now (written to %s) against the kept " + "topology/nines.txt",
            written.toAbsolutePath())
        .isEqualTo(kept);
  }
}
