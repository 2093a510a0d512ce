package dev.nines.credits;

import static dev.nines.credits.CreditFixtures.contract;
import static dev.nines.credits.CreditFixtures.fee;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.schema.CreditTier;
import dev.nines.schema.Service;
import dev.nines.schema.SlaContract;
import dev.nines.schema.SlaCredit;
import dev.nines.uptime.Interval;
import dev.nines.uptime.Intervals;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Invariants over random valid schedules (1 to 5 rows, thresholds either the usual ones or any
 * with up to 4 decimals), months of 28 to 31 days, fees up to Long.MAX_VALUE, and random outages
 * and maintenance in up to four regions, reaching over the month's edges.
 */
class CreditPropertiesTest {

  private static final List<YearMonth> MONTHS =
      List.of(
          YearMonth.of(2025, 2),
          YearMonth.of(2024, 2),
          YearMonth.of(2025, 4),
          YearMonth.of(2025, 1),
          YearMonth.of(2025, 12));
  private static final List<String> REGIONS = List.of("r1", "r2", "r3", "r4");

  // --- generators ---

  @Provide
  Arbitrary<YearMonth> months() {
    return Arbitraries.of(MONTHS);
  }

  /** A valid schedule: distinct thresholds descending, credits non-decreasing down the rows. */
  @Provide
  Arbitrary<List<Tier>> schedules() {
    Arbitrary<BigDecimal> usual =
        Arbitraries.of(
                "99.999", "99.99", "99.95", "99.9", "99.5", "99.0", "98", "95.0", "90", "50", "100")
            .map(BigDecimal::new);
    Arbitrary<BigDecimal> any =
        Arbitraries.longs().between(1, 1_000_000).map(n -> BigDecimal.valueOf(n, 4));
    Arbitrary<List<BigDecimal>> belows =
        Arbitraries.frequencyOf(Tuple.of(3, usual), Tuple.of(1, any))
            .list()
            .ofMinSize(1)
            .ofMaxSize(5);
    Arbitrary<List<Integer>> credits =
        Arbitraries.integers().between(0, 100).list().ofMinSize(5).ofMaxSize(5);
    return Combinators.combine(belows, credits)
        .as(
            (b, c) -> {
              TreeSet<BigDecimal> distinct = new TreeSet<>(Collections.reverseOrder());
              distinct.addAll(b); // compareTo: 99.0 and 99.00 are one threshold
              List<Integer> sortedCredits = new ArrayList<>(c.subList(0, distinct.size()));
              Collections.sort(sortedCredits);
              List<Tier> rows = new ArrayList<>();
              int i = 0;
              for (BigDecimal below : distinct) {
                rows.add(new Tier(below, sortedCredits.get(i++)));
              }
              return rows;
            });
  }

  /** Per region, 0 to 4 intervals around a month: some inside, some over its edges. */
  @Provide
  Arbitrary<Map<String, List<Interval>>> outages() {
    Arbitrary<Interval> interval =
        Combinators.combine(
                Arbitraries.longs().between(-5 * CreditFixtures.DAY, 35 * CreditFixtures.DAY),
                Arbitraries.oneOf(
                    Arbitraries.longs().between(0, 10 * CreditFixtures.MINUTE),
                    Arbitraries.longs().between(0, 20 * CreditFixtures.DAY)))
            .as(
                (offset, length) ->
                    new Interval(APRIL_START + offset, APRIL_START + offset + length));
    return Arbitraries.maps(Arbitraries.of(REGIONS), interval.list().ofMaxSize(4)).ofMaxSize(4);
  }

  private static final long APRIL_START = Months.startMs(YearMonth.of(2025, 4));

  // --- helpers ---

  private static SlaContract contractWith(List<Tier> schedule, long fee, List<String> regions) {
    List<CreditTier> rows = new ArrayList<>();
    for (Tier t : schedule) {
      rows.add(new CreditTier(t.belowPercent().toPlainString(), t.creditPercent()));
    }
    return contract()
        .setCreditSchedule(rows)
        .setServices(List.of(fee(Service.SMS, fee)))
        .setRegions(regions)
        .build();
  }

  private static int percent(List<Tier> schedule, long len, long down) {
    return CreditRule.credit(schedule, new Availability(len, down), 1_000_000)
        .map(Credit::creditPercent)
        .orElse(0);
  }

  // --- properties ---

  @Property(tries = 500)
  void generatedSchedulesAreValid(@ForAll("schedules") List<Tier> schedule) {
    assertThat(ContractValidator.problems(contractWith(schedule, 1, REGIONS))).isEmpty();
  }

  @Property(tries = 1000)
  void creditPercentIsMonotoneNonIncreasingInAvailability(
      @ForAll("schedules") List<Tier> schedule,
      @ForAll("months") YearMonth month,
      @ForAll @LongRange(min = 0, max = 2_678_400_000L) long a,
      @ForAll @LongRange(min = 0, max = 2_678_400_000L) long b) {
    long len = Months.lengthMs(month);
    long less = Math.min(Math.min(a, b), len);
    long more = Math.min(Math.max(a, b), len);
    // more downtime = lower availability = at least the credit
    assertThat(percent(schedule, len, more)).isGreaterThanOrEqualTo(percent(schedule, len, less));

    // and along every threshold, where it matters most: the boundary and 1 ms either side
    TreeSet<Long> downs = new TreeSet<>(List.of(0L, len));
    for (Tier t : schedule) {
      long boundary =
          BigDecimal.valueOf(len)
              .multiply(BigDecimal.valueOf(100).subtract(t.belowPercent()))
              .divide(BigDecimal.valueOf(100), 0, RoundingMode.FLOOR)
              .longValueExact();
      for (long d = boundary - 1; d <= boundary + 2; d++) {
        if (d >= 0 && d <= len) {
          downs.add(d);
        }
      }
    }
    int previous = 0;
    for (long d : downs) {
      int p = percent(schedule, len, d);
      assertThat(p).as("credit at %d ms down", d).isGreaterThanOrEqualTo(previous);
      previous = p;
    }
  }

  @Property(tries = 1000)
  void theAmountNeverExceedsTheFee(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long fee,
      @ForAll @IntRange(min = 0, max = 100) int percent) {
    long amount = CreditRule.amountMinor(fee, percent);
    assertThat(amount).isBetween(0L, fee);
    if (percent == 100) {
      assertThat(amount).isEqualTo(fee);
    }
  }

  @Property(tries = 500)
  void theIssuedAmountNeverExceedsTheFee(
      @ForAll("schedules") List<Tier> schedule,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long fee,
      @ForAll("outages") Map<String, List<Interval>> down) {
    ContractHistory h = CreditFixtures.history(contractWith(schedule, fee, REGIONS));
    Optional<SlaCredit> credit =
        CreditCalculator.credit(
            "acme",
            Service.SMS,
            YearMonth.of(2025, 4),
            h,
            down,
            Map.of(),
            List.of(),
            Instant.EPOCH);
    credit.ifPresent(
        c -> {
          assertThat(c.getCreditAmountMinor()).isBetween(1L, fee);
          assertThat(c.getCreditPercent()).isBetween(1, 100);
        });
  }

  @Property(tries = 1000)
  void unionDowntimeIsBetweenTheWorstRegionAndTheSumOfRegions(
      @ForAll("outages") Map<String, List<Interval>> down,
      @ForAll("outages") Map<String, List<Interval>> maintenance) {
    YearMonth april = YearMonth.of(2025, 4);
    long union = Availability.of(april, down, maintenance, REGIONS).downtimeMs();
    long max = 0;
    long sum = 0;
    for (String region : REGIONS) {
      long one = Availability.of(april, down, maintenance, List.of(region)).downtimeMs();
      max = Math.max(max, one);
      sum += one;
    }
    assertThat(union).isBetween(max, Math.min(sum, Months.lengthMs(april)));
    // and maintenance only ever removes downtime
    assertThat(union)
        .isLessThanOrEqualTo(Availability.of(april, down, Map.of(), REGIONS).downtimeMs());
  }

  @Property(tries = 500)
  void theSameInputsGiveTheSameOutput(
      @ForAll("schedules") List<Tier> schedule,
      @ForAll @LongRange(min = 0, max = 10_000_000) long fee,
      @ForAll("months") YearMonth month,
      @ForAll("outages") Map<String, List<Interval>> down,
      @ForAll("outages") Map<String, List<Interval>> maintenance) {
    ContractHistory h = CreditFixtures.history(contractWith(schedule, fee, List.of("r1", "r3")));
    List<String> incidents = List.of("i-3", "i-1", "i-2");
    Optional<SlaCredit> first =
        CreditCalculator.credit(
            "acme", Service.SMS, month, h, down, maintenance, incidents, Instant.EPOCH);
    assertThat(
            CreditCalculator.credit(
                "acme", Service.SMS, month, h, down, maintenance, incidents, Instant.EPOCH))
        .isEqualTo(first);
    // nor may map types, list order or the state store round trip matter
    assertThat(
            CreditCalculator.credit(
                "acme",
                Service.SMS,
                month,
                ContractHistory.fromBytes(h.toBytes()),
                reversed(down),
                reversed(maintenance),
                List.of("i-2", "i-3", "i-1"),
                Instant.EPOCH))
        .isEqualTo(first);
  }

  @Property(tries = 1000)
  void theTextAgreesWithTheDecisionForThresholdsOfUpToSixDecimals(
      @ForAll("months") YearMonth month,
      @ForAll @LongRange(min = 0, max = 2_678_400_000L) long down,
      @ForAll @LongRange(min = 1, max = 100_000_000) long threshold) {
    long len = Months.lengthMs(month);
    Availability a = new Availability(len, Math.min(down, len));
    BigDecimal below = BigDecimal.valueOf(threshold, 6);
    assertThat(new BigDecimal(a.percentText()).compareTo(below) < 0).isEqualTo(a.isBelow(below));
  }

  @Property(tries = 1000)
  void intervalAlgebraAgreesWithCountingEveryMillisecond(
      @ForAll("small") List<Interval> a,
      @ForAll("small") List<Interval> cuts,
      @ForAll @IntRange(min = 0, max = 60) int clipFrom,
      @ForAll @IntRange(min = 0, max = 60) int clipLength) {
    boolean[] in = new boolean[64];
    for (Interval i : a) {
      for (long t = i.start(); t < i.end(); t++) {
        in[(int) t] = true;
      }
    }
    for (Interval i : cuts) {
      for (long t = i.start(); t < i.end(); t++) {
        in[(int) t] = false;
      }
    }
    long expected = 0;
    for (int t = clipFrom; t < Math.min(64, clipFrom + clipLength); t++) {
      expected += in[t] ? 1 : 0;
    }
    List<Interval> result =
        Intervals.clip(
            Intervals.subtract(Intervals.union(a), Intervals.union(cuts)),
            new Interval(clipFrom, clipFrom + clipLength));
    assertThat(Intervals.length(result)).isEqualTo(expected);
    // normalized: sorted, non-empty, neither overlapping nor touching
    for (int i = 0; i < result.size(); i++) {
      assertThat(result.get(i).length()).isPositive();
      if (i > 0) {
        assertThat(result.get(i).start()).isGreaterThan(result.get(i - 1).end());
      }
    }
  }

  @Provide
  Arbitrary<List<Interval>> small() {
    return Combinators.combine(
            Arbitraries.longs().between(0, 63), Arbitraries.longs().between(0, 20))
        .as((s, l) -> new Interval(s, Math.min(64, s + l)))
        .list()
        .ofMaxSize(6);
  }

  private static Map<String, List<Interval>> reversed(Map<String, List<Interval>> m) {
    Map<String, List<Interval>> out = new TreeMap<>(Collections.reverseOrder());
    for (var e : new HashMap<>(m).entrySet()) {
      List<Interval> l = new ArrayList<>(e.getValue());
      Collections.reverse(l);
      out.put(e.getKey(), l);
    }
    return out;
  }
}
