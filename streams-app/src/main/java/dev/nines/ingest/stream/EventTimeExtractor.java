package dev.nines.ingest.stream;

import dev.nines.model.EventTime;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/** Kafka Streams reads each input record at its {@link EventTime}. */
public final class EventTimeExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    return EventTime.of(record.value(), record.timestamp());
  }
}
