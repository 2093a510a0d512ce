package dev.nines.credits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.CreditTier;
import dev.nines.schema.Service;
import dev.nines.schema.ServiceFee;
import dev.nines.schema.SlaContract;
import dev.nines.uptime.Interval;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test inputs: a typical contract to vary, histories, intervals by region. */
final class CreditFixtures {
  private CreditFixtures() {}

  static final Instant SINCE_2024 = Instant.parse("2024-01-01T00:00:00Z");

  /** One day, one hour, one minute in ms. */
  static final long DAY = 86_400_000L;

  static final long HOUR = 3_600_000L;
  static final long MINUTE = 60_000L;

  /**
   * acme, target 99.99, covers us-east and eu-west; SMS at 100000 minor units a month, VOICE at
   * 333; USD; below 99.99 -> 10%, below 99.0 -> 25%, below 95.0 -> 100%; from 2024, no end.
   */
  static SlaContract.Builder contract() {
    return SlaContract.newBuilder()
        .setAccountId("acme")
        .setTier("enterprise")
        .setTargetPercent("99.99")
        .setRegions(new ArrayList<>(List.of("us-east", "eu-west")))
        .setServices(new ArrayList<>(List.of(fee(Service.SMS, 100_000), fee(Service.VOICE, 333))))
        .setCurrency("USD")
        .setCreditSchedule(
            new ArrayList<>(List.of(tier("99.99", 10), tier("99.0", 25), tier("95.0", 100))))
        .setEffectiveFrom(SINCE_2024)
        .setEffectiveTo(null);
  }

  static ServiceFee fee(Service service, long monthlyFeeMinor) {
    return new ServiceFee(service, monthlyFeeMinor);
  }

  static CreditTier tier(String belowPercent, int creditPercent) {
    return new CreditTier(belowPercent, creditPercent);
  }

  /** A history of these versions, applied in order; each must be accepted. */
  static ContractHistory history(SlaContract... versions) {
    ContractHistory h = ContractHistory.empty();
    for (SlaContract v : versions) {
      ContractHistory.Update u = h.with(v);
      assertThat(u.problems()).as("problems of %s", v).isEmpty();
      h = u.history();
    }
    return h;
  }

  static Instant at(String iso) {
    return Instant.parse(iso);
  }

  static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  /** {@code [iso, iso + lengthMs)}. */
  static Interval from(String iso, long lengthMs) {
    long start = ms(iso);
    return new Interval(start, start + lengthMs);
  }

  /** region, interval, interval, ..., region, interval, ... */
  static Map<String, List<Interval>> byRegion(Object... regionThenIntervals) {
    Map<String, List<Interval>> m = new LinkedHashMap<>();
    String region = null;
    for (Object o : regionThenIntervals) {
      if (o instanceof String s) {
        region = s;
        m.putIfAbsent(region, new ArrayList<>());
      } else {
        m.get(region).add((Interval) o);
      }
    }
    return m;
  }
}
