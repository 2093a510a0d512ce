package dev.nines.credits;

import dev.nines.schema.CreditTier;
import dev.nines.schema.ErrorRateDowntimeRule;
import dev.nines.schema.Service;
import dev.nines.schema.ServiceFee;
import dev.nines.schema.SlaContract;
import dev.nines.uptime.ErrorRateDowntime;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks an {@code sla-contracts} record before it may govern any credit. A contract with a
 * problem is rejected as a whole (the previous valid version stays in force): a half-understood
 * contract would pay wrong credits, which is worse than paying by the last good one.
 *
 * <p>Rules, each reported as one line that names the field and says what would be right:
 *
 * <ul>
 *   <li>{@code accountId} not blank; {@code tier} present.
 *   <li>{@code targetPercent} and every {@code belowPercent}: a plain decimal (digits, optionally a
 *       point and more digits; no sign, exponent or spaces, so "99.99" means exactly 99.99) above
 *       0 and at most 100.
 *   <li>{@code regions}: at least one, none blank. A region listed twice is harmless (coverage is
 *       a set) and accepted.
 *   <li>{@code services}: at least one; each a known service (not UNKNOWN, which is what an old
 *       reader sees for a service it does not know: we cannot bill what we cannot name), listed
 *       once, with {@code monthlyFeeMinor >= 0}.
 *   <li>{@code currency}: an ISO 4217 code as {@link Currency#getInstance(String)} knows it
 *       (upper case, e.g. "USD").
 *   <li>{@code creditSchedule}: at least one row (a contract that can never pay a credit is more
 *       likely a mistake than an offer); rows in strictly DESCENDING {@code belowPercent}, the way
 *       SLA tables are written (below 99.99 -> 10, below 99.0 -> 25, below 95.0 -> 100); each
 *       {@code creditPercent} in [0, 100] and at least the one of the row above, since a lower
 *       availability must not earn a smaller credit. The order is required, not repaired: a
 *       producer that lists rows in another order may mean something else, and should hear so.
 *   <li>{@code effectiveFrom} present; {@code effectiveTo}, when present, after it (compared to the
 *       millisecond, the wire precision).
 *   <li>When present: {@code timeZone} an IANA zone; {@code minMaintenanceNotice} an ISO-8601
 *       duration of 0 or more; {@code disputeWindow} a positive one. {@code errorRateDowntime}
 *       a threshold from 0 to below 100, a period of whole minutes dividing an hour and at least
 *       one attempt (see {@link ErrorRateDowntime}).
 * </ul>
 */
public final class ContractValidator {
  private ContractValidator() {}

  static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private static final Pattern PLAIN_DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");

  private static final String KNOWN_SERVICES =
      Arrays.stream(Service.values())
          .filter(s -> s != Service.UNKNOWN)
          .map(Service::name)
          .collect(Collectors.joining(", "));

  /** The problems of this contract, one line each, in field order; empty when it is valid. */
  public static List<String> problems(SlaContract c) {
    Objects.requireNonNull(c, "contract");
    List<String> p = new ArrayList<>();
    if (c.getAccountId() == null || c.getAccountId().isBlank()) {
      p.add("accountId = " + quote(c.getAccountId()) + ": expected a non-blank account id");
    }
    if (c.getTier() == null) {
      p.add("tier is missing: expected the contract's tier name");
    }
    if (percent(c.getTargetPercent()) == null) {
      p.add(
          "targetPercent = "
              + quote(c.getTargetPercent())
              + ": expected "
              + PERCENT
              + ", e.g. \"99.99\"");
    }
    regions(c.getRegions(), p);
    services(c.getServices(), p);
    currency(c.getCurrency(), p);
    schedule(c.getCreditSchedule(), p);
    if (c.getEffectiveFrom() == null) {
      p.add("effectiveFrom is missing: expected the instant the contract takes effect");
    } else if (c.getEffectiveTo() != null
        && c.getEffectiveTo().toEpochMilli() <= c.getEffectiveFrom().toEpochMilli()) {
      p.add(
          "effectiveTo = "
              + c.getEffectiveTo()
              + " is not after effectiveFrom = "
              + c.getEffectiveFrom()
              + ": expected a later effectiveTo, or null for no end");
    }
    terms(c, p);
    return List.copyOf(p);
  }

  /** The optional terms: time zone, maintenance notice, error-rate downtime, dispute window. */
  private static void terms(SlaContract c, List<String> p) {
    if (c.getTimeZone() != null && zone(c.getTimeZone()) == null) {
      p.add(
          "timeZone = "
              + quote(c.getTimeZone())
              + ": expected an IANA time zone such as \"Europe/Berlin\", or null for UTC");
    }
    if (c.getMinMaintenanceNotice() != null) {
      Duration d = duration(c.getMinMaintenanceNotice());
      if (d == null || d.isNegative() || d.compareTo(LONGEST_TERM) > 0) {
        p.add(
            "minMaintenanceNotice = "
                + quote(c.getMinMaintenanceNotice())
                + ": expected an ISO-8601 duration from 0 to P3650D, e.g. \"P14D\", or null for"
                + " any notice");
      }
    }
    if (c.getDisputeWindow() != null) {
      Duration d = duration(c.getDisputeWindow());
      if (d == null || d.isNegative() || d.isZero() || d.compareTo(LONGEST_TERM) > 0) {
        p.add(
            "disputeWindow = "
                + quote(c.getDisputeWindow())
                + ": expected a positive ISO-8601 duration up to P3650D, e.g. \"P60D\", or null"
                + " for P60D");
      }
    }
    if (c.getErrorRateDowntime() != null) {
      try {
        errorRate(c.getErrorRateDowntime());
      } catch (IllegalArgumentException e) {
        p.add("errorRateDowntime." + e.getMessage());
      }
    }
  }

  /** The longest notice or dispute window taken: ten years (longer would overflow instants). */
  static final Duration LONGEST_TERM = Duration.ofDays(3650);

  /** An IANA zone id ("Europe/Berlin", "UTC"), or null if the text names none. */
  static ZoneId zone(String text) {
    try {
      return ZoneId.of(text);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** A duration as ISO-8601 ("PT5M", "P14D"), or null if the text is not one. */
  static Duration duration(String text) {
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** @throws IllegalArgumentException naming the field and what would be right */
  static ErrorRateDowntime errorRate(ErrorRateDowntimeRule r) {
    String t = r.getThresholdPercent();
    if (t == null || !PLAIN_DECIMAL.matcher(t).matches()) {
      throw new IllegalArgumentException(
          "thresholdPercent = " + quote(t) + ": expected a plain decimal from 0 to below 100");
    }
    Duration period = r.getPeriod() == null ? null : duration(r.getPeriod());
    if (period == null) {
      throw new IllegalArgumentException(
          "period = " + quote(r.getPeriod()) + ": expected an ISO-8601 duration such as PT1M");
    }
    return new ErrorRateDowntime(new BigDecimal(t), period, r.getMinAttempts());
  }

  private static final String PERCENT = "a plain decimal above 0 and at most 100";

  /**
   * A percentage as a plain decimal in (0, 100], exactly as written (scale kept), or null if the
   * text is not one.
   */
  static BigDecimal percent(String text) {
    if (text == null || !PLAIN_DECIMAL.matcher(text).matches()) {
      return null;
    }
    BigDecimal v = new BigDecimal(text);
    return v.signum() > 0 && v.compareTo(HUNDRED) <= 0 ? v : null;
  }

  private static void regions(List<String> regions, List<String> p) {
    if (regions == null || regions.isEmpty()) {
      p.add("regions is empty: expected at least one covered region, e.g. \"us-east\"");
      return;
    }
    for (int i = 0; i < regions.size(); i++) {
      String r = regions.get(i);
      if (r == null || r.isBlank()) {
        p.add("regions[" + i + "] = " + quote(r) + ": expected a non-blank region name");
      }
    }
  }

  private static void services(List<ServiceFee> services, List<String> p) {
    if (services == null || services.isEmpty()) {
      p.add("services is empty: expected at least one {service, monthlyFeeMinor}");
      return;
    }
    Map<Service, Integer> seen = new EnumMap<>(Service.class);
    for (int i = 0; i < services.size(); i++) {
      ServiceFee f = services.get(i);
      String at = "services[" + i + "]";
      if (f == null) {
        p.add(at + " is missing: expected {service, monthlyFeeMinor}");
        continue;
      }
      Service s = f.getService();
      if (s == null || s == Service.UNKNOWN) {
        p.add(at + ".service = " + s + ": expected one of " + KNOWN_SERVICES);
      } else {
        Integer first = seen.putIfAbsent(s, i);
        if (first != null) {
          p.add(
              at
                  + ".service = "
                  + s
                  + " is already services["
                  + first
                  + "]: expected each service once");
        }
      }
      if (f.getMonthlyFeeMinor() < 0) {
        p.add(
            at
                + ".monthlyFeeMinor = "
                + f.getMonthlyFeeMinor()
                + ": expected 0 or more minor units of the currency");
      }
    }
  }

  private static void currency(String code, List<String> p) {
    boolean ok;
    try {
      ok = code != null && Currency.getInstance(code).getCurrencyCode().equals(code);
    } catch (IllegalArgumentException e) {
      ok = false;
    }
    if (!ok) {
      p.add("currency = " + quote(code) + ": expected an ISO 4217 code, e.g. \"USD\"");
    }
  }

  private static void schedule(List<CreditTier> rows, List<String> p) {
    if (rows == null || rows.isEmpty()) {
      p.add("creditSchedule is empty: expected at least one {belowPercent, creditPercent} row");
      return;
    }
    // the last row with a readable value, to compare the next row with
    int prevBelowRow = -1;
    BigDecimal prevBelow = null;
    int prevCreditRow = -1;
    int prevCredit = 0;
    for (int i = 0; i < rows.size(); i++) {
      CreditTier t = rows.get(i);
      String at = "creditSchedule[" + i + "]";
      if (t == null) {
        p.add(at + " is missing: expected {belowPercent, creditPercent}");
        continue;
      }
      BigDecimal below = percent(t.getBelowPercent());
      if (below == null) {
        p.add(at + ".belowPercent = " + quote(t.getBelowPercent()) + ": expected " + PERCENT);
      } else {
        if (prevBelow != null && below.compareTo(prevBelow) >= 0) {
          p.add(
              at
                  + ".belowPercent = "
                  + quote(t.getBelowPercent())
                  + " is not below creditSchedule["
                  + prevBelowRow
                  + "].belowPercent = "
                  + quote(prevBelow.toPlainString())
                  + ": expected rows in strictly descending belowPercent, e.g. 99.99, 99.0, 95.0");
        }
        prevBelow = below;
        prevBelowRow = i;
      }
      int credit = t.getCreditPercent();
      if (credit < 0 || credit > 100) {
        p.add(at + ".creditPercent = " + credit + ": expected 0 to 100");
      } else {
        if (prevCreditRow >= 0 && credit < prevCredit) {
          p.add(
              at
                  + ".creditPercent = "
                  + credit
                  + " is less than creditSchedule["
                  + prevCreditRow
                  + "].creditPercent = "
                  + prevCredit
                  + ": expected a lower belowPercent to give at least the credit of the row above");
        }
        prevCredit = credit;
        prevCreditRow = i;
      }
    }
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
