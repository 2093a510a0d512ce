package dev.nines.credits;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules for a dispute's outcome written to {@code sla-adjustments}: it applies to a contract
 * month that has closed, while its dispute window is open, and it yields exactly one credit whose
 * id comes from the adjustment's id alone. Pure.
 */
public final class Adjustments {
  private Adjustments() {}

  /** The contract's dispute window when it names none. */
  public static final Duration DEFAULT_DISPUTE_WINDOW = Duration.ofDays(60);

  /** Until when a closed month may be disputed: its close plus the dispute window. */
  public static long disputeUntil(long closedAtMs, Duration disputeWindow) {
    return closedAtMs + (disputeWindow == null ? DEFAULT_DISPUTE_WINDOW : disputeWindow).toMillis();
  }

  /**
   * What is wrong with an adjustment, empty when nothing is.
   *
   * @param createdAtMs when it was written (event time)
   * @param closedAtMs when its month closed, or null if it has not (or is not known)
   * @param disputeUntilMs the month's dispute deadline (ignored when not closed)
   * @param creditPercent the percent asked, or null
   * @param amountMinor the amount asked, or null
   * @param currency the amount's currency (with an amount)
   * @param contractCurrency the contract's currency
   */
  public static List<String> problems(
      long createdAtMs,
      Long closedAtMs,
      long disputeUntilMs,
      Integer creditPercent,
      Long amountMinor,
      String currency,
      String contractCurrency) {
    List<String> out = new ArrayList<>();
    if (closedAtMs == null) {
      out.add("its month has not closed: an adjustment settles a dispute about a closed month");
    } else if (createdAtMs > disputeUntilMs) {
      out.add(
          "written after the month's dispute window ended ("
              + Instant.ofEpochMilli(disputeUntilMs)
              + ")");
    }
    if ((creditPercent == null) == (amountMinor == null)) {
      out.add("expected either creditPercent or amountMinor, not both and not neither");
    } else if (creditPercent != null && (creditPercent < 1 || creditPercent > 100)) {
      out.add("creditPercent = " + creditPercent + ": expected 1 to 100");
    } else if (amountMinor != null) {
      if (amountMinor <= 0) {
        out.add("amountMinor = " + amountMinor + ": expected above 0");
      }
      if (currency == null || !currency.equals(contractCurrency)) {
        out.add(
            "currency = " + currency + ": expected the contract's currency, " + contractCurrency);
      }
    }
    return out;
  }

  /**
   * The credit id of an adjustment: {@code adjustment-<adjustmentId>}. From the adjustment alone,
   * so that the same adjustment gives the same id on every replay and retry, and never the id of
   * a monthly credit ({@code credit-...}).
   */
  public static String creditId(String adjustmentId) {
    return "adjustment-" + adjustmentId;
  }
}
