package dev.nines.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.Incident;
import dev.nines.schema.IncidentStatus;
import dev.nines.schema.Service;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvroJsonTest {
  @Test
  void contractFieldNamesIsoInstantsAndEnumSymbols() {
    Incident i =
        Incident.newBuilder()
            .setIncidentId("SMS-us-east-1")
            .setService(Service.SMS)
            .setRegion("us-east")
            .setStatus(IncidentStatus.RESOLVED)
            .setStartedAt(Instant.parse("2026-11-01T00:00:00Z"))
            .setResolvedAt(Instant.parse("2026-11-01T00:05:00.250Z"))
            .setChecks(List.of("sms-send"))
            .setVantages(List.of("v1", "v2"))
            .setInMaintenance(true)
            .build();
    assertThat(AvroJson.toJson(i).toString())
        .isEqualTo(
            "{\"incidentId\":\"SMS-us-east-1\","
                + "\"service\":\"SMS\",\"region\":\"us-east\",\"status\":\"RESOLVED\","
                + "\"startedAt\":\"2026-11-01T00:00:00Z\",\"resolvedAt\":\"2026-11-01T00:05:00.250Z\","
                + "\"checks\":[\"sms-send\"],\"vantages\":[\"v1\",\"v2\"],\"inMaintenance\":true}");
  }
}
