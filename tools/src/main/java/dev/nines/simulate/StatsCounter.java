package dev.nines.simulate;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Running counts behind {@link SimulationStats}; safe to read while a live run writes. */
final class StatsCounter {
  private final Map<String, LongAdder> byTopic = new ConcurrentHashMap<>();
  private final LongAdder late = new LongAdder();
  private final LongAdder duplicates = new LongAdder();

  void record(Emission e) {
    byTopic.computeIfAbsent(e.topic(), t -> new LongAdder()).increment();
    switch (e.kind()) {
      case LATE -> late.increment();
      case DUPLICATE -> duplicates.increment();
      default -> {}
    }
  }

  SimulationStats snapshot() {
    Map<String, Long> counts = new HashMap<>();
    byTopic.forEach((topic, n) -> counts.put(topic, n.sum()));
    return new SimulationStats(counts, late.sum(), duplicates.sum());
  }
}
