package dev.nines.credits.stream;

import dev.nines.ingest.OriginalRecord;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.SlaStatement;

/** What the credit processor writes: a credit, a month's statement, or a dead letter. */
sealed interface CreditOutput {
  record Credit(SlaCredit credit) implements CreditOutput {}

  record Statement(SlaStatement statement) implements CreditOutput {}

  /** An input record that cannot be used, to go to dead-letters as read (headers say why). */
  record Rejected(OriginalRecord record) implements CreditOutput {}
}
