package dev.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.AlertSeverity;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Service;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.SlaCreditKind;
import dev.nines.schema.SlaStatement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How `nines tail` writes a line: alerts, credits, statements. */
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

  @Test
  void anAdjustmentSaysSoAndAStatementShowsItsMonthInItsZone() {
    SlaCredit c =
        SlaCredit.newBuilder()
            .setCreditId("adjustment-d1")
            .setAccountId("acme")
            .setService(Service.SMS)
            .setMonth("2026-03")
            .setAvailabilityPercent("99.977598")
            .setTargetPercent("99.99")
            .setDowntimeMs(600_000)
            .setCreditPercent(20)
            .setCreditAmountMinor(2_000)
            .setCurrency("EUR")
            .setIncidentIds(List.of())
            .setIssuedAt(Instant.parse("2026-04-02T00:00:00Z"))
            .setKind(SlaCreditKind.ADJUSTMENT)
            .setAdjustmentId("d1")
            .build();
    assertThat(OutputPrinter.describe(c))
        .isEqualTo("acme SMS 2026-03 20% = 2000 EUR minor units (adjustment d1)");
    SlaStatement st =
        SlaStatement.newBuilder()
            .setStatementId("statement-acme-SMS-2026-03")
            .setAccountId("acme")
            .setService(Service.SMS)
            .setMonth("2026-03")
            .setTimeZone("Europe/Berlin")
            .setPeriodStart(Instant.parse("2026-02-28T23:00:00Z"))
            .setPeriodEnd(Instant.parse("2026-03-31T22:00:00Z"))
            .setAvailabilityPercent("100.000000")
            .setTargetPercent("99.99")
            .setDowntimeMs(0)
            .setMaintenanceMs(600_000)
            .setUnobservedMs(0)
            .setDownIntervals(List.of())
            .setCreditId(null)
            .setDisputeUntil(Instant.parse("2026-05-31T01:00:00Z"))
            .setClosedAt(Instant.parse("2026-04-01T01:00:00Z"))
            .build();
    assertThat(OutputPrinter.describe(st))
        .isEqualTo(
            "acme SMS 2026-03 (Europe/Berlin) availability 100.000000% target 99.99% downtime 0"
                + " ms maintenance 600000 ms no credit");
  }
}
