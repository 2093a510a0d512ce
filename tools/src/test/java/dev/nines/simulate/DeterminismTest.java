package dev.nines.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.TopicNames;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeterminismTest {

  static final Scenario DEFAULT = Scenario.loadDefault();
  static final Instant FROM = Instant.parse("2026-06-01T12:00:00.250Z");
  static final Instant TO = FROM.plus(Duration.ofMinutes(10));

  static List<RecordingSink.Sent> history(long seed, Instant origin, Instant from, Instant to) {
    RecordingSink sink = new RecordingSink();
    new Simulator(DEFAULT, seed, 0.05).history(sink, origin, from, to);
    return sink.sent;
  }

  @Test
  void sameScenarioSeedAndSpanGiveTheSameRecordsInTheSameOrder() {
    List<RecordingSink.Sent> first = history(42, FROM, FROM, TO);
    List<RecordingSink.Sent> second = history(42, FROM, FROM, TO);
    assertThat(first).hasSizeGreaterThan(3000);
    assertThat(second).isEqualTo(first);
  }

  @Test
  void aDifferentSeedGivesDifferentRecordsAndIds() {
    List<RecordingSink.Sent> a = history(42, FROM, FROM, TO);
    List<RecordingSink.Sent> b = history(43, FROM, FROM, TO);
    assertThat(b).isNotEqualTo(a);
    // receipts are keyed by messageId, probes by service:region (ids are in the value); the
    // reference data a scripted event writes (a plan by its route) is the same whatever the seed
    Set<String> idsA = new HashSet<>();
    a.stream().filter(DeterminismTest::traffic).forEach(s -> idsA.add(id(s)));
    assertThat(b).filteredOn(DeterminismTest::traffic).noneMatch(s -> idsA.contains(id(s)));
  }

  static boolean traffic(RecordingSink.Sent s) {
    return s.topic().equals("delivery-receipts") || s.topic().equals("probe-results");
  }

  static String id(RecordingSink.Sent s) {
    return s.value() instanceof ProbeResult p ? p.getProbeId() : s.key();
  }

  @Test
  void historyInChunksGivesTheSameRecordsAsInOneGo() {
    Instant mid = FROM.plus(Duration.ofSeconds(317));
    List<RecordingSink.Sent> whole = history(42, FROM, FROM, TO);
    List<RecordingSink.Sent> chunks = new ArrayList<>(history(42, FROM, FROM, mid));
    chunks.addAll(history(42, FROM, mid, TO));
    // Only the order differs: late receipts of the first chunk come out at its end.
    Comparator<RecordingSink.Sent> byContent =
        Comparator.comparing(RecordingSink.Sent::key)
            .thenComparingLong(RecordingSink.Sent::timestampMs);
    assertThat(sorted(chunks, byContent)).isEqualTo(sorted(whole, byContent));
  }

  private static List<RecordingSink.Sent> sorted(
      List<RecordingSink.Sent> list, Comparator<RecordingSink.Sent> c) {
    List<RecordingSink.Sent> copy = new ArrayList<>(list);
    copy.sort(c);
    return copy;
  }

  @Test
  void liveModeEmitsWhatHistoryWouldAsTheClockReachesIt() {
    FakeClock clock = new FakeClock(FROM);
    RecordingSink live = new RecordingSink();
    Instant stop = FROM.plus(Duration.ofMinutes(3));
    List<Long> lags = new ArrayList<>();
    SimSink lagRecorder =
        (topic, key, value, ts) -> {
          lags.add(clock.millis() - ts);
          live.send(topic, key, value, ts);
        };
    new Simulator(DEFAULT, 42, 0.05)
        .live(lagRecorder, clock, () -> clock.instant().isBefore(stop), clock::advance);

    List<RecordingSink.Sent> history = history(42, FROM, FROM, TO);
    assertThat(live.sent).hasSizeGreaterThan(1000);
    assertThat(live.sent).isEqualTo(history.subList(0, live.sent.size()));
    // Every record due before the stop was emitted, none later, each exactly when due.
    assertThat(history.get(live.sent.size()).timestampMs())
        .isGreaterThanOrEqualTo(stop.toEpochMilli());
    assertThat(lags).containsOnly(0L);
  }

  @Test
  void liveModeStopsWhenTold() {
    FakeClock clock = new FakeClock(FROM);
    RecordingSink sink = new RecordingSink();
    new Simulator(DEFAULT, 42).live(sink, clock, () -> false, clock::advance);
    assertThat(sink.sent).isEmpty();
    assertThat(sink.flushes).isEqualTo(1);
  }

  @Test
  void eventOffsetsCountFromTheOrigin() {
    // The default degradation starts at PT2M; moving the origin moves it.
    Instant later = FROM.plus(Duration.ofMinutes(3));
    long earlyFailures =
        carrierFailures(
            history(42, FROM, FROM, TO),
            FROM.plus(Duration.ofMinutes(2)),
            FROM.plus(Duration.ofMinutes(3)));
    long lateOriginFailures =
        carrierFailures(
            history(42, later, FROM, TO),
            FROM.plus(Duration.ofMinutes(2)),
            FROM.plus(Duration.ofMinutes(3)));
    assertThat(earlyFailures).isGreaterThan(lateOriginFailures * 3);
  }

  private static long carrierFailures(List<RecordingSink.Sent> sent, Instant from, Instant to) {
    return sent.stream()
        .filter(s -> s.topic().equals(TopicNames.DELIVERY_RECEIPTS))
        .map(s -> (DeliveryReceipt) s.value())
        .filter(
            r ->
                r.getCarrierId().equals("bluewave")
                    && r.getFailureCause().toString().equals("CARRIER"))
        .filter(r -> !r.getCompletedAt().isBefore(from) && r.getCompletedAt().isBefore(to))
        .count();
  }
}
