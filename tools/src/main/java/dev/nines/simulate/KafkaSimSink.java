package dev.nines.simulate;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends simulated records with a Kafka producer. The caller owns the producer and chooses its
 * value serializer (the project's Confluent-wire-format serde), so this class depends on no serde
 * and never closes the producer.
 */
public final class KafkaSimSink implements SimSink {
  private final Producer<String, Object> producer;

  /** First asynchronous send failure; reported on the next call rather than lost in a callback. */
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  public KafkaSimSink(Producer<String, Object> producer) {
    this.producer = Objects.requireNonNull(producer, "producer");
  }

  @Override
  public void send(String topic, String key, SpecificRecord value, long timestampMs) {
    throwIfFailed();
    producer.send(
        new ProducerRecord<>(topic, null, timestampMs, key, value),
        (metadata, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
  }

  @Override
  public void flush() {
    producer.flush();
    throwIfFailed();
  }

  private void throwIfFailed() {
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("a simulated record could not be sent: " + e.getMessage(), e);
    }
  }
}
