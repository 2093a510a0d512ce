package dev.nines.health;

import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;

/**
 * Whom a delivery outcome counts against, per the contract: only CARRIER failures, and EXPIRED
 * with any cause, count against a carrier; RECIPIENT, CONTENT and PLATFORM failures do not.
 */
public enum Outcome {
  DELIVERED,
  CARRIER_FAILURE,
  OTHER_FAILURE;

  public static Outcome of(DeliveryStatus status, FailureCause cause) {
    return switch (status) {
      case DELIVERED -> DELIVERED;
      case EXPIRED -> CARRIER_FAILURE;
      case FAILED, REJECTED -> cause == FailureCause.CARRIER ? CARRIER_FAILURE : OTHER_FAILURE;
      // an unknown status is not evidence against the carrier
      default -> OTHER_FAILURE;
    };
  }
}
