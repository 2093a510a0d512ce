package dev.nines.simulate;

import org.apache.avro.specific.SpecificRecord;

/**
 * Where simulated records go: a Kafka producer ({@link KafkaSimSink}), a list in a test, a
 * benchmark's counter. The simulator calls it from one thread, in emission order.
 */
@FunctionalInterface
public interface SimSink {

  /**
   * One record. {@code timestampMs} is the Kafka record timestamp: the event time, except for a
   * record that leaves the simulator after its event time (a late receipt, a duplicate re-send),
   * whose timestamp is the time it was emitted.
   */
  void send(String topic, String key, SpecificRecord value, long timestampMs);

  /** Called at the end of a run; sinks that buffer must hand everything on before returning. */
  default void flush() {}

  /** The simulator writes contract topic names; a prefixed deployment gets prefixed topics. */
  static SimSink withTopicPrefix(SimSink sink, String prefix) {
    if (prefix.isEmpty()) {
      return sink;
    }
    return new SimSink() {
      @Override
      public void send(String topic, String key, SpecificRecord value, long timestampMs) {
        sink.send(prefix + topic, key, value, timestampMs);
      }

      @Override
      public void flush() {
        sink.flush();
      }
    };
  }
}
