package dev.nines.credits;

import static dev.nines.credits.CreditFixtures.DAY;
import static dev.nines.credits.CreditFixtures.byRegion;
import static dev.nines.credits.CreditFixtures.from;
import static dev.nines.credits.CreditFixtures.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.uptime.Interval;
import dev.nines.uptime.Intervals;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AvailabilityTest {

  private static final YearMonth APRIL = YearMonth.of(2025, 4);
  private static final long APRIL_MS = 30 * DAY;
  private static final List<String> COVERED = List.of("us-east", "eu-west");

  private static long downtime(
      Map<String, List<Interval>> down, Map<String, List<Interval>> maintenance) {
    return Availability.of(APRIL, down, maintenance, COVERED).downtimeMs();
  }

  @ParameterizedTest(name = "{0}: {1} days")
  @CsvSource({"2025-02, 28", "2024-02, 29", "2025-04, 30", "2025-01, 31", "2024-12, 31"})
  void theMonthIsItsUtcCalendarLength(String month, long days) {
    Availability a = Availability.of(YearMonth.parse(month), Map.of(), Map.of(), COVERED);
    assertThat(a.monthLengthMs()).isEqualTo(days * DAY);
    assertThat(a.downtimeMs()).isZero();
  }

  @Test
  void theDecisionIsExactAtTheBoundary() {
    BigDecimal target = new BigDecimal("99.99");
    // 0.01% of 30 days is 259,200 ms
    assertThat(new Availability(APRIL_MS, 259_200).isBelow(target)).isFalse();
    assertThat(new Availability(APRIL_MS, 259_201).isBelow(target)).isTrue();
    assertThat(new Availability(APRIL_MS, 0).isBelow(new BigDecimal("100"))).isFalse();
    assertThat(new Availability(APRIL_MS, 1).isBelow(new BigDecimal("100"))).isTrue();
    // 31 days: 1 ms is 3.7e-8 %, well below anything a double would see near 100
    assertThat(new Availability(31 * DAY, 1).isBelow(new BigDecimal("99.9999999"))).isFalse();
    assertThat(new Availability(31 * DAY, 1).isBelow(new BigDecimal("99.99999997"))).isTrue();
  }

  @ParameterizedTest(name = "{1} ms of {0} ms -> {2}")
  @CsvSource({
    "2592000000, 0, 100.000000",
    "2592000000, 259200, 99.990000",
    "2592000000, 259201, 99.989999",
    "2592000000, 2592000000, 0.000000",
    "2678400000, 1, 99.999999",
    "2678400000, 26784000, 99.000000",
    "2419200000, 1209600000, 50.000000"
  })
  void theTextHasSixDecimalsRoundedDown(long len, long down, String text) {
    assertThat(new Availability(len, down).percentText()).isEqualTo(text);
  }

  @Test
  void outagesInTwoCoveredRegionsAtTheSameTimeCountOnce() {
    assertThat(
            downtime(
                byRegion(
                    "us-east", from("2025-04-10T00:00:00Z", 150_000),
                    "eu-west", from("2025-04-10T00:00:50Z", 150_000)),
                Map.of()))
        .isEqualTo(200_000);
  }

  @Test
  void disjointOutagesInTwoRegionsAddUp() {
    assertThat(
            downtime(
                byRegion(
                    "us-east", from("2025-04-10T00:00:00Z", 150_000),
                    "eu-west", from("2025-04-11T00:00:00Z", 150_000)),
                Map.of()))
        .isEqualTo(300_000);
  }

  @Test
  void repeatedAndTouchingIntervalsOfOneRegionCountOnce() {
    assertThat(
            downtime(
                byRegion(
                    "us-east",
                    from("2025-04-10T00:00:00Z", 60_000),
                    from("2025-04-10T00:00:00Z", 60_000),
                    from("2025-04-10T00:01:00Z", 60_000)),
                Map.of()))
        .isEqualTo(120_000);
  }

  @Test
  void maintenanceOfTheRegionIsNotCharged() {
    Map<String, List<Interval>> down = byRegion("us-east", from("2025-04-10T00:00:00Z", 400_000));
    assertThat(downtime(down, byRegion("us-east", from("2025-04-10T00:00:00Z", 200_000))))
        .isEqualTo(200_000);
    assertThat(downtime(down, byRegion("us-east", from("2025-04-10T00:01:40Z", 100_000))))
        .isEqualTo(300_000);
    assertThat(downtime(down, byRegion("us-east", from("2025-04-09T00:00:00Z", 2 * DAY)))).isZero();
  }

  @Test
  void maintenanceInOneRegionExcusesNothingInAnother() {
    Map<String, List<Interval>> down =
        byRegion(
            "us-east", from("2025-04-10T00:00:00Z", 400_000),
            "eu-west", from("2025-04-10T00:00:00Z", 100_000));
    // eu-west in maintenance while us-east is down: the customer was still down
    assertThat(downtime(down, byRegion("eu-west", from("2025-04-10T00:00:00Z", 400_000))))
        .isEqualTo(400_000);
    // both in maintenance for the first 100 s: only us-east's remaining 300 s count
    assertThat(
            downtime(
                down,
                byRegion(
                    "us-east", from("2025-04-10T00:00:00Z", 100_000),
                    "eu-west", from("2025-04-10T00:00:00Z", 100_000))))
        .isEqualTo(300_000);
  }

  @Test
  void regionsTheContractDoesNotCoverCountNothing() {
    assertThat(downtime(byRegion("ap-south", from("2025-04-10T00:00:00Z", 10 * DAY)), Map.of()))
        .isZero();
  }

  @Test
  void outagesAreClippedToTheMonth() {
    assertThat(downtime(byRegion("us-east", from("2025-04-30T23:59:00Z", 600_000)), Map.of()))
        .isEqualTo(60_000);
    assertThat(downtime(byRegion("us-east", from("2025-03-31T23:00:00Z", 2 * 3_600_000)), Map.of()))
        .isEqualTo(3_600_000);
    assertThat(
            downtime(
                byRegion(
                    "us-east",
                    new Interval(ms("2025-01-01T00:00:00Z"), ms("2026-01-01T00:00:00Z"))),
                Map.of()))
        .isEqualTo(APRIL_MS);
  }

  @Test
  void aMissingListIsNoDowntime() {
    Map<String, List<Interval>> down = new HashMap<>();
    down.put("us-east", null);
    assertThat(downtime(down, Map.of())).isZero();
  }

  @Test
  void impossibleValuesAreRejected() {
    assertThatThrownBy(() -> new Availability(0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Availability(10, 11)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Availability(10, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Interval(2, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("end before start");
  }

  @Test
  void intervalAlgebra() {
    List<Interval> a =
        Intervals.union(
            List.of(
                new Interval(5, 10),
                new Interval(0, 3),
                new Interval(3, 4),
                new Interval(8, 12),
                new Interval(20, 20)));
    assertThat(a).containsExactly(new Interval(0, 4), new Interval(5, 12));
    assertThat(
            Intervals.subtract(
                a, List.of(new Interval(2, 6), new Interval(7, 8), new Interval(11, 30))))
        .containsExactly(new Interval(0, 2), new Interval(6, 7), new Interval(8, 11));
    assertThat(Intervals.clip(a, new Interval(3, 6)))
        .containsExactly(new Interval(3, 4), new Interval(5, 6));
    assertThat(Intervals.length(a)).isEqualTo(11);
  }
}
