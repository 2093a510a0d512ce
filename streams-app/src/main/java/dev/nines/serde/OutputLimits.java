package dev.nines.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The largest value each output topic takes, checked when the value is serialized:
 *
 * <pre>
 * value too large  &lt;=&gt;  bytes(value) + RECORD_ALLOWANCE &gt; min(max.message.bytes(topic), max.request.size)
 * </pre>
 *
 * <p>Why before the producer: under exactly-once, a record the producer or the broker refuses
 * makes the whole transaction abortable, whatever the production handler answers, so the task
 * is re-run and meets the same record again, for ever. A serializer's exception reaches the
 * handler before anything is sent; it dead-letters the input and the transaction goes on. The
 * topics' limits are asked of the broker when the app starts ({@link #set}); a topic whose limit
 * is unknown is not checked.
 */
public final class OutputLimits {
  /** Room for the record batch header, the record's own header, its key and headers. */
  public static final int RECORD_ALLOWANCE = 512;

  private final Map<String, Integer> maxBytes = new ConcurrentHashMap<>();

  /** No topic checked (tests without a broker). */
  public static OutputLimits unknown() {
    return new OutputLimits();
  }

  /** Sets the largest batch {@code topic} takes, e.g. its {@code max.message.bytes}. */
  public void set(String topic, int bytes) {
    maxBytes.merge(topic, bytes, Math::min);
  }

  /** The largest value {@code topic} takes, or {@link Integer#MAX_VALUE} when unknown. */
  public int maxValueBytes(String topic) {
    Integer max = maxBytes.get(topic);
    return max == null ? Integer.MAX_VALUE : Math.max(0, max - RECORD_ALLOWANCE);
  }

  /** {@code serde} whose serializer refuses a value over its topic's limit. */
  public <T> Serde<T> guard(Serde<T> serde) {
    return Serdes.serdeFrom(new Guarded<>(serde.serializer()), serde.deserializer());
  }

  /** A value over its topic's limit: nothing was sent; the input goes to dead-letters. */
  public static final class OutputTooLargeException extends RecordTooLargeException {
    private static final long serialVersionUID = 1L;

    OutputTooLargeException(String topic, int bytes, int max) {
      super(
          "a value of "
              + bytes
              + " bytes for "
              + topic
              + " is over the "
              + max
              + " bytes the topic takes (max.message.bytes or max.request.size, less "
              + RECORD_ALLOWANCE
              + " bytes for the record around it)");
    }
  }

  private final class Guarded<T> implements Serializer<T> {
    private final Serializer<T> inner;

    Guarded(Serializer<T> inner) {
      this.inner = inner;
    }

    @Override
    public byte[] serialize(String topic, T data) {
      return checked(topic, inner.serialize(topic, data));
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
      return checked(topic, inner.serialize(topic, headers, data));
    }

    private byte[] checked(String topic, byte[] bytes) {
      int max = maxValueBytes(topic);
      if (bytes != null && bytes.length > max) {
        throw new OutputTooLargeException(topic, bytes.length, max);
      }
      return bytes;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
      inner.configure(configs, isKey);
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
