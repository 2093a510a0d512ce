package dev.nines.credits;

import dev.nines.schema.Service;
import dev.nines.schema.SlaCredit;
import dev.nines.uptime.Interval;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The {@code sla-credits} record for one account, service and closed month, from explicit inputs
 * only (no clock, no randomness): the same inputs always give the same record.
 */
public final class CreditCalculator {
  private CreditCalculator() {}

  /**
   * The credit owed, or empty when none is: no contract governs the month (none in force at its
   * last millisecond), the contract does not list the service, the availability is below no row
   * of the schedule, or the amount is 0 (a 0% row, a zero fee, or an amount that rounds to 0):
   * the contract writes a credit only when it is above zero, and a 0-minor-unit credit would be
   * noise on an invoice.
   *
   * @param downByRegion DOWN intervals of this service per region (see {@link Availability#of})
   * @param maintenanceByRegion maintenance windows of this service per region
   * @param incidentIds the evidence, taken as given; written sorted and without repeats
   * @param issuedAt event time at which the month closed
   * @throws IllegalArgumentException if the history is of another account
   */
  public static Optional<SlaCredit> credit(
      String accountId,
      Service service,
      YearMonth month,
      ContractHistory history,
      Map<String, List<Interval>> downByRegion,
      Map<String, List<Interval>> maintenanceByRegion,
      List<String> incidentIds,
      Instant issuedAt) {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(month, "month");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(incidentIds, "incidentIds");
    Objects.requireNonNull(issuedAt, "issuedAt");
    if (history.accountId().isPresent() && !history.accountId().get().equals(accountId)) {
      throw new IllegalArgumentException(
          "credit for account "
              + accountId
              + " asked of the contract history of "
              + history.accountId().get());
    }
    Optional<Contract> governing = history.governing(month);
    if (governing.isEmpty()) {
      return Optional.empty();
    }
    Contract contract = governing.get();
    Long fee = contract.monthlyFeeMinor().get(service);
    if (fee == null) {
      return Optional.empty();
    }
    Availability a = Availability.of(month, downByRegion, maintenanceByRegion, contract.regions());
    Optional<Credit> credit = CreditRule.credit(contract.creditSchedule(), a, fee);
    if (credit.isEmpty() || credit.get().amountMinor() == 0) {
      return Optional.empty();
    }
    return Optional.of(
        SlaCredit.newBuilder()
            .setCreditId(CreditId.of(accountId, service, month))
            .setAccountId(accountId)
            .setService(service)
            .setMonth(Months.key(month))
            .setAvailabilityPercent(a.percentText())
            .setTargetPercent(contract.targetPercent().toPlainString())
            .setDowntimeMs(a.downtimeMs())
            .setCreditPercent(credit.get().creditPercent())
            .setCreditAmountMinor(credit.get().amountMinor())
            .setCurrency(contract.currency())
            .setIncidentIds(new ArrayList<>(new TreeSet<>(incidentIds)))
            .setIssuedAt(issuedAt)
            .build());
  }
}
