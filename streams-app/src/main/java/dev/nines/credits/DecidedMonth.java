package dev.nines.credits;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an adjustment needs of a decided contract month, kept per account, service and month
 * until its dispute window is long past: that it closed, when, until when it may be disputed, and
 * what the statement said.
 *
 * @param feeMinor the month's fee for the service, in minor units of {@code currency}
 */
public record DecidedMonth(
    long closedAt,
    long disputeUntil,
    String availabilityPercent,
    String targetPercent,
    long downtimeMs,
    List<String> incidentIds,
    String currency,
    long feeMinor) {
  private static final byte FORMAT = 1;

  public DecidedMonth {
    incidentIds = List.copyOf(incidentIds);
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeLong(closedAt);
      out.writeLong(disputeUntil);
      out.writeUTF(availabilityPercent);
      out.writeUTF(targetPercent);
      out.writeLong(downtimeMs);
      out.writeInt(incidentIds.size());
      for (String id : incidentIds) {
        out.writeUTF(id);
      }
      out.writeUTF(currency);
      out.writeLong(feeMinor);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static DecidedMonth fromBytes(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException(
            "DecidedMonth: unknown format "
                + format
                + " (this version reads format "
                + FORMAT
                + ")");
      }
      long closedAt = in.readLong();
      long disputeUntil = in.readLong();
      String availability = in.readUTF();
      String target = in.readUTF();
      long downtime = in.readLong();
      List<String> ids = new ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) {
        ids.add(in.readUTF());
      }
      return new DecidedMonth(
          closedAt, disputeUntil, availability, target, downtime, ids, in.readUTF(), in.readLong());
    } catch (IOException e) {
      throw new IllegalArgumentException("DecidedMonth: truncated or corrupt state: " + e, e);
    }
  }
}
