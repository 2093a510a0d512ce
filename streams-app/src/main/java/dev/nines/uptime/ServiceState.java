package dev.nines.uptime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the uptime processor keeps for one service across its regions: the service's stream time
 * (the latest probe {@code observedAt} seen; reference data does not move it, so a contract or a
 * window written today cannot close last year's months during a replay) and the announced
 * maintenance windows by window id.
 *
 * @param resumedAt the stream time at which the service's probes resumed after a gap of the whole
 *     service (every region silent for longer than the no-data limit), {@link Long#MIN_VALUE} if
 *     none: a region's silence is counted from then, since before it nobody reported
 */
public record ServiceState(long clock, SortedMap<String, Window> windows, long resumedAt) {
  private static final byte FORMAT = 2;

  /** A maintenance window of one region, {@code [start, end)}. */
  public record Window(String region, long start, long end) {
    public Window {
      Objects.requireNonNull(region, "region");
    }

    public Interval interval() {
      return new Interval(start, Math.max(start, end));
    }
  }

  public ServiceState {
    windows = Collections.unmodifiableSortedMap(new TreeMap<>(windows));
  }

  public static ServiceState initial() {
    return new ServiceState(Long.MIN_VALUE, new TreeMap<>(), Long.MIN_VALUE);
  }

  /**
   * With the stream time moved to {@code c}; a step of more than {@code gapMs} is a gap of the
   * whole service, and {@code c} the instant it resumed.
   */
  public ServiceState withClock(long c, long gapMs) {
    boolean gap = clock != Long.MIN_VALUE && c > clock && c - clock > gapMs;
    return new ServiceState(Math.max(clock, c), windows, gap ? c : resumedAt);
  }

  /** With the window set, or removed when {@code window} is null (a tombstone). */
  public ServiceState withWindow(String id, Window window) {
    TreeMap<String, Window> w = new TreeMap<>(windows);
    if (window == null) {
      w.remove(id);
    } else {
      w.put(id, window);
    }
    return new ServiceState(clock, w, resumedAt);
  }

  /** The maintenance windows of one region. */
  public List<Interval> maintenance(String region) {
    List<Interval> out = new ArrayList<>();
    for (Window w : windows.values()) {
      if (w.region().equals(region)) {
        out.add(w.interval());
      }
    }
    return out;
  }

  public byte[] toBytes() {
    return StateCodec.write(
        FORMAT,
        out -> {
          out.writeLong(clock);
          out.writeInt(windows.size());
          for (var e : windows.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue().region());
            out.writeLong(e.getValue().start());
            out.writeLong(e.getValue().end());
          }
          out.writeLong(resumedAt);
        });
  }

  public static ServiceState fromBytes(byte[] data) {
    return StateCodec.read(
        data,
        (byte) 1,
        FORMAT,
        "ServiceState",
        (in, format) -> {
          long clock = in.readLong();
          TreeMap<String, Window> w = new TreeMap<>();
          for (int i = in.readInt(); i > 0; i--) {
            w.put(in.readUTF(), new Window(in.readUTF(), in.readLong(), in.readLong()));
          }
          return new ServiceState(clock, w, format >= 2 ? in.readLong() : Long.MIN_VALUE);
        });
  }
}
