package dev.nines.simulate;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many records a simulator has emitted, per topic, plus how many of the receipts were late
 * or duplicate re-sends. A snapshot: it does not change after it is taken.
 */
public record SimulationStats(
    Map<String, Long> recordsByTopic, long lateReceipts, long duplicateReceipts) {

  public SimulationStats {
    recordsByTopic = Collections.unmodifiableMap(new TreeMap<>(recordsByTopic));
  }

  /** Records emitted on a topic (0 if none). */
  public long count(String topic) {
    return recordsByTopic.getOrDefault(topic, 0L);
  }

  public long total() {
    return recordsByTopic.values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public String toString() {
    return "SimulationStats"
        + recordsByTopic
        + " late="
        + lateReceipts
        + " duplicates="
        + duplicateReceipts;
  }
}
