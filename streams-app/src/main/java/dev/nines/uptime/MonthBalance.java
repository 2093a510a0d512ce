package dev.nines.uptime;

import java.time.YearMonth;
import java.util.List;
import java.util.Objects;

/**
 * The uptime ledger line of one (service, region) and UTC month, as known at
 * {@code observedUntil}. Field meanings follow the {@code uptime-ledger} contract; see {@link
 * MonthLedger} for how each is computed.
 *
 * @param month the UTC month
 * @param periodStart first instant of the month, epoch ms
 * @param periodEnd first instant of the next month, epoch ms (exclusive)
 * @param observedUntil the stream time this balance is good to
 * @param downtimeMs DOWN time outside maintenance windows, in the month, up to observedUntil
 * @param maintenanceMs DOWN time inside maintenance windows, likewise
 * @param availabilityPercent e.g. {@code "99.994212"}: 6 decimals, rounded down
 * @param targetPercent the platform objective, e.g. {@code "99.99"}
 * @param errorBudgetMs the downtime the objective allows in the whole month
 * @param errorBudgetRemainingMs {@code errorBudgetMs - downtimeMs}; negative once overspent
 * @param incidentIds incidents whose DOWN time overlaps the month, by start then id
 * @param unobservedMs time of the month no probe covered ({@link NoDataRule})
 */
public record MonthBalance(
    YearMonth month,
    long periodStart,
    long periodEnd,
    long observedUntil,
    long downtimeMs,
    long maintenanceMs,
    String availabilityPercent,
    String targetPercent,
    long errorBudgetMs,
    long errorBudgetRemainingMs,
    List<String> incidentIds,
    long unobservedMs) {
  public MonthBalance {
    Objects.requireNonNull(month, "month");
    Objects.requireNonNull(availabilityPercent, "availabilityPercent");
    Objects.requireNonNull(targetPercent, "targetPercent");
    incidentIds = List.copyOf(incidentIds);
  }
}
