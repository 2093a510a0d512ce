package dev.nines.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.ingest.PlanBook.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PlanBookTest {
  static final Duration LONG = Duration.ofDays(3650);

  @Test
  void aCarrierIsKnownWhileSomeVersionInForceDuringTheMessageListsIt() {
    PlanBook book = new PlanBook(LONG);
    book.put("US:SMS", 100, Set.of("a", "b"));
    book.put("US:SMS", 200, Set.of("a"));
    book.remove("US:SMS", 300);

    assertThat(book.verdict("US:SMS", "a", 100, 100)).isEqualTo(Verdict.KNOWN);
    assertThat(book.verdict("US:SMS", "b", 150, 150)).isEqualTo(Verdict.KNOWN);
    // b left the plan at 200: known for a message handed over before and completed after
    assertThat(book.verdict("US:SMS", "b", 199, 250)).isEqualTo(Verdict.KNOWN);
    assertThat(book.verdict("US:SMS", "b", 200, 250)).isEqualTo(Verdict.UNKNOWN_CARRIER);
    assertThat(book.verdict("US:SMS", "c", 100, 250)).isEqualTo(Verdict.UNKNOWN_CARRIER);
    // before the oldest version held, that version is in force (compaction may have removed
    // older ones); after the removal the route is unknown
    assertThat(book.verdict("US:SMS", "a", 50, 99)).isEqualTo(Verdict.KNOWN);
    assertThat(book.verdict("US:SMS", "c", 50, 99)).isEqualTo(Verdict.UNKNOWN_CARRIER);
    assertThat(book.verdict("US:SMS", "a", 300, 400)).isEqualTo(Verdict.UNKNOWN_ROUTE);
    assertThat(book.verdict("US:SMS", "a", 299, 400)).isEqualTo(Verdict.KNOWN);
    assertThat(book.verdict("DE:SMS", "a", 100, 100)).isEqualTo(Verdict.UNKNOWN_ROUTE);
  }

  @Test
  void versionsSupersededLongerAgoThanTheHistoryAreDropped() {
    PlanBook book = new PlanBook(Duration.ofMillis(100));
    book.put("US:SMS", 0, Set.of("a"));
    book.put("US:SMS", 50, Set.of("b"));
    book.put("US:SMS", 120, Set.of("c"));
    // horizon 20: the version of 0 is in force there, so it stays
    assertThat(book.versions("US:SMS")).isEqualTo(3);
    book.put("US:SMS", 160, Set.of("d"));
    // horizon 60: the version of 50 is in force there; the one of 0 is gone, and before 50 the
    // version of 50 is the one held
    assertThat(book.versions("US:SMS")).isEqualTo(3);
    assertThat(book.verdict("US:SMS", "a", 0, 10)).isEqualTo(Verdict.UNKNOWN_CARRIER);
    assertThat(book.verdict("US:SMS", "b", 0, 10)).isEqualTo(Verdict.KNOWN);
    assertThat(book.verdict("US:SMS", "b", 60, 60)).isEqualTo(Verdict.KNOWN);
  }

  /** One plan edit: at a time, the carriers (null: the route removed). */
  record Edit(long at, Set<String> carriers) {}

  /**
   * Against a brute force over the edits in the order applied: the version in force at t is
   * the last edit applied with the largest time ≤ max(t, earliest edit time); KNOWN if some t
   * in [from, to] has one with the carrier.
   */
  @Property(tries = 300)
  void agreesWithABruteForceOverEveryInstant(
      @ForAll("edits") List<Edit> edits,
      @ForAll("spans") long[] span,
      @ForAll("carrier") String carrier) {
    PlanBook book = new PlanBook(LONG);
    for (Edit e : edits) {
      if (e.carriers() == null) {
        book.remove("R", e.at());
      } else {
        book.put("R", e.at(), e.carriers());
      }
    }
    long from = Math.min(span[0], span[1]);
    long to = Math.max(span[0], span[1]);
    boolean routeSeen = false;
    boolean carrierSeen = false;
    long earliest = edits.stream().mapToLong(Edit::at).min().orElse(0);
    for (long t = from; t <= to; t++) {
      long at = Math.max(t, earliest);
      Edit inForce = null;
      for (Edit e : edits) {
        if (e.at() <= at && (inForce == null || e.at() >= inForce.at())) {
          inForce = e;
        }
      }
      if (inForce != null && inForce.carriers() != null) {
        routeSeen = true;
        carrierSeen |= inForce.carriers().contains(carrier);
      }
    }
    Verdict expected =
        carrierSeen ? Verdict.KNOWN : routeSeen ? Verdict.UNKNOWN_CARRIER : Verdict.UNKNOWN_ROUTE;
    assertThat(book.verdict("R", carrier, from, to)).isEqualTo(expected);
  }

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<Set<String>> carriers =
        Arbitraries.of("a", "b", "c").set().ofMaxSize(3).injectNull(0.2);
    return Combinators.combine(Arbitraries.longs().between(0, 40), carriers)
        .as(Edit::new)
        .list()
        .ofMaxSize(8)
        .map(ArrayList::new);
  }

  @Provide
  Arbitrary<long[]> spans() {
    return Arbitraries.longs().between(0, 45).array(long[].class).ofSize(2);
  }

  @Provide
  Arbitrary<String> carrier() {
    return Arbitraries.of("a", "b", "c");
  }
}
