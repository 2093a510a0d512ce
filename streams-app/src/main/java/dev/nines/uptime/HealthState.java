package dev.nines.uptime;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the {@link ServiceHealthTracker} remembers for one (service, region). Immutable, small:
 * only the (check, vantage) pairs whose latest probe failed are kept, because a pair whose latest
 * probe succeeded is healthy whatever came before, and the rule only ever asks "is any pair
 * failing, and for how long".
 *
 * @param lastObservedAt observedAt of the latest applied probe; {@link Long#MIN_VALUE} before the
 *     first
 * @param recentIds probe id to observedAt of the probes applied within the dedup retention
 * @param failing the current run of failures of every pair whose latest probe failed
 * @param incident the open incident, or null while UP
 * @param vantages each vantage's latest applied probe time, by which a silent one is retired
 *     (empty in states written before vantages were tracked: they are learnt again)
 */
public record HealthState(
    long lastObservedAt,
    SortedMap<String, Long> recentIds,
    SortedMap<CheckVantage, Run> failing,
    Incident incident,
    SortedMap<String, Long> vantages) {
  private static final byte FORMAT = 2;

  /** One check as probed from one vantage. */
  public record CheckVantage(String check, String vantage) implements Comparable<CheckVantage> {
    private static final Comparator<CheckVantage> ORDER =
        Comparator.comparing(CheckVantage::check).thenComparing(CheckVantage::vantage);

    public CheckVantage {
      Objects.requireNonNull(check, "check");
      Objects.requireNonNull(vantage, "vantage");
    }

    @Override
    public int compareTo(CheckVantage o) {
      return ORDER.compare(this, o);
    }
  }

  /**
   * A run of consecutive failed probes of one pair.
   *
   * @param failures how many so far, at least 1 (saturates instead of overflowing)
   * @param startedAt observedAt of the first failure of the run
   */
  public record Run(int failures, long startedAt) {
    public Run {
      if (failures < 1) {
        throw new IllegalArgumentException("a run has at least one failure, not " + failures);
      }
    }

    Run plusOne() {
      return new Run(failures == Integer.MAX_VALUE ? failures : failures + 1, startedAt);
    }
  }

  /**
   * The incident in progress.
   *
   * @param startedAt when it started (see {@link HealthTransition.Down#startedAt()})
   * @param checks checks that failed during it so far, sorted, no repeats
   * @param vantages vantages that saw a failure during it so far, sorted, no repeats
   */
  public record Incident(long startedAt, List<String> checks, List<String> vantages) {
    public Incident {
      checks = List.copyOf(new TreeSet<>(checks));
      vantages = List.copyOf(new TreeSet<>(vantages));
    }

    Incident plus(String check, String vantage) {
      List<String> c = new ArrayList<>(checks);
      c.add(check);
      List<String> v = new ArrayList<>(vantages);
      v.add(vantage);
      return new Incident(startedAt, c, v);
    }
  }

  public HealthState {
    recentIds = Collections.unmodifiableSortedMap(new TreeMap<>(recentIds));
    failing = Collections.unmodifiableSortedMap(new TreeMap<>(failing));
    vantages = Collections.unmodifiableSortedMap(new TreeMap<>(vantages));
  }

  /** Nothing seen yet: UP. */
  public static HealthState initial() {
    return new HealthState(Long.MIN_VALUE, new TreeMap<>(), new TreeMap<>(), null, new TreeMap<>());
  }

  public boolean isDown() {
    return incident != null;
  }

  public byte[] toBytes() {
    return StateCodec.write(
        FORMAT,
        out -> {
          out.writeLong(lastObservedAt);
          out.writeInt(recentIds.size());
          for (Map.Entry<String, Long> e : recentIds.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
          }
          out.writeInt(failing.size());
          for (Map.Entry<CheckVantage, Run> e : failing.entrySet()) {
            out.writeUTF(e.getKey().check());
            out.writeUTF(e.getKey().vantage());
            out.writeInt(e.getValue().failures());
            out.writeLong(e.getValue().startedAt());
          }
          out.writeBoolean(incident != null);
          if (incident != null) {
            out.writeLong(incident.startedAt());
            writeStrings(out, incident.checks());
            writeStrings(out, incident.vantages());
          }
          out.writeInt(vantages.size());
          for (Map.Entry<String, Long> e : vantages.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
          }
        });
  }

  public static HealthState fromBytes(byte[] data) {
    return StateCodec.read(
        data,
        (byte) 1,
        FORMAT,
        "HealthState",
        (in, format) -> {
          long last = in.readLong();
          SortedMap<String, Long> ids = new TreeMap<>();
          for (int i = in.readInt(); i > 0; i--) {
            ids.put(in.readUTF(), in.readLong());
          }
          SortedMap<CheckVantage, Run> failing = new TreeMap<>();
          for (int i = in.readInt(); i > 0; i--) {
            failing.put(
                new CheckVantage(in.readUTF(), in.readUTF()), new Run(in.readInt(), in.readLong()));
          }
          Incident incident = null;
          if (in.readBoolean()) {
            incident = new Incident(in.readLong(), readStrings(in), readStrings(in));
          }
          SortedMap<String, Long> vantages = new TreeMap<>();
          if (format >= 2) {
            for (int i = in.readInt(); i > 0; i--) {
              vantages.put(in.readUTF(), in.readLong());
            }
          }
          return new HealthState(last, ids, failing, incident, vantages);
        });
  }

  private static void writeStrings(DataOutputStream out, List<String> values) throws IOException {
    out.writeInt(values.size());
    for (String v : values) {
      out.writeUTF(v);
    }
  }

  private static List<String> readStrings(DataInputStream in) throws IOException {
    List<String> values = new ArrayList<>();
    for (int i = in.readInt(); i > 0; i--) {
      values.add(in.readUTF());
    }
    return values;
  }
}
