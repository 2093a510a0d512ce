package dev.nines.credits;

import dev.nines.schema.DownInterval;
import dev.nines.schema.DowntimeCause;
import dev.nines.schema.Service;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.SlaCreditKind;
import dev.nines.schema.SlaStatement;
import dev.nines.uptime.Interval;
import dev.nines.uptime.MonthClosed;
import dev.nines.uptime.ServiceState;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code sla-credits} and {@code sla-statements} records of one account, service and decided
 * contract month, from explicit inputs only (no clock, no randomness): the same inputs always give
 * the same records. The rule itself is {@link MonthStatement}'s.
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
    // the month as the uptime side reports it: DOWN time, and each window as one version
    // announced long before (no notice rule applies to these inputs)
    TreeMap<String, MonthClosed.RegionMonth> regions = new TreeMap<>();
    TreeSet<String> names = new TreeSet<>(downByRegion.keySet());
    names.addAll(maintenanceByRegion.keySet());
    for (String r : names) {
      List<MonthClosed.Down> down = new ArrayList<>();
      downByRegion.getOrDefault(r, List.of()).forEach(i -> down.add(new MonthClosed.Down(i, "")));
      TreeMap<String, List<ServiceState.Version>> windows = new TreeMap<>();
      List<Interval> m = maintenanceByRegion.getOrDefault(r, List.of());
      for (int k = 0; k < m.size(); k++) {
        windows.put(
            "w" + k,
            List.of(new ServiceState.Version(0L, r, m.get(k).start(), m.get(k).end(), false)));
      }
      regions.put(r, new MonthClosed.RegionMonth(List.of(), List.of(), down, windows, List.of()));
    }
    long closedAt = issuedAt.toEpochMilli();
    MonthClosed closed = new MonthClosed(service, month, closedAt, regions);
    return MonthStatement.of(
            service,
            ContractMonth.utc(month),
            governing.get(),
            Map.of(month, closed),
            List.of(),
            closedAt)
        .flatMap(st -> credit(accountId, service, governing.get(), st, incidentIds));
  }

  /**
   * The monthly credit of a decided contract month, or empty when none is due.
   *
   * @param evidence the incident ids to list, written sorted and without repeats
   */
  public static Optional<SlaCredit> credit(
      String accountId,
      Service service,
      Contract contract,
      MonthStatement st,
      List<String> evidence) {
    if (st.credit().isEmpty()) {
      return Optional.empty();
    }
    Credit credit = st.credit().get();
    return Optional.of(
        SlaCredit.newBuilder()
            .setCreditId(CreditId.of(accountId, service, st.month().month()))
            .setAccountId(accountId)
            .setService(service)
            .setMonth(st.month().key())
            .setAvailabilityPercent(st.availability().percentText())
            .setTargetPercent(contract.targetPercent().toPlainString())
            .setDowntimeMs(st.availability().downtimeMs())
            .setCreditPercent(credit.creditPercent())
            .setCreditAmountMinor(credit.amountMinor())
            .setCurrency(contract.currency())
            .setIncidentIds(new ArrayList<>(new TreeSet<>(evidence)))
            .setIssuedAt(Instant.ofEpochMilli(st.closedAt()))
            .setKind(SlaCreditKind.MONTHLY)
            .setAdjustmentId(null)
            .build());
  }

  /** The statement of a decided contract month: sent whether or not a credit is due. */
  public static SlaStatement statement(
      String accountId, Service service, Contract contract, MonthStatement st) {
    List<DownInterval> intervals = new ArrayList<>();
    for (MonthStatement.Down d : st.downIntervals()) {
      intervals.add(
          DownInterval.newBuilder()
              .setFrom(Instant.ofEpochMilli(d.interval().start()))
              .setTo(Instant.ofEpochMilli(d.interval().end()))
              .setCause(
                  d.cause() == MonthStatement.Cause.PROBES
                      ? DowntimeCause.PROBES
                      : DowntimeCause.ERROR_RATE)
              .setIncidentIds(new ArrayList<>(d.incidentIds()))
              .build());
    }
    return SlaStatement.newBuilder()
        .setStatementId("statement-" + accountId + "-" + service.name() + "-" + st.month().key())
        .setAccountId(accountId)
        .setService(service)
        .setMonth(st.month().key())
        .setTimeZone(contract.terms().zoneName())
        .setPeriodStart(Instant.ofEpochMilli(st.month().startMs()))
        .setPeriodEnd(Instant.ofEpochMilli(st.month().endMs()))
        .setAvailabilityPercent(st.availability().percentText())
        .setTargetPercent(contract.targetPercent().toPlainString())
        .setDowntimeMs(st.availability().downtimeMs())
        .setMaintenanceMs(st.maintenanceMs())
        .setUnobservedMs(st.unobservedMs())
        .setDownIntervals(intervals)
        .setCreditId(
            st.credit().isPresent() ? CreditId.of(accountId, service, st.month().month()) : null)
        .setDisputeUntil(Instant.ofEpochMilli(st.disputeUntil()))
        .setClosedAt(Instant.ofEpochMilli(st.closedAt()))
        .build();
  }
}
