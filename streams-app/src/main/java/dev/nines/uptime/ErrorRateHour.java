package dev.nines.uptime;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One account's receipts for a service in one region and one UTC hour, as one by-carrier task
 * counted them (or, with a null account, every account's: the platform's count of the region).
 * Several tasks (carriers) may each send a share of the same hour: the shares add up.
 *
 * <p>Bytes: {@code 'E', version 1, hourStart (8), accountId (2-byte length, -1 for null; UTF-8), region
 * (2-byte length, UTF-8), HourCounts (the rest)}; the first byte is not the watermark byte 'W'.
 */
public record ErrorRateHour(String accountId, String region, long hourStart, HourCounts counts) {
  // accountId null: every account's receipts in the region (the platform's count); its length
  // is written as -1
  private static final byte TAG = 'E';
  private static final byte VERSION = 1;

  public byte[] toBytes() {
    byte[] a = accountId == null ? new byte[0] : accountId.getBytes(StandardCharsets.UTF_8);
    byte[] r = region.getBytes(StandardCharsets.UTF_8);
    byte[] c = counts.toBytes();
    return ByteBuffer.allocate(2 + 8 + 2 + a.length + 2 + r.length + c.length)
        .put(TAG)
        .put(VERSION)
        .putLong(hourStart)
        .putShort(accountId == null ? -1 : (short) a.length)
        .put(a)
        .putShort((short) r.length)
        .put(r)
        .put(c)
        .array();
  }

  /** @throws IllegalArgumentException if the bytes are not an hour of this format */
  public static ErrorRateHour fromBytes(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.get() != TAG || b.get() != VERSION) {
        throw new IllegalArgumentException("not an error-rate hour ('E' version 1)");
      }
      long hour = b.getLong();
      String account = text(b);
      String region = text(b);
      return new ErrorRateHour(
          account,
          region,
          hour,
          HourCounts.fromBytes(Arrays.copyOfRange(bytes, b.position(), bytes.length)));
    } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("error-rate hour: truncated", e);
    }
  }

  private static String text(ByteBuffer b) {
    int n = b.getShort();
    if (n == -1) {
      return null;
    }
    if (n < 0 || n > b.remaining()) {
      throw new IndexOutOfBoundsException("text of " + n + " bytes");
    }
    String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n);
    return s;
  }
}
