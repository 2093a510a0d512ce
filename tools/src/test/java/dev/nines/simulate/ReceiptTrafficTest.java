package dev.nines.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nines.TopicNames;
import dev.nines.schema.Channel;
import dev.nines.schema.DeliveryReceipt;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One hour of receipts from a scenario whose numbers are all written here; every expectation is
 * computed from those numbers, not from the simulator's code.
 */
class ReceiptTrafficTest {

  static final double RATE_SCALE = 0.4;
  static final double SMS_RATE = 20 * RATE_SCALE;
  static final double VOICE_RATE = 5 * RATE_SCALE;
  static final double AMPLITUDE = 0.5;
  static final double PEAK_HOUR = 12;
  static final Instant FROM = Instant.parse("2026-03-02T06:00:00Z");
  static final Instant TO = Instant.parse("2026-03-02T07:00:00Z");

  static final String YAML =
      """
      seed: 7
      regions: [r1, r2]
      routes:
        - country: US
          channel: SMS
          ratePerSecond: 20
          carriers:
            - {carrierId: a, baseWeight: 3}
            - {carrierId: b, baseWeight: 1}
            - {carrierId: drained, baseWeight: 5, enabled: false}
        - country: US
          channel: VOICE
          ratePerSecond: 5
          regions: [r2]
          failureMix: {carrier: 0.1, recipient: 0.2, rejected: 0.05}
          carriers: [{carrierId: v, baseWeight: 1}]
      dailyShape: {amplitude: 0.5, peakHourUtc: 12}
      failureMix: {delivered: 0.9, carrier: 0.03, recipient: 0.02, content: 0.01, platform: 0.01, expired: 0.02, rejected: 0.01}
      latency:
        SMS: {medianMs: 2000, p99Ms: 16000}
        VOICE: {medianMs: 4000, p99Ms: 9000}
      duplicates: {fraction: 0.05, minDelay: PT0.5S, maxDelay: PT4S}
      late: {fraction: 0.1, minDelay: PT2S, maxDelay: PT30S}
      """;

  static RecordingSink sink;
  static Simulator simulator;

  /** First occurrence of each messageId, with its position and record timestamp. */
  static Map<String, Integer> firstIndex;

  static List<RecordingSink.Sent> records;

  @BeforeAll
  static void generate() {
    simulator = new Simulator(Scenario.parse(YAML), 7, RATE_SCALE);
    sink = new RecordingSink();
    simulator.history(sink, FROM, TO);
    records = sink.sent;
    firstIndex = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      firstIndex.putIfAbsent(records.get(i).key(), i);
    }
  }

  static List<DeliveryReceipt> originals(Predicate<DeliveryReceipt> filter) {
    return firstIndex.values().stream()
        .map(i -> (DeliveryReceipt) records.get(i).value())
        .filter(filter)
        .toList();
  }

  static double expectedCount(double rate) {
    return expectedCount(rate, FROM, TO);
  }

  /** ∫ rate × (1 + A cos(2π (t − peak) / 1 day)) dt over [from, to), in closed form. */
  static double expectedCount(double rate, Instant from, Instant to) {
    double omega = 2 * Math.PI / 86_400;
    double peak = from.getEpochSecond() - from.getEpochSecond() % 86_400 + PEAK_HOUR * 3600;
    double t0 = from.getEpochSecond() - peak;
    double t1 = to.getEpochSecond() - peak;
    return rate * ((t1 - t0) + AMPLITUDE / omega * (Math.sin(omega * t1) - Math.sin(omega * t0)));
  }

  static double tolerance(double p, int n) {
    return 4 * Math.sqrt(p * (1 - p) / n) + 0.002;
  }

  @Test
  void onlyReceiptsAreProducedAndEveryKeyIsTheMessageId() {
    assertThat(records)
        .allSatisfy(
            r -> {
              assertThat(r.topic()).isEqualTo(TopicNames.DELIVERY_RECEIPTS);
              assertThat(r.key()).isEqualTo(((DeliveryReceipt) r.value()).getMessageId());
            });
    assertThat(sink.flushes).isEqualTo(1);
  }

  @Test
  void receiptRatesFollowTheConfiguredRateAndDailyShape() {
    double sms = originals(r -> r.getChannel() == Channel.SMS).size();
    double voice = originals(r -> r.getChannel() == Channel.VOICE).size();
    assertThat(sms).isCloseTo(expectedCount(SMS_RATE), within(expectedCount(SMS_RATE) * 0.03));
    assertThat(voice)
        .isCloseTo(expectedCount(VOICE_RATE), within(expectedCount(VOICE_RATE) * 0.05));
    // Sanity of the expectation itself: between 06:00 and 07:00 with the peak at 12:00 the
    // factor rises from 1 to 1 + 0.5 × cos(75°) ≈ 1.13.
    assertThat(expectedCount(SMS_RATE) / (SMS_RATE * 3600)).isBetween(1.0, 1.13);
  }

  @Test
  void carriersShareTrafficByBaseWeightAndADrainedCarrierGetsNone() {
    List<DeliveryReceipt> sms = originals(r -> r.getChannel() == Channel.SMS);
    long a = sms.stream().filter(r -> r.getCarrierId().equals("a")).count();
    long b = sms.stream().filter(r -> r.getCarrierId().equals("b")).count();
    assertThat(sms).noneMatch(r -> r.getCarrierId().equals("drained"));
    assertThat((double) a / (a + b)).isCloseTo(0.75, within(tolerance(0.75, sms.size())));
  }

  @Test
  void trafficLeavesFromTheRouteRegions() {
    assertThat(originals(r -> r.getChannel() == Channel.VOICE))
        .allMatch(r -> r.getRegion().equals("r2"));
    List<DeliveryReceipt> sms = originals(r -> r.getChannel() == Channel.SMS);
    double r1 = sms.stream().filter(r -> r.getRegion().equals("r1")).count() / (double) sms.size();
    assertThat(r1).isCloseTo(0.5, within(tolerance(0.5, sms.size())));
  }

  @Test
  void failureMixMatchesTheGlobalAndThePerRouteConfiguration() {
    Map<String, Double> global =
        Map.of(
            "DELIVERED/NONE",
            0.9,
            "FAILED/CARRIER",
            0.03,
            "FAILED/RECIPIENT",
            0.02,
            "FAILED/CONTENT",
            0.01,
            "FAILED/PLATFORM",
            0.01,
            "EXPIRED",
            0.02,
            "REJECTED",
            0.01);
    assertMix(originals(r -> r.getChannel() == Channel.SMS), global);
    // delivered left out: the remainder, 1 − 0.35
    Map<String, Double> voice =
        Map.of(
            "DELIVERED/NONE",
            0.65,
            "FAILED/CARRIER",
            0.1,
            "FAILED/RECIPIENT",
            0.2,
            "REJECTED",
            0.05);
    assertMix(originals(r -> r.getChannel() == Channel.VOICE), voice);
  }

  private static void assertMix(List<DeliveryReceipt> receipts, Map<String, Double> expected) {
    Map<String, Integer> counts = new HashMap<>();
    for (DeliveryReceipt r : receipts) {
      String outcome =
          switch (r.getStatus()) {
            case DELIVERED, FAILED -> r.getStatus() + "/" + r.getFailureCause();
            default -> r.getStatus().toString();
          };
      counts.merge(outcome, 1, Integer::sum);
    }
    assertThat(expected.keySet()).containsAll(counts.keySet());
    expected.forEach(
        (outcome, p) -> {
          double share = counts.getOrDefault(outcome, 0) / (double) receipts.size();
          assertThat(share).as(outcome).isCloseTo(p, within(tolerance(p, receipts.size())));
        });
    // A delivered receipt has no error code; every failure has one.
    assertThat(receipts)
        .allMatch(
            r -> (r.getErrorCode() == null) == (r.getFailureCause().toString().equals("NONE")));
  }

  @Test
  void latencyIsLogNormalWithTheConfiguredMedianAndP99() {
    assertLatency(Channel.SMS, 2000, 16000);
    assertLatency(Channel.VOICE, 4000, 9000);
  }

  private static void assertLatency(Channel channel, double median, double p99) {
    long[] latencies =
        originals(r -> r.getChannel() == channel).stream()
            .mapToLong(r -> r.getCompletedAt().toEpochMilli() - r.getSubmittedAt().toEpochMilli())
            .sorted()
            .toArray();
    assertThat((double) latencies[latencies.length / 2])
        .as("median")
        .isCloseTo(median, within(median * 0.05));
    assertThat((double) latencies[(int) (latencies.length * 0.99)])
        .as("p99")
        .isCloseTo(p99, within(p99 * 0.12));
  }

  @Test
  void duplicatesRepeatTheMessageIdAndPayloadShortlyAfterTheOriginal() {
    Map<String, Integer> seen = new HashMap<>();
    int duplicates = 0;
    for (int i = 0; i < records.size(); i++) {
      RecordingSink.Sent r = records.get(i);
      int first = firstIndex.get(r.key());
      if (first == i) {
        continue;
      }
      duplicates++;
      assertThat(seen.merge(r.key(), 1, Integer::sum)).as("re-sent at most once").isEqualTo(1);
      RecordingSink.Sent original = records.get(first);
      assertThat(r.value()).isEqualTo(original.value()).isNotSameAs(original.value());
      assertThat(r.timestampMs() - original.timestampMs()).isBetween(500L, 4000L);
    }
    int originals = firstIndex.size();
    assertThat(duplicates / (double) originals).isCloseTo(0.05, within(tolerance(0.05, originals)));
    assertThat(simulator.stats().duplicateReceipts()).isEqualTo(duplicates);
  }

  @Test
  void lateReceiptsComeOutAfterLaterEventsWithinTheConfiguredDelay() {
    int late = 0;
    long maxOnTimeCompletedAt = Long.MIN_VALUE;
    for (int i = 0; i < records.size(); i++) {
      RecordingSink.Sent r = records.get(i);
      if (firstIndex.get(r.key()) != i) {
        continue; // duplicates are checked elsewhere
      }
      long completedAt = ((DeliveryReceipt) r.value()).getCompletedAt().toEpochMilli();
      long delay = r.timestampMs() - completedAt;
      if (delay == 0) {
        maxOnTimeCompletedAt = Math.max(maxOnTimeCompletedAt, completedAt);
        continue;
      }
      late++;
      assertThat(r.timestampMs()).isGreaterThan(completedAt);
      assertThat(delay).isBetween(2000L, 30000L);
      // Its event time is earlier than its position: a later event was already emitted.
      assertThat(maxOnTimeCompletedAt).isGreaterThan(completedAt);
    }
    int originals = firstIndex.size();
    assertThat(late / (double) originals).isCloseTo(0.1, within(tolerance(0.1, originals)));
    assertThat(simulator.stats().lateReceipts()).isEqualTo(late);
  }

  @Test
  void timesAreConsistentAndInsideTheRequestedSpan() {
    long previous = Long.MIN_VALUE;
    for (RecordingSink.Sent r : records) {
      DeliveryReceipt receipt = (DeliveryReceipt) r.value();
      assertThat(receipt.getCompletedAt()).isAfterOrEqualTo(receipt.getSubmittedAt());
      assertThat(receipt.getCompletedAt()).isAfterOrEqualTo(FROM).isBefore(TO);
      assertThat(r.timestampMs())
          .isGreaterThanOrEqualTo(previous)
          .isGreaterThanOrEqualTo(receipt.getCompletedAt().toEpochMilli());
      previous = r.timestampMs();
    }
  }

  @Test
  void statsCountWhatWasSent() {
    assertThat(simulator.stats().count(TopicNames.DELIVERY_RECEIPTS)).isEqualTo(records.size());
    assertThat(simulator.stats().total()).isEqualTo(records.size());
  }

  @Test
  void rateScaleScalesTheVolume() {
    RecordingSink small = new RecordingSink();
    Instant to = FROM.plusSeconds(1200);
    simulator.withRateScale(RATE_SCALE / 4).history(small, FROM, to);
    double expected = expectedCount((SMS_RATE + VOICE_RATE) / 4, FROM, to);
    assertThat(
            (double)
                small.receipts().stream().map(DeliveryReceipt::getMessageId).distinct().count())
        .isCloseTo(expected, within(expected * 0.1));
  }
}
