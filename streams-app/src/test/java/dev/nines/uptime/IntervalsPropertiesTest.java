package dev.nines.uptime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The interval operations against their definition, instant by instant: on a small range every
 * instant can be checked, so each result is compared with the boolean operation it stands for,
 * not with another implementation of it.
 */
class IntervalsPropertiesTest {
  private static final int RANGE = 300;

  @Provide
  Arbitrary<List<Interval>> sets() {
    Arbitrary<Interval> interval =
        Combinators.combine(
                Arbitraries.integers().between(0, RANGE - 60),
                Arbitraries.integers().between(0, 60))
            .as((start, length) -> Interval.of(start, start + length));
    return interval.list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<Interval> periods() {
    return Combinators.combine(
            Arbitraries.integers().between(-20, RANGE), Arbitraries.integers().between(0, RANGE))
        .as((start, length) -> Interval.of(start, start + length));
  }

  private static boolean covers(List<Interval> set, long t) {
    return set.stream().anyMatch(i -> i.contains(t));
  }

  /** The result covers exactly the instants where {@code expected} holds, and is normalized. */
  private static void assertIsSet(List<Interval> result, LongPredicate expected) {
    for (long t = -30; t < 2 * RANGE; t++) {
      assertThat(covers(result, t)).as("instant %d", t).isEqualTo(expected.test(t));
    }
    for (int k = 0; k < result.size(); k++) {
      assertThat(result.get(k).isEmpty()).isFalse();
      if (k > 0) {
        // sorted, and a gap between neighbours (touching ones would have been merged)
        assertThat(result.get(k).start()).isGreaterThan(result.get(k - 1).end());
      }
    }
  }

  @Property(tries = 300)
  void unionCoversWhatAnyCovers(@ForAll("sets") List<Interval> a) {
    assertIsSet(Intervals.union(a), t -> covers(a, t));
  }

  @Property(tries = 300)
  void intersectionCoversWhatBothCover(
      @ForAll("sets") List<Interval> a, @ForAll("sets") List<Interval> b) {
    assertIsSet(Intervals.intersection(a, b), t -> covers(a, t) && covers(b, t));
    assertThat(Intervals.intersection(a, b)).isEqualTo(Intervals.intersection(b, a));
  }

  @Property(tries = 300)
  void subtractionCoversWhatOnlyTheFirstCovers(
      @ForAll("sets") List<Interval> a, @ForAll("sets") List<Interval> b) {
    assertIsSet(Intervals.subtract(a, b), t -> covers(a, t) && !covers(b, t));
  }

  @Property(tries = 300)
  void clipIsIntersectionWithThePeriod(
      @ForAll("sets") List<Interval> a, @ForAll("periods") Interval p) {
    assertIsSet(Intervals.clip(a, p), t -> covers(a, t) && p.contains(t));
    assertThat(Intervals.length(Intervals.clip(a, p))).isLessThanOrEqualTo(p.length());
  }

  @Property(tries = 1000)
  void unionLengthIsAtMostTheSumAndAtLeastTheLongest(@ForAll("sets") List<Interval> a) {
    long sum = a.stream().mapToLong(Interval::length).sum();
    long longest = a.stream().mapToLong(Interval::length).max().orElse(0);
    assertThat(Intervals.length(a)).isBetween(longest, sum);
  }

  @Property(tries = 1000)
  void subtractionAndIntersectionAddUpToTheOriginal(
      @ForAll("sets") List<Interval> a, @ForAll("sets") List<Interval> b) {
    assertThat(
            Intervals.length(Intervals.subtract(a, b))
                + Intervals.length(Intervals.intersection(a, b)))
        .isEqualTo(Intervals.length(a));
  }

  @Property(tries = 1000)
  void unionOfTwoIsInclusionExclusion(
      @ForAll("sets") List<Interval> a, @ForAll("sets") List<Interval> b) {
    List<Interval> both = new ArrayList<>(a);
    both.addAll(b);
    assertThat(Intervals.length(both))
        .isEqualTo(
            Intervals.length(a)
                + Intervals.length(b)
                - Intervals.length(Intervals.intersection(a, b)));
  }
}
