/**
 * The event-time engine: outputs that depend on the input's event times, never on how tasks,
 * partitions or restarts happened to interleave.
 *
 * <ul>
 *   <li><b>Marks and watermarks</b> across a repartition topic. {@link WatermarkEmitter}
 *       (upstream, one per input partition) sends a {@link Watermark} to every partition of the
 *       repartition topic ({@link MulticastPartitioner}) whenever its partition's stream time
 *       crosses an interval boundary; records and marks travel in one value format, {@link
 *       MarkedSerde} ({@link Marked}).
 *   <li><b>The order gate</b> ({@link OrderGate}, {@link OrderGateProcessor}): downstream, holds
 *       records until every upstream partition has gone past them and releases them in a fixed
 *       order.
 *   <li><b>Windows that close on the watermark</b> ({@link ClosingWindows}), their open windows
 *       kept in {@link OpenWindowStore}.
 *   <li><b>De-duplication</b> by id within a retention ({@link Dedup}).
 *   <li><b>State written back once per commit</b> ({@link WriteBackStore}, {@link ObjectStore}):
 *       plain objects in memory, their bytes in a logged store.
 * </ul>
 *
 * <p>Nothing here knows carriers, probes or months: the features ({@code health}, {@code
 * routing}, {@code uptime}) give it keys, times and values. Reasons, proofs and measurements:
 * docs/design/event-time.md.
 */
package dev.nines.eventtime;
