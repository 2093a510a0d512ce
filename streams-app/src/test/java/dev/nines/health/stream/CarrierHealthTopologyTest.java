package dev.nines.health.stream;

import static dev.nines.testing.Records.delivered;
import static dev.nines.testing.Records.probe;
import static dev.nines.testing.Records.receipt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.schema.CarrierHealth;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.testing.Drivers;
import dev.nines.testing.TestRegistry;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CarrierHealthTopologyTest {
  static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");

  TopologyTestDriver driver;
  TestInputTopic<String, DeliveryReceipt> receipts;
  TestInputTopic<String, ProbeResult> probes;
  TestOutputTopic<String, CarrierHealth> health;

  @BeforeEach
  void start() throws Exception {
    NinesConfig config = NinesConfig.defaults(); // 1 min windows, 30 s grace
    TestRegistry registry = new TestRegistry();
    driver = Drivers.start(config, registry);
    receipts =
        driver.createInputTopic(
            Topics.DELIVERY_RECEIPTS.name(),
            Topics.DELIVERY_RECEIPTS.keySerde().serializer(),
            Topics.DELIVERY_RECEIPTS.valueSerde(registry).serializer());
    probes =
        driver.createInputTopic(
            Topics.PROBE_RESULTS.name(),
            Topics.PROBE_RESULTS.keySerde().serializer(),
            Topics.PROBE_RESULTS.valueSerde(registry).serializer());
    health =
        driver.createOutputTopic(
            Topics.CARRIER_HEALTH.name(),
            Topics.CARRIER_HEALTH.keySerde().deserializer(),
            Topics.CARRIER_HEALTH.valueSerde(registry).deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  void send(DeliveryReceipt r) {
    receipts.pipeInput(r.getMessageId(), r, r.getCompletedAt());
  }

  /** A probe whose record timestamp is its event time, as producers of history write it. */
  void sendProbe(ProbeResult p) {
    probes.pipeInput(p.getProbeId(), p, p.getObservedAt());
  }

  /**
   * Kafka Streams 4.3.1 leaks the RocksDB handles of a window or session store's first segments
   * when a later one is found corrupted on open (after a SIGKILL under exactly-once), and the
   * task then cannot reopen them ("lock hold by current process"; see {@link Dedup}). So no
   * store of the topology is one of those; versioned stores keep their segments in one RocksDB.
   */
  @Test
  void noStoreKeepsSegmentsInSeveralRocksDbs() {
    var stores = driver.getAllStateStores();
    assertThat(stores)
        .containsKeys(
            CarrierHealthTopology.RECEIPTS_DEDUP_STORE, CarrierHealthTopology.PROBES_DEDUP_STORE);
    stores.forEach(
        (name, store) ->
            assertThat(store)
                .as(name)
                .isNotInstanceOf(WindowStore.class)
                .isNotInstanceOf(SessionStore.class));
  }

  @Test
  void countsOneWindowByCauseWithDuplicatesOnce() {
    // window [10:00, 10:01) for US:SMS:a
    send(delivered("m1", "a", T0.plusSeconds(1), 100));
    send(delivered("m2", "a", T0.plusSeconds(2), 200));
    send(delivered("m2", "a", T0.plusSeconds(2), 200)); // duplicate DLR: once
    send(receipt("m3", "a", DeliveryStatus.FAILED, FailureCause.CARRIER, T0.plusSeconds(3), 300));
    send(receipt("m4", "a", DeliveryStatus.EXPIRED, FailureCause.NONE, T0.plusSeconds(4), 400));
    send(receipt("m5", "a", DeliveryStatus.FAILED, FailureCause.RECIPIENT, T0.plusSeconds(5), 500));
    send(receipt("m6", "a", DeliveryStatus.REJECTED, FailureCause.CONTENT, T0.plusSeconds(6), 600));
    sendProbe(probe("p1", Service.SMS, "us-east", "v1", false, "a", "US", T0.plusSeconds(7)));
    sendProbe(
        probe(
            "p1",
            Service.SMS,
            "us-east",
            "v1",
            false,
            "a",
            "US",
            T0.plusSeconds(7))); // duplicate probe: once
    sendProbe(probe("p2", Service.SMS, "us-east", "v2", true, "a", "US", T0.plusSeconds(8)));
    assertThat(health.isEmpty()).as("window still open").isTrue();

    // stream time 10:01:30 = window end + grace: the window closes
    send(delivered("m9", "a", T0.plusSeconds(90), 100));
    sendProbe(probe("p9", Service.SMS, "us-east", "v1", true, "a", "US", T0.plusSeconds(90)));

    List<CarrierHealth> out = health.readValuesToList();
    assertThat(out).hasSize(1);
    CarrierHealth h = out.get(0);
    assertThat(h.getCountry()).isEqualTo("US");
    assertThat(h.getCarrierId()).isEqualTo("a");
    assertThat(h.getWindowStart()).isEqualTo(T0);
    assertThat(h.getWindowEnd()).isEqualTo(T0.plusSeconds(60));
    // by hand: 6 distinct receipts; delivered m1 m2; carrier m3 (CARRIER) m4 (EXPIRED);
    // other m5 (RECIPIENT) m6 (CONTENT)
    assertThat(h.getAttempts()).isEqualTo(6);
    assertThat(h.getDelivered()).isEqualTo(2);
    assertThat(h.getCarrierFailures()).isEqualTo(2);
    assertThat(h.getOtherFailures()).isEqualTo(2);
    assertThat(h.getDeliveryRatio()).isCloseTo(2.0 / 6, within(1e-9));
    assertThat(h.getSuccessRatio()).isCloseTo(2.0 / 4, within(1e-9));
    assertThat(h.getProbeFailures()).isEqualTo(1);
    // latencies 100, 200, ..., 600 ms. DDSketch's quantile q is the sample at rank
    // floor(q * (n - 1)) of the sorted samples, within 1 %: p50 -> rank 2 = 300 ms,
    // p99 -> rank floor(4.95) = 4 = 500 ms.
    assertThat(h.getLatencyP50Ms()).isBetween(297L, 303L);
    assertThat(h.getLatencyP99Ms()).isBetween(495L, 505L);
  }

  @Test
  void lateWithinGraceCountsAndBeyondGraceDoesNot() {
    send(delivered("m1", "a", T0.plusSeconds(10), 100));
    send(delivered("m2", "a", T0.plusSeconds(80), 100)); // stream time 10:01:20
    send(delivered("late-ok", "a", T0.plusSeconds(30), 100)); // 10:00:30, within 30 s grace
    send(delivered("m3", "a", T0.plusSeconds(95), 100)); // stream time 10:01:35: closes 10:00
    send(delivered("too-late", "a", T0.plusSeconds(40), 100)); // window closed: dropped
    send(delivered("m4", "a", T0.plusSeconds(200), 100)); // closes 10:01
    List<CarrierHealth> out = health.readValuesToList();
    assertThat(out)
        .extracting(CarrierHealth::getWindowStart)
        .containsExactly(T0, T0.plusSeconds(60));
    assertThat(out.get(0).getAttempts()).isEqualTo(2); // m1 + late-ok
    assertThat(out.get(1).getAttempts()).isEqualTo(2); // m2 + m3
  }

  @Test
  void carriersAndRoutesAreSeparateKeys() {
    send(delivered("m1", "a", T0.plusSeconds(1), 100));
    send(delivered("m2", "b", T0.plusSeconds(2), 100));
    send(delivered("m3", "b", T0.plusSeconds(3), 100));
    send(delivered("m4", "a", T0.plusSeconds(200), 100));
    send(delivered("m5", "b", T0.plusSeconds(200), 100));
    var out = health.readKeyValuesToMap();
    assertThat(out).containsOnlyKeys("US:SMS:a", "US:SMS:b");
    assertThat(out.get("US:SMS:b").getAttempts()).isEqualTo(2);
  }

  @Test
  void probesWithoutACarrierDoNotTouchCarrierHealth() {
    sendProbe(probe("p1", Service.VOICE, "us-east", "v1", false, null, null, T0.plusSeconds(1)));
    sendProbe(probe("p2", Service.VOICE, "us-east", "v1", false, "c", "US", T0.plusSeconds(2)));
    sendProbe(probe("p3", Service.VOICE, "us-east", "v1", true, "c", "US", T0.plusSeconds(200)));
    var out = health.readKeyValuesToMap();
    assertThat(out).containsOnlyKeys("US:VOICE:c");
    CarrierHealth h = out.get("US:VOICE:c");
    assertThat(h.getProbeFailures()).isEqualTo(1);
    assertThat(h.getAttempts()).isZero();
    assertThat(h.getSuccessRatio()).isNull();
    assertThat(h.getLatencyP50Ms()).isNull();
  }
}
