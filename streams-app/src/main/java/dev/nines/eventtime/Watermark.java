package dev.nines.eventtime;

import java.nio.ByteBuffer;

/**
 * What one upstream task says about its input partition.
 *
 * @param partition the upstream input partition (the task's partition)
 * @param partitions how many input partitions there are (the gate waits for all of them)
 * @param streamTime the partition's stream time at its last interval boundary: the largest event
 *     time it had sent when it last crossed a boundary ({@link Long#MIN_VALUE}: none yet). A mark
 *     sent for idleness repeats this value: only the data decides it, never the wall clock
 * @param idle whether the partition has had no record for the configured wall-clock time; such a
 *     partition does not hold the others back until it sends again
 * @param latest the partition's stream time when the mark was sent (the largest event time it had
 *     sent, {@code >= streamTime}). Only used when every partition is idle: then everything each
 *     partition sent has arrived, and the gate may release up to the largest {@code latest}
 */
public record Watermark(int partition, int partitions, long streamTime, boolean idle, long latest) {
  public Watermark {
    if (partitions < 1 || partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException(
          "watermark of partition "
              + partition
              + " of "
              + partitions
              + ": expected 0 <= partition < partitions");
    }
    if (latest < streamTime) {
      throw new IllegalArgumentException(
          "watermark of partition "
              + partition
              + ": latest "
              + latest
              + " < streamTime "
              + streamTime
              + ": expected latest >= streamTime");
    }
  }

  /**
   * What a downstream keeps for {@code next}'s partition after {@code before}: the larger
   * {@code streamTime} and {@code latest} (watermarks only grow, even if a mark comes again or
   * out of order), with {@code next}'s idleness.
   */
  public static Watermark max(Watermark before, Watermark next) {
    return before == null
        ? next
        : new Watermark(
            next.partition(),
            next.partitions(),
            Math.max(before.streamTime(), next.streamTime()),
            next.idle(),
            Math.max(before.latest(), next.latest()));
  }

  /** Bytes of {@link #toStoreBytes()}. */
  public static final int STORE_BYTES = 21;

  /**
   * How a store keeps a partition's last mark (the partition is in the store's key): {@code
   * partitions(4) streamTime(8) idle(1) latest(8)}.
   */
  public byte[] toStoreBytes() {
    return ByteBuffer.allocate(STORE_BYTES)
        .putInt(partitions)
        .putLong(streamTime)
        .put((byte) (idle ? 1 : 0))
        .putLong(latest)
        .array();
  }

  /** The mark of {@code partition} that {@link #toStoreBytes()} wrote. */
  public static Watermark fromStoreBytes(int partition, byte[] bytes) {
    ByteBuffer v = ByteBuffer.wrap(bytes);
    return new Watermark(partition, v.getInt(), v.getLong(), v.get() == 1, v.getLong());
  }

  /** A mark sent at a boundary, when the partition's stream time is the boundary value. */
  public Watermark(int partition, int partitions, long streamTime, boolean idle) {
    this(partition, partitions, streamTime, idle, streamTime);
  }
}
