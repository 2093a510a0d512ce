package dev.nines.reliability;

import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.schema.UptimeLedger;
import dev.nines.serde.SchemaRegistryClient;
import dev.nines.testing.TopicRecords.Rec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

/**
 * Compares a run's output topics with those of the fault-free run of the same input.
 *
 * <p>Per part (a topic, or the finalized and the other lines of {@code uptime-ledger}) it
 * reports records missing from the run and records it has in excess, counted as multisets of
 * (partition, key, value bytes, timestamp): a record the reference has twice and the run once
 * is one missing. It also checks that every key's records come in the same order. Records of
 * different keys may interleave differently within a partition: they come from different
 * tasks or upstream partitions, and no consumer may rely on that order.
 */
final class OutputComparison {

  /** The outcome for one part. */
  record Part(
      String name,
      int reference,
      int run,
      List<Rec> missing,
      List<Rec> extra,
      List<String> keysOutOfOrder) {
    boolean equal() {
      return missing.isEmpty() && extra.isEmpty() && keysOutOfOrder.isEmpty();
    }

    String line() {
      return String.format(
          "%-34s reference %6d  run %6d  missing %4d  doubled/extra %4d  "
              + "keys out of order %d  -> %s",
          name,
          reference,
          run,
          missing.size(),
          extra.size(),
          keysOutOfOrder.size(),
          equal() ? "EQUAL" : "DIFFERENT");
    }
  }

  private OutputComparison() {}

  /** Parts in a fixed order; {@code uptime-ledger} is split into finalized and not. */
  static Map<String, Part> compare(
      Map<String, List<Rec>> reference,
      Map<String, List<Rec>> run,
      String referencePrefix,
      String runPrefix,
      SchemaRegistryClient registry) {
    Map<String, Part> parts = new LinkedHashMap<>();
    for (Topic<?> t : Topics.OUTPUTS) {
      List<Rec> a = reference.get(t.name());
      List<Rec> b = run.get(t.name());
      if (t == Topics.UPTIME_LEDGER) {
        var serde = Topics.UPTIME_LEDGER.valueSerde(registry);
        BiPredicate<String, Rec> finalized =
            (prefix, r) ->
                serde.deserializer().deserialize(prefix + t.name(), r.value()).getFinalized();
        parts.put(
            t.name() + " (finalized)",
            part(
                t.name() + " (finalized)",
                a.stream().filter(r -> finalized.test(referencePrefix, r)).toList(),
                b.stream().filter(r -> finalized.test(runPrefix, r)).toList()));
        parts.put(
            t.name() + " (not final)",
            part(
                t.name() + " (not final)",
                a.stream().filter(r -> !finalized.test(referencePrefix, r)).toList(),
                b.stream().filter(r -> !finalized.test(runPrefix, r)).toList()));
      } else {
        parts.put(t.name(), part(t.name(), a, b));
      }
    }
    return parts;
  }

  static Part part(String name, List<Rec> reference, List<Rec> run) {
    Map<Rec, Integer> count = new HashMap<>();
    reference.forEach(r -> count.merge(r, 1, Integer::sum));
    List<Rec> extra = new ArrayList<>();
    for (Rec r : run) {
      Integer n = count.get(r);
      if (n == null || n == 0) {
        extra.add(r);
      } else {
        count.put(r, n - 1);
      }
    }
    List<Rec> missing = new ArrayList<>();
    Map<Rec, Integer> left = new HashMap<>(count);
    for (Rec r : reference) {
      Integer n = left.get(r);
      if (n != null && n > 0) {
        missing.add(r);
        left.put(r, n - 1);
      }
    }
    List<String> outOfOrder = new ArrayList<>();
    if (missing.isEmpty() && extra.isEmpty()) {
      Map<String, List<Rec>> byKeyA = byKey(reference);
      Map<String, List<Rec>> byKeyB = byKey(run);
      byKeyA.forEach(
          (k, list) -> {
            if (!list.equals(byKeyB.get(k))) {
              outOfOrder.add(k);
            }
          });
    }
    return new Part(name, reference.size(), run.size(), missing, extra, outOfOrder);
  }

  private static Map<String, List<Rec>> byKey(List<Rec> records) {
    return records.stream()
        .collect(Collectors.groupingBy(Rec::key, TreeMap::new, Collectors.toList()));
  }

  /**
   * A readable list of the differing records (decoded as JSON), at most {@code max} of each
   * side, for the report.
   */
  static String describe(
      Part p,
      String topic,
      String referencePrefix,
      String runPrefix,
      SchemaRegistryClient registry,
      int max) {
    if (p.equal()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    Topic<?> t = Topics.byName(topic);
    appendRecords(b, "  missing from the run", p.missing(), t, referencePrefix, registry, max);
    appendRecords(b, "  only in the run", p.extra(), t, runPrefix, registry, max);
    if (!p.keysOutOfOrder().isEmpty()) {
      b.append("  keys whose records come in another order: ")
          .append(p.keysOutOfOrder())
          .append('\n');
    }
    return b.toString();
  }

  private static void appendRecords(
      StringBuilder b,
      String title,
      List<Rec> recs,
      Topic<?> t,
      String prefix,
      SchemaRegistryClient registry,
      int max) {
    if (recs.isEmpty()) {
      return;
    }
    b.append(title).append(" (").append(recs.size()).append("):\n");
    recs.stream()
        .limit(max)
        .forEach(
            r ->
                b.append("    p")
                    .append(r.partition())
                    .append(' ')
                    .append(r.key())
                    .append(" @")
                    .append(Instant.ofEpochMilli(r.timestamp()))
                    .append(' ')
                    .append(decode(t, prefix, r, registry))
                    .append('\n'));
    if (recs.size() > max) {
      b.append("    ... and ").append(recs.size() - max).append(" more\n");
    }
  }

  private static String decode(Topic<?> t, String prefix, Rec r, SchemaRegistryClient registry) {
    if (t.valueType() == null) {
      return r.value().length + " bytes";
    }
    try {
      return String.valueOf(
          t.valueSerde(registry).deserializer().deserialize(prefix + t.name(), r.value()));
    } catch (RuntimeException e) {
      return "(undecodable: " + e.getMessage() + ")";
    }
  }

  /** Finalized ledger lines, decoded, for the report. */
  static List<UptimeLedger> finalized(
      List<Rec> ledger, String prefix, SchemaRegistryClient registry) {
    var serde = Topics.UPTIME_LEDGER.valueSerde(registry);
    return ledger.stream()
        .map(r -> serde.deserializer().deserialize(prefix + Topics.UPTIME_LEDGER.name(), r.value()))
        .filter(UptimeLedger::getFinalized)
        .toList();
  }
}
