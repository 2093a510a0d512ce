package dev.nines.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void rendersRecordsAndPercent() {
    assertThat(Progress.render("copying", 12_345, 27_000, ""))
        .isEqualTo(
            "replay: copying    [#############.................]  45%  12,345 of 27,000 "
                + "records");
    assertThat(Progress.render("processing", 0, 0, "(note)"))
        .isEqualTo(
            "replay: processing [##############################] 100%  0 of 0 records"
                + "  (note)");
    // done beyond the total (a last poll) shows the total
    assertThat(Progress.render("copying", 11, 10, "")).contains("100%  10 of 10 records");
  }

  @Test
  void notInteractiveItPrintsALineAtMostEveryIntervalAndAlwaysTheLast() {
    StringWriter w = new StringWriter();
    AtomicLong now = new AtomicLong();
    Progress p = new Progress(new PrintWriter(w), false, 5_000, now::get);
    p.update("copying", 1, 10, "");
    now.set(1_000);
    p.update("copying", 2, 10, ""); // too soon
    now.set(6_000);
    p.update("copying", 3, 10, "");
    p.finish("copying", 10, 10, "");
    assertThat(w.toString().lines())
        .extracting(l -> l.replaceAll(".*\\] +", ""))
        .containsExactly("10%  1 of 10 records", "30%  3 of 10 records", "100%  10 of 10 records");
  }

  @Test
  void notInteractiveAnUnchangedStateIsRepeatedOnlyEveryTwelveIntervals() {
    StringWriter w = new StringWriter();
    AtomicLong now = new AtomicLong();
    Progress p = new Progress(new PrintWriter(w), false, 5_000, now::get);
    for (int t = 0; t <= 60_000; t += 5_000) {
      now.set(t);
      p.update("processing", 5, 10, "");
    }
    assertThat(w.toString().lines()).hasSize(2); // at 0 and at 60 s
  }

  @Test
  void interactiveItRedrawsInPlace() {
    StringWriter w = new StringWriter();
    Progress p = new Progress(new PrintWriter(w), true, 5_000, () -> 0L);
    p.update("copying", 1, 10, "");
    p.update("copying", 2, 10, "");
    p.finish("copying", 10, 10, "");
    assertThat(w.toString())
        .startsWith("\rreplay: copying")
        .contains("\rreplay: copying")
        .endsWith(System.lineSeparator());
    // one line in all, redrawn with carriage returns (String.lines() would split at those too)
    assertThat(w.toString().split(System.lineSeparator(), -1)).hasSize(2);
    assertThat(w.toString().chars().filter(ch -> ch == '\r').count()).isEqualTo(3);
  }
}
