package dev.nines.credits;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The contract's credit rule: the credit is the creditPercent of the schedule row with the lowest
 * belowPercent that the availability is strictly below; none if it is below none. Amount =
 * monthlyFeeMinor * creditPercent / 100, rounded half up to a whole minor unit.
 */
public final class CreditRule {
  private CreditRule() {}

  /**
   * The credit by this schedule, or empty when the availability is below no row. A matching row
   * with 0% (or a fee so small that the amount rounds to 0) gives a credit of 0, not empty: the
   * caller decides whether a zero credit is worth writing. Does not rely on row order.
   */
  public static Optional<Credit> credit(
      List<Tier> schedule, Availability availability, long monthlyFeeMinor) {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(availability, "availability");
    Tier match = null;
    for (Tier t : schedule) {
      if (availability.isBelow(t.belowPercent())
          && (match == null || t.belowPercent().compareTo(match.belowPercent()) < 0)) {
        match = t;
      }
    }
    return match == null
        ? Optional.empty()
        : Optional.of(
            new Credit(match.creditPercent(), amountMinor(monthlyFeeMinor, match.creditPercent())));
  }

  /**
   * fee * percent / 100, rounded half up (33.3 -> 33, 33.5 -> 34). In BigDecimal: fee * percent
   * may not fit a long, the result always does (it is at most the fee).
   */
  public static long amountMinor(long monthlyFeeMinor, int creditPercent) {
    if (monthlyFeeMinor < 0) {
      throw new IllegalArgumentException("monthlyFeeMinor = " + monthlyFeeMinor + " is negative");
    }
    if (creditPercent < 0 || creditPercent > 100) {
      throw new IllegalArgumentException(
          "creditPercent = " + creditPercent + ", expected 0 to 100");
    }
    return BigDecimal.valueOf(monthlyFeeMinor)
        .multiply(BigDecimal.valueOf(creditPercent))
        .divide(ContractValidator.HUNDRED, 0, RoundingMode.HALF_UP)
        .longValueExact();
  }
}
