package dev.nines.views;

import dev.nines.schema.CarrierWeight;
import dev.nines.schema.Incident;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.RoutingWeights;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.SlaStatement;
import dev.nines.schema.UptimeLedger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What the API returns, as JSON (Jackson), and what instances exchange. Field names follow the
 * contract's; instants are ISO-8601 UTC strings. Plain values: no Kafka in here.
 */
public final class Model {
  private Model() {}

  /**
   * @param priority the carrier's tier (0 = primary, 1 = first standby, ...)
   * @param canary new to the plan (or re-enabled) and on the trickle before its slow start
   */
  public record Carrier(
      String carrierId,
      int weight,
      String state,
      double score,
      String reason,
      int priority,
      boolean canary) {
    public Carrier(String carrierId, int weight, String state, double score, String reason) {
      this(carrierId, weight, state, score, reason, 0, false);
    }

    public static Carrier of(CarrierWeight c) {
      return new Carrier(
          c.getCarrierId(),
          c.getWeight(),
          c.getState().name(),
          c.getScore(),
          c.getReason(),
          c.getPriority(),
          c.getCanary());
    }
  }

  public record Route(
      String routeId,
      String country,
      String channel,
      long version,
      Instant effectiveAt,
      String mode,
      List<Carrier> carriers) {
    public static Route of(RoutingWeights w) {
      return new Route(
          w.getRouteId(),
          w.getCountry(),
          w.getChannel().name(),
          w.getVersion(),
          w.getEffectiveAt(),
          w.getMode().name(),
          w.getCarriers().stream().map(Carrier::of).toList());
    }
  }

  /** A route's current decision and those of the last hours (oldest first). */
  public record RouteHistory(Route current, List<Route> decisions) {}

  /** One carrier on one route: its entry in the latest decision, and its recent states. */
  public record CarrierHealth(
      String routeId,
      String carrierId,
      Instant effectiveAt,
      long version,
      String mode,
      Carrier current,
      List<CarrierPoint> recent) {}

  public record CarrierPoint(Instant effectiveAt, long version, int weight, String state) {}

  public record IncidentView(
      String incidentId,
      String service,
      String region,
      String status,
      Instant startedAt,
      Instant resolvedAt,
      List<String> checks,
      List<String> vantages,
      boolean inMaintenance) {
    public static IncidentView of(Incident i) {
      return new IncidentView(
          i.getIncidentId(),
          i.getService().name(),
          i.getRegion(),
          i.getStatus().name(),
          i.getStartedAt(),
          i.getResolvedAt(),
          List.copyOf(i.getChecks()),
          List.copyOf(i.getVantages()),
          i.getInMaintenance());
    }

    public boolean open() {
      return resolvedAt == null;
    }
  }

  public record Ledger(
      String service,
      String region,
      String month,
      Instant periodStart,
      Instant periodEnd,
      Instant observedUntil,
      long downtimeMs,
      long maintenanceMs,
      String availabilityPercent,
      String targetPercent,
      long errorBudgetRemainingMs,
      List<String> incidentIds,
      boolean finalized,
      long unobservedMs) {
    public static Ledger of(UptimeLedger l) {
      return new Ledger(
          l.getService().name(),
          l.getRegion(),
          l.getMonth(),
          l.getPeriodStart(),
          l.getPeriodEnd(),
          l.getObservedUntil(),
          l.getDowntimeMs(),
          l.getMaintenanceMs(),
          l.getAvailabilityPercent(),
          l.getTargetPercent(),
          l.getErrorBudgetRemainingMs(),
          List.copyOf(l.getIncidentIds()),
          l.getFinalized(),
          l.getUnobservedMs());
    }
  }

  public record Credit(
      String creditId,
      String accountId,
      String service,
      String month,
      String availabilityPercent,
      String targetPercent,
      long downtimeMs,
      int creditPercent,
      long creditAmountMinor,
      String currency,
      List<String> incidentIds,
      Instant issuedAt,
      String kind,
      String adjustmentId) {
    public static Credit of(SlaCredit c) {
      return new Credit(
          c.getCreditId(),
          c.getAccountId(),
          c.getService().name(),
          c.getMonth(),
          c.getAvailabilityPercent(),
          c.getTargetPercent(),
          c.getDowntimeMs(),
          c.getCreditPercent(),
          c.getCreditAmountMinor(),
          c.getCurrency(),
          List.copyOf(c.getIncidentIds()),
          c.getIssuedAt(),
          c.getKind().name(),
          c.getAdjustmentId());
    }
  }

  /** A contract month's statement, as {@code sla-statements} has it. */
  public record Statement(
      String statementId,
      String accountId,
      String service,
      String month,
      String timeZone,
      Instant periodStart,
      Instant periodEnd,
      String availabilityPercent,
      String targetPercent,
      long downtimeMs,
      long maintenanceMs,
      long unobservedMs,
      List<DownInterval> downIntervals,
      String creditId,
      Instant disputeUntil,
      Instant closedAt) {
    public static Statement of(SlaStatement s) {
      return new Statement(
          s.getStatementId(),
          s.getAccountId(),
          s.getService().name(),
          s.getMonth(),
          s.getTimeZone(),
          s.getPeriodStart(),
          s.getPeriodEnd(),
          s.getAvailabilityPercent(),
          s.getTargetPercent(),
          s.getDowntimeMs(),
          s.getMaintenanceMs(),
          s.getUnobservedMs(),
          s.getDownIntervals().stream()
              .map(
                  d ->
                      new DownInterval(
                          d.getFrom(),
                          d.getTo(),
                          d.getCause().name(),
                          List.copyOf(d.getIncidentIds())))
              .toList(),
          s.getCreditId(),
          s.getDisputeUntil(),
          s.getClosedAt());
    }
  }

  /** One charged interval of a statement. */
  public record DownInterval(Instant from, Instant to, String cause, List<String> incidentIds) {}

  /**
   * A service in a region as the pipeline holds it: days with probes, incidents, ledger.
   *
   * @param noDataSince while its probes have stopped (a NO_DATA alert in force), the latest probe
   *     before the silence; null otherwise
   */
  public record Region(
      String service,
      String region,
      Instant lastSeen,
      List<LocalDate> observedDays,
      List<IncidentView> incidents,
      Ledger currentMonth,
      Instant noDataSince) {
    public Region(
        String service,
        String region,
        Instant lastSeen,
        List<LocalDate> observedDays,
        List<IncidentView> incidents,
        Ledger currentMonth) {
      this(service, region, lastSeen, observedDays, incidents, currentMonth, null);
    }

    public static Region of(RegionHistory h, Ledger currentMonth) {
      return new Region(
          h.service(),
          h.region(),
          h.lastSeenMs() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(h.lastSeenMs()),
          h.observedDays().stream().map(LocalDate::ofEpochDay).toList(),
          h.incidents().stream().map(IncidentView::of).toList(),
          currentMonth,
          h.noDataSinceMs() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(h.noDataSinceMs()));
    }

    public String key() {
      return service + ":" + region;
    }
  }

  /** What one instance holds (its active partitions), for the others to gather. */
  /**
   * What one instance holds: its routes, its regions and the maintenance windows of its
   * partitions.
   */
  public record Local(
      String instance,
      List<RouteHistory> routes,
      List<Region> regions,
      List<MaintenanceView> maintenance) {
    public Local {
      // an instance of the previous release sends no maintenance
      maintenance = maintenance == null ? List.of() : List.copyOf(maintenance);
    }

    public Local(String instance, List<RouteHistory> routes, List<Region> regions) {
      this(instance, routes, regions, List.of());
    }
  }

  /** An announced maintenance window of a service in a region. */
  public record MaintenanceView(
      String id, String service, String region, Instant startsAt, Instant endsAt) {
    public static MaintenanceView of(String id, MaintenanceWindow w) {
      return new MaintenanceView(
          id, w.getService().name(), w.getRegion(), w.getStartsAt(), w.getEndsAt());
    }

    /** Under way at {@code t}. */
    public boolean ongoing(Instant t) {
      return t != null && !t.isBefore(startsAt) && t.isBefore(endsAt);
    }
  }

  /** One day of one region's uptime bar. */
  public record Day(
      LocalDate date,
      boolean observed,
      long downtimeMs,
      long maintenanceMs,
      List<String> incidentIds) {}

  public record RegionStatus(Region region, List<Day> days) {}

  /**
   * The whole status, gathered from every instance.
   *
   * @param asOf the latest event time seen in any region or route (not the wall clock, so that a
   *     replayed history reads as it was)
   * @param missing instances that did not answer (their part is missing)
   * @param maintenance the windows not yet over at {@code asOf}, by start: upcoming and ongoing
   * @param recentMaintenance the windows that ended within the recently-resolved period before
   *     {@code asOf}, latest end first (the feed tells their end)
   */
  public record Status(
      Instant asOf,
      String targetPercent,
      List<RouteHistory> routes,
      List<RegionStatus> regions,
      List<IncidentView> open,
      List<IncidentView> recentResolved,
      List<String> missing,
      List<MaintenanceView> maintenance,
      List<MaintenanceView> recentMaintenance) {
    public Status {
      maintenance = maintenance == null ? List.of() : List.copyOf(maintenance);
      recentMaintenance = recentMaintenance == null ? List.of() : List.copyOf(recentMaintenance);
    }
  }
}
