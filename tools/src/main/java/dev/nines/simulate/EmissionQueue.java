package dev.nines.simulate;

import java.util.PriorityQueue;
import org.apache.avro.specific.SpecificRecord;

/**
 * Orders generated records by emission time. It holds one time step of on-time records plus the
 * late and duplicate ones still waiting, so its size is bounded by rate × max delay, not by the
 * length of the run.
 */
final class EmissionQueue {
  private final PriorityQueue<Emission> queue = new PriorityQueue<>(Emission.ORDER);
  private final SimSink sink;
  private final StatsCounter stats;
  private long nextSeq;

  EmissionQueue(SimSink sink, StatsCounter stats) {
    this.sink = sink;
    this.stats = stats;
  }

  void add(String topic, String key, SpecificRecord value, long emitAtMs, Emission.Kind kind) {
    queue.add(new Emission(topic, key, value, emitAtMs, nextSeq++, kind));
  }

  /** Emits every record due strictly before {@code limitMs}. */
  void emitBefore(long limitMs) {
    while (!queue.isEmpty() && queue.peek().emitAtMs() < limitMs) {
      emit(queue.poll());
    }
  }

  /** Emits everything left, in order (the end of a history run). */
  void emitAll() {
    while (!queue.isEmpty()) {
      emit(queue.poll());
    }
  }

  /** Emission time of the next record, or {@code Long.MAX_VALUE} when empty. */
  long nextDueMs() {
    return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().emitAtMs();
  }

  int size() {
    return queue.size();
  }

  private void emit(Emission e) {
    sink.send(e.topic(), e.key(), e.value(), e.emitAtMs());
    stats.record(e);
  }
}
