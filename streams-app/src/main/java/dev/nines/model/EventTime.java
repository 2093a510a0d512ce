package dev.nines.model;

import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.ProbeResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time comes from the payload (completedAt, observedAt), never from the broker or the wall
 * clock, so a replay of last year's history gives exactly the same windows as the live run.
 */
public final class EventTime implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    Object v = record.value();
    if (v instanceof DeliveryReceipt r && r.getCompletedAt() != null) {
      return r.getCompletedAt().toEpochMilli();
    }
    if (v instanceof ProbeResult p && p.getObservedAt() != null) {
      return p.getObservedAt().toEpochMilli();
    }
    if (v instanceof dev.nines.schema.RoutePlan plan) {
      return of(plan, record.timestamp());
    }
    // tombstones and other reference data: the record's own timestamp
    return record.timestamp();
  }

  /** A plan version's time: its updatedAt, else its record's own timestamp. */
  public static long of(dev.nines.schema.RoutePlan plan, long recordTimestamp) {
    return plan.getUpdatedAt() != null ? plan.getUpdatedAt().toEpochMilli() : recordTimestamp;
  }
}
