package dev.nines;

import dev.nines.schema.CarrierHealth;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.ErrorBudgetAlert;
import dev.nines.schema.Incident;
import dev.nines.schema.MaintenanceWindow;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.RoutingPolicyProfile;
import dev.nines.schema.RoutingWeights;
import dev.nines.schema.SlaAdjustment;
import dev.nines.schema.SlaContract;
import dev.nines.schema.SlaCredit;
import dev.nines.schema.SlaStatement;
import dev.nines.schema.UptimeLedger;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.AutoOffsetReset;

/** Every topic of docs/topics.md, declared once with its value type and cleanup policy. */
public final class Topics {
  private Topics() {}

  // inputs
  public static final Topic<DeliveryReceipt> DELIVERY_RECEIPTS =
      new Topic<>(TopicNames.DELIVERY_RECEIPTS, DeliveryReceipt.class, false);
  public static final Topic<ProbeResult> PROBE_RESULTS =
      new Topic<>(TopicNames.PROBE_RESULTS, ProbeResult.class, false);
  public static final Topic<RoutePlan> ROUTE_PLANS =
      new Topic<>(TopicNames.ROUTE_PLANS, RoutePlan.class, true);
  public static final Topic<SlaContract> SLA_CONTRACTS =
      new Topic<>(TopicNames.SLA_CONTRACTS, SlaContract.class, true);
  public static final Topic<MaintenanceWindow> MAINTENANCE_WINDOWS =
      new Topic<>(TopicNames.MAINTENANCE_WINDOWS, MaintenanceWindow.class, true);
  public static final Topic<RoutingPolicyProfile> ROUTING_POLICIES =
      new Topic<>(TopicNames.ROUTING_POLICIES, RoutingPolicyProfile.class, true);
  public static final Topic<SlaAdjustment> SLA_ADJUSTMENTS =
      new Topic<>(TopicNames.SLA_ADJUSTMENTS, SlaAdjustment.class, true);

  // outputs
  public static final Topic<CarrierHealth> CARRIER_HEALTH =
      new Topic<>(TopicNames.CARRIER_HEALTH, CarrierHealth.class, false);
  public static final Topic<RoutingWeights> ROUTING_WEIGHTS =
      new Topic<>(TopicNames.ROUTING_WEIGHTS, RoutingWeights.class, true);
  public static final Topic<Incident> INCIDENTS =
      new Topic<>(TopicNames.INCIDENTS, Incident.class, false);
  public static final Topic<UptimeLedger> UPTIME_LEDGER =
      new Topic<>(TopicNames.UPTIME_LEDGER, UptimeLedger.class, true);
  public static final Topic<SlaCredit> SLA_CREDITS =
      new Topic<>(TopicNames.SLA_CREDITS, SlaCredit.class, false);
  public static final Topic<SlaStatement> SLA_STATEMENTS =
      new Topic<>(TopicNames.SLA_STATEMENTS, SlaStatement.class, false);
  public static final Topic<ErrorBudgetAlert> ERROR_BUDGET_ALERTS =
      new Topic<>(TopicNames.ERROR_BUDGET_ALERTS, ErrorBudgetAlert.class, false);

  /**
   * The largest record nines writes to {@code dead-letters}: the app's producer sends up to this
   * much, so that the dead letter of an input as large as the broker's default limit (1 MiB),
   * with the headers saying why, fits.
   */
  public static final int DEAD_LETTER_MAX_RECORD_BYTES = 2 * 1024 * 1024;

  /** {@code max.message.bytes} of {@code dead-letters}: one batch of the largest record. */
  public static final int DEAD_LETTERS_MAX_MESSAGE_BYTES = DEAD_LETTER_MAX_RECORD_BYTES + 1024;

  /** Original key and value bytes of unreadable input, with headers saying why. */
  public static final Topic<SpecificRecord> DEAD_LETTERS =
      new Topic<>(
          TopicNames.DEAD_LETTERS,
          null,
          false,
          Map.of("max.message.bytes", Integer.toString(DEAD_LETTERS_MAX_MESSAGE_BYTES)));

  /**
   * How the inputs are read where no valid offset is: never from a guess. A new app's offsets
   * are set to each partition's first record before it starts, and input deleted before it was
   * read stops the app (dev.nines.platform.OffsetGuard) instead of being skipped.
   */
  public static final AutoOffsetReset INPUT_OFFSET_RESET = AutoOffsetReset.none();

  public static final List<Topic<?>> INPUTS =
      List.of(
          DELIVERY_RECEIPTS,
          PROBE_RESULTS,
          ROUTE_PLANS,
          SLA_CONTRACTS,
          MAINTENANCE_WINDOWS,
          ROUTING_POLICIES,
          SLA_ADJUSTMENTS);
  public static final List<Topic<?>> OUTPUTS =
      List.of(
          CARRIER_HEALTH,
          ROUTING_WEIGHTS,
          INCIDENTS,
          UPTIME_LEDGER,
          SLA_CREDITS,
          SLA_STATEMENTS,
          ERROR_BUDGET_ALERTS,
          DEAD_LETTERS);
  public static final List<Topic<?>> ALL =
      Stream.concat(INPUTS.stream(), OUTPUTS.stream()).toList();

  /** The topic with this name, for tools such as {@code nines tail}. */
  public static Topic<?> byName(String name) {
    return ALL.stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown topic '"
                        + name
                        + "': expected one of "
                        + ALL.stream().map(Topic::name).toList()));
  }
}
