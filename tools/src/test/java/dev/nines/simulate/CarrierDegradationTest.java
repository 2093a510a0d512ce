package dev.nines.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;
import dev.nines.schema.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A carrier degraded to 40% success from minute 10 to 15, again every 20 minutes. */
class CarrierDegradationTest {

  static final Instant ORIGIN = Instant.parse("2026-04-10T08:00:00Z");
  static final Instant TO = ORIGIN.plus(Duration.ofMinutes(40));

  /** Written down from the YAML below, not asked of the code under test. */
  static final List<Instant[]> WINDOWS =
      List.of(
          new Instant[] {ORIGIN.plus(Duration.ofMinutes(10)), ORIGIN.plus(Duration.ofMinutes(15))},
          new Instant[] {ORIGIN.plus(Duration.ofMinutes(30)), ORIGIN.plus(Duration.ofMinutes(35))});

  /** delivered / (delivered + CARRIER + EXPIRED) of the failure mix below. */
  static final double NORMAL_SUCCESS = 0.92 / (0.92 + 0.04 + 0.01);

  static final String YAML =
      """
      regions: [r1, r2]
      vantages: [v1, v2, v3]
      probeFailureRate: 0
      checks:
        - {name: sms-b, service: SMS, carrier: {country: US, channel: SMS, carrierId: b}}
        - {name: sms-a, service: SMS, carrier: {country: US, channel: SMS, carrierId: a}}
      routes:
        - country: US
          channel: SMS
          ratePerSecond: 40
          carriers: [{carrierId: a, baseWeight: 1}, {carrierId: b, baseWeight: 1}]
      failureMix: {delivered: 0.92, carrier: 0.04, recipient: 0.03, expired: 0.01}
      latency:
        SMS: {medianMs: 2000, p99Ms: 10000}
      events:
        - name: b-degraded
          start: PT10M
          end: PT15M
          repeatEvery: PT20M
          carrierDegradation: {route: "US:SMS", carrierId: b, successRate: 0.40, extraLatencyMs: 3000}
      """;

  static RecordingSink sink;

  @BeforeAll
  static void generate() {
    sink = new RecordingSink();
    new Simulator(Scenario.parse(YAML), 99).history(sink, ORIGIN, TO);
  }

  static boolean inWindow(Instant t) {
    return WINDOWS.stream().anyMatch(w -> !t.isBefore(w[0]) && t.isBefore(w[1]));
  }

  static List<DeliveryReceipt> receipts(String carrier, boolean inside) {
    return sink.receipts().stream()
        .filter(r -> r.getCarrierId().equals(carrier) && inWindow(r.getCompletedAt()) == inside)
        .toList();
  }

  /** The contract's successRatio: delivered / (delivered + failures that count against the carrier). */
  static double successRatio(List<DeliveryReceipt> receipts) {
    long delivered = count(receipts, r -> r.getStatus() == DeliveryStatus.DELIVERED);
    long carrierFailures =
        count(
            receipts,
            r ->
                r.getFailureCause() == FailureCause.CARRIER
                    || r.getStatus() == DeliveryStatus.EXPIRED);
    return delivered / (double) (delivered + carrierFailures);
  }

  static long count(List<DeliveryReceipt> receipts, Predicate<DeliveryReceipt> p) {
    return receipts.stream().filter(p).count();
  }

  @Test
  void theQueryableOccurrencesAreTheScriptedWindows() {
    List<EventOccurrence> occurrences = Scenario.parse(YAML).eventOccurrences(ORIGIN, ORIGIN, TO);
    assertThat(occurrences)
        .extracting(EventOccurrence::start)
        .containsExactly(WINDOWS.get(0)[0], WINDOWS.get(1)[0]);
    assertThat(occurrences)
        .extracting(EventOccurrence::end)
        .containsExactly(WINDOWS.get(0)[1], WINDOWS.get(1)[1]);
  }

  @Test
  void theDegradedCarrierSucceedsAbout40PercentInsideTheWindow() {
    List<DeliveryReceipt> inside = receipts("b", true);
    assertThat(inside).hasSizeGreaterThan(10_000);
    assertThat(successRatio(inside)).isCloseTo(0.40, within(0.02));
    // Only carrier blame rises: recipient failures keep their share.
    assertThat(
            count(
                    inside,
                    r ->
                        r.getFailureCause() == FailureCause.RECIPIENT
                            && r.getStatus() == DeliveryStatus.FAILED)
                / (double) inside.size())
        .isCloseTo(0.03, within(0.006));
  }

  @Test
  void theDegradedCarrierIsNormalOutsideTheWindowAndOthersAreNeverTouched() {
    assertThat(successRatio(receipts("b", false))).isCloseTo(NORMAL_SUCCESS, within(0.01));
    assertThat(successRatio(receipts("a", true))).isCloseTo(NORMAL_SUCCESS, within(0.01));
    assertThat(successRatio(receipts("a", false))).isCloseTo(NORMAL_SUCCESS, within(0.01));
  }

  @Test
  void theDegradedCarrierIsSlowerInsideTheWindow() {
    assertThat(medianLatency(receipts("b", true)) - medianLatency(receipts("b", false)))
        .isCloseTo(3000.0, within(300.0));
  }

  static double medianLatency(List<DeliveryReceipt> receipts) {
    long[] l =
        receipts.stream()
            .mapToLong(r -> r.getCompletedAt().toEpochMilli() - r.getSubmittedAt().toEpochMilli())
            .sorted()
            .toArray();
    return l[l.length / 2];
  }

  @Test
  void probesOnTheDegradedCarrierPathFailInsideTheWindowOnly() {
    List<ProbeResult> probes = sink.probes();
    List<ProbeResult> bInside =
        probes.stream()
            .filter(p -> p.getCheck().equals("sms-b") && inWindow(p.getObservedAt()))
            .toList();
    // 3 vantages × 2 regions × 10 minutes of windows.
    assertThat(bInside).hasSize(60);
    double failed = bInside.stream().filter(p -> !p.getSuccess()).count() / 60.0;
    assertThat(failed).isBetween(0.4, 0.8); // 1 − 0.40 expected; 60 probes are few
    assertThat(bInside)
        .filteredOn(p -> !p.getSuccess())
        .allSatisfy(
            p -> {
              assertThat(p.getCarrierId()).isEqualTo("b");
              assertThat(p.getCountry()).isEqualTo("US");
              assertThat(p.getLatencyMs()).isNull();
              assertThat(p.getErrorCode()).isNotNull();
            });
    assertThat(probes)
        .filteredOn(p -> p.getCheck().equals("sms-a") || !inWindow(p.getObservedAt()))
        .allMatch(ProbeResult::getSuccess);
  }
}
