package dev.nines.uptime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IntervalsTest {
  private static Interval i(long start, long end) {
    return Interval.of(start, end);
  }

  @Test
  void unionMergesOverlappingAndTouchingIntervalsAndDropsEmptyOnes() {
    assertThat(Intervals.union(List.of(i(10, 20), i(0, 5), i(5, 8), i(15, 30), i(40, 40))))
        .containsExactly(i(0, 8), i(10, 30));
    assertThat(Intervals.union(List.of())).isEmpty();
  }

  @Test
  void intersectionKeepsWhatBothCover() {
    assertThat(Intervals.intersection(List.of(i(0, 10), i(20, 30)), List.of(i(5, 25))))
        .containsExactly(i(5, 10), i(20, 25));
    // touching is not overlapping: [0, 10) and [10, 20) share no instant
    assertThat(Intervals.intersection(List.of(i(0, 10)), List.of(i(10, 20)))).isEmpty();
  }

  @Test
  void subtractionCutsHoles() {
    assertThat(Intervals.subtract(List.of(i(0, 100)), List.of(i(10, 20), i(30, 40), i(90, 200))))
        .containsExactly(i(0, 10), i(20, 30), i(40, 90));
    assertThat(Intervals.subtract(List.of(i(0, 10), i(20, 30)), List.of(i(5, 25))))
        .containsExactly(i(0, 5), i(25, 30));
    assertThat(Intervals.subtract(List.of(i(0, 10)), List.of(i(-5, 15)))).isEmpty();
  }

  @Test
  void clipKeepsThePartInsideThePeriod() {
    assertThat(Intervals.clip(List.of(i(-10, 5), i(8, 12), i(50, 60)), i(0, 10)))
        .containsExactly(i(0, 5), i(8, 10));
  }

  @Test
  void lengthCountsOverlapsOnce() {
    assertThat(Intervals.length(List.of(i(0, 10), i(5, 15), i(20, 21)))).isEqualTo(16);
  }

  @Test
  void anIntervalEndsAtOrAfterItsStart() {
    assertThatThrownBy(() -> i(5, 4)).hasMessageContaining("end before start");
    assertThatThrownBy(() -> i(Long.MIN_VALUE, Long.MAX_VALUE))
        .isInstanceOf(ArithmeticException.class);
    assertThat(i(3, 3).isEmpty()).isTrue();
    assertThat(i(3, 4).contains(3)).isTrue();
    assertThat(i(3, 4).contains(4)).isFalse();
  }
}
