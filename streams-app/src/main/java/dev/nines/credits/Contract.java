package dev.nines.credits;

import dev.nines.schema.CreditTier;
import dev.nines.schema.Service;
import dev.nines.schema.ServiceFee;
import dev.nines.schema.SlaContract;
import dev.nines.uptime.ErrorRateDowntime;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated version of one account's SLA contract, parsed once into exact values and immutable
 * (the Avro record is mutable, and a version kept in the history must not change under it).
 *
 * @param accountId the customer
 * @param tier the contract's tier name, as written
 * @param targetPercent exact, as written (scale kept)
 * @param regions the covered regions, in contract order
 * @param monthlyFeeMinor the monthly fee per service, in minor units of {@code currency}
 * @param currency ISO 4217 code
 * @param creditSchedule rows in contract order (strictly descending belowPercent once validated)
 * @param effectiveFrom inclusive, to the millisecond
 * @param effectiveTo exclusive, to the millisecond; null for no end
 * @param terms its calendar, maintenance notice, error-rate downtime and dispute window
 */
public record Contract(
    String accountId,
    String tier,
    BigDecimal targetPercent,
    List<String> regions,
    Map<Service, Long> monthlyFeeMinor,
    String currency,
    List<Tier> creditSchedule,
    Instant effectiveFrom,
    Instant effectiveTo,
    Terms terms) {

  /**
   * The terms beyond the schedule.
   *
   * @param zone the zone of the contract's calendar months (UTC when the contract names none)
   * @param minMaintenanceNotice windows announced later than this before their start excuse
   *     nothing for this contract; null = any notice
   * @param errorRate downtime by error rate, or null for probes alone
   * @param disputeWindow how long after a month's close an adjustment is accepted; null = P60D
   */
  public record Terms(
      ZoneId zone,
      Duration minMaintenanceNotice,
      ErrorRateDowntime errorRate,
      Duration disputeWindow) {
    public static final Terms DEFAULT = new Terms(ZoneOffset.UTC, null, null, null);

    public Terms {
      Objects.requireNonNull(zone, "zone");
    }

    /** The contract's time zone as its calendar names it ("UTC" when none). */
    public String zoneName() {
      return zone.getId().equals("Z") ? "UTC" : zone.getId();
    }
  }

  public Contract {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(targetPercent, "targetPercent");
    regions = List.copyOf(regions);
    // EnumMap: iteration (and so toString and serialization) in a fixed order
    monthlyFeeMinor =
        Collections.unmodifiableMap(
            monthlyFeeMinor.isEmpty()
                ? new EnumMap<>(Service.class)
                : new EnumMap<>(monthlyFeeMinor));
    Objects.requireNonNull(currency, "currency");
    creditSchedule = List.copyOf(creditSchedule);
    Objects.requireNonNull(effectiveFrom, "effectiveFrom");
    Objects.requireNonNull(terms, "terms");
  }

  /**
   * Parses a contract record. Timestamps are cut to the millisecond, the wire precision, so that
   * a version reads the same after a round trip through the state store.
   *
   * @throws IllegalArgumentException naming every problem {@link ContractValidator} finds
   */
  public static Contract from(SlaContract c) {
    List<String> problems = ContractValidator.problems(c);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid SLA contract for account "
              + c.getAccountId()
              + ": "
              + String.join("; ", problems));
    }
    Map<Service, Long> fees = new EnumMap<>(Service.class);
    for (ServiceFee f : c.getServices()) {
      fees.put(f.getService(), f.getMonthlyFeeMinor());
    }
    List<Tier> schedule = new ArrayList<>();
    for (CreditTier t : c.getCreditSchedule()) {
      schedule.add(new Tier(ContractValidator.percent(t.getBelowPercent()), t.getCreditPercent()));
    }
    return new Contract(
        c.getAccountId(),
        c.getTier(),
        ContractValidator.percent(c.getTargetPercent()),
        c.getRegions(),
        fees,
        c.getCurrency(),
        schedule,
        c.getEffectiveFrom().truncatedTo(ChronoUnit.MILLIS),
        c.getEffectiveTo() == null ? null : c.getEffectiveTo().truncatedTo(ChronoUnit.MILLIS),
        new Terms(
            c.getTimeZone() == null ? ZoneOffset.UTC : ContractValidator.zone(c.getTimeZone()),
            c.getMinMaintenanceNotice() == null
                ? null
                : ContractValidator.duration(c.getMinMaintenanceNotice()),
            c.getErrorRateDowntime() == null
                ? null
                : ContractValidator.errorRate(c.getErrorRateDowntime()),
            c.getDisputeWindow() == null
                ? null
                : ContractValidator.duration(c.getDisputeWindow())));
  }

  /** Whether {@code [effectiveFrom, effectiveTo)} contains the instant. */
  public boolean inForceAt(Instant t) {
    return !t.isBefore(effectiveFrom) && (effectiveTo == null || t.isBefore(effectiveTo));
  }
}
