package dev.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nines replay} refuses bad flags with one line saying what is wrong and what would be
 * right, before it starts or connects to anything (all these point at an unreachable cluster).
 */
class ReplayCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int replay(String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "replay";
    System.arraycopy(args, 0, all, 1, args.length);
    // nothing listens here: reaching the cluster would be a failure of its own (exit 1)
    all[args.length + 1] = "--bootstrap-servers";
    all[args.length + 2] = "127.0.0.1:1";
    all[args.length + 3] = "--schema-registry-url";
    all[args.length + 4] = "http://127.0.0.1:1";
    return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  @Test
  void toNotAfterFromIsOneLine() {
    assertThat(replay("--from", "2026-10-31T00:00:00Z", "--to", "2026-10-01")).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "nines: --to 2026-10-01T00:00:00Z is not "
                + "after --from 2026-10-31T00:00:00Z: the range is [from, to), so --to must be later, "
                + "e.g. --from 2026-10 --to 2026-11");
  }

  @Test
  void unparseableTimeIsOneLine() {
    assertThat(replay("--from", "last month", "--to", "2026-11")).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "nines: --from 'last month' is not a time: "
                + "expected an ISO-8601 instant such as 2026-10-01T00:00:00Z, a date 2026-10-01 or a "
                + "month 2026-10 (UTC)");
  }

  @Test
  void missingRangeIsOneLine() {
    assertThat(replay("--from", "2026-10")).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(err.toString()).startsWith("nines: Missing required option: '--to=INSTANT'");
  }

  @Test
  void unreadablePolicyFileIsOneLine(@TempDir Path dir) {
    Path missing = dir.resolve("strict.properties");
    assertThat(replay("--from", "2026-10", "--to", "2026-11", "--policy", missing.toString()))
        .isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "nines: --policy '"
                + missing
                + "' cannot be read: expected a properties file of policy keys, e.g. "
                + "routing.eject.success.below=0.9");
  }

  @Test
  void unknownKeyInPolicyIsOneLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("p.properties");
    Files.writeString(f, "routing.eject.sucess.below=0.9\n");
    assertThat(replay("--from", "2026-10", "--to", "2026-11", "--policy", f.toString()))
        .isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(err.toString())
        .startsWith(
            "nines: unknown config key "
                + "'routing.eject.sucess.below' (policy file "
                + f
                + "): expected one of [");
  }

  @Test
  void nonPolicyKeyInPolicyIsOneLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("p.properties");
    Files.writeString(f, "topics.prefix=other.\n");
    assertThat(replay("--from", "2026-10", "--to", "2026-11", "--policy", f.toString()))
        .isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "nines: config 'topics.prefix' (policy "
                + "file "
                + f
                + ") is not a policy setting: a policy file may set only routing.*, "
                + "health.*, dedup.retention, uptime.* and credits.* keys; give others with --config or "
                + "--set");
  }

  @Test
  void badPolicyValueNamesThePolicyFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("p.properties");
    Files.writeString(f, "uptime.target.percent=100\n");
    assertThat(replay("--from", "2026-10", "--to", "2026-11", "--policy", f.toString()))
        .isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "nines: config 'uptime.target.percent' = "
                + "'100' (policy file "
                + f
                + "): expected a decimal percent above 0 and below 100, "
                + "e.g. 99.99");
  }

  @Test
  void badSuffixIsOneLine() {
    assertThat(replay("--from", "2026-10", "--to", "2026-11", "--suffix", "/shadow")).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "nines: --suffix '/shadow': expected only "
                + "letters, digits, '.', '_' and '-' (it becomes part of topic names), e.g. "
                + ".replay-2026-10");
  }

  @Test
  void helpNamesTheFlags() {
    assertThat(
            Main.execute(
                new PrintWriter(out, true), new PrintWriter(err, true), "replay", "--help"))
        .isZero();
    assertThat(out.toString())
        .contains("--from", "--to", "--suffix", "--policy", "--[no-]diff", "--replace");
  }
}
