package dev.nines.ingest;

import dev.nines.schema.Channel;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;
import java.util.ArrayList;
import java.util.List;

/**
 * A delivery receipt the pipeline can use: its ids, known enum symbols (a symbol added by a newer
 * producer reads as UNKNOWN), an event time, and a completion that does not precede submission.
 */
public final class ReceiptCheck {
  private ReceiptCheck() {}

  public static List<Problem> problems(DeliveryReceipt r) {
    List<Problem> problems = new ArrayList<>();
    Problem.requireText(problems, "messageId", r.getMessageId());
    Problem.requireText(problems, "accountId", r.getAccountId());
    Problem.requireText(problems, "carrierId", r.getCarrierId());
    Problem.requireText(problems, "country", r.getCountry());
    Problem.requireText(problems, "region", r.getRegion());
    if (r.getChannel() == null || r.getChannel() == Channel.UNKNOWN) {
      problems.add(
          new Problem(
              Problem.UNKNOWN_SYMBOL,
              "channel = " + r.getChannel() + ": expected SMS, MMS or VOICE"));
    }
    if (r.getStatus() == null || r.getStatus() == DeliveryStatus.UNKNOWN) {
      problems.add(
          new Problem(
              Problem.UNKNOWN_SYMBOL,
              "status = " + r.getStatus() + ": expected DELIVERED, FAILED, EXPIRED or REJECTED"));
    }
    if (r.getFailureCause() == null || r.getFailureCause() == FailureCause.UNKNOWN) {
      problems.add(
          new Problem(
              Problem.UNKNOWN_SYMBOL,
              "failureCause = "
                  + r.getFailureCause()
                  + ": expected NONE, CARRIER, RECIPIENT, CONTENT or PLATFORM"));
    }
    if (r.getCompletedAt() == null) {
      problems.add(new Problem(Problem.MISSING, "completedAt is missing: it is the event time"));
    } else if (r.getSubmittedAt() == null) {
      problems.add(new Problem(Problem.MISSING, "submittedAt is missing"));
    } else if (r.getCompletedAt().isBefore(r.getSubmittedAt())) {
      problems.add(
          new Problem(
              Problem.OUT_OF_ORDER,
              "completedAt "
                  + r.getCompletedAt()
                  + " is before submittedAt "
                  + r.getSubmittedAt()
                  + ": expected an outcome known after the message was handed over"));
    }
    return problems;
  }
}
