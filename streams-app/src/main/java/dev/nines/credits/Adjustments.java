package dev.nines.credits;

import dev.nines.schema.Service;
import dev.nines.schema.SlaAdjustment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

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
    } else if (createdAtMs < closedAtMs) {
      out.add(
          "createdAt "
              + Instant.ofEpochMilli(createdAtMs)
              + " is before its month closed ("
              + Instant.ofEpochMilli(closedAtMs)
              + "): an adjustment settles a dispute about a closed month");
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
   * What is wrong with an adjustment record on its own (before any contract is looked at), empty
   * when nothing is.
   */
  public static List<String> shapeProblems(String key, SlaAdjustment a) {
    List<String> out = new ArrayList<>();
    if (a.getAdjustmentId() == null || a.getAdjustmentId().isBlank()) {
      out.add("adjustmentId is blank: expected the id the adjustment is written under");
    } else if (!a.getAdjustmentId().equals(key)) {
      out.add(
          "key '"
              + key
              + "' differs from adjustmentId '"
              + a.getAdjustmentId()
              + "': expected the record keyed by its adjustmentId");
    }
    if (a.getAccountId() == null || a.getAccountId().isBlank()) {
      out.add("accountId is blank: expected the customer's account id");
    }
    if (a.getService() == null || a.getService() == Service.UNKNOWN) {
      out.add("service = " + a.getService() + ": expected SMS, VOICE or VERIFY");
    }
    if (a.getMonth() == null || !MONTH.matcher(a.getMonth()).matches()) {
      out.add("month = '" + a.getMonth() + "': expected yyyy-MM, e.g. 2026-03");
    }
    if (a.getReason() == null || a.getReason().isBlank()) {
      out.add("reason is blank: expected why, in a sentence");
    }
    if (a.getApprovedBy() == null || a.getApprovedBy().isBlank()) {
      out.add("approvedBy is blank: expected who approved the adjustment");
    }
    if ((a.getCreditPercent() == null) == (a.getAmountMinor() == null)) {
      out.add("expected either creditPercent or amountMinor, not both and not neither");
    } else if (a.getCreditPercent() != null
        && (a.getCreditPercent() < 1 || a.getCreditPercent() > 100)) {
      out.add("creditPercent = " + a.getCreditPercent() + ": expected 1 to 100");
    } else if (a.getAmountMinor() != null && a.getAmountMinor() <= 0) {
      out.add("amountMinor = " + a.getAmountMinor() + ": expected above 0");
    }
    return out;
  }

  private static final Pattern MONTH = Pattern.compile("[0-9]{4}-(0[1-9]|1[0-2])");

  /**
   * The credit id of an adjustment: {@code adjustment-<adjustmentId>}. From the adjustment alone,
   * so that the same adjustment gives the same id on every replay and retry, and never the id of
   * a monthly credit ({@code credit-...}).
   */
  public static String creditId(String adjustmentId) {
    return "adjustment-" + adjustmentId;
  }
}
