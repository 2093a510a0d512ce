package dev.nines.eventtime;

import static dev.nines.eventtime.ClosingWindowsWatermarkTest.UPSTREAMS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.eventtime.ClosingWindowsTest.In;
import dev.nines.eventtime.ClosingWindowsTest.Out;
import dev.nines.eventtime.ClosingWindowsWatermarkTest.Expected;
import dev.nines.eventtime.ClosingWindowsWatermarkTest.Sent;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Two sets of windows in one {@link WindowsFanOut}: each gives, whatever the interleaving of the
 * upstream partitions, the windows the per-partition rule gives for what it counts (computed by
 * {@link ClosingWindowsWatermarkTest#expect}, without the processor), each child gets only its
 * own set's windows, and the late records of both are counted.
 */
class WindowsFanOutTest {

  /** Set "own": every item under its key. Set "split": an even value under "even" and its key+"!". */
  @Test
  void eachSetGivesTheWindowsOfWhatItCountsToItsOwnChild() {
    for (long seed = 1; seed <= 6; seed++) {
      List<List<Sent>> upstreams = new ArrayList<>();
      List<List<Sent>> split = new ArrayList<>();
      for (int u = 0; u < UPSTREAMS; u++) {
        List<Sent> sent =
            ClosingWindowsWatermarkTest.emit(
                u, ClosingWindowsTest.randomInput(new Random(seed * 31 + u), 120));
        upstreams.add(sent);
        split.add(splitBy(sent));
      }
      Expected own = ClosingWindowsWatermarkTest.expect(upstreams);
      Expected evens = ClosingWindowsWatermarkTest.expect(split);
      assertThat(evens.windows()).containsKey("even");
      for (long order = 1; order <= 3; order++) {
        List<Sent> interleaved =
            ClosingWindowsWatermarkTest.interleave(upstreams, new Random(seed * 1000 + order));
        Run run = run("fan-" + seed + "-" + order, interleaved);
        assertThat(run.own()).as("seed %d, order %d: own", seed, order).isEqualTo(own.windows());
        assertThat(run.split())
            .as("seed %d, order %d: split", seed, order)
            .isEqualTo(evens.windows());
        assertThat(run.late()).isEqualTo(own.late() + evens.late());
      }
      // batches without a gate: read entry by entry, the same windows
      Run batched =
          run(
              "fan-" + seed + "-batched",
              ClosingWindowsWatermarkTest.interleave(upstreams, new Random(seed * 1000 + 9)),
              false,
              new Random(seed));
      assertThat(batched.own()).as("seed %d, batched: own", seed).isEqualTo(own.windows());
      assertThat(batched.split()).as("seed %d, batched: split", seed).isEqualTo(evens.windows());
    }
  }

  /**
   * With a gate: copies of items (same key, value and time, a few records later in the same
   * upstream, alone or in batches) count nowhere, and the windows are those of the input without
   * them; the gate keeps every upstream's mark.
   */
  @Test
  void aGateLetsEachIdThroughOnceBeforeAnySetCountsIt() {
    for (long seed = 1; seed <= 4; seed++) {
      Random random = new Random(seed);
      List<List<Sent>> originals = new ArrayList<>();
      List<List<Sent>> withCopies = new ArrayList<>();
      long next = 0;
      for (int u = 0; u < UPSTREAMS; u++) {
        List<In> items = new ArrayList<>();
        // unique values (the ids), of the same parity as drawn ("split" counts the even ones)
        for (In i : ClosingWindowsTest.randomInput(new Random(seed * 31 + u), 120)) {
          items.add(new In(i.key(), 2 * (++next) + i.value() % 2, i.timestamp()));
        }
        List<In> copied = new ArrayList<>(items);
        for (int k = items.size() - 1; k >= 0; k--) {
          if (random.nextInt(3) == 0) {
            int at = Math.min(copied.size(), copied.indexOf(items.get(k)) + 1 + random.nextInt(4));
            copied.add(at, items.get(k));
          }
        }
        originals.add(ClosingWindowsWatermarkTest.emit(u, items));
        withCopies.add(ClosingWindowsWatermarkTest.emit(u, copied));
      }
      Expected own = ClosingWindowsWatermarkTest.expect(originals);
      List<List<Sent>> split = originals.stream().map(WindowsFanOutTest::splitBy).toList();
      Expected evens = ClosingWindowsWatermarkTest.expect(split);
      // the copies would change the windows if they were counted
      assertThat(ClosingWindowsWatermarkTest.expect(withCopies).windows())
          .isNotEqualTo(own.windows());
      for (boolean batched : new boolean[] {false, true}) {
        List<Sent> interleaved =
            ClosingWindowsWatermarkTest.interleave(withCopies, new Random(seed * 1000 + 7));
        String name = "gate-" + seed + "-" + batched;
        Run run = run(name, interleaved, true, batched ? new Random(seed) : null);
        assertThat(run.own())
            .as("seed %d, batched %s: own", seed, batched)
            .isEqualTo(own.windows());
        assertThat(run.split())
            .as("seed %d, batched %s: split", seed, batched)
            .isEqualTo(evens.windows());
        assertThat(run.late()).isEqualTo(own.late() + evens.late());
        assertThat(run.gateMarks()).isEqualTo(UPSTREAMS);
      }
    }
  }

  /** What the "split" set counts, as items of their own (marks as they are). */
  static List<Sent> splitBy(List<Sent> sent) {
    List<Sent> out = new ArrayList<>();
    for (Sent s : sent) {
      if (s.item() == null) {
        out.add(s);
      } else if (s.item().value() % 2 == 0) {
        In i = s.item();
        out.add(new Sent(s.upstream(), new In("even", i.value(), i.timestamp()), null));
        out.add(new Sent(s.upstream(), new In(i.key() + "!", i.value(), i.timestamp()), null));
      }
    }
    return out;
  }

  record Run(Map<String, List<Out>> own, Map<String, List<Out>> split, long late, int gateMarks) {}

  static Run run(String name, List<Sent> input) {
    return run(name, input, false, null);
  }

  /**
   * @param gate with a de-duplication of the items by value
   * @param batches null: items alone; else runs of one upstream's items sent as batches of
   *     random sizes
   */
  static Run run(String name, List<Sent> input, boolean gate, Random batches) {
    var ownTap =
        new WindowsFanOut.Tap<Long, Long>(
            windows(name + "-own"), WindowsFanOut.Keys.same(), "own-out");
    var splitTap =
        new WindowsFanOut.Tap<Long, Long>(
            windows(name + "-split"),
            (key, value, each) -> {
              if (value % 2 == 0) {
                each.accept("even");
                each.accept(key + "!");
              }
            },
            "split-out");
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, Object> closed =
        b.stream("in", Consumed.with(Serdes.String(), MarkedSerde.of(Serdes.Long())))
            .process(
                new WindowsFanOut<>(
                    gate
                        ? List.of(
                            new WindowsFanOut.Gate<>(
                                new Dedup<Long>(
                                    name + "-seen",
                                    v -> Long.toString(v),
                                    Duration.ofDays(30),
                                    0,
                                    UPSTREAMS,
                                    UPSTREAMS),
                                Long.class))
                        : List.of(),
                    List.of(ownTap, splitTap)),
                Named.as("fan"));
    WindowsFanOut.output(closed, ownTap)
        .flatMapValues(Marked::items, Named.as(ownTap.child()))
        .mapValues(w -> w.start() + ":" + w.value())
        .to("own", Produced.with(Serdes.String(), Serdes.String()));
    WindowsFanOut.output(closed, splitTap)
        .flatMapValues(Marked::items, Named.as(splitTap.child()))
        .mapValues(w -> w.start() + ":" + w.value())
        .to("split", Produced.with(Serdes.String(), Serdes.String()));
    try (TopologyTestDriver driver =
        new TopologyTestDriver(b.build(), ClosingWindowsTest.props())) {
      if (batches == null) {
        ClosingWindowsWatermarkTest.pipe(driver, input);
      } else {
        pipeBatched(driver, input, batches);
      }
      return new Run(
          ClosingWindowsWatermarkTest.read(driver, "own"),
          ClosingWindowsWatermarkTest.read(driver, "split"),
          ClosingWindowsWatermarkTest.late(driver),
          gate ? Dedup.marksIn((DedupStore) driver.getStateStore(name + "-seen")).size() : 0);
    }
  }

  /**
   * As {@link ClosingWindowsWatermarkTest#pipe}, each run of one upstream's items between marks
   * in batches of 1 to 5 entries (for partition 0, the test driver's task).
   */
  static void pipeBatched(TopologyTestDriver driver, List<Sent> input, Random random) {
    var in =
        driver.createInputTopic(
            "in", Serdes.String().serializer(), MarkedSerde.of(Serdes.Long()).serializer());
    List<Marked.Entry<Long>> batch = new ArrayList<>();
    int[] upstream = {-1};
    int[] size = {1 + random.nextInt(5)};
    Runnable send =
        () -> {
          if (batch.isEmpty()) {
            return;
          }
          RecordHeaders headers = new RecordHeaders();
          headers.add(Marked.UPSTREAM_HEADER, ByteBuffer.allocate(4).putInt(upstream[0]).array());
          in.pipeInput(
              new TestRecord<>(
                  Marked.BATCH_KEY,
                  new Marked.Batch<>(0, List.copyOf(batch)),
                  headers,
                  batch.get(batch.size() - 1).timestamp()));
          batch.clear();
          size[0] = 1 + random.nextInt(5);
        };
    for (Sent s : input) {
      if (s.item() == null) {
        send.run();
        in.pipeInput(
            new TestRecord<>(
                Marked.MARK_KEY,
                Marked.<Long>mark(s.mark()),
                new RecordHeaders(),
                Math.max(0, s.mark().streamTime())));
        continue;
      }
      if (s.upstream() != upstream[0]) {
        send.run();
        upstream[0] = s.upstream();
      }
      batch.add(new Marked.Entry<>(s.item().key(), s.item().timestamp(), s.item().value()));
      if (batch.size() >= size[0]) {
        send.run();
      }
    }
    send.run();
  }

  static ClosingWindows<Long, Long> windows(String store) {
    return new ClosingWindows<>(
        store,
        Serdes.Long(),
        ClosingWindowsTest.SIZE,
        ClosingWindowsTest.GRACE,
        () -> 0L,
        Long::sum,
        UPSTREAMS);
  }
}
