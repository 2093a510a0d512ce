package dev.nines.routing;

import dev.nines.schema.CarrierState;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Envoy's max ejection percent: at most {@code maxEjectedShare} of the route's enabled base weight
 * may be EJECTED at once. Ejecting everything that looks bad would pile all traffic onto the few
 * carriers left, which may not cope; and when most of a route looks bad the cause is often not the
 * carriers.
 */
final class EjectionCap {
  private EjectionCap() {}

  /**
   * Keeps the worst carriers (lowest score, then carrierId) ejected while they fit under the cap;
   * from the first one that does not fit, the rest are held at DEGRADED. Strictly worst first: a
   * less bad carrier is never ejected while a worse one is held, even if it would fit.
   */
  static List<Assessment> apply(List<Assessment> route, RoutingPolicy p) {
    long enabledBase =
        route.stream()
            .filter(a -> a.carrier().enabled())
            .mapToLong(a -> a.carrier().baseWeight())
            .sum();
    double limit = p.maxEjectedShare() * enabledBase;
    List<Assessment> worstFirst =
        route.stream()
            .filter(a -> a.state() == CarrierState.EJECTED)
            .sorted(Comparator.comparingDouble(Assessment::score).thenComparing(Assessment::id))
            .toList();
    Set<String> held = new HashSet<>();
    long ejectedBase = 0;
    for (Assessment a : worstFirst) {
      if (held.isEmpty() && ejectedBase + a.carrier().baseWeight() <= limit) {
        ejectedBase += a.carrier().baseWeight();
      } else {
        held.add(a.id());
      }
    }
    String note =
        "held at DEGRADED: ejecting it would exceed the "
            + Texts.share(p.maxEjectedShare())
            + " max ejected share";
    // held carriers are remembered as DEGRADED, as published: the next evaluation starts from
    // what routers were told
    return route.stream()
        .map(
            a ->
                held.contains(a.id())
                    ? a.withMemory(CarrierMemory.of(CarrierState.DEGRADED), note)
                    : a)
        .toList();
  }
}
