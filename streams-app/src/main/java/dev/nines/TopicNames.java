package dev.nines;

/**
 * The topic names (docs/topics.md), declared once. {@link Topics} adds each
 * topic's key and value serde; this class has no dependencies so every module can use it.
 */
public final class TopicNames {
  private TopicNames() {}

  public static final String DELIVERY_RECEIPTS = "delivery-receipts";
  public static final String PROBE_RESULTS = "probe-results";
  public static final String ROUTE_PLANS = "route-plans";
  public static final String SLA_CONTRACTS = "sla-contracts";
  public static final String MAINTENANCE_WINDOWS = "maintenance-windows";
  public static final String ROUTING_POLICIES = "routing-policies";
  public static final String CARRIER_HEALTH = "carrier-health";
  public static final String ROUTING_WEIGHTS = "routing-weights";
  public static final String INCIDENTS = "incidents";
  public static final String UPTIME_LEDGER = "uptime-ledger";
  public static final String SLA_ADJUSTMENTS = "sla-adjustments";
  public static final String SLA_CREDITS = "sla-credits";
  public static final String SLA_STATEMENTS = "sla-statements";
  public static final String ERROR_BUDGET_ALERTS = "error-budget-alerts";
  public static final String DEAD_LETTERS = "dead-letters";

  /** Where the embedded schema registry keeps its schemas (compacted). */
  public static final String SCHEMAS = "_schemas";
}
