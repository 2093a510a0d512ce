package dev.nines.routing.stream;

import dev.nines.schema.RoutePlan;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * The plan of one route as of a time, for one pass of the evaluator over consecutive intervals:
 * the latest version is looked up once and kept; any other is looked up again at every time.
 *
 * <p>Why not keep every version until its {@code validTo}: Kafka Streams' {@code get(key,
 * asOfTimestamp)} returns an empty {@code validTo} for every version, also one that has a
 * successor (seen with 4.3.1), so a pass that spanned a plan edit kept the old plan to its end and
 * the edit took effect up to that pass's length late. Only the latest version is known to hold
 * from its own time on.
 */
final class PlanLookup {
  private final VersionedKeyValueStore<String, RoutePlan> plans;
  private final String route;

  /** The latest version's time, once looked up; it is in force from then on. */
  private long latestFrom = Long.MAX_VALUE;

  private RoutePlan latest;
  private static final long UNKNOWN = Long.MIN_VALUE;
  private static final long NONE = Long.MAX_VALUE;

  /** The latest version's time as the store has it, once asked. */
  private long newestFrom = UNKNOWN;

  PlanLookup(VersionedKeyValueStore<String, RoutePlan> plans, String route) {
    this.plans = plans;
    this.route = route;
  }

  /** The plan in force at {@code time}, or null if none is. */
  RoutePlan at(long time) {
    if (time >= latestFrom) {
      return latest;
    }
    VersionedRecord<RoutePlan> v = plans.get(route, time);
    if (v == null) {
      return null;
    }
    if (newestFrom == UNKNOWN) {
      // the store does not change during a pass; a route whose latest version is a removal has
      // no version in force from its own time on
      VersionedRecord<RoutePlan> newest = plans.get(route);
      newestFrom = newest == null ? NONE : newest.timestamp();
    }
    if (v.timestamp() == newestFrom) {
      latestFrom = v.timestamp();
      latest = v.value();
    }
    return v.value();
  }
}
