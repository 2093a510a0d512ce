package dev.nines.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.CarrierState;
import dev.nines.schema.CarrierWeight;
import dev.nines.schema.Channel;
import dev.nines.schema.Incident;
import dev.nines.schema.IncidentStatus;
import dev.nines.schema.RouteMode;
import dev.nines.schema.RoutingWeights;
import dev.nines.schema.Service;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class ViewsTest {

  @Test
  void aViewKeyIsFoundOnThePartitionItsServiceIsProducedTo() {
    for (int n : new int[] {1, 3, 7}) {
      for (String service : List.of("SMS", "VOICE", "VERIFY")) {
        // Kafka's own producer partitioner, for the key the uptime tasks read: the service
        int expected =
            BuiltInPartitioner.partitionForKey(service.getBytes(StandardCharsets.UTF_8), n);
        assertThat(
                ServicePartitioner.INSTANCE.partitions("t", service + ":us-east:2026-10", null, n))
            .contains(Set.of(expected));
        assertThat(ServicePartitioner.INSTANCE.partitions("t", service + ":acme:2026-10", null, n))
            .contains(Set.of(expected));
      }
    }
  }

  static Incident incident(String id, String start, String end) {
    return Incident.newBuilder()
        .setIncidentId(id)
        .setService(Service.SMS)
        .setRegion("us-east")
        .setStatus(end == null ? IncidentStatus.OPEN : IncidentStatus.RESOLVED)
        .setStartedAt(Instant.parse(start))
        .setResolvedAt(end == null ? null : Instant.parse(end))
        .setChecks(List.of("sms-send"))
        .setVantages(List.of("v1"))
        .setInMaintenance(false)
        .build();
  }

  @Test
  void regionHistoryKeepsTheLatestStatePerIncidentAndTrimsOldDays() {
    long day = 86_400_000L;
    RegionHistory h =
        RegionHistory.empty("SMS", "us-east")
            .seen(Instant.parse("2026-01-01T10:00:00Z").toEpochMilli(), true)
            .with(incident("A", "2026-01-01T10:00:00Z", null))
            .with(incident("A", "2026-01-01T10:00:00Z", "2026-01-01T10:05:00Z"))
            .seen(Instant.parse("2026-01-05T00:00:00Z").toEpochMilli(), true)
            .with(incident("B", "2026-01-04T09:00:00Z", null));
    assertThat(h.incidents()).extracting(Incident::getIncidentId).containsExactly("A", "B");
    assertThat(h.incidents().get(0).getResolvedAt()).isNotNull();
    RegionHistory back = RegionHistory.fromBytes(h.toBytes());
    assertThat(back).isEqualTo(h);
    // keep 3 days ending 2026-01-05: 01-03 .. 01-05; A (resolved 01-01) goes, open B stays
    RegionHistory t = h.trimmed(3);
    assertThat(t.observedDays())
        .containsExactly(Instant.parse("2026-01-05T00:00:00Z").toEpochMilli() / day);
    assertThat(t.incidents()).extracting(Incident::getIncidentId).containsExactly("B");
    assertThat(new TreeSet<>(h.observedDays())).hasSize(2);
  }

  static RoutingWeights weights(long version, CarrierState a, CarrierState b) {
    return RoutingWeights.newBuilder()
        .setRouteId("US:SMS")
        .setCountry("US")
        .setChannel(Channel.SMS)
        .setVersion(version)
        .setEffectiveAt(Instant.EPOCH)
        .setMode(RouteMode.NORMAL)
        .setCarriers(
            List.of(
                new CarrierWeight("a", 5000, a, 1.0, "r", 0, false),
                new CarrierWeight("b", 5000, b, 1.0, "r", 0, false)))
        .build();
  }

  @Test
  void anEjectionIsCountedWhenACarrierBecomesEjected() {
    var healthy = weights(1, CarrierState.HEALTHY, CarrierState.HEALTHY);
    var ejected = weights(2, CarrierState.HEALTHY, CarrierState.EJECTED);
    assertThat(Views.newlyEjected(null, healthy)).isEmpty();
    assertThat(Views.newlyEjected(healthy, ejected)).containsExactly("b");
    assertThat(Views.newlyEjected(ejected, ejected)).isEmpty();
    assertThat(Views.newlyEjected(null, ejected)).containsExactly("b");
  }

  @Test
  void storeValuesRoundTripWithoutARegistry() {
    var serde = AvroValueSerde.of(RoutingWeights.class);
    var w = weights(3, CarrierState.RECOVERING, CarrierState.HEALTHY);
    assertThat(serde.deserializer().deserialize("x", serde.serializer().serialize("x", w)))
        .isEqualTo(w);
  }
}
