package dev.nines.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultsTest {
  /** A clock the test moves by hand. */
  static final class Manual extends Clock {
    Instant now = Instant.parse("2026-12-05T10:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @Test
  void backoffDoublesWhileFailuresRecurAndStartsOverAfterAQuietMinute() {
    Manual clock = new Manual();
    Faults f = new Faults(clock);
    assertThat(f.recent()).isEmpty();
    // 1, 2, 4, 8, 16, 30, 30 s: each failure 5 s after the previous one
    long[] expected = {1, 2, 4, 8, 16, 30, 30};
    for (long e : expected) {
      assertThat(f.failed("schema-registry", "down")).isEqualTo(Duration.ofSeconds(e));
      clock.now = clock.now.plusSeconds(5);
    }
    assertThat(f.recent())
        .hasValueSatisfying(
            x -> {
              assertThat(x.cause()).isEqualTo("schema-registry");
              assertThat(x.inARow()).isEqualTo(7);
            });
    clock.now = clock.now.plusSeconds(55); // 60 s after the last failure
    assertThat(f.recent()).as("ready again a minute after the last failure").isEmpty();
    assertThat(f.failed("internal", "bug")).isEqualTo(Duration.ofSeconds(1));
    assertThat(f.counts()).isEqualTo(Map.of("schema-registry", 7L, "internal", 1L));
  }

  @Test
  void closingEndsAWait() {
    Faults f = new Faults();
    f.close();
    long t0 = System.nanoTime();
    f.await(Duration.ofMinutes(5));
    assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(30).toNanos());
  }
}
