package dev.nines.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CreditRuleTest {

  private static final long MONTH = 30L * 86_400_000L;

  private static Tier row(String below, int percent) {
    return new Tier(new BigDecimal(below), percent);
  }

  private static final List<Tier> SCHEDULE =
      List.of(row("99.99", 10), row("99.0", 25), row("95.0", 100));

  private static Optional<Credit> credit(List<Tier> schedule, long downtimeMs, long fee) {
    return CreditRule.credit(schedule, new Availability(MONTH, downtimeMs), fee);
  }

  @ParameterizedTest(name = "{0} x {1}% = {2}")
  @CsvSource({
    "333, 10, 33",
    "335, 10, 34",
    "334, 10, 33",
    "1, 50, 1",
    "1, 49, 0",
    "3, 10, 0",
    "5, 10, 1",
    "0, 100, 0",
    "100000, 25, 25000",
    "9223372036854775807, 100, 9223372036854775807",
    "9223372036854775807, 50, 4611686018427387904",
    "9223372036854775807, 0, 0"
  })
  void theAmountIsRoundedHalfUp(long fee, int percent, long amount) {
    assertThat(CreditRule.amountMinor(fee, percent)).isEqualTo(amount);
  }

  @Test
  void theRowWithTheLowestBelowPercentThatTheAvailabilityIsStrictlyBelowApplies() {
    assertThat(credit(SCHEDULE, 0, 1000)).isEmpty();
    assertThat(credit(SCHEDULE, 259_200, 1000)).isEmpty();
    assertThat(credit(SCHEDULE, 259_201, 1000)).contains(new Credit(10, 100));
    assertThat(credit(SCHEDULE, 25_920_000, 1000)).contains(new Credit(10, 100));
    assertThat(credit(SCHEDULE, 25_920_001, 1000)).contains(new Credit(25, 250));
    assertThat(credit(SCHEDULE, 129_600_000, 1000)).contains(new Credit(25, 250));
    assertThat(credit(SCHEDULE, 129_600_001, 1000)).contains(new Credit(100, 1000));
    assertThat(credit(SCHEDULE, MONTH, 1000)).contains(new Credit(100, 1000));
  }

  @Test
  void rowOrderDoesNotMatterToTheRule() {
    List<Tier> shuffled = List.of(row("99.0", 25), row("95.0", 100), row("99.99", 10));
    for (long down : new long[] {0, 259_201, 25_920_001, 129_600_001}) {
      assertThat(credit(shuffled, down, 1000)).isEqualTo(credit(SCHEDULE, down, 1000));
    }
  }

  @Test
  void aZeroRowGivesAZeroCreditNotNone() {
    assertThat(credit(List.of(row("99.99", 0)), 259_201, 1000)).contains(new Credit(0, 0));
  }

  @Test
  void badInputsAreRejected() {
    assertThatThrownBy(() -> CreditRule.amountMinor(-1, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CreditRule.amountMinor(1, 101))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Credit(101, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Credit(10, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
