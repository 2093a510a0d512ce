package dev.nines.credits.stream;

import dev.nines.eventtime.Marked;
import dev.nines.ingest.OriginalRecord;
import dev.nines.schema.SlaContract;
import dev.nines.serde.Tagged;
import dev.nines.uptime.ErrorRateHour;
import dev.nines.uptime.MonthClosed;

/**
 * What the credit processor reads, merged: a contract version, a closed month, an adjustment, an
 * error-rate hour or watermark.
 */
public sealed interface CreditInput {

  /** A contract version of an account (by its id), or with a null value the account's removal. */
  record Contract(Tagged<SlaContract> contract) implements CreditInput {}

  /** A service's month closed by the uptime processor of the same task. */
  record Closed(MonthClosed month) implements CreditInput {}

  /** An adjustment that passed the checks at its source, as read there. */
  record Adjustment(OriginalRecord record) implements CreditInput {}

  /** An account's error-rate hour (a by-carrier task's share), or such a task's watermark. */
  record ErrorRate(Marked<ErrorRateHour> marked) implements CreditInput {}
}
