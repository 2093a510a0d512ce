package dev.nines.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.eventtime.ClosingWindowsTest.In;
import dev.nines.eventtime.ClosingWindowsTest.Out;
import dev.nines.testing.Interleave;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * {@link ClosingWindows} closing by the watermarks of several upstream partitions (issue #9):
 * whatever the interleaving of the upstream partitions, the same windows with the same sums, and
 * exactly the records a per-partition rule calls late are dropped. The expectation is computed
 * here from each partition's own sequence, without the processor.
 */
class ClosingWindowsWatermarkTest {
  static final int UPSTREAMS = 3;
  static final long INTERVAL = 10_000;
  static final long GRACE = ClosingWindowsTest.GRACE.toMillis();
  static final long SIZE = ClosingWindowsTest.SIZE.toMillis();
  static final long FAR = ClosingWindowsTest.T0 + 1_000L * 86_400_000L;

  /** What one upstream task sends, in its order: an item, or a mark. */
  record Sent(int upstream, In item, Watermark mark) {}

  @Test
  void everyInterleavingGivesTheWindowsOfThePerPartitionRule() {
    int skewedRunsThatStreamTimeGetsWrong = 0;
    long lateInExpectation = 0;
    for (long seed = 1; seed <= 12; seed++) {
      List<List<Sent>> upstreams = new ArrayList<>();
      for (int u = 0; u < UPSTREAMS; u++) {
        upstreams.add(emit(u, ClosingWindowsTest.randomInput(new Random(seed * 31 + u), 120)));
      }
      Expected expected = expect(upstreams);
      lateInExpectation += expected.late();
      assertThat(expected.windows()).as("seed %d closes windows", seed).isNotEmpty();
      for (long order = 1; order <= 4; order++) {
        List<Sent> interleaved = interleave(upstreams, new Random(seed * 1000 + order));
        Result own = run(UPSTREAMS, "wm-" + seed + "-" + order, interleaved);
        assertThat(own.byKey())
            .as("seed %d, interleaving %d", seed, order)
            .isEqualTo(expected.windows());
        assertThat(own.late())
            .as("late, seed %d, interleaving %d", seed, order)
            .isEqualTo(expected.late());
        // closing by stream time, with one record far ahead to close every window
        List<Sent> byStreamTime = new ArrayList<>(interleaved);
        byStreamTime.add(item(0, "zzz-last", 1, FAR));
        if (!run(0, "st-" + seed + "-" + order, byStreamTime).byKey().equals(expected.windows())) {
          skewedRunsThatStreamTimeGetsWrong++;
        }
      }
    }
    // the input is meaningful: it has late records of its own, and skew that closing by stream
    // time (the fastest partition) gets wrong
    assertThat(lateInExpectation).isPositive();
    assertThat(skewedRunsThatStreamTimeGetsWrong).isGreaterThan(10);
  }

  @Test
  void nothingClosesUntilEveryUpstreamHasSentAMarkAndIdlePartitionsDoNotHoldBack() {
    long t0 = ClosingWindowsTest.T0;
    List<Sent> in = new ArrayList<>();
    in.add(item(0, "a", 1, t0));
    in.add(mark(0, t0, false, t0));
    in.add(item(1, "a", 2, t0 + 5_000));
    in.add(mark(1, t0 + 5_000, false, t0 + 5_000));
    in.add(item(0, "b", 4, t0 + 200_000));
    in.add(mark(0, t0 + 200_000, false, t0 + 200_000));
    in.add(item(1, "a", 8, t0 + 150_000));
    in.add(mark(1, t0 + 150_000, false, t0 + 150_000));
    // partition 2 has sent nothing: nothing closed yet
    assertThat(run(UPSTREAMS, "idle-1", in).byKey()).isEmpty();
    // partition 2 idle: the frontier is min(200 s, 150 s) = 150 s, so windows ending by 120 s
    // close: a's at 0 s, not a's at 120 s
    in.add(mark(2, Long.MIN_VALUE, true, Long.MIN_VALUE));
    assertThat(run(UPSTREAMS, "idle-2", in).byKey())
        .isEqualTo(Map.of("a", List.of(new Out("a", t0, 3, t0 + 5_000))));
    // partition 0 goes on to 240 s: still held back by partition 1 (150 s)
    in.add(item(0, "c", 1, t0 + 240_000));
    in.add(mark(0, t0 + 240_000, false, t0 + 240_000));
    assertThat(run(UPSTREAMS, "idle-3", in).byKey())
        .isEqualTo(Map.of("a", List.of(new Out("a", t0, 3, t0 + 5_000))));
    // all idle: released up to the largest latest (240 s), so windows ending by 210 s close:
    // a's at 120 s too, not b's at 180 s
    in.add(mark(0, t0 + 240_000, true, t0 + 240_000));
    in.add(mark(1, t0 + 150_000, true, t0 + 150_000));
    assertThat(run(UPSTREAMS, "idle-4", in).byKey())
        .isEqualTo(
            Map.of(
                "a",
                List.of(
                    new Out("a", t0, 3, t0 + 5_000), new Out("a", t0 + 120_000, 8, t0 + 150_000))));
  }

  /** A mark that comes again lower (out of order) does not lower its partition's watermark. */
  @Test
  void aLowerMarkDoesNotLowerThePartitionsWatermark() {
    long t0 = ClosingWindowsTest.T0;
    List<Sent> in = new ArrayList<>();
    in.add(mark(0, t0 + 200_000, false, t0 + 200_000));
    in.add(mark(0, t0 + 100_000, false, t0 + 100_000));
    // t0 is 600 s. Its window [660 s, 720 s) ends by 800 s - 30 s grace: late by partition 0's
    // watermark (by the lower mark, 700 s - 30 s, it would not be)
    in.add(item(0, "a", 1, t0 + 100_000));
    // window [780 s, 840 s) is not late
    in.add(item(0, "a", 2, t0 + 190_000));
    in.add(mark(1, Long.MIN_VALUE, true, Long.MIN_VALUE));
    in.add(mark(2, Long.MIN_VALUE, true, Long.MIN_VALUE));
    in.add(mark(0, FAR, false, FAR));
    Result r = run(UPSTREAMS, "lower-mark", in);
    assertThat(r.late()).isEqualTo(1);
    assertThat(r.byKey())
        .isEqualTo(Map.of("a", List.of(new Out("a", t0 + 180_000, 2, t0 + 190_000))));
  }

  // --- the upstream side, as WatermarkEmitter sends it (written again here, independently) ---

  static List<Sent> emit(int u, List<In> items) {
    List<Sent> out = new ArrayList<>();
    long streamTime = Long.MIN_VALUE;
    long marked = Long.MIN_VALUE;
    boolean announced = false;
    for (In r : items) {
      out.add(new Sent(u, r, null));
      long before = streamTime;
      streamTime = Math.max(streamTime, r.timestamp());
      boolean crossed =
          streamTime != before
              && (before == Long.MIN_VALUE || streamTime / INTERVAL > before / INTERVAL);
      if (crossed) {
        marked = streamTime;
      }
      if (crossed || !announced) {
        announced = true;
        out.add(new Sent(u, null, new Watermark(u, UPSTREAMS, marked, false, streamTime)));
      }
    }
    // end of input: a mark far ahead, so that every window closes
    out.add(new Sent(u, null, new Watermark(u, UPSTREAMS, FAR, false, FAR)));
    return out;
  }

  static Sent item(int u, String key, long value, long ts) {
    return new Sent(u, new In(key, value, ts), null);
  }

  static Sent mark(int u, long streamTime, boolean idle, long latest) {
    return new Sent(u, null, new Watermark(u, UPSTREAMS, streamTime, idle, latest));
  }

  /** A random merge keeping each upstream's own order; runs of one upstream make skew. */
  static List<Sent> interleave(List<List<Sent>> upstreams, Random random) {
    return Interleave.randomRuns(upstreams, random, 40);
  }

  // --- the expectation: each upstream's items judged by that upstream's own last mark ---

  record Expected(Map<String, List<Out>> windows, long late) {}

  static Expected expect(List<List<Sent>> upstreams) {
    Map<String, TreeMap<Long, long[]>> sums = new TreeMap<>(); // key -> start -> {sum, maxTs}
    long late = 0;
    for (List<Sent> seq : upstreams) {
      long own = Long.MIN_VALUE;
      for (Sent s : seq) {
        if (s.mark() != null) {
          own = s.mark().streamTime();
          continue;
        }
        long ts = s.item().timestamp();
        long start = ts - ts % SIZE;
        if (own != Long.MIN_VALUE && start + SIZE <= own - GRACE) {
          late++;
          continue;
        }
        long[] w =
            sums.computeIfAbsent(s.item().key(), k -> new TreeMap<>())
                .computeIfAbsent(start, x -> new long[] {0, Long.MIN_VALUE});
        w[0] += s.item().value();
        w[1] = Math.max(w[1], ts);
      }
    }
    Map<String, List<Out>> windows = new TreeMap<>();
    sums.forEach(
        (key, byStart) ->
            byStart.forEach(
                (start, w) ->
                    windows
                        .computeIfAbsent(key, k -> new ArrayList<>())
                        .add(new Out(key, start, w[0], w[1]))));
    return new Expected(windows, late);
  }

  // --- the processor ---

  record Result(Map<String, List<Out>> byKey, long late) {}

  static Result run(int upstreams, String store, List<Sent> input) {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("in", Consumed.with(Serdes.String(), MarkedSerde.of(Serdes.Long())))
        .process(
            new ClosingWindows<Long, Long>(
                store,
                Serdes.Long(),
                ClosingWindowsTest.SIZE,
                ClosingWindowsTest.GRACE,
                () -> 0L,
                Long::sum,
                upstreams),
            Named.as("windows"))
        .flatMapValues(Marked::items)
        .mapValues(w -> w.start() + ":" + w.value())
        .to("out", Produced.with(Serdes.String(), Serdes.String()));
    Topology topology = b.build();
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, ClosingWindowsTest.props())) {
      pipe(driver, input);
      return new Result(read(driver, "out"), late(driver));
    }
  }

  /** Sends {@code input} to topic "in": items with their upstream header, marks as they are. */
  static void pipe(TopologyTestDriver driver, List<Sent> input) {
    var in =
        driver.createInputTopic(
            "in", Serdes.String().serializer(), MarkedSerde.of(Serdes.Long()).serializer());
    for (Sent s : input) {
      RecordHeaders headers = new RecordHeaders();
      if (s.item() != null) {
        headers.add(Marked.UPSTREAM_HEADER, ByteBuffer.allocate(4).putInt(s.upstream()).array());
        in.pipeInput(
            new TestRecord<>(
                s.item().key(), Marked.item(s.item().value()), headers, s.item().timestamp()));
      } else {
        long ts = Math.max(0, s.mark().streamTime());
        in.pipeInput(new TestRecord<>(Marked.MARK_KEY, Marked.<Long>mark(s.mark()), headers, ts));
      }
    }
  }

  /** The windows written to {@code topic} as "start:sum", by key. */
  static Map<String, List<Out>> read(TopologyTestDriver driver, String topic) {
    Map<String, List<Out>> byKey = new TreeMap<>();
    for (TestRecord<String, String> r :
        driver
            .createOutputTopic(
                topic, Serdes.String().deserializer(), Serdes.String().deserializer())
            .readRecordsToList()) {
      String[] parts = r.value().split(":");
      byKey
          .computeIfAbsent(r.key(), k -> new ArrayList<>())
          .add(new Out(r.key(), Long.parseLong(parts[0]), Long.parseLong(parts[1]), r.timestamp()));
    }
    return byKey;
  }

  /** Records dropped as late, over every window store of the driver. */
  static long late(TopologyTestDriver driver) {
    return driver.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals(ClosingWindows.LATE_METRIC))
        .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue())
        .sum();
  }
}
