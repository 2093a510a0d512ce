package dev.nines.simulate;

import java.util.Comparator;
import org.apache.avro.specific.SpecificRecord;

/**
 * A generated record waiting for its emission time. {@code seq} is the generation order; it
 * breaks ties so the output order never depends on the priority queue's internals.
 */
record Emission(
    String topic, String key, SpecificRecord value, long emitAtMs, long seq, Kind kind) {

  enum Kind {
    ON_TIME,
    LATE,
    DUPLICATE
  }

  static final Comparator<Emission> ORDER =
      Comparator.comparingLong(Emission::emitAtMs).thenComparingLong(Emission::seq);
}
