package dev.nines.model;

import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.RoutePlan;

/**
 * Event time comes from the payload (completedAt, observedAt, updatedAt), never from the broker
 * or the wall clock, so a replay of last year's history gives exactly the same windows as the
 * live run.
 */
public final class EventTime {
  private EventTime() {}

  /** The event time of an input value; its record's own timestamp where it carries none. */
  public static long of(Object value, long recordTimestamp) {
    if (value instanceof DeliveryReceipt r && r.getCompletedAt() != null) {
      return r.getCompletedAt().toEpochMilli();
    }
    if (value instanceof ProbeResult p && p.getObservedAt() != null) {
      return p.getObservedAt().toEpochMilli();
    }
    if (value instanceof RoutePlan plan) {
      return of(plan, recordTimestamp);
    }
    // tombstones and other reference data: the record's own timestamp
    return recordTimestamp;
  }

  /** A plan version's time: its updatedAt, else its record's own timestamp. */
  public static long of(RoutePlan plan, long recordTimestamp) {
    return plan.getUpdatedAt() != null ? plan.getUpdatedAt().toEpochMilli() : recordTimestamp;
  }
}
