package dev.nines.credits;

/**
 * A credit owed for one service and month.
 *
 * @param creditPercent of the monthly fee, 0 to 100
 * @param amountMinor in minor units of the contract's currency, 0 or more
 */
public record Credit(int creditPercent, long amountMinor) {
  public Credit {
    if (creditPercent < 0 || creditPercent > 100) {
      throw new IllegalArgumentException(
          "credit: creditPercent = " + creditPercent + ", expected 0 to 100");
    }
    if (amountMinor < 0) {
      throw new IllegalArgumentException("credit: amountMinor = " + amountMinor + " is negative");
    }
  }
}
