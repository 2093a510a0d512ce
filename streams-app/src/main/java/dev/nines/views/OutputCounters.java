package dev.nines.views;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of what the pipeline decided, by name and one tag (routing decisions per route,
 * ejections per route, incidents per status), for /metrics. The view writers count as they
 * write; like Kafka Streams' own metrics the counts are not transactional (a record processed
 * again after a crash or rebalance is counted again). One instance per app, reached by the
 * processors through the app's configs under {@link #CONFIG_KEY}, like
 * {@link dev.nines.ingest.stream.DeadLetters}.
 */
public final class OutputCounters {
  public static final String CONFIG_KEY = "nines.output.counters";
  public static final String DECISIONS = "routing_decisions";
  public static final String EJECTIONS = "routing_ejections";
  public static final String INCIDENTS = "incidents";

  /** A counter: its name, and one tag with its value. */
  public record Key(String name, String tag, String value) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      return (name + '\0' + tag + '\0' + value).compareTo(o.name + '\0' + o.tag + '\0' + o.value);
    }
  }

  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

  public void add(String name, String tag, String value, long n) {
    counts.computeIfAbsent(new Key(name, tag, value), k -> new LongAdder()).add(n);
  }

  public Map<Key, Long> snapshot() {
    Map<Key, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** The live adder (for a function counter that reads it at scrape time). */
  public LongAdder adder(Key key) {
    return counts.computeIfAbsent(key, k -> new LongAdder());
  }

  static OutputCounters from(Map<String, Object> configs) {
    return configs.get(CONFIG_KEY) instanceof OutputCounters c ? c : null;
  }
}
