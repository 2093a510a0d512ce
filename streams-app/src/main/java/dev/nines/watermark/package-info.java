/**
 * Watermarks across a repartition topic: event-time order that does not depend on how the
 * upstream tasks happened to interleave.
 *
 * <p>A task that reads a repartition topic gets the records of every upstream task mixed in
 * whatever order those tasks ran. {@link dev.nines.watermark.WatermarkEmitter} (upstream, one per
 * input partition) sends, next to its records, a {@link dev.nines.watermark.Watermark} to every
 * partition of the repartition topic whenever its partition's stream time crosses an interval
 * boundary ({@link dev.nines.watermark.MulticastPartitioner}); {@link
 * dev.nines.watermark.OrderGate} (downstream) holds records until every upstream partition has
 * gone past them and releases them in a fixed order. Both travel in one value format, {@link
 * dev.nines.watermark.MarkedSerde}, which reads the records the topic carried before.
 */
package dev.nines.watermark;
