package dev.nines.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.Topics;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.testing.TestRegistry;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/** The gate's rules one by one, worked by hand (grace 30 s). */
class OrderGateTest {
  static final long S = 1_000;
  final OrderGate.InMemory<String> store = new OrderGate.InMemory<>();
  final OrderGate<String> gate = new OrderGate<>(store, 30 * S);

  static List<String> values(List<OrderGate.Released<String>> r) {
    return r.stream().map(OrderGate.Released::value).toList();
  }

  @Test
  void nothingIsReleasedUntilEveryPartitionHasSentAMark() {
    gate.offer(0, 100 * S, "a", "a");
    assertThat(gate.onMark(new Watermark(0, 2, 200 * S, false))).isEmpty();
    // partition 1 at 150 s: frontier min(200, 150) - 30 = 120 s releases a (100 s)
    assertThat(values(gate.onMark(new Watermark(1, 2, 150 * S, false)))).containsExactly("a");
    assertThat(store.released()).isEqualTo(120 * S);
  }

  @Test
  void releasesInTimeThenIdOrderWhateverTheArrival() {
    gate.offer(0, 50 * S, "z", "z@50");
    gate.offer(1, 40 * S, "b", "b@40");
    gate.offer(1, 50 * S, "a", "a@50");
    gate.offer(0, 40 * S, "c", "c@40");
    gate.onMark(new Watermark(0, 2, 100 * S, false));
    assertThat(values(gate.onMark(new Watermark(1, 2, 100 * S, false))))
        .containsExactly("b@40", "c@40", "a@50", "z@50");
  }

  @Test
  void anItemMoreThanTheGraceBehindItsOwnPartitionsMarkIsLateWhateverTheOthers() {
    gate.onMark(new Watermark(0, 2, 100 * S, false));
    // partition 1 has sent nothing: the frontier is nowhere, yet 70 s (= 100 - 30) is late for 0
    assertThat(gate.offer(0, 70 * S, "x", "x")).contains(OrderGate.Late.BEHIND_OWN_PARTITION);
    assertThat(gate.offer(0, 71 * S, "y", "y")).isEmpty();
    // the same time from partition 1 (no mark yet) is held
    assertThat(gate.offer(1, 70 * S, "x", "x1")).isEmpty();
    // frontier min(100, 110) - 30 = 70 s: x1 (70 s) goes, y (71 s) waits
    assertThat(values(gate.onMark(new Watermark(1, 2, 110 * S, false)))).containsExactly("x1");
    assertThat(store.held()).isEqualTo(1);
  }

  @Test
  void anIdlePartitionDoesNotHoldTheOthersBackUntilItSendsAgain() {
    gate.onMark(new Watermark(0, 2, 100 * S, false));
    gate.offer(0, 200 * S, "a", "a");
    gate.onMark(new Watermark(0, 2, 300 * S, false));
    // partition 1 never sent data: idle; the frontier is partition 0's alone, 270 s
    assertThat(values(gate.onMark(new Watermark(1, 2, Long.MIN_VALUE, true)))).containsExactly("a");
    assertThat(store.released()).isEqualTo(270 * S);
    // partition 1 wakes up with old data: it cannot go in its place any more
    assertThat(gate.offer(1, 250 * S, "old", "old")).contains(OrderGate.Late.BEHIND_RELEASED);
    // newer data (live traffic) is held, and waits for partition 1 again once it is active
    assertThat(gate.offer(1, 280 * S, "new", "new")).isEmpty();
    assertThat(gate.onMark(new Watermark(1, 2, 280 * S, false))).isEmpty(); // 250 < 270
    gate.onMark(new Watermark(0, 2, 400 * S, false));
    assertThat(values(gate.onMark(new Watermark(1, 2, 320 * S, false)))).containsExactly("new");
  }

  @Test
  void whenEveryPartitionIsIdleEverythingSentIsReleased() {
    // partition 0 crossed a boundary at 100 s and went on to 115 s; partition 1 to 170 s
    gate.onMark(new Watermark(0, 2, 100 * S, false));
    gate.offer(0, 100 * S, "a", "a");
    gate.offer(0, 115 * S, "c", "c");
    gate.onMark(new Watermark(1, 2, 160 * S, false));
    gate.offer(1, 140 * S, "b", "b");
    gate.offer(1, 170 * S, "d", "d");
    // 0 goes idle: the frontier is partition 1's boundary less the grace, 130 s
    assertThat(values(gate.onMark(new Watermark(0, 2, 100 * S, true, 115 * S))))
        .containsExactly("a", "c");
    // 1 goes idle too: every item either partition sent has arrived; the tail past the last
    // boundary and within the grace comes out, up to the latest stream time, 170 s
    assertThat(values(gate.onMark(new Watermark(1, 2, 160 * S, true, 170 * S))))
        .containsExactly("b", "d");
    assertThat(store.released()).isEqualTo(170 * S);
    // the marks keep the boundary values for lateness
    assertThat(store.marks().get(1).streamTime()).isEqualTo(160 * S);
    // partition 1 comes back with newer data: held until the frontier passes it again
    assertThat(gate.offer(1, 200 * S, "e", "e")).isEmpty();
    assertThat(gate.onMark(new Watermark(1, 2, 200 * S, false))).isEmpty(); // 170 s: held
    assertThat(values(gate.onMark(new Watermark(1, 2, 240 * S, false)))).containsExactly("e");
  }

  @Test
  void theSerdeStillReadsVersionOneMarks() {
    var serde = MarkedSerde.of(Serdes.String());
    byte[] v1 =
        ByteBuffer.allocate(19)
            .put(MarkedSerde.MARK)
            .put((byte) 1)
            .putInt(1)
            .putInt(3)
            .putLong(42L)
            .put((byte) 1)
            .array();
    assertThat(serde.deserializer().deserialize("t", v1))
        .isEqualTo(Marked.mark(new Watermark(1, 3, 42L, true, 42L)));
  }

  @Test
  void marksNeverGoBackAndAReleasedFrontierNeverMovesBack() {
    gate.onMark(new Watermark(0, 1, 100 * S, false));
    gate.onMark(new Watermark(0, 1, 50 * S, false));
    assertThat(store.marks().get(0).streamTime()).isEqualTo(100 * S);
    assertThat(gate.offer(0, 69 * S, "x", "x")).contains(OrderGate.Late.BEHIND_OWN_PARTITION);
  }

  @Test
  void anItemWithoutPartitionIsJudgedByTheReleasedFrontierAlone() {
    gate.onMark(new Watermark(0, 1, 100 * S, false));
    assertThat(gate.offer(-1, 70 * S, "x", "x")).contains(OrderGate.Late.BEHIND_RELEASED);
    assertThat(gate.offer(-1, 71 * S, "y", "y")).isEmpty();
  }

  @Test
  void theSerdeReadsConfluentFramedRecordsAsItemsAndWritesMarksWithTheirOwnByte() {
    TestRegistry registry = new TestRegistry();
    var inner = Topics.PROBE_RESULTS.valueSerde(registry);
    var serde = MarkedSerde.of(inner);
    ProbeResult p =
        ProbeResult.newBuilder()
            .setProbeId("p1")
            .setCheck("sms-send")
            .setService(Service.SMS)
            .setRegion("us-east")
            .setVantage("v")
            .setSuccess(true)
            .setObservedAt(Instant.parse("2026-03-01T00:00:00Z"))
            .build();
    byte[] legacy = inner.serializer().serialize("t", p); // what the topic carried before
    assertThat(legacy[0]).isEqualTo((byte) 0);
    assertThat(serde.deserializer().deserialize("t", legacy)).isEqualTo(Marked.item(p));
    assertThat(serde.serializer().serialize("t", Marked.item(p))).isEqualTo(legacy);
    Watermark w = new Watermark(2, 3, -5L, true, 7L);
    byte[] m = serde.serializer().serialize("t", Marked.mark(w));
    assertThat(m[0]).isEqualTo(MarkedSerde.MARK);
    assertThat(serde.deserializer().deserialize("t", m)).isEqualTo(Marked.mark(w));
  }

  @Test
  void thePartitionerSendsMarksEverywhereAndItemsTheDefaultWay() {
    var p = new MulticastPartitioner<String>();
    assertThat(p.partitions("t", "~watermark", Marked.mark(new Watermark(0, 1, 0, false)), 3))
        .contains(Set.of(0, 1, 2));
    assertThat(p.partitions("t", "SMS", Marked.item("x"), 3)).isEqualTo(Optional.empty());
  }

  @Test
  void theStoreScansOnlyBetweenThePreviousAndTheNewFrontier() {
    // the release range starts at the previous frontier, so RocksDB never steps over the
    // tombstones of what was released before (that made a month of history quadratic)
    long after = 100 * S;
    long upTo = 160 * S;
    var from = OrderGateProcessor.timeKey(after + 1);
    var to = OrderGateProcessor.timeKey(upTo + 1);
    for (long t : new long[] {after + 1, 130 * S, upTo}) {
      for (String id : new String[] {"", "a", "\uffff-probe"}) {
        for (int u : new int[] {-1, 0, Integer.MAX_VALUE}) {
          var k = OrderGateProcessor.heldKey(new OrderGate.Slot(t, id, u));
          assertThat(k.compareTo(from)).as("%d %s %d after from", t, id, u).isPositive();
          assertThat(k.compareTo(to)).as("%d %s %d before to", t, id, u).isNegative();
          assertThat(OrderGateProcessor.slotOf(k.get())).isEqualTo(new OrderGate.Slot(t, id, u));
        }
      }
    }
    assertThat(OrderGateProcessor.heldKey(new OrderGate.Slot(after, "\uffff", 7)).compareTo(from))
        .as("a time at the previous frontier is outside")
        .isNegative();
    assertThat(OrderGateProcessor.heldKey(new OrderGate.Slot(upTo + 1, "", -1)).compareTo(to))
        .as("a time past the new frontier is outside")
        .isPositive();
    assertThat(
            OrderGateProcessor.heldKey(new OrderGate.Slot(-5 * S, "x", 0))
                .compareTo(OrderGateProcessor.timeKey(-4 * S)))
        .as("negative times order too")
        .isNegative();
  }
}
