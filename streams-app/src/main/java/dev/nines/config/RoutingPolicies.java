package dev.nines.config;

import dev.nines.routing.RoutingPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The routing policy from settings: the app's configuration, and the profiles of {@code
 * routing-policies} that override some of its {@code routing.*} keys for the routes that name
 * them. One parser for both, so that a profile's values mean what the same key means in the
 * configuration.
 */
public final class RoutingPolicies {
  private RoutingPolicies() {}

  /** The keys a profile may set: the knobs of the decision, not its cadence or history. */
  public static final List<Setting<?>> KNOBS =
      List.of(
          Settings.ROUTING_MIN_SAMPLES,
          Settings.ROUTING_DEGRADE_SUCCESS,
          Settings.ROUTING_EJECT_SUCCESS,
          Settings.ROUTING_DEGRADE_P95,
          Settings.ROUTING_EJECT_P95,
          Settings.ROUTING_PEER_DEGRADE_GAP,
          Settings.ROUTING_PEER_EJECT_GAP,
          Settings.ROUTING_MIN_PEERS,
          Settings.ROUTING_DEGRADED_SHARE,
          Settings.ROUTING_MAX_EJECTED,
          Settings.ROUTING_PANIC,
          Settings.ROUTING_TRICKLE,
          Settings.ROUTING_RECOVERY,
          Settings.ROUTING_RAMP,
          Settings.ROUTING_TIER_MIN_HEALTHY,
          Settings.ROUTING_BACKOFF_MEMORY,
          Settings.ROUTING_BACKOFF_MAX);

  /** A typed value per setting. */
  public interface Values {
    <T> T get(Setting<T> setting);
  }

  /** Values from a function that may return any setting's value (the loader's typed lookup). */
  static Values values(Function<Setting<?>, Object> get) {
    return new Values() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> T get(Setting<T> setting) {
        return (T) get.apply(setting);
      }
    };
  }

  /** The policy of these values; throws IllegalArgumentException when they do not fit together. */
  public static RoutingPolicy build(Values v) {
    return new RoutingPolicy(
        v.get(Settings.ROUTING_MIN_SAMPLES),
        v.get(Settings.ROUTING_DEGRADE_SUCCESS),
        v.get(Settings.ROUTING_EJECT_SUCCESS),
        v.get(Settings.ROUTING_DEGRADE_P95),
        v.get(Settings.ROUTING_EJECT_P95),
        v.get(Settings.ROUTING_PEER_DEGRADE_GAP),
        v.get(Settings.ROUTING_PEER_EJECT_GAP),
        v.get(Settings.ROUTING_MIN_PEERS),
        v.get(Settings.ROUTING_DEGRADED_SHARE),
        v.get(Settings.ROUTING_MAX_EJECTED),
        v.get(Settings.ROUTING_PANIC),
        v.get(Settings.ROUTING_TRICKLE),
        v.get(Settings.ROUTING_RECOVERY),
        v.get(Settings.ROUTING_RAMP),
        v.get(Settings.ROUTING_TIER_MIN_HEALTHY),
        v.get(Settings.ROUTING_BACKOFF_MEMORY).toMillis(),
        v.get(Settings.ROUTING_BACKOFF_MAX));
  }

  /**
   * {@code base} with a profile's settings over it.
   *
   * @throws IllegalArgumentException with every problem, one clause each: a key that is not a
   *     knob, a value that does not parse, or knobs that do not fit together
   */
  public static RoutingPolicy override(RoutingPolicy base, Map<String, String> settings) {
    Map<String, Setting<?>> knobs = new LinkedHashMap<>();
    KNOBS.forEach(k -> knobs.put(k.key(), k));
    Map<Setting<?>, Object> parsed = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    settings.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              Setting<?> s = knobs.get(e.getKey());
              if (s == null) {
                problems.add(
                    "'"
                        + e.getKey()
                        + "' is not a routing knob a profile can set: expected one of "
                        + String.join(", ", knobs.keySet()));
                return;
              }
              try {
                parsed.put(s, s.parser().apply(e.getValue() == null ? "" : e.getValue()));
              } catch (IllegalArgumentException x) {
                problems.add("'" + e.getKey() + "' = '" + e.getValue() + "': " + x.getMessage());
              }
            });
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    Map<Setting<?>, Object> current = valuesOf(base);
    return build(values(s -> parsed.containsKey(s) ? parsed.get(s) : current.get(s)));
  }

  /** The value of every knob in a policy, typed as its setting parses it. */
  private static Map<Setting<?>, Object> valuesOf(RoutingPolicy p) {
    Map<Setting<?>, Object> v = new LinkedHashMap<>();
    v.put(Settings.ROUTING_MIN_SAMPLES, p.minSamples());
    v.put(Settings.ROUTING_DEGRADE_SUCCESS, p.degradeSuccessBelow());
    v.put(Settings.ROUTING_EJECT_SUCCESS, p.ejectSuccessBelow());
    v.put(Settings.ROUTING_DEGRADE_P95, (int) p.degradeLatencyP95MsAbove());
    v.put(Settings.ROUTING_EJECT_P95, (int) p.ejectLatencyP95MsAbove());
    v.put(Settings.ROUTING_PEER_DEGRADE_GAP, p.peerDegradeGap());
    v.put(Settings.ROUTING_PEER_EJECT_GAP, p.peerEjectGap());
    v.put(Settings.ROUTING_MIN_PEERS, p.minPeers());
    v.put(Settings.ROUTING_DEGRADED_SHARE, p.degradedShare());
    v.put(Settings.ROUTING_MAX_EJECTED, p.maxEjectedShare());
    v.put(Settings.ROUTING_PANIC, p.panicBelowHealthyShare());
    v.put(Settings.ROUTING_TRICKLE, p.trickleWeight());
    v.put(Settings.ROUTING_RECOVERY, p.recoveryEvaluations());
    v.put(Settings.ROUTING_RAMP, p.rampSteps());
    v.put(Settings.ROUTING_TIER_MIN_HEALTHY, p.tierMinHealthyPercent());
    v.put(Settings.ROUTING_BACKOFF_MEMORY, Duration.ofMillis(p.backoffMemoryMs()));
    v.put(Settings.ROUTING_BACKOFF_MAX, p.backoffMaxMultiplier());
    return v;
  }
}
