package dev.nines.credits;

import dev.nines.schema.Service;
import dev.nines.uptime.Interval;
import dev.nines.uptime.MonthClosed;
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
  private static final byte FORMAT = 1;

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

  public static ClosedMonth fromBytes(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException(
            "ClosedMonth: unknown format "
                + format
                + " (this version reads format "
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
        regions.put(region, new MonthClosed.RegionMonth(charged, ids));
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
