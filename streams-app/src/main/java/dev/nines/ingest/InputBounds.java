package dev.nines.ingest;

import java.time.Duration;

/**
 * How far input may stray before admission rejects it: event time against the record's own
 * timestamp ({@code maxRecordSkew}), ahead of it ({@code maxAhead}) and behind its partition's
 * stream time ({@code maxBehind}); whether receipts are checked against the route plans, and
 * how long the longest text field may be.
 */
public record InputBounds(
    Duration maxRecordSkew,
    Duration maxAhead,
    Duration maxBehind,
    boolean checkPlans,
    Duration plansRecheck,
    int maxTextLength) {

  /** The same bounds, with the check against the route plans on or off. */
  public InputBounds withCheckPlans(boolean on) {
    return new InputBounds(maxRecordSkew, maxAhead, maxBehind, on, plansRecheck, maxTextLength);
  }
}
