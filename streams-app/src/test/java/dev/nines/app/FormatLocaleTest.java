package dev.nines.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FormatLocaleTest {
  private Locale format;
  private Locale display;

  @BeforeEach
  void keep() {
    format = Locale.getDefault(Locale.Category.FORMAT);
    display = Locale.getDefault(Locale.Category.DISPLAY);
  }

  @AfterEach
  void restore() {
    Locale.setDefault(Locale.Category.FORMAT, format);
    Locale.setDefault(Locale.Category.DISPLAY, display);
  }

  @Test
  void formatsTheEnUsWayAndLeavesTheDisplayLocale() {
    Locale.setDefault(Locale.Category.FORMAT, Locale.GERMANY);
    Locale.setDefault(Locale.Category.DISPLAY, Locale.GERMANY);
    assertThat(String.format("%.1f", 1.5)).isEqualTo("1,5");

    FormatLocale.useUs();

    assertThat(Locale.getDefault(Locale.Category.FORMAT)).isEqualTo(Locale.US);
    assertThat(String.format("%.1f", 1.5)).isEqualTo("1.5");
    assertThat(Locale.getDefault(Locale.Category.DISPLAY)).isEqualTo(Locale.GERMANY);
  }
}
