package dev.nines.schema;

import java.util.Set;

/**
 * Which value schemas nines writes (outputs) and which it reads (inputs). Their evolution rules
 * differ: consumers of an output (billing, routers, auditors) may be on any older or newer
 * version, so outputs evolve FULL_TRANSITIVE; nines reads every input version it ever accepted,
 * so inputs evolve BACKWARD_TRANSITIVE.
 */
public final class Roles {
  private Roles() {}

  public static final Set<String> OUTPUTS =
      Set.of(
          "dev.nines.schema.CarrierHealth",
          "dev.nines.schema.RoutingWeights",
          "dev.nines.schema.Incident",
          "dev.nines.schema.UptimeLedger",
          "dev.nines.schema.SlaCredit",
          "dev.nines.schema.SlaStatement",
          "dev.nines.schema.ErrorBudgetAlert");

  public static final Set<String> INPUTS =
      Set.of(
          "dev.nines.schema.DeliveryReceipt",
          "dev.nines.schema.ProbeResult",
          "dev.nines.schema.RoutePlan",
          "dev.nines.schema.SlaContract",
          "dev.nines.schema.MaintenanceWindow",
          "dev.nines.schema.RoutingPolicyProfile",
          "dev.nines.schema.SlaAdjustment");
}
