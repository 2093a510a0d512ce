package dev.nines.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverBenchmarkTest {
  @Test
  void consecutiveVersionsFromOneAreNoFault() {
    assertThat(FailoverBenchmark.versionFaults(List.of())).isZero();
    assertThat(FailoverBenchmark.versionFaults(List.of(1L, 2L, 3L, 4L))).isZero();
  }

  @Test
  void aMissingVersionIsOneFault() {
    assertThat(FailoverBenchmark.versionFaults(List.of(1L, 2L, 4L, 5L))).isEqualTo(1);
    // the first version read must be 1: the router reads the topic from its beginning
    assertThat(FailoverBenchmark.versionFaults(List.of(2L, 3L))).isEqualTo(1);
  }

  @Test
  void aDoubledVersionIsOneFault() {
    assertThat(FailoverBenchmark.versionFaults(List.of(1L, 2L, 2L, 3L))).isEqualTo(1);
  }
}
