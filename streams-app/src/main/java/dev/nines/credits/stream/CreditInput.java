package dev.nines.credits.stream;

import dev.nines.schema.SlaContract;
import dev.nines.serde.Tagged;
import dev.nines.uptime.MonthClosed;

/** What the credit processor reads, merged: a contract version or a closed month. */
public sealed interface CreditInput {

  /** A contract version of an account (by its id), or with a null value the account's removal. */
  record Contract(Tagged<SlaContract> contract) implements CreditInput {}

  /** A service's month closed by the uptime processor of the same task. */
  record Closed(MonthClosed month) implements CreditInput {}
}
