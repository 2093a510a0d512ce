/**
 * The uptime domain as plain Java: from probe observations to DOWN/UP transitions, incident ids,
 * monthly ledger lines and error-budget burn-rate alerts.
 *
 * <p>Nothing here knows about Kafka; a topology feeds it and publishes the results. Every class is
 * driven by explicit event-time inputs (no clock is read), is deterministic, and keeps its memory
 * in a small immutable state value ({@link dev.nines.uptime.ReorderState},
 * {@link dev.nines.uptime.HealthState}, {@link dev.nines.uptime.AlertState}) with
 * {@code toBytes()}/{@code fromBytes(byte[])}, so that a processor can keep it in a state store:
 * load the state for the key, apply one input, store the new state, forward the outputs.
 *
 * <p>The pipeline per (service, region):
 *
 * <pre>
 * probe-results --ReorderBuffer--> in event-time order --ServiceHealthTracker--> Down / Up
 * Down / Up (+ maintenance windows) --MonthLedger--> uptime-ledger line per UTC month
 * Down / Up (+ maintenance windows) --BurnRateAlerts, ticked by stream time--> Fired / Resolved
 * </pre>
 *
 * <p>Decisions where the contract is silent are written down in {@code docs/uptime-and-sla.md} ("The uptime rules in detail").
 */
package dev.nines.uptime;
