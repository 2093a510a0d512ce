package dev.nines.credits;

import dev.nines.schema.Service;
import dev.nines.uptime.Interval;
import dev.nines.uptime.MonthClosed;
import dev.nines.uptime.ServiceState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A closed month of one service as the credit processor keeps it: what the uptime side reported,
 * and the accounts already decided for it (credited, or found owed nothing). An account whose
 * contract arrives after the close is decided then, so the credits do not depend on whether the
 * contract or the month's last probe was processed first.
 */
public record ClosedMonth(MonthClosed closed, SortedSet<String> decided) {
  private static final byte FORMAT = 2;

  public ClosedMonth {
    decided = Collections.unmodifiableSortedSet(new TreeSet<>(decided));
  }

  public ClosedMonth withDecided(String account) {
    TreeSet<String> d = new TreeSet<>(decided);
    d.add(account);
    return new ClosedMonth(closed, d);
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeUTF(closed.service().name());
      out.writeUTF(closed.month().toString());
      out.writeLong(closed.closedAt());
      out.writeInt(closed.regions().size());
      for (var e : closed.regions().entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().charged().size());
        for (Interval i : e.getValue().charged()) {
          out.writeLong(i.start());
          out.writeLong(i.end());
        }
        out.writeInt(e.getValue().incidentIds().size());
        for (String id : e.getValue().incidentIds()) {
          out.writeUTF(id);
        }
        writeRaw(out, e.getValue());
      }
      out.writeInt(decided.size());
      for (String a : decided) {
        out.writeUTF(a);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What format 2 added: the DOWN intervals, the windows' versions, the unobserved time. */
  private static void writeRaw(DataOutputStream out, MonthClosed.RegionMonth rm)
      throws IOException {
    out.writeInt(rm.down().size());
    for (MonthClosed.Down d : rm.down()) {
      out.writeLong(d.interval().start());
      out.writeLong(d.interval().end());
      out.writeUTF(d.incidentId());
    }
    out.writeInt(rm.windows().size());
    for (var w : rm.windows().entrySet()) {
      out.writeUTF(w.getKey());
      out.writeInt(w.getValue().size());
      for (ServiceState.Version v : w.getValue()) {
        out.writeLong(v.announcedAt());
        out.writeUTF(v.region());
        out.writeLong(v.start());
        out.writeLong(v.end());
        out.writeBoolean(v.removed());
      }
    }
    out.writeInt(rm.unobserved().size());
    for (Interval i : rm.unobserved()) {
      out.writeLong(i.start());
      out.writeLong(i.end());
    }
  }

  private static MonthClosed.RegionMonth readRaw(
      DataInputStream in, List<Interval> charged, List<String> ids) throws IOException {
    List<MonthClosed.Down> down = new ArrayList<>();
    for (int i = in.readInt(); i > 0; i--) {
      down.add(new MonthClosed.Down(new Interval(in.readLong(), in.readLong()), in.readUTF()));
    }
    TreeMap<String, List<ServiceState.Version>> windows = new TreeMap<>();
    for (int i = in.readInt(); i > 0; i--) {
      String id = in.readUTF();
      List<ServiceState.Version> versions = new ArrayList<>();
      for (int k = in.readInt(); k > 0; k--) {
        versions.add(
            new ServiceState.Version(
                in.readLong(), in.readUTF(), in.readLong(), in.readLong(), in.readBoolean()));
      }
      windows.put(id, versions);
    }
    List<Interval> unobserved = new ArrayList<>();
    for (int i = in.readInt(); i > 0; i--) {
      unobserved.add(new Interval(in.readLong(), in.readLong()));
    }
    return new MonthClosed.RegionMonth(charged, ids, down, windows, unobserved);
  }

  /**
   * Format 1 kept the charged time only: it is read as the DOWN time (maintenance already taken
   * out as then announced), each interval with all of the region's incidents as its evidence, as
   * credits listed them then.
   */
  private static MonthClosed.RegionMonth asFormat1(List<Interval> charged, List<String> ids) {
    List<MonthClosed.Down> down = new ArrayList<>();
    for (Interval i : charged) {
      if (ids.isEmpty()) {
        down.add(new MonthClosed.Down(i, ""));
      }
      for (String id : ids) {
        down.add(new MonthClosed.Down(i, id));
      }
    }
    return new MonthClosed.RegionMonth(charged, ids, down, new TreeMap<>(), List.of());
  }

  public static ClosedMonth fromBytes(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      byte format = in.readByte();
      if (format < 1 || format > FORMAT) {
        throw new IllegalArgumentException(
            "ClosedMonth: unknown format "
                + format
                + " (this version reads formats 1 to "
                + FORMAT
                + ")");
      }
      Service service = Service.valueOf(in.readUTF());
      YearMonth month = YearMonth.parse(in.readUTF());
      long closedAt = in.readLong();
      TreeMap<String, MonthClosed.RegionMonth> regions = new TreeMap<>();
      for (int r = in.readInt(); r > 0; r--) {
        String region = in.readUTF();
        List<Interval> charged = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
          charged.add(new Interval(in.readLong(), in.readLong()));
        }
        List<String> ids = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
          ids.add(in.readUTF());
        }
        regions.put(region, format >= 2 ? readRaw(in, charged, ids) : asFormat1(charged, ids));
      }
      TreeSet<String> decided = new TreeSet<>();
      for (int i = in.readInt(); i > 0; i--) {
        decided.add(in.readUTF());
      }
      return new ClosedMonth(new MonthClosed(service, month, closedAt, regions), decided);
    } catch (IOException e) {
      throw new IllegalArgumentException("ClosedMonth: truncated or corrupt state: " + e, e);
    }
  }
}
