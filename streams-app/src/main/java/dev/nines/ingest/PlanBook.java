package dev.nines.ingest;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which carriers each route's plan had, version by version, in event time: what admission asks
 * "did the plans know this route and carrier while the message was under way?".
 *
 * <pre>
 * KNOWN(route, carrier, from, to) = EXISTS version v OF route IN FORCE DURING [from, to]
 *                                   WITH carrier IN v.carriers
 * </pre>
 *
 * <p>A version is in force from its {@code updatedAt} until the next version's, and the oldest
 * version held also before its time (see {@link #verdict}); a removal (the topic's tombstone)
 * is a version without the route. Versions may arrive in any order. One
 * thread writes (the plans reader), any number read: each route's versions are an immutable map
 * replaced whole, so a reader sees one version set or the next, never half of one.
 *
 * <p>Versions superseded more than {@code history} before the route's newest one are dropped
 * (the same bound as the routing's versioned store, {@code routing.plan.history}), so the book
 * does not grow with every edit an operator ever made.
 */
public final class PlanBook {

  /** What the plans say about one receipt's route and carrier. */
  public enum Verdict {
    KNOWN,
    UNKNOWN_ROUTE,
    UNKNOWN_CARRIER
  }

  /** Marks a removal; compared by identity, so a plan with no carriers is not one. */
  private static final Set<String> REMOVED = Collections.unmodifiableSet(new HashSet<>());

  private final long historyMs;
  private final Map<String, NavigableMap<Long, Set<String>>> routes = new ConcurrentHashMap<>();

  public PlanBook(Duration history) {
    this.historyMs = history.toMillis();
  }

  /** The route's plan as of {@code at} lists these carriers (enabled or drained alike). */
  public void put(String route, long at, Set<String> carriers) {
    update(route, at, Set.copyOf(carriers));
  }

  /** The route was removed at {@code at}. */
  public void remove(String route, long at) {
    update(route, at, REMOVED);
  }

  private void update(String route, long at, Set<String> carriers) {
    TreeMap<Long, Set<String>> versions = new TreeMap<>(routes.getOrDefault(route, EMPTY));
    versions.put(at, carriers);
    // keep the version in force at (newest - history) and everything after it
    long horizon = versions.lastKey() - historyMs;
    while (versions.size() > 1 && versions.higherKey(versions.firstKey()) <= horizon) {
      versions.pollFirstEntry();
    }
    routes.put(route, Collections.unmodifiableNavigableMap(versions));
  }

  private static final NavigableMap<Long, Set<String>> EMPTY =
      Collections.unmodifiableNavigableMap(new TreeMap<>());

  /**
   * Whether some version in force at any time in {@code [from, to]} has the route with the
   * carrier; if none, whether some version there had the route at all.
   */
  public Verdict verdict(String route, String carrier, long from, long to) {
    NavigableMap<Long, Set<String>> versions = routes.get(route);
    if (versions == null) {
      return Verdict.UNKNOWN_ROUTE;
    }
    Map.Entry<Long, Set<String>> atFrom = versions.floorEntry(from);
    if (atFrom == null) {
      // before the oldest version held: judged by it. route-plans is compacted and the book
      // prunes, so a replay of older history would otherwise reject every receipt older than
      // the versions that survived; a route's very first version is not told apart from that
      atFrom = versions.firstEntry();
    }
    // nearly every receipt: the version in force when it was sent has its carrier (the first
    // the loop below would look at; a removal has no carrier), without a view of the range
    if (atFrom.getValue().contains(carrier)) {
      return Verdict.KNOWN;
    }
    long first = atFrom.getKey();
    boolean routeSeen = false;
    for (Set<String> carriers : versions.subMap(first, true, Math.max(first, to), true).values()) {
      if (carriers == REMOVED) {
        continue;
      }
      if (carriers.contains(carrier)) {
        return Verdict.KNOWN;
      }
      routeSeen = true;
    }
    return routeSeen ? Verdict.UNKNOWN_CARRIER : Verdict.UNKNOWN_ROUTE;
  }

  /** Routes with at least one version. */
  public int routes() {
    return routes.size();
  }

  /** Versions held for a route (for tests of the history bound). */
  int versions(String route) {
    return routes.getOrDefault(route, EMPTY).size();
  }
}
