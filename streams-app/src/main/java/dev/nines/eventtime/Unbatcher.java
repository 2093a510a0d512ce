package dev.nines.eventtime;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Downstream half of a batched repartition ({@link Batcher}): each entry of a batch is passed on
 * as the record it would have been alone (its key, timestamp and value, the batch's headers);
 * single items and watermarks pass as they are, so a topic written before batches, or by an
 * instance that does not batch, reads the same.
 */
public final class Unbatcher<V> implements ProcessorSupplier<String, Marked<V>, String, Marked<V>> {

  @Override
  public Processor<String, Marked<V>, String, Marked<V>> get() {
    return new Processor<>() {
      private ProcessorContext<String, Marked<V>> context;

      @Override
      public void init(ProcessorContext<String, Marked<V>> context) {
        this.context = context;
      }

      @Override
      public void process(Record<String, Marked<V>> record) {
        if (!(record.value() instanceof Marked.Batch<V> batch)) {
          context.forward(record);
          return;
        }
        int own = context.taskId().partition();
        if (batch.partition() != own) {
          throw new IllegalStateException(
              "a batch for partition " + batch.partition() + " read by the task of " + own);
        }
        for (Marked.Entry<V> e : batch.entries()) {
          // one Record, not three with*() calls: each copies the headers
          context.forward(
              new Record<>(e.key(), Marked.item(e.value()), e.timestamp(), record.headers()));
        }
      }
    };
  }
}
