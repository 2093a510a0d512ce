package dev.nines.replay;

import dev.nines.Topic;
import dev.nines.TopicNames;
import dev.nines.Topics;
import dev.nines.schema.CarrierHealth;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Incident;
import dev.nines.schema.RoutingWeights;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.SlaStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The differences between the live outputs and a replay's, per output topic. Pure: it works on
 * records already read (see {@link OutputReader}), so it is tested on lists in memory.
 *
 * <p>Each topic's records are grouped by what they are about (their <i>identity</i>), and an
 * identity differs when the two sides do not have the same content for it (or only one side has
 * it):
 *
 * <table>
 *   <caption>identities and contents</caption>
 *   <tr><th>topic</th><th>unit counted</th><th>identity</th><th>content compared</th></tr>
 *   <tr><td>carrier-health</td><td>windows</td><td>key, window start</td><td>value bytes</td></tr>
 *   <tr><td>routing-weights</td><td>decisions</td><td>route, effectiveAt</td><td>mode and each
 *       carrier's weight and state (not version, score or reason, which follow from them)</td></tr>
 *   <tr><td>incidents</td><td>incidents</td><td>incidentId</td><td>value bytes of its records</td></tr>
 *   <tr><td>uptime-ledger</td><td>lines</td><td>key (service, region, month)</td><td>value bytes of
 *       the latest line in the range, as a compacted topic keeps it</td></tr>
 *   <tr><td>sla-credits</td><td>credits</td><td>creditId</td><td>value bytes</td></tr>
 *   <tr><td>sla-statements</td><td>statements</td><td>statementId</td><td>value bytes</td></tr>
 *   <tr><td>error-budget-alerts</td><td>alerts</td><td>key, severity, windows, firedAt</td><td>value
 *       bytes of its records</td></tr>
 *   <tr><td>dead-letters</td><td>records</td><td>key and value bytes</td><td>how often</td></tr>
 * </table>
 *
 * <p>Separately, a topic is <i>byte-identical</i> when both sides hold the same records (key,
 * value bytes, timestamp) per partition in the same order. The compacted topics
 * ({@code routing-weights}, {@code uptime-ledger}) are compared up to compaction: the broker's
 * cleaner removes superseded records of a key when it runs, so each side holds a suffix of each
 * key's records (at least the latest), cut at a point that depends on when segments rolled and
 * the cleaner ran, not on the app. See {@link #identicalUpToCompaction}. For the same reason the
 * decisions of {@code routing-weights} are compared per route from the first record both sides
 * still hold ({@link #fromCommonStart}).
 */
public final class OutputDiff {
  private OutputDiff() {}

  /**
   * One output record.
   *
   * @param decoded the Avro value (or a light stand-in, {@link HealthWindow}); null for dead
   *     letters and tombstones
   */
  public record OutRec(int partition, String key, byte[] value, long timestamp, Object decoded) {
    boolean sameBytes(OutRec o) {
      return partition == o.partition
          && Objects.equals(key, o.key)
          && Arrays.equals(value, o.value)
          && timestamp == o.timestamp;
    }
  }

  /** What the diff needs of a carrier-health record; keeps a month of windows small in memory. */
  public record HealthWindow(long windowStartMs) {}

  /** The stand-in kept for a decoded value. */
  public static Object light(Object decoded) {
    return decoded instanceof CarrierHealth h
        ? new HealthWindow(h.getWindowStart().toEpochMilli())
        : decoded;
  }

  /** One row of the table. */
  public record Row(
      String topic, String unit, int live, int replay, int differing, boolean identical) {}

  /**
   * The table, the credit totals (minor units per currency) of each side, and per compacted
   * topic how many records of each side were left out of the comparison ({live, replay}) because
   * the other side's broker had already compacted that part of the key's history.
   */
  public record Summary(
      List<Row> rows,
      Map<String, long[]> liveCredits,
      Map<String, long[]> replayCredits,
      Map<String, int[]> leftOut) {
    public Row row(String topic) {
      return rows.stream().filter(r -> r.topic().equals(topic)).findFirst().orElseThrow();
    }
  }

  /** Compares the sides; both maps are keyed by contract topic name (missing = no records). */
  public static Summary compare(Map<String, List<OutRec>> live, Map<String, List<OutRec>> replay) {
    List<Row> rows = new ArrayList<>();
    Map<String, int[]> leftOut = new LinkedHashMap<>();
    for (Topic<?> t : Topics.OUTPUTS) {
      List<OutRec> a = live.getOrDefault(t.name(), List.of());
      List<OutRec> b = replay.getOrDefault(t.name(), List.of());
      boolean latestOnly = t == Topics.UPTIME_LEDGER;
      List<OutRec> ca = a;
      List<OutRec> cb = b;
      if (t.compacted() && !latestOnly) {
        ca = fromCommonStart(a, b);
        cb = fromCommonStart(b, a);
        if (ca.size() < a.size() || cb.size() < b.size()) {
          leftOut.put(t.name(), new int[] {a.size() - ca.size(), b.size() - cb.size()});
        }
      }
      Function<OutRec, String> identity = identity(t);
      Function<OutRec, String> content = content(t);
      Map<String, List<String>> ga = group(ca, identity, content, latestOnly);
      Map<String, List<String>> gb = group(cb, identity, content, latestOnly);
      int differing = 0;
      for (String id : union(ga, gb)) {
        if (!Objects.equals(ga.get(id), gb.get(id))) {
          differing++;
        }
      }
      boolean counted = t == Topics.DEAD_LETTERS;
      rows.add(
          new Row(
              t.name(),
              unit(t),
              counted ? a.size() : group(a, identity, content, latestOnly).size(),
              counted ? b.size() : group(b, identity, content, latestOnly).size(),
              differing,
              t.compacted() ? identicalUpToCompaction(a, b) : identical(a, b)));
    }
    return new Summary(rows, credits(live), credits(replay), leftOut);
  }

  /**
   * The records of {@code side} from, per key, the first timestamp that both sides still hold
   * records of: a compacted topic may have lost any record but the latest of each key, the two
   * sides at different points, so only the history both still have is compared.
   */
  static List<OutRec> fromCommonStart(List<OutRec> side, List<OutRec> other) {
    Map<String, Long> firstOther = new HashMap<>();
    other.forEach(r -> firstOther.merge(r.partition() + " " + r.key(), r.timestamp(), Math::min));
    Map<String, Long> firstSide = new HashMap<>();
    side.forEach(r -> firstSide.merge(r.partition() + " " + r.key(), r.timestamp(), Math::min));
    return side.stream()
        .filter(
            r -> {
              Long o = firstOther.get(r.partition() + " " + r.key());
              return o == null
                  || r.timestamp() >= Math.max(o, firstSide.get(r.partition() + " " + r.key()));
            })
        .toList();
  }

  /**
   * Byte identity of a compacted topic: the broker keeps, of every key, a suffix of the records
   * written (at least the latest), and which earlier ones its cleaner has removed depends on when
   * it ran. Identical here: per partition the same keys; per key, one side's records (key, value
   * bytes, timestamp) are a suffix of the other's; and the records both sides hold come in the
   * same order.
   */
  static boolean identicalUpToCompaction(List<OutRec> a, List<OutRec> b) {
    Map<String, List<OutRec>> ka = byKey(a);
    Map<String, List<OutRec>> kb = byKey(b);
    if (!ka.keySet().equals(kb.keySet())) {
      return false;
    }
    for (String k : ka.keySet()) {
      List<OutRec> x = ka.get(k);
      List<OutRec> y = kb.get(k);
      List<OutRec> shorter = x.size() <= y.size() ? x : y;
      List<OutRec> longer = x.size() <= y.size() ? y : x;
      int skip = longer.size() - shorter.size();
      for (int i = 0; i < shorter.size(); i++) {
        if (!shorter.get(i).sameBytes(longer.get(skip + i))) {
          return false;
        }
      }
    }
    return commonOrder(a, ka, kb).equals(commonOrder(b, kb, ka));
  }

  /**
   * The records of {@code side} that the other side holds too (per key the last n, n the smaller
   * count), labelled by key and place from the end, in the side's order.
   */
  private static List<String> commonOrder(
      List<OutRec> side, Map<String, List<OutRec>> own, Map<String, List<OutRec>> other) {
    Map<String, Integer> seen = new HashMap<>();
    List<String> labels = new ArrayList<>();
    for (OutRec r : side) {
      String k = r.partition() + " " + r.key();
      int size = own.get(k).size();
      int common = Math.min(size, other.get(k).size());
      int fromEnd = size - 1 - (seen.merge(k, 1, Integer::sum) - 1);
      if (fromEnd < common) {
        labels.add(k + " " + fromEnd);
      }
    }
    return labels;
  }

  private static Map<String, List<OutRec>> byKey(List<OutRec> recs) {
    Map<String, List<OutRec>> m = new LinkedHashMap<>();
    recs.forEach(
        r -> m.computeIfAbsent(r.partition() + " " + r.key(), x -> new ArrayList<>()).add(r));
    return m;
  }

  /** Same records per partition in the same order. */
  static boolean identical(List<OutRec> a, List<OutRec> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Map<Integer, List<OutRec>> pa =
        a.stream()
            .collect(Collectors.groupingBy(OutRec::partition, TreeMap::new, Collectors.toList()));
    Map<Integer, List<OutRec>> pb =
        b.stream()
            .collect(Collectors.groupingBy(OutRec::partition, TreeMap::new, Collectors.toList()));
    if (!pa.keySet().equals(pb.keySet())) {
      return false;
    }
    for (var e : pa.entrySet()) {
      List<OutRec> x = e.getValue();
      List<OutRec> y = pb.get(e.getKey());
      for (int i = 0; i < x.size(); i++) {
        if (!x.get(i).sameBytes(y.get(i))) {
          return false;
        }
      }
    }
    return true;
  }

  static String unit(Topic<?> t) {
    return switch (t.name()) {
      case TopicNames.CARRIER_HEALTH -> "windows";
      case TopicNames.ROUTING_WEIGHTS -> "decisions";
      case TopicNames.INCIDENTS -> "incidents";
      case TopicNames.UPTIME_LEDGER -> "lines";
      case TopicNames.SLA_CREDITS -> "credits";
      case TopicNames.SLA_STATEMENTS -> "statements";
      case TopicNames.ERROR_BUDGET_ALERTS -> "alerts";
      default -> "records";
    };
  }

  static Function<OutRec, String> identity(Topic<?> t) {
    return r -> {
      Object v = r.decoded();
      String raw = r.key() + " " + hex(r.value());
      return switch (t.name()) {
        case TopicNames.CARRIER_HEALTH ->
            v instanceof HealthWindow h
                ? r.key() + "@" + h.windowStartMs()
                : v instanceof CarrierHealth h
                    ? r.key() + "@" + h.getWindowStart().toEpochMilli()
                    : raw;
        case TopicNames.ROUTING_WEIGHTS ->
            v instanceof RoutingWeights w
                ? w.getRouteId() + "@" + w.getEffectiveAt().toEpochMilli()
                : raw;
        case TopicNames.INCIDENTS -> v instanceof Incident i ? i.getIncidentId() : raw;
        case TopicNames.SLA_CREDITS -> v instanceof SlaCredit c ? c.getCreditId() : raw;
        case TopicNames.SLA_STATEMENTS -> v instanceof SlaStatement st ? st.getStatementId() : raw;
        case TopicNames.ERROR_BUDGET_ALERTS ->
            v instanceof ErrorBudgetAlert a
                ? r.key()
                    + " "
                    + a.getSeverity()
                    + " "
                    + a.getLongWindow()
                    + " "
                    + a.getShortWindow()
                    + " "
                    + a.getFiredAt().toEpochMilli()
                : raw;
        case TopicNames.UPTIME_LEDGER -> r.key();
        default -> raw; // dead letters: the original key and value bytes
      };
    };
  }

  static Function<OutRec, String> content(Topic<?> t) {
    return r -> {
      if (r.decoded() instanceof RoutingWeights w) {
        return w.getMode()
            + " "
            + w.getCarriers().stream()
                .map(c -> c.getCarrierId() + "=" + c.getWeight() + ":" + c.getState())
                .collect(Collectors.joining(","));
      }
      return hex(r.value());
    };
  }

  private static Map<String, List<String>> group(
      List<OutRec> recs,
      Function<OutRec, String> identity,
      Function<OutRec, String> content,
      boolean latestOnly) {
    Map<String, List<String>> g = new LinkedHashMap<>();
    for (OutRec r : recs) {
      List<String> l = g.computeIfAbsent(identity.apply(r), k -> new ArrayList<>());
      if (latestOnly) {
        l.clear();
      }
      l.add(content.apply(r));
    }
    return g;
  }

  private static List<String> union(Map<String, ?> a, Map<String, ?> b) {
    List<String> ids = new ArrayList<>(a.keySet());
    b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(ids::add);
    return ids;
  }

  private static String hex(byte[] b) {
    return b == null ? "(null)" : HexFormat.of().formatHex(b);
  }

  /** Per currency: {count, sum of creditAmountMinor}, one per creditId (the latest). */
  static Map<String, long[]> credits(Map<String, List<OutRec>> side) {
    Map<String, SlaCredit> byId = new LinkedHashMap<>();
    for (OutRec r : side.getOrDefault(Topics.SLA_CREDITS.name(), List.of())) {
      if (r.decoded() instanceof SlaCredit c) {
        byId.put(c.getCreditId(), c);
      }
    }
    Map<String, long[]> totals = new TreeMap<>();
    for (SlaCredit c : byId.values()) {
      long[] t = totals.computeIfAbsent(c.getCurrency(), k -> new long[2]);
      t[0]++;
      t[1] += c.getCreditAmountMinor();
    }
    return totals;
  }

  /** The summary as the small table {@code nines replay} prints. */
  public static String table(Summary s, String liveLabel, String replayLabel) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%-20s %-10s %8s %8s %10s  %s%n",
            "topic",
            "unit",
            "live",
            "replay",
            "differing",
            "byte-identical"));
    for (Row r : s.rows()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%-20s %-10s %8d %8d %10d  %s%n",
              r.topic(),
              r.unit(),
              r.live(),
              r.replay(),
              r.differing(),
              r.identical() ? "yes" : "no"));
    }
    b.append("credit totals (minor units): ")
        .append(liveLabel)
        .append(' ')
        .append(totals(s.liveCredits()))
        .append("; ")
        .append(replayLabel)
        .append(' ')
        .append(totals(s.replayCredits()))
        .append(System.lineSeparator());
    b.append(
            "byte-identical: the same records (key, value bytes, timestamp) per partition in "
                + "order; for the compacted routing-weights and uptime-ledger, up to what compaction "
                + "removed")
        .append(System.lineSeparator());
    s.leftOut()
        .forEach(
            (topic, n) ->
                b.append(topic)
                    .append(
                        " is compacted: compared per key "
                            + "from the first record both sides still hold (left out: ")
                    .append(liveLabel)
                    .append(' ')
                    .append(n[0])
                    .append(", ")
                    .append(replayLabel)
                    .append(' ')
                    .append(n[1])
                    .append(')')
                    .append(System.lineSeparator()));
    return b.toString();
  }

  static String totals(Map<String, long[]> t) {
    if (t.isEmpty()) {
      return "none";
    }
    return t.entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + " "
                    + e.getValue()[1]
                    + " ("
                    + e.getValue()[0]
                    + (e.getValue()[0] == 1 ? " credit)" : " credits)"))
        .collect(Collectors.joining(", "));
  }
}
