package dev.nines.watermark;

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
 */
public record Watermark(int partition, int partitions, long streamTime, boolean idle) {
  public Watermark {
    if (partitions < 1 || partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException("watermark of partition " + partition + " of "
          + partitions + ": expected 0 <= partition < partitions");
    }
  }
}
