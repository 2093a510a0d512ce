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

  /**
   * The encoding is kept between changes (read or written once): whatever mix of changes,
   * encodings and decodings, the bytes always give the counts as they are, those of the same
   * changes made to fresh counts without ever encoding them.
   */
  @Property(tries = 200)
  void theEncodingAlwaysGivesTheCountsAsTheyAre(
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 5) Integer> ops,
      @ForAll @Size(min = 60, max = 60) List<@IntRange(min = 0, max = 600_000) Integer> values) {
    HealthCounts c = new HealthCounts(0.01);
    HealthCounts fresh = new HealthCounts(0.01);
    for (int i = 0; i < ops.size(); i++) {
      int v = values.get(i);
      switch (ops.get(i)) {
        case 0 -> {
          c.addReceipt(Outcome.values()[v % 3], v);
          fresh.addReceipt(Outcome.values()[v % 3], v);
        }
        case 1 -> {
          c.addProbe(v % 2 == 0);
          fresh.addProbe(v % 2 == 0);
        }
        case 2 -> {
          c.merge(new HealthCounts(0.01).addReceipt(Outcome.DELIVERED, v));
          fresh.merge(new HealthCounts(0.01).addReceipt(Outcome.DELIVERED, v));
        }
        case 3 -> c.toBytes();
        default -> c = HealthCounts.fromBytes(c.toBytes());
      }
      HealthCounts read = HealthCounts.fromBytes(c.toBytes());
      assertThat(
              List.of(
                  read.attempts(),
                  read.delivered(),
                  read.carrierFailures(),
                  read.otherFailures(),
                  read.probeFailures(),
                  read.probeSuccesses()))
          .isEqualTo(
              List.of(
                  fresh.attempts(),
                  fresh.delivered(),
                  fresh.carrierFailures(),
                  fresh.otherFailures(),
                  fresh.probeFailures(),
                  fresh.probeSuccesses()));
      for (double q : new double[] {0.5, 0.95, 0.99}) {
        assertThat(read.latencyMs(q)).isEqualTo(fresh.latencyMs(q));
      }
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
