package dev.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.AlertSeverity;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Service;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How `nines tail` writes an alert line, burn rate or no data. */
class OutputPrinterTest {
  static ErrorBudgetAlert alert(AlertSeverity s, double rate, String window, Instant resolved) {
    return new ErrorBudgetAlert(
        Service.SMS,
        "eu-west",
        s,
        rate,
        window,
        window.equals("PT1H") ? "PT5M" : window,
        Instant.parse("2026-12-06T10:15:00Z"),
        resolved);
  }

  @Test
  void aBurnRateAlertNamesItsRuleAndNoDataItsLimit() {
    assertThat(OutputPrinter.describe(alert(AlertSeverity.PAGE, 14.4, "PT1H", null)))
        .isEqualTo(
            "SMS:eu-west PAGE burn rate > 14.4x over PT1H and PT5M FIRED at 2026-12-06T10:15:00Z");
    assertThat(OutputPrinter.describe(alert(AlertSeverity.NO_DATA, 0, "PT5M", null)))
        .isEqualTo(
            "SMS:eu-west NO_DATA: no probe results for more than PT5M FIRED at"
                + " 2026-12-06T10:15:00Z");
    assertThat(
            OutputPrinter.describe(
                alert(AlertSeverity.NO_DATA, 0, "PT5M", Instant.parse("2026-12-06T10:30:00Z"))))
        .isEqualTo(
            "SMS:eu-west NO_DATA: no probe results for more than PT5M resolved at"
                + " 2026-12-06T10:30:00Z (fired 2026-12-06T10:15:00Z)");
  }
}
