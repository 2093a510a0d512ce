package dev.nines.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * Pins the field names of ../shared/CONTRACT.md: a schema may carry more fields, never fewer.
 * The lists below are typed in from the contract, not derived from the schemas.
 */
class ContractConformanceTest {

  static final Map<String, List<String>> CONTRACT =
      Map.ofEntries(
          Map.entry(
              "DeliveryReceipt",
              List.of(
                  "messageId",
                  "accountId",
                  "channel",
                  "carrierId",
                  "country",
                  "region",
                  "status",
                  "failureCause",
                  "errorCode",
                  "submittedAt",
                  "completedAt")),
          Map.entry(
              "ProbeResult",
              List.of(
                  "probeId",
                  "check",
                  "service",
                  "region",
                  "vantage",
                  "success",
                  "carrierId",
                  "country",
                  "latencyMs",
                  "errorCode",
                  "observedAt")),
          Map.entry("RoutePlan", List.of("country", "channel", "carriers", "updatedAt")),
          Map.entry(
              "SlaContract",
              List.of(
                  "accountId",
                  "tier",
                  "targetPercent",
                  "regions",
                  "services",
                  "currency",
                  "creditSchedule",
                  "effectiveFrom",
                  "effectiveTo")),
          Map.entry("MaintenanceWindow", List.of("service", "region", "startsAt", "endsAt")),
          Map.entry(
              "CarrierHealth",
              List.of(
                  "country",
                  "channel",
                  "carrierId",
                  "windowStart",
                  "windowEnd",
                  "attempts",
                  "delivered",
                  "carrierFailures",
                  "otherFailures",
                  "deliveryRatio",
                  "successRatio",
                  "latencyP50Ms",
                  "latencyP95Ms",
                  "latencyP99Ms",
                  "probeFailures")),
          Map.entry(
              "RoutingWeights",
              List.of(
                  "routeId", "country", "channel", "version", "effectiveAt", "mode", "carriers")),
          Map.entry(
              "Incident",
              List.of(
                  "incidentId",
                  "service",
                  "region",
                  "status",
                  "startedAt",
                  "resolvedAt",
                  "checks",
                  "vantages",
                  "inMaintenance")),
          Map.entry(
              "UptimeLedger",
              List.of(
                  "service",
                  "region",
                  "month",
                  "periodStart",
                  "periodEnd",
                  "observedUntil",
                  "downtimeMs",
                  "maintenanceMs",
                  "availabilityPercent",
                  "targetPercent",
                  "errorBudgetRemainingMs",
                  "incidentIds",
                  "finalized")),
          Map.entry(
              "SlaCredit",
              List.of(
                  "creditId",
                  "accountId",
                  "service",
                  "month",
                  "availabilityPercent",
                  "targetPercent",
                  "downtimeMs",
                  "creditPercent",
                  "creditAmountMinor",
                  "currency",
                  "incidentIds",
                  "issuedAt")),
          Map.entry(
              "ErrorBudgetAlert",
              List.of(
                  "service",
                  "region",
                  "severity",
                  "burnRate",
                  "longWindow",
                  "shortWindow",
                  "firedAt",
                  "resolvedAt")));

  static Schema schemaOf(String simpleName) throws ClassNotFoundException {
    return SpecificData.get().getSchema(Class.forName("dev.nines.schema." + simpleName));
  }

  @Test
  void everyContractFieldIsPresent() throws Exception {
    for (var e : CONTRACT.entrySet()) {
      Schema s = schemaOf(e.getKey());
      for (String field : e.getValue()) {
        assertThat(s.getField(field)).as("%s.%s", e.getKey(), field).isNotNull();
      }
    }
  }

  @Test
  void everyEnumHasUnknownAsDefault() throws Exception {
    for (String name :
        List.of(
            "Channel",
            "Service",
            "DeliveryStatus",
            "FailureCause",
            "RouteMode",
            "CarrierState",
            "IncidentStatus",
            "AlertSeverity")) {
      Schema s = schemaOf(name);
      assertThat(s.getEnumDefault()).as(name).isEqualTo("UNKNOWN");
    }
  }

  @Test
  void timestampsAreTimestampMillis() throws Exception {
    Map<String, List<String>> ts =
        Map.of(
            "DeliveryReceipt", List.of("submittedAt", "completedAt"),
            "ProbeResult", List.of("observedAt"),
            "SlaCredit", List.of("issuedAt"),
            "UptimeLedger", List.of("periodStart", "periodEnd", "observedUntil"));
    for (var e : ts.entrySet()) {
      for (String f : e.getValue()) {
        Schema fs = schemaOf(e.getKey()).getField(f).schema();
        assertThat(fs.getLogicalType())
            .as("%s.%s", e.getKey(), f)
            .isEqualTo(LogicalTypes.timestampMillis());
      }
    }
  }

  @Test
  void moneyIsNeverFloatingPoint() throws Exception {
    assertThat(schemaOf("SlaCredit").getField("creditAmountMinor").schema().getType())
        .isEqualTo(Schema.Type.LONG);
    assertThat(schemaOf("ServiceFee").getField("monthlyFeeMinor").schema().getType())
        .isEqualTo(Schema.Type.LONG);
  }
}
