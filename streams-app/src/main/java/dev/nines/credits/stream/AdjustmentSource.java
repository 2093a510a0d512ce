package dev.nines.credits.stream;

import dev.nines.credits.Adjustments;
import dev.nines.ingest.InvalidInputException;
import dev.nines.ingest.OriginalRecord;
import dev.nines.ingest.TextLimit;
import dev.nines.schema.SlaAdjustment;
import dev.nines.serde.SerdeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads {@code sla-adjustments} as bytes: checks each record on its own (an invalid one goes to
 * dead-letters here, as read) and sends a valid one, key its service, to the credit processor
 * with its original bytes and place, so that the checks only the credit processor can make
 * (closed month, dispute window, currency) still dead-letter the original record. A tombstone
 * changes nothing: an issued credit is not taken back.
 */
final class AdjustmentSource implements Processor<byte[], byte[], String, OriginalRecord> {
  private final Deserializer<SlaAdjustment> values;
  private final int maxTextLength;
  private ProcessorContext<String, OriginalRecord> context;

  AdjustmentSource(Deserializer<SlaAdjustment> values, int maxTextLength) {
    this.values = values;
    this.maxTextLength = maxTextLength;
  }

  @Override
  public void init(ProcessorContext<String, OriginalRecord> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    if (record.value() == null) {
      return;
    }
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    SlaAdjustment a;
    try {
      a = values.deserialize(meta.topic(), record.value());
    } catch (SerdeException e) {
      // a registry that does not answer is not this: that is retried, not dead-lettered
      throw new InvalidInputException(
          "unreadable", "sla-adjustments: record '" + key + "' unreadable: " + e.getMessage());
    }
    List<String> problems = new ArrayList<>(Adjustments.shapeProblems(key, a));
    TextLimit.check(a, maxTextLength).ifPresent(p -> problems.add(p.text()));
    if (!problems.isEmpty()) {
      throw new InvalidInputException(
          "invalid-adjustment",
          "sla-adjustments: adjustment '" + key + "' rejected: " + String.join("; ", problems));
    }
    context.forward(
        record
            .withKey(a.getService().name())
            .withValue(
                new OriginalRecord(
                    meta.topic(), meta.partition(), meta.offset(), record.key(), record.value())));
  }
}
