package dev.nines.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class HealthCountsTest {

  @Property(tries = 200)
  void bytesRoundTripKeepsCountsAndQuantiles(
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 600_000) Integer> latencies,
      @ForAll @IntRange(max = 50) int probeFailures) {
    HealthCounts c = new HealthCounts(0.01);
    for (int i = 0; i < latencies.size(); i++) {
      c.addReceipt(Outcome.values()[i % 3], latencies.get(i));
    }
    for (int i = 0; i < probeFailures; i++) {
      c.addProbe(false);
    }
    HealthCounts back = HealthCounts.fromBytes(c.toBytes());
    assertThat(back.attempts()).isEqualTo(latencies.size());
    assertThat(back.delivered()).isEqualTo(c.delivered());
    assertThat(back.carrierFailures()).isEqualTo(c.carrierFailures());
    assertThat(back.otherFailures()).isEqualTo(c.otherFailures());
    assertThat(back.probeFailures()).isEqualTo(probeFailures);
    for (double q : new double[] {0.5, 0.95, 0.99}) {
      assertThat(back.latencyMs(q)).isEqualTo(c.latencyMs(q));
    }
  }

  @Test
  void outcomeAttributionFollowsTheContract() {
    assertThat(Outcome.of(DeliveryStatus.EXPIRED, FailureCause.RECIPIENT))
        .isEqualTo(Outcome.CARRIER_FAILURE);
    assertThat(Outcome.of(DeliveryStatus.FAILED, FailureCause.CARRIER))
        .isEqualTo(Outcome.CARRIER_FAILURE);
    assertThat(Outcome.of(DeliveryStatus.FAILED, FailureCause.PLATFORM))
        .isEqualTo(Outcome.OTHER_FAILURE);
    assertThat(Outcome.of(DeliveryStatus.REJECTED, FailureCause.CONTENT))
        .isEqualTo(Outcome.OTHER_FAILURE);
    assertThat(Outcome.of(DeliveryStatus.DELIVERED, FailureCause.NONE))
        .isEqualTo(Outcome.DELIVERED);
  }
}
