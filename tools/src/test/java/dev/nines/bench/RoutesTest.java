package dev.nines.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.bench.ThroughputBenchmark.Routes;
import org.junit.jupiter.api.Test;

class RoutesTest {
  @Test
  void aBareCountMeansFiveCarriersAndAProductMoreOrFewer() {
    assertThat(Routes.parse("300")).isEqualTo(new Routes(300, 5));
    assertThat(Routes.parse(" 747x67 ").paths()).isEqualTo(50_049); // >= 10,000 x 5
    assertThat(Routes.parse("2X1")).isEqualTo(new Routes(2, 1));
    assertThat(new Routes(747, 67)).hasToString("747 x 67");
  }

  @Test
  void routeIdsBoundTheRoutesAndTheTextMustBeACountOrAProduct() {
    // 249 ISO 3166-1 countries x 3 channels
    assertThatThrownBy(() -> Routes.parse("748")).hasMessageContaining("1..747");
    assertThatThrownBy(() -> Routes.parse("0x5")).hasMessageContaining("1..747");
    assertThatThrownBy(() -> Routes.parse("10x0")).hasMessageContaining("carriers per route");
    assertThatThrownBy(() -> Routes.parse("10x5x2")).hasMessageContaining("747x67");
    assertThatThrownBy(() -> Routes.parse("many")).hasMessageContaining("ROUTESxCARRIERS");
  }
}
