package dev.nines.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.TopicNames;
import dev.nines.replay.OutputDiff.OutRec;
import dev.nines.schema.CarrierState;
import dev.nines.schema.CarrierWeight;
import dev.nines.schema.Channel;
import dev.nines.schema.Incident;
import dev.nines.schema.IncidentStatus;
import dev.nines.schema.RouteMode;
import dev.nines.schema.RoutingWeights;
import dev.nines.schema.Service;
import dev.nines.schema.SlaCredit;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The diff on lists in memory; expectations are counted by hand from the lists below. */
class OutputDiffTest {
  static final Instant T = Instant.parse("2026-10-31T23:50:00Z");

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static OutRec rec(int partition, String key, String value, long ts, Object decoded) {
    return new OutRec(partition, key, bytes(value), ts, decoded);
  }

  static RoutingWeights weights(
      long version, int atSecond, int a, int b, CarrierState bState, String reason) {
    return RoutingWeights.newBuilder()
        .setRouteId("US:SMS")
        .setCountry("US")
        .setChannel(Channel.SMS)
        .setVersion(version)
        .setEffectiveAt(T.plusSeconds(atSecond))
        .setMode(RouteMode.NORMAL)
        .setCarriers(
            List.of(
                new CarrierWeight("a", a, CarrierState.HEALTHY, 1.0, reason, 0, false),
                new CarrierWeight("b", b, bState, 0.5, reason, 0, false)))
        .build();
  }

  static OutRec w(RoutingWeights v) {
    return rec(0, v.getRouteId(), v.toString(), v.getEffectiveAt().toEpochMilli(), v);
  }

  static Incident incident(String id, IncidentStatus status) {
    return Incident.newBuilder()
        .setIncidentId(id)
        .setService(Service.VERIFY)
        .setRegion("us-east")
        .setStatus(status)
        .setStartedAt(T)
        .setResolvedAt(status == IncidentStatus.RESOLVED ? T.plusSeconds(60) : null)
        .setChecks(List.of("verify-send"))
        .setVantages(List.of("v1"))
        .setInMaintenance(false)
        .build();
  }

  static OutRec i(Incident v) {
    return rec(0, "VERIFY:us-east", v.toString(), T.toEpochMilli(), v);
  }

  static OutRec credit(String account, String currency, long amount) {
    SlaCredit c =
        SlaCredit.newBuilder()
            .setCreditId("credit-" + account + "-VERIFY-2026-10")
            .setAccountId(account)
            .setService(Service.VERIFY)
            .setMonth("2026-10")
            .setAvailabilityPercent("99.98")
            .setTargetPercent("99.99")
            .setDowntimeMs(480_000)
            .setCreditPercent(10)
            .setCreditAmountMinor(amount)
            .setCurrency(currency)
            .setIncidentIds(List.of("x"))
            .setIssuedAt(T)
            .build();
    return rec(0, account, c.toString(), T.toEpochMilli(), c);
  }

  @Test
  void countsDifferencesPerTopicByWhatTheRecordsAreAbout() {
    Map<String, List<OutRec>> live =
        Map.of(
            TopicNames.ROUTING_WEIGHTS,
                List.of(
                    w(weights(1, 5, 7000, 3000, CarrierState.HEALTHY, "ok")),
                    w(weights(2, 10, 9900, 100, CarrierState.EJECTED, "b at 40%")),
                    w(weights(3, 15, 8000, 2000, CarrierState.RECOVERING, "b ramps"))),
            TopicNames.INCIDENTS,
                List.of(
                    i(incident("A", IncidentStatus.OPEN)),
                    i(incident("A", IncidentStatus.RESOLVED)),
                    i(incident("B", IncidentStatus.OPEN))),
            TopicNames.UPTIME_LEDGER,
                List.of(
                    rec(0, "K1", "v1", 1, null),
                    rec(0, "K1", "v2", 2, null),
                    rec(1, "K2", "x", 3, null)),
            TopicNames.SLA_CREDITS,
                List.of(credit("acme", "USD", 100), credit("globex", "EUR", 50)),
            TopicNames.CARRIER_HEALTH,
                List.of(
                    rec(0, "US:SMS:a", "h1", 1, new OutputDiff.HealthWindow(0)),
                    rec(0, "US:SMS:b", "h2", 1, new OutputDiff.HealthWindow(0))));
    Map<String, List<OutRec>> replay =
        Map.of(
            TopicNames.ROUTING_WEIGHTS,
                List.of(
                    // same decision, other version and reason: not a changed decision
                    w(weights(7, 5, 7000, 3000, CarrierState.HEALTHY, "other words")),
                    w(weights(8, 10, 8500, 1500, CarrierState.DEGRADED, "b at 40%")),
                    w(weights(9, 20, 7000, 3000, CarrierState.HEALTHY, "ok"))),
            TopicNames.INCIDENTS,
                List.of(
                    i(incident("A", IncidentStatus.OPEN)),
                    i(incident("A", IncidentStatus.RESOLVED))),
            // K1's latest line is the same; K2 differs
            TopicNames.UPTIME_LEDGER,
                List.of(rec(0, "K1", "v2", 2, null), rec(1, "K2", "y", 3, null)),
            TopicNames.SLA_CREDITS, List.of(credit("acme", "USD", 100)),
            TopicNames.CARRIER_HEALTH,
                List.of(
                    rec(0, "US:SMS:a", "h1", 1, new OutputDiff.HealthWindow(0)),
                    rec(0, "US:SMS:b", "h2", 1, new OutputDiff.HealthWindow(0))));

    OutputDiff.Summary s = OutputDiff.compare(live, replay);

    assertThat(s.row(TopicNames.ROUTING_WEIGHTS))
        .isEqualTo(
            new OutputDiff.Row(
                TopicNames.ROUTING_WEIGHTS, "decisions", 3, 3, 3, false)); // at 10 s, 15 s and 20 s
    assertThat(s.row(TopicNames.INCIDENTS))
        .isEqualTo(new OutputDiff.Row(TopicNames.INCIDENTS, "incidents", 2, 1, 1, false)); // B
    assertThat(s.row(TopicNames.UPTIME_LEDGER))
        .isEqualTo(new OutputDiff.Row(TopicNames.UPTIME_LEDGER, "lines", 2, 2, 1, false)); // K2
    assertThat(s.row(TopicNames.SLA_CREDITS))
        .isEqualTo(new OutputDiff.Row(TopicNames.SLA_CREDITS, "credits", 2, 1, 1, false)); // globex
    assertThat(s.row(TopicNames.CARRIER_HEALTH))
        .isEqualTo(new OutputDiff.Row(TopicNames.CARRIER_HEALTH, "windows", 2, 2, 0, true));
    assertThat(s.row(TopicNames.DEAD_LETTERS))
        .isEqualTo(new OutputDiff.Row(TopicNames.DEAD_LETTERS, "records", 0, 0, 0, true));
    assertThat(s.liveCredits()).containsOnlyKeys("EUR", "USD");
    assertThat(s.liveCredits().get("USD")).containsExactly(1, 100);
    assertThat(s.replayCredits()).containsOnlyKeys("USD");

    String table = OutputDiff.table(s, "live", "replay");
    assertThat(table.lines())
        .contains(
            "topic                unit           live   replay  differing  byte-identical",
            "routing-weights      decisions         3        3          3  no",
            "carrier-health       windows           2        2          0  yes",
            "credit totals (minor units): live EUR 50 (1 credit), USD 100 (1 credit); replay "
                + "USD 100 (1 credit)");
  }

  @Test
  void byteIdentityNeedsTheSameOrderPerPartitionAndTheSameTimestamps() {
    OutRec a = rec(0, "k1", "x", 1, null);
    OutRec b = rec(0, "k2", "y", 2, null);
    OutRec c = rec(1, "k3", "z", 3, null);
    assertThat(OutputDiff.identical(List.of(a, b, c), List.of(a, b, c))).isTrue();
    // another interleaving of two partitions is the same per partition
    assertThat(OutputDiff.identical(List.of(a, b, c), List.of(c, a, b))).isTrue();
    assertThat(OutputDiff.identical(List.of(a, b, c), List.of(b, a, c))).isFalse();
    assertThat(OutputDiff.identical(List.of(a, b), List.of(a, rec(0, "k2", "y", 3, null))))
        .isFalse();
    assertThat(OutputDiff.identical(List.of(a), List.of(rec(1, "k1", "x", 1, null)))).isFalse();
    assertThat(OutputDiff.identical(List.of(a, b), List.of(a))).isFalse();
    // the same windows in another order: not byte-identical, but no window differs
    var s =
        OutputDiff.compare(
            Map.of(TopicNames.CARRIER_HEALTH, List.of(withWindow(a), withWindow(b))),
            Map.of(TopicNames.CARRIER_HEALTH, List.of(withWindow(b), withWindow(a))));
    assertThat(s.row(TopicNames.CARRIER_HEALTH).identical()).isFalse();
    assertThat(s.row(TopicNames.CARRIER_HEALTH).differing()).isZero();
  }

  @Test
  void deadLettersCountRecordsByTheirOriginalBytes() {
    List<OutRec> live =
        new ArrayList<>(List.of(rec(0, "k", "garbage", 1, null), rec(0, "k", "garbage", 2, null)));
    var s =
        OutputDiff.compare(
            Map.of(TopicNames.DEAD_LETTERS, live),
            Map.of(TopicNames.DEAD_LETTERS, List.of(rec(0, "k", "garbage", 1, null))));
    assertThat(s.row(TopicNames.DEAD_LETTERS))
        .isEqualTo(new OutputDiff.Row(TopicNames.DEAD_LETTERS, "records", 2, 1, 1, false));
  }

  @Test
  void compactedTopicsAreIdenticalWhenEachKeyKeepsASuffixOfTheSameRecordsInTheSameOrder() {
    OutRec k1a = rec(0, "k1", "a", 1, null);
    OutRec k1b = rec(0, "k1", "b", 2, null);
    OutRec k2a = rec(0, "k2", "a", 3, null);
    OutRec k1c = rec(0, "k1", "c", 4, null);
    List<OutRec> written = List.of(k1a, k1b, k2a, k1c);
    // the cleaner removed k1's first two records on one side only
    assertThat(OutputDiff.identicalUpToCompaction(written, List.of(k2a, k1c))).isTrue();
    assertThat(OutputDiff.identicalUpToCompaction(List.of(k1b, k2a, k1c), written)).isTrue();
    assertThat(OutputDiff.identical(written, List.of(k2a, k1c))).isFalse();
    // but not another order, other bytes or a missing key
    assertThat(OutputDiff.identicalUpToCompaction(written, List.of(k1c, k2a))).isFalse();
    assertThat(
            OutputDiff.identicalUpToCompaction(
                written, List.of(rec(0, "k1", "x", 2, null), k2a, k1c)))
        .isFalse();
    assertThat(OutputDiff.identicalUpToCompaction(written, List.of(k1a, k1b, k1c))).isFalse();
    // the latest record of a key must be the same
    assertThat(OutputDiff.identicalUpToCompaction(written, List.of(k1a, k1b, k2a))).isFalse();
  }

  @Test
  void routingDecisionsAreComparedFromTheFirstRecordBothSidesStillHold() {
    RoutingWeights d5 = weights(1, 5, 7000, 3000, CarrierState.HEALTHY, "ok");
    RoutingWeights d10 = weights(2, 10, 9900, 100, CarrierState.EJECTED, "b at 40%");
    RoutingWeights d15 = weights(3, 15, 8000, 2000, CarrierState.RECOVERING, "b ramps");
    // the replay's broker has compacted the route down to its latest decision
    var same =
        OutputDiff.compare(
            Map.of(TopicNames.ROUTING_WEIGHTS, List.of(w(d5), w(d10), w(d15))),
            Map.of(TopicNames.ROUTING_WEIGHTS, List.of(w(d15))));
    assertThat(same.row(TopicNames.ROUTING_WEIGHTS))
        .isEqualTo(new OutputDiff.Row(TopicNames.ROUTING_WEIGHTS, "decisions", 3, 1, 0, true));
    assertThat(same.leftOut().get(TopicNames.ROUTING_WEIGHTS)).containsExactly(2, 0);
    assertThat(OutputDiff.table(same, "live", "replay"))
        .contains(
            "routing-weights is "
                + "compacted: compared per key from the first record both sides still hold (left out: "
                + "live 2, replay 0)");
    // another policy decided differently at 15 s: that decision differs
    RoutingWeights other15 = weights(9, 15, 8500, 1500, CarrierState.DEGRADED, "b at 40%");
    var other =
        OutputDiff.compare(
            Map.of(TopicNames.ROUTING_WEIGHTS, List.of(w(d5), w(d10), w(d15))),
            Map.of(TopicNames.ROUTING_WEIGHTS, List.of(w(other15))));
    assertThat(other.row(TopicNames.ROUTING_WEIGHTS).differing()).isEqualTo(1);
    assertThat(other.row(TopicNames.ROUTING_WEIGHTS).identical()).isFalse();
  }

  static OutRec withWindow(OutRec r) {
    return new OutRec(
        r.partition(),
        r.key(),
        r.value(),
        r.timestamp(),
        new OutputDiff.HealthWindow(r.timestamp()));
  }
}
