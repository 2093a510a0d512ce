package dev.nines.health.stream;

import dev.nines.health.HealthCounts;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** {@link HealthCounts} in the bytes of its own format, for window stores and changelogs. */
public final class HealthCountsSerde {
  private HealthCountsSerde() {}

  public static Serde<HealthCounts> serde() {
    return Serdes.serdeFrom(
        (topic, v) -> v == null ? null : v.toBytes(),
        (topic, b) -> b == null ? null : HealthCounts.fromBytes(b));
  }
}
