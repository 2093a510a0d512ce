package dev.nines.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WeightSplitterTest {

  @Test
  void largestRemaindersGetTheUnitsLeft() {
    // quotas 1428.57, 2857.14, 5714.29: floors sum to 9999, the unit goes to .57
    assertThat(WeightSplitter.split(10_000, new double[] {1, 2, 4}, List.of("a", "b", "c")))
        .containsExactly(1429, 2857, 5714);
  }

  @Test
  void equalRemaindersGoToTheSmallerId() {
    assertThat(WeightSplitter.split(10_000, new double[] {1, 1, 1}, List.of("z", "m", "a")))
        .containsExactly(3333, 3333, 3334);
    assertThat(WeightSplitter.split(3, new double[] {1, 1}, List.of("b", "a")))
        .containsExactly(1, 2);
  }

  @Test
  void aZeroShareGetsNothingAndAZeroTotalGivesZeros() {
    assertThat(WeightSplitter.split(5, new double[] {0, 1, 1}, List.of("a", "b", "c")))
        .containsExactly(0, 3, 2);
    assertThat(WeightSplitter.split(0, new double[] {0, 0}, List.of("a", "b")))
        .containsExactly(0, 0);
  }

  @Test
  void nothingToSplitOverIsAnError() {
    assertThatThrownBy(() -> WeightSplitter.split(10, new double[] {0, 0}, List.of("a", "b")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot split 10: no carrier has a share");
  }
}
