package dev.nines.uptime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The per-minute counts error-rate downtime is built from; expectations by hand. */
class HourCountsTest {
  static final long HOUR = Instant.parse("2026-03-31T23:00:00Z").toEpochMilli();

  @Test
  void countsPerMinuteAndAddsIntoPeriods() {
    HourCounts c = new HourCounts();
    // minute 0: 3 attempts, 1 failed; minute 4 (23:04:59.999): 1 failed; minute 5: 2, none
    c.add(HOUR, true).add(HOUR + 1_000, false).add(HOUR + 59_999, false);
    c.add(HOUR + 5 * 60_000 - 1, true);
    c.add(HOUR + 5 * 60_000, false).add(HOUR + 6 * 60_000 - 1, false);
    assertThat(c.attempts(0)).isEqualTo(3);
    assertThat(c.failures(0)).isEqualTo(1);
    assertThat(c.attempts(4)).isEqualTo(1);
    assertThat(c.attempts(5)).isEqualTo(2);
    assertThat(c.anyFailure()).isTrue();
    // PT5M periods: [23:00, 23:05) 4 attempts 2 failed; [23:05, 23:10) 2 attempts, none
    ErrorRateDowntime five = new ErrorRateDowntime(new BigDecimal("5"), Duration.ofMinutes(5), 1);
    Map<Long, ErrorRateDowntime.Counts> byPeriod = new TreeMap<>();
    c.addTo(HOUR, five, byPeriod);
    assertThat(byPeriod)
        .containsExactly(
            Map.entry(HOUR, new ErrorRateDowntime.Counts(4, 2)),
            Map.entry(HOUR + 300_000, new ErrorRateDowntime.Counts(2, 0)));
    // another share of the same hour (another carrier) adds up
    HourCounts other = new HourCounts().add(HOUR + 30_000, true);
    c.addAll(other);
    assertThat(c.attempts(0)).isEqualTo(4);
    assertThat(c.failures(0)).isEqualTo(2);
    assertThat(new HourCounts().add(HOUR, false).anyFailure()).isFalse();
  }

  @Test
  void roundTripsItsBytesAndRefusesOthers() {
    HourCounts c = new HourCounts().add(HOUR, true).add(HOUR + 59 * 60_000, false);
    // version, n = 2, 2 x 9 bytes
    assertThat(c.toBytes()).hasSize(2 + 18);
    assertThat(HourCounts.fromBytes(c.toBytes())).isEqualTo(c);
    assertThatThrownBy(() -> HourCounts.fromBytes(new byte[] {1, 1, 0}))
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> HourCounts.fromBytes(new byte[] {2, 0}))
        .hasMessageContaining("version");
    ErrorRateHour h = new ErrorRateHour("acme|x", "us-east", HOUR, c);
    assertThat(ErrorRateHour.fromBytes(h.toBytes())).isEqualTo(h);
    assertThat(h.toBytes()[0]).isEqualTo((byte) 'E');
  }
}
