package dev.nines.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchException;

import dev.nines.ingest.stream.DeadLetters;
import dev.nines.serde.OutputLimits;
import dev.nines.serde.RegistryUnavailableException;
import dev.nines.serde.SerdeException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * Only records that are themselves wrong reach dead-letters: invalid input found by the
 * admission checks, and bytes that cannot be read. A registry that does not answer, or an
 * exception in any other stage, fails the stream thread (resumed from the last commit).
 */
class DeadLetterHandlersTest {
  static final byte[] BYTES = "v".getBytes(StandardCharsets.UTF_8);

  static ErrorHandlerContext context(String topic) {
    return new ErrorHandlerContext() {
      public String topic() {
        return topic;
      }

      public int partition() {
        return 0;
      }

      public long offset() {
        return 5;
      }

      public Headers headers() {
        return new RecordHeaders();
      }

      public String processorNodeId() {
        return "node";
      }

      public TaskId taskId() {
        return new TaskId(0, 0);
      }

      public long timestamp() {
        return 1L;
      }

      public byte[] sourceRawKey() {
        return BYTES;
      }

      public byte[] sourceRawValue() {
        return BYTES;
      }
    };
  }

  static Map<String, Object> configs(DeadLetters counter) {
    return Map.of(
        StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
        "dead-letters",
        DeadLetters.CONFIG_KEY,
        counter);
  }

  @Test
  void processingDeadLettersInvalidInputOnly() {
    try (DeadLetters counter = new DeadLetters()) {
      var h = new DeadLetters.ProcessingHandler();
      h.configure(configs(counter));
      Record<Object, Object> record = new Record<>("k", "v", 1L);

      var invalid =
          h.handleError(
              context("delivery-receipts"),
              record,
              new InvalidInputException("unknown-route", "no plan for ZZ:SMS"));
      assertThat(invalid.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
      assertThat(invalid.deadLetterQueueRecords())
          .singleElement()
          .satisfies(r -> assertThat(r.topic()).isEqualTo("dead-letters"));

      for (Exception internal :
          new Exception[] {
            new IllegalStateException("a bug"),
            new NullPointerException(),
            new PlansUnavailableException("reader stopped", null),
            new RegistryUnavailableException("t", 1, "down", null)
          }) {
        var r = h.handleError(context("app-uptime-by-service-repartition"), record, internal);
        assertThat(r.result())
            .as(internal.toString())
            .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(r.deadLetterQueueRecords()).as(internal.toString()).isEmpty();
      }
      assertThat(counter.counts()).isEqualTo(Map.of("delivery-receipts unknown-route", 1L));
    }
  }

  @Test
  void deserializationFailsTheThreadWhenTheRegistryDidNotAnswer() {
    try (DeadLetters counter = new DeadLetters()) {
      var h = new DeadLetters.DeserializationHandler();
      h.configure(configs(counter));
      var raw = new ConsumerRecord<>("delivery-receipts", 0, 5L, BYTES, BYTES);

      var down =
          h.handleError(
              context("delivery-receipts"),
              raw,
              new RegistryUnavailableException("delivery-receipts", 3, "unreachable", null));
      assertThat(down.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
      assertThat(down.deadLetterQueueRecords()).isEmpty();

      var bad =
          h.handleError(
              context("delivery-receipts"),
              raw,
              new SerdeException("delivery-receipts", 3, "unknown schema id", null));
      assertThat(bad.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
      assertThat(bad.deadLetterQueueRecords())
          .singleElement()
          .satisfies(r -> assertThat(r.value()).isEqualTo(BYTES));
      assertThat(counter.counts()).isEqualTo(Map.of("delivery-receipts SerdeException", 1L));
    }
  }

  @Test
  void anOutputOverTheLimitDeadLettersItsInputAndGoesOn() {
    try (DeadLetters counter = new DeadLetters()) {
      var h = new DeadLetters.ProductionHandler();
      h.configure(configs(counter));
      var out = new ProducerRecord<byte[], byte[]>("uptime-ledger", new byte[2_000_000]);
      var tooLarge =
          h.handleError(
              context("probe-results"), out, new RecordTooLargeException("2000100 bytes"));
      assertThat(tooLarge.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
      assertThat(tooLarge.deadLetterQueueRecords())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.topic()).isEqualTo("dead-letters");
                assertThat(r.value()).as("the input's own bytes").isEqualTo(BYTES);
              });
      assertThat(counter.counts()).isEqualTo(Map.of("probe-results output-too-large", 1L));

      var other = h.handleError(context("probe-results"), out, new InvalidTopicException("gone"));
      assertThat(other.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }
  }

  @Test
  void anOutputOverItsLimitIsCaughtAsItIsSerializedAndItsInputDeadLettered() {
    try (DeadLetters counter = new DeadLetters()) {
      var h = new DeadLetters.ProductionHandler();
      h.configure(configs(counter));
      var limits = new OutputLimits();
      limits.set("carrier-health", 600);
      Exception tooLarge =
          catchException(
              () ->
                  limits
                      .guard(Serdes.ByteArray())
                      .serializer()
                      .serialize("carrier-health", new byte[100]));
      var out = new ProducerRecord<Object, Object>("carrier-health", "k", "v");
      var r =
          h.handleSerializationError(
              context("receipts-by-carrier"),
              out,
              tooLarge,
              ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);
      assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
      assertThat(r.deadLetterQueueRecords())
          .singleElement()
          .satisfies(l -> assertThat(l.value()).as("the input's own bytes").isEqualTo(BYTES));
      assertThat(counter.counts()).isEqualTo(Map.of("receipts-by-carrier output-too-large", 1L));

      // any other serialization failure still fails the thread
      var other =
          h.handleSerializationError(
              context("receipts-by-carrier"),
              out,
              new IllegalStateException("a bug"),
              ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);
      assertThat(other.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }
  }
}
