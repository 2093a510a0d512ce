/**
 * The routing-weight decision, as plain Java: from a route plan, each carrier's evidence over a
 * sliding history and what was decided last time, to a weight per carrier that sums to 10000.
 *
 * <p>Nothing here knows about Kafka; the topology feeds it and publishes the result. The rules
 * borrow from two systems that have run this kind of decision in production:
 *
 * <ul>
 *   <li>OpenSIPS {@code qrouting}: success ratios over a sliding history, a minimum number of
 *       samples before a carrier is judged, and warn/critical thresholds with penalties
 *       (here DEGRADED and EJECTED).
 *   <li>Envoy outlier detection: ejection relative to the carrier's peers, a cap on the share that
 *       may be ejected at once, a panic threshold below which every carrier is used again, and a
 *       slow start for carriers that come back.
 * </ul>
 *
 * <p>Entry point: {@link dev.nines.routing.RoutingDecider#decide}.
 */
package dev.nines.routing;
