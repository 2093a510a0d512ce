package dev.nines.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.TopicNames;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.ProbeResult;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** Invariants that hold for every seed, start and span. */
class SimulatorPropertiesTest {

  static final Scenario SCENARIO =
      Scenario.parse(
          """
      regions: [r1, r2]
      vantages: [v1, v2]
      probeInterval: PT10S
      checks: [{name: c, service: SMS, carrier: {country: US, channel: SMS, carrierId: a}}]
      routes:
        - {country: US, channel: SMS, ratePerSecond: 30, carriers: [{carrierId: a, baseWeight: 1}, {carrierId: b, baseWeight: 2}]}
      dailyShape: {amplitude: 0.9}
      duplicates: {fraction: 0.2, maxDelay: PT3S}
      late: {fraction: 0.2, minDelay: PT0.5S, maxDelay: PT20S}
      events:
        - name: d
          start: PT10S
          end: PT40S
          repeatEvery: PT1M
          carrierDegradation: {route: "US:SMS", carrierId: a, successRate: 0, extraLatencyMs: 500}
      """);

  @Property(tries = 40)
  void recordsAreOrderedConsistentAndInsideTheSpan(
      @ForAll long seed,
      @ForAll @LongRange(min = 1_700_000_000_000L, max = 1_900_000_000_000L) long fromMs,
      @ForAll @LongRange(min = 0, max = 90_000) long spanMs) {
    Instant from = Instant.ofEpochMilli(fromMs);
    Instant to = from.plusMillis(spanMs);
    RecordingSink sink = new RecordingSink();
    new Simulator(SCENARIO, seed).history(sink, from, to);

    long previous = Long.MIN_VALUE;
    Map<String, Integer> occurrences = new HashMap<>();
    for (RecordingSink.Sent s : sink.sent) {
      assertThat(s.timestampMs())
          .as("emission order is timestamp order")
          .isGreaterThanOrEqualTo(previous);
      previous = s.timestampMs();
      if (s.topic().equals(TopicNames.DELIVERY_RECEIPTS)) {
        DeliveryReceipt r = (DeliveryReceipt) s.value();
        assertThat(r.getCompletedAt()).isAfterOrEqualTo(r.getSubmittedAt());
        assertThat(r.getCompletedAt()).isAfterOrEqualTo(from).isBefore(to);
        assertThat(s.timestampMs())
            .isGreaterThanOrEqualTo(r.getCompletedAt().toEpochMilli())
            .isLessThanOrEqualTo(r.getCompletedAt().toEpochMilli() + 20_000 + 3_000);
        assertThat(occurrences.merge(s.key(), 1, Integer::sum)).isLessThanOrEqualTo(2);
      } else {
        ProbeResult p = (ProbeResult) s.value();
        assertThat(p.getObservedAt()).isAfterOrEqualTo(from).isBefore(to);
        assertThat(s.timestampMs()).isEqualTo(p.getObservedAt().toEpochMilli());
        // keyed by probe id (spread over every partition); each probe id is emitted once
        assertThat(s.key()).isEqualTo(p.getProbeId());
        assertThat(occurrences.merge(p.getProbeId(), 1, Integer::sum)).isEqualTo(1);
      }
    }
  }
}
