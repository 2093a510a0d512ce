package dev.nines.uptime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.schema.Service;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IncidentIdTest {
  private static long t(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void isReadableAndDeterministic() {
    assertThat(IncidentId.of(Service.SMS, "us-east", t("2024-10-31T23:58:00Z")))
        .isEqualTo("SMS-us-east-20241031T235800000Z")
        .isEqualTo(IncidentId.of(Service.SMS, "us-east", t("2024-10-31T23:58:00Z")));
    assertThat(IncidentId.of(Service.VERIFY, "eu-west", t("2025-01-02T03:04:05.678Z")))
        .isEqualTo("VERIFY-eu-west-20250102T030405678Z");
  }

  @Test
  void differsByServiceRegionAndTheMillisecond() {
    long start = t("2024-10-31T23:58:00Z");
    assertThat(IncidentId.of(Service.SMS, "us-east", start))
        .isNotEqualTo(IncidentId.of(Service.VOICE, "us-east", start))
        .isNotEqualTo(IncidentId.of(Service.SMS, "us-west", start))
        .isNotEqualTo(IncidentId.of(Service.SMS, "us-east", start + 1));
  }

  @Test
  void sortsByStartWithinAServiceAndRegion() {
    assertThat(IncidentId.of(Service.SMS, "us-east", t("2024-10-31T23:58:00Z")))
        .isLessThan(IncidentId.of(Service.SMS, "us-east", t("2024-11-01T00:00:00Z")));
  }

  @Test
  void aBlankRegionIsRefused() {
    assertThatThrownBy(() -> IncidentId.of(Service.SMS, " ", 0))
        .hasMessageContaining("region is blank");
  }
}
