package dev.nines.eventtime;

import static dev.nines.eventtime.ClosingWindowsWatermarkTest.UPSTREAMS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.eventtime.ClosingWindowsTest.In;
import dev.nines.eventtime.ClosingWindowsTest.Out;
import dev.nines.eventtime.ClosingWindowsWatermarkTest.Expected;
import dev.nines.eventtime.ClosingWindowsWatermarkTest.Sent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
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

  record Run(Map<String, List<Out>> own, Map<String, List<Out>> split, long late) {}

  static Run run(String name, List<Sent> input) {
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
            .process(new WindowsFanOut<>(List.of(ownTap, splitTap)), Named.as("fan"));
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
      ClosingWindowsWatermarkTest.pipe(driver, input);
      return new Run(
          ClosingWindowsWatermarkTest.read(driver, "own"),
          ClosingWindowsWatermarkTest.read(driver, "split"),
          ClosingWindowsWatermarkTest.late(driver));
    }
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
