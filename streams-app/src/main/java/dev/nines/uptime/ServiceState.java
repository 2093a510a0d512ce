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
 * maintenance windows by window id, each with the versions announced for it.
 *
 * @param resumedAt the stream time at which the service's probes resumed after a gap of the whole
 *     service (every region silent for longer than the no-data limit), {@link Long#MIN_VALUE} if
 *     none: a region's silence is counted from then, since before it nobody reported
 */
public record ServiceState(long clock, SortedMap<String, Window> windows, long resumedAt) {
  private static final byte FORMAT = 3;

  /**
   * One version of a maintenance window: what was announced at {@code announcedAt}, {@code [start,
   * end)} in {@code region}, or its removal (a tombstone).
   */
  public record Version(long announcedAt, String region, long start, long end, boolean removed) {
    public Version {
      Objects.requireNonNull(region, "region");
    }

    public Interval interval() {
      return new Interval(start, Math.max(start, end));
    }

    /** The same window (times, region, removal) as {@code o}, whenever announced. */
    boolean sameAs(Version o) {
      return region.equals(o.region) && start == o.start && end == o.end && removed == o.removed;
    }
  }

  /**
   * A maintenance window with every version announced for it, oldest first: the last one is in
   * force. Contracts that ask for notice need the earlier ones (when was this time promised?).
   */
  public record Window(List<Version> versions) {
    public Window {
      if (versions.isEmpty()) {
        throw new IllegalArgumentException("a window has at least one version");
      }
      versions = List.copyOf(versions);
    }

    public Version current() {
      return versions.get(versions.size() - 1);
    }

    /** With a new version; one that changes nothing keeps the earlier announcement. */
    Window with(Version v) {
      if (current().sameAs(v)) {
        return this;
      }
      List<Version> all = new ArrayList<>(versions);
      all.add(v);
      return new Window(all);
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

  /**
   * With a new version of window {@code id}: its time, or its removal when {@code region} is null
   * (a tombstone). A removal of a window never seen changes nothing.
   */
  public ServiceState withWindow(String id, long announcedAt, String region, long start, long end) {
    Window old = windows.get(id);
    Version v;
    if (region == null) {
      if (old == null || old.current().removed()) {
        return this;
      }
      Version c = old.current();
      v = new Version(announcedAt, c.region(), c.start(), c.end(), true);
    } else {
      v = new Version(announcedAt, region, start, end, false);
    }
    TreeMap<String, Window> w = new TreeMap<>(windows);
    w.put(id, old == null ? new Window(List.of(v)) : old.with(v));
    return new ServiceState(clock, w, resumedAt);
  }

  /** The maintenance windows of one region, as last announced. */
  public List<Interval> maintenance(String region) {
    List<Interval> out = new ArrayList<>();
    for (Window w : windows.values()) {
      Version c = w.current();
      if (!c.removed() && c.region().equals(region)) {
        out.add(c.interval());
      }
    }
    return out;
  }

  /**
   * Without the windows none of whose versions ends after {@code before}: once the months they
   * touch are closed (their versions are in those months' {@code MonthClosed}) and no alert
   * window reaches back to them, nothing reads them again. Kept otherwise, removals included.
   */
  public ServiceState withoutWindowsEndingBefore(long before) {
    TreeMap<String, Window> w = new TreeMap<>(windows);
    boolean changed =
        w.values().removeIf(x -> x.versions().stream().allMatch(v -> v.interval().end() <= before));
    return changed ? new ServiceState(clock, w, resumedAt) : this;
  }

  /**
   * Every version of the windows that were ever in {@code region} and have time in {@code
   * period}, by window id: the history the notice rule of a contract reads.
   */
  public SortedMap<String, List<Version>> windowHistory(String region, Interval period) {
    SortedMap<String, List<Version>> out = new TreeMap<>();
    windows.forEach(
        (id, w) -> {
          boolean relevant =
              w.versions().stream()
                  .anyMatch(
                      v ->
                          v.region().equals(region)
                              && v.interval().start() < period.end()
                              && v.interval().end() > period.start());
          if (relevant) {
            out.put(id, w.versions());
          }
        });
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
            out.writeInt(e.getValue().versions().size());
            for (Version v : e.getValue().versions()) {
              out.writeLong(v.announcedAt());
              out.writeUTF(v.region());
              out.writeLong(v.start());
              out.writeLong(v.end());
              out.writeBoolean(v.removed());
            }
          }
          out.writeLong(resumedAt);
        });
  }

  /**
   * Reads formats 1 to 3. Formats 1 and 2 kept the last version of each window only, without its
   * announcement: it is read as announced at the epoch, i.e. in time for any notice.
   */
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
            String id = in.readUTF();
            List<Version> versions = new ArrayList<>();
            if (format >= 3) {
              for (int k = in.readInt(); k > 0; k--) {
                versions.add(
                    new Version(
                        in.readLong(),
                        in.readUTF(),
                        in.readLong(),
                        in.readLong(),
                        in.readBoolean()));
              }
            } else {
              versions.add(new Version(0L, in.readUTF(), in.readLong(), in.readLong(), false));
            }
            w.put(id, new Window(versions));
          }
          return new ServiceState(clock, w, format >= 2 ? in.readLong() : Long.MIN_VALUE);
        });
  }
}
