package dev.nines.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextsTest {

  @Test
  void durationsAndSharesReadNaturally() {
    assertThat(Texts.duration(120_000)).isEqualTo("2m");
    assertThat(Texts.duration(90_000)).isEqualTo("1m30s");
    assertThat(Texts.duration(3_600_000)).isEqualTo("1h");
    assertThat(Texts.duration(1_500)).isEqualTo("1s500ms");
    assertThat(Texts.share(0.5)).isEqualTo("50%");
    assertThat(Texts.share(1.0 / 3)).isEqualTo("33.3%");
    assertThat(Texts.percent(0.8)).isEqualTo("80.0%");
  }
}
