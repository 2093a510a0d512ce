package dev.nines.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.TopicNames;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scripted outages against probes whose normal failure rate is 0. */
class ServiceOutageTest {

  static final Instant ORIGIN = Instant.parse("2026-04-10T08:00:00Z");
  static final Instant TO = ORIGIN.plus(Duration.ofHours(1));

  static final String YAML =
      """
      regions: [r1, r2]
      vantages: [v1, v2, v3]
      probeInterval: PT60S
      probeFailureRate: 0
      checks:
        - {name: sms-send, service: SMS}
        - {name: voice-call, service: VOICE}
        - {name: verify-send, service: VERIFY}
      events:
        - name: sms-r2-down
          start: PT10M
          end: PT14M
          repeatEvery: PT30M
          serviceOutage: {service: SMS, region: r2}
        - name: verify-r1-seen-from-v1
          start: PT20M
          end: PT25M
          serviceOutage: {service: VERIFY, region: r1, vantages: [v1]}
      """;

  static RecordingSink sink;

  @BeforeAll
  static void generate() {
    sink = new RecordingSink();
    new Simulator(Scenario.parse(YAML), 3).history(sink, ORIGIN, TO);
  }

  static boolean between(Instant t, int fromMinute, int toMinute) {
    return !t.isBefore(ORIGIN.plus(Duration.ofMinutes(fromMinute)))
        && t.isBefore(ORIGIN.plus(Duration.ofMinutes(toMinute)));
  }

  /** The expectation, written from the YAML above. */
  static boolean shouldFail(ProbeResult p) {
    Instant t = p.getObservedAt();
    boolean smsDown =
        p.getService() == Service.SMS
            && p.getRegion().equals("r2")
            && (between(t, 10, 14) || between(t, 40, 44));
    boolean verifyDown =
        p.getService() == Service.VERIFY
            && p.getRegion().equals("r1")
            && p.getVantage().equals("v1")
            && between(t, 20, 25);
    return smsDown || verifyDown;
  }

  @Test
  void probesFailExactlyDuringTheOutagesOfTheirServiceRegionAndVantage() {
    List<ProbeResult> probes = sink.probes();
    assertThat(probes)
        .allSatisfy(p -> assertThat(p.getSuccess()).as(p.toString()).isEqualTo(!shouldFail(p)));
    // 3 vantages × 4 minutes × 2 occurrences, plus 1 vantage × 5 minutes.
    assertThat(probes.stream().filter(p -> !p.getSuccess()).count()).isEqualTo(3 * 4 * 2 + 5);
    assertThat(probes)
        .filteredOn(p -> !p.getSuccess())
        .allSatisfy(
            p -> {
              assertThat(p.getErrorCode()).isNotNull();
              assertThat(p.getLatencyMs()).isNull();
            });
    assertThat(probes)
        .filteredOn(ProbeResult::getSuccess)
        .allSatisfy(
            p -> {
              assertThat(p.getErrorCode()).isNull();
              assertThat(p.getLatencyMs()).isNotNull().isPositive();
              assertThat(p.getCarrierId()).isNull();
            });
  }

  @Test
  void everyCheckRunsOncePerIntervalFromEveryVantageAgainstEveryRegion() {
    List<RecordingSink.Sent> records = sink.on(TopicNames.PROBE_RESULTS);
    assertThat(sink.sent).hasSameSizeAs(records); // no routes, so no receipts
    assertThat(records).hasSize(3 * 3 * 2 * 60);
    Map<String, List<ProbeResult>> series =
        sink.probes().stream()
            .collect(
                Collectors.groupingBy(
                    p -> p.getCheck() + "/" + p.getVantage() + "/" + p.getRegion()));
    assertThat(series).hasSize(18);
    series.forEach(
        (name, runs) -> {
          assertThat(runs).as(name).hasSize(60);
          List<Long> gaps = new ArrayList<>();
          for (int i = 1; i < runs.size(); i++) {
            gaps.add(
                runs.get(i).getObservedAt().toEpochMilli()
                    - runs.get(i - 1).getObservedAt().toEpochMilli());
          }
          assertThat(gaps).as(name).containsOnly(60_000L);
        });
    assertThat(records)
        .allSatisfy(
            r -> {
              ProbeResult p = (ProbeResult) r.value();
              assertThat(r.key()).isEqualTo(p.getProbeId());
              assertThat(r.timestampMs()).isEqualTo(p.getObservedAt().toEpochMilli());
              assertThat(p.getObservedAt()).isAfterOrEqualTo(ORIGIN).isBefore(TO);
            });
    assertThat(records.stream().map(r -> ((ProbeResult) r.value()).getProbeId()).distinct().count())
        .isEqualTo(records.size());
  }

  @Test
  void probesStopWritesNothingFromTheStoppedVantagesWhileTheEventLasts() {
    String yaml =
        """
        regions: [r1, r2]
        vantages: [v1, v2]
        probeInterval: PT60S
        probeFailureRate: 0
        checks:
          - {name: sms-send, service: SMS}
        events:
          - name: r2-probers-away
            start: PT10M
            end: PT25M
            probesStop: {service: SMS, region: r2}
          - name: v1-away-in-r1
            start: PT30M
            end: PT35M
            probesStop: {service: SMS, region: r1, vantages: [v1]}
        """;
    RecordingSink recorded = new RecordingSink();
    new Simulator(Scenario.parse(yaml), 3).history(recorded, ORIGIN, TO);
    List<ProbeResult> probes = recorded.probes();
    // 2 regions x 2 vantages x 60 minutes, less r2's 2 x 15 and r1/v1's 5
    assertThat(probes).hasSize(2 * 2 * 60 - 2 * 15 - 5);
    assertThat(probes)
        .noneMatch(p -> p.getRegion().equals("r2") && between(p.getObservedAt(), 10, 25))
        .noneMatch(
            p ->
                p.getRegion().equals("r1")
                    && p.getVantage().equals("v1")
                    && between(p.getObservedAt(), 30, 35))
        .allMatch(ProbeResult::getSuccess);
  }
}
