package dev.nines.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.bench.FaultBenchmark.Tally;
import dev.nines.bench.FaultBenchmark.Window;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fault benchmark's oracle, on windows worked out by hand. */
class FaultBenchmarkTest {
  // two windows sent: 10 receipts (9 delivered) and 4 receipts (4 delivered)
  static final Map<String, long[]> SENT =
      Map.of(
          "US:SMS:atlas@0", new long[] {10, 9},
          "US:SMS:atlas@60000", new long[] {4, 4});

  @Test
  void everyReceiptOnceIsClean() {
    assertThat(
            FaultBenchmark.tally(
                SENT,
                List.of(
                    new Window("US:SMS:atlas@0", 10, 9), new Window("US:SMS:atlas@60000", 4, 4))))
        .isEqualTo(new Tally(14, 0, 0));
  }

  @Test
  void aMissingWindowLosesItsReceipts() {
    assertThat(FaultBenchmark.tally(SENT, List.of(new Window("US:SMS:atlas@0", 10, 9))))
        .isEqualTo(new Tally(10, 4, 0));
  }

  @Test
  void aWindowWrittenTwiceDoublesItsReceipts() {
    assertThat(
            FaultBenchmark.tally(
                SENT,
                List.of(
                    new Window("US:SMS:atlas@0", 10, 9),
                    new Window("US:SMS:atlas@60000", 4, 4),
                    new Window("US:SMS:atlas@60000", 4, 4))))
        .isEqualTo(new Tally(18, 0, 4));
  }

  @Test
  void countsOffEitherWayAreLostOrDoubled() {
    assertThat(
            FaultBenchmark.tally(
                SENT,
                List.of(
                    new Window("US:SMS:atlas@0", 8, 7), new Window("US:SMS:atlas@60000", 5, 5))))
        .isEqualTo(new Tally(13, 2, 1));
  }

  @Test
  void aWrongOutcomeIsOneLostAndOneDoubled() {
    // the same 10 receipts, but 7 delivered instead of 9: two receipts counted wrongly
    assertThat(
            FaultBenchmark.tally(
                SENT,
                List.of(
                    new Window("US:SMS:atlas@0", 10, 7), new Window("US:SMS:atlas@60000", 4, 4))))
        .isEqualTo(new Tally(14, 2, 2));
  }

  @Test
  void aWindowNothingWasSentForIsDoubled() {
    assertThat(
            FaultBenchmark.tally(
                SENT,
                List.of(
                    new Window("US:SMS:atlas@0", 10, 9),
                    new Window("US:SMS:atlas@60000", 4, 4),
                    new Window("GB:SMS:atlas@0", 3, 3))))
        .isEqualTo(new Tally(17, 0, 3));
  }
}
