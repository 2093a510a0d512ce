package dev.nines.uptime;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the uptime processor keeps for one (service, region): the probe reorder buffer, the DOWN
 * rule's memory, the burn-rate alerts' memory, the outages still needed (by an open month or by
 * an alert window), and which months are open (seen, not yet finalized).
 *
 * @param closedThrough the latest finalized month, or null before the first: a month at or before
 *     it never changes again
 * @param gaps the closed gaps in the region's probes that an open month can still see ({@link
 *     NoDataRule})
 * @param silence the NO_DATA alert in force, or null
 */
public record RegionState(
    ReorderState reorder,
    HealthState health,
    AlertState alerts,
    List<Outage> outages,
    SortedSet<YearMonth> openMonths,
    YearMonth closedThrough,
    List<Interval> gaps,
    NoDataRule.Silence silence) {
  private static final byte FORMAT = 2;

  public RegionState {
    Objects.requireNonNull(reorder, "reorder");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(alerts, "alerts");
    outages = List.copyOf(outages);
    openMonths = Collections.unmodifiableSortedSet(new TreeSet<>(openMonths));
    gaps = List.copyOf(gaps);
  }

  public static RegionState initial() {
    return new RegionState(
        ReorderState.empty(),
        HealthState.initial(),
        AlertState.initial(),
        List.of(),
        new TreeSet<>(),
        null,
        List.of(),
        null);
  }

  /** Whether a month may still be opened or changed: it is after the last finalized one. */
  public boolean isOpenable(YearMonth month) {
    return closedThrough == null || month.isAfter(closedThrough);
  }

  public RegionState withReorder(ReorderState r) {
    return new RegionState(r, health, alerts, outages, openMonths, closedThrough, gaps, silence);
  }

  public RegionState withHealth(HealthState h) {
    return new RegionState(reorder, h, alerts, outages, openMonths, closedThrough, gaps, silence);
  }

  public RegionState withAlerts(AlertState a) {
    return new RegionState(reorder, health, a, outages, openMonths, closedThrough, gaps, silence);
  }

  public RegionState withOutages(List<Outage> o) {
    return new RegionState(reorder, health, alerts, o, openMonths, closedThrough, gaps, silence);
  }

  /** This state with the month open; unchanged if it is already open or finalized. */
  public RegionState withOpenMonth(YearMonth month) {
    if (!isOpenable(month) || openMonths.contains(month)) {
      return this;
    }
    TreeSet<YearMonth> months = new TreeSet<>(openMonths);
    months.add(month);
    return new RegionState(reorder, health, alerts, outages, months, closedThrough, gaps, silence);
  }

  /** This state with the month finalized (and every month before it). */
  public RegionState withClosed(YearMonth month) {
    TreeSet<YearMonth> months = new TreeSet<>(openMonths);
    months.headSet(month, true).clear();
    YearMonth through =
        closedThrough == null || month.isAfter(closedThrough) ? month : closedThrough;
    return new RegionState(reorder, health, alerts, outages, months, through, gaps, silence);
  }

  public RegionState withGaps(List<Interval> g, NoDataRule.Silence s) {
    return new RegionState(reorder, health, alerts, outages, openMonths, closedThrough, g, s);
  }

  public byte[] toBytes() {
    return StateCodec.write(
        FORMAT,
        out -> {
          writeBytes(out, reorder.toBytes());
          writeBytes(out, health.toBytes());
          writeBytes(out, alerts.toBytes());
          out.writeInt(outages.size());
          for (Outage o : outages) {
            out.writeUTF(o.incidentId());
            out.writeLong(o.startedAt());
            out.writeBoolean(o.resolvedAt() != null);
            if (o.resolvedAt() != null) {
              out.writeLong(o.resolvedAt());
            }
          }
          out.writeInt(openMonths.size());
          for (YearMonth m : openMonths) {
            out.writeUTF(m.toString());
          }
          out.writeUTF(closedThrough == null ? "" : closedThrough.toString());
          out.writeInt(gaps.size());
          for (Interval g : gaps) {
            out.writeLong(g.start());
            out.writeLong(g.end());
          }
          out.writeBoolean(silence != null);
          if (silence != null) {
            out.writeLong(silence.since());
            out.writeLong(silence.firedAt());
          }
        });
  }

  public static RegionState fromBytes(byte[] data) {
    return StateCodec.read(
        data,
        (byte) 1,
        FORMAT,
        "RegionState",
        (in, format) -> {
          ReorderState r = ReorderState.fromBytes(readBytes(in));
          HealthState h = HealthState.fromBytes(readBytes(in));
          AlertState a = AlertState.fromBytes(readBytes(in));
          List<Outage> outages = new ArrayList<>();
          for (int i = in.readInt(); i > 0; i--) {
            String id = in.readUTF();
            long start = in.readLong();
            outages.add(new Outage(id, start, in.readBoolean() ? in.readLong() : null));
          }
          SortedSet<YearMonth> months = new TreeSet<>();
          for (int i = in.readInt(); i > 0; i--) {
            months.add(YearMonth.parse(in.readUTF()));
          }
          String through = in.readUTF();
          List<Interval> gaps = new ArrayList<>();
          NoDataRule.Silence silence = null;
          if (format >= 2) {
            for (int i = in.readInt(); i > 0; i--) {
              gaps.add(new Interval(in.readLong(), in.readLong()));
            }
            if (in.readBoolean()) {
              silence = new NoDataRule.Silence(in.readLong(), in.readLong());
            }
          }
          return new RegionState(
              r,
              h,
              a,
              outages,
              months,
              through.isEmpty() ? null : YearMonth.parse(through),
              gaps,
              silence);
        });
  }

  static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  static byte[] readBytes(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return b;
  }
}
