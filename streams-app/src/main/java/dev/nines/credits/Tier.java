package dev.nines.credits;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One row of a credit schedule, parsed: the credit applies when availability is strictly below
 * {@code belowPercent}.
 *
 * @param belowPercent exact, as the contract wrote it (scale kept)
 * @param creditPercent 0 to 100, of the service's monthly fee
 */
public record Tier(BigDecimal belowPercent, int creditPercent) {
  public Tier {
    Objects.requireNonNull(belowPercent, "belowPercent");
    if (creditPercent < 0 || creditPercent > 100) {
      throw new IllegalArgumentException(
          "tier: creditPercent = " + creditPercent + ", expected 0 to 100");
    }
  }
}
