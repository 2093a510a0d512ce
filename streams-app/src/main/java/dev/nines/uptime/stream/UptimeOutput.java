package dev.nines.uptime.stream;

import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Incident;
import dev.nines.schema.UptimeLedger;
import dev.nines.uptime.MonthClosed;

/** What the uptime processor writes; the topology sends each kind to its own topic. */
public sealed interface UptimeOutput {

  /** An incident opened or resolved: to {@code incidents}. */
  record IncidentChange(Incident incident) implements UptimeOutput {}

  /** A month's ledger line of one region: to {@code uptime-ledger}. */
  record LedgerLine(UptimeLedger line) implements UptimeOutput {}

  /** A burn-rate alert fired or resolved: to {@code error-budget-alerts}. */
  record Alert(ErrorBudgetAlert alert) implements UptimeOutput {}

  /** A service's month closed, for the credit rule in the same task. */
  record Closed(MonthClosed month) implements UptimeOutput {}
}
