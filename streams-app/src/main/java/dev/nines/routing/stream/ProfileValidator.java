package dev.nines.routing.stream;

import dev.nines.config.RoutingPolicies;
import dev.nines.ingest.InvalidInputException;
import dev.nines.ingest.TextLimit;
import dev.nines.routing.RoutingPolicy;
import dev.nines.schema.RoutingPolicyProfile;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * A routing-policies profile the evaluator can apply: keyed by its name, with settings that are
 * routing knobs, each value as the configuration would take it, and together with the configured
 * policy a valid policy. A profile that is not goes to {@code dead-letters} with the reasons; its
 * previous version stays in force.
 */
public final class ProfileValidator {
  private ProfileValidator() {}

  /** What is wrong with the profile under {@code key}; empty when nothing is. */
  public static List<String> problems(
      String key, RoutingPolicyProfile profile, RoutingPolicy base) {
    List<String> problems = new ArrayList<>();
    if (key == null || key.isBlank()) {
      problems.add("the record has no key: expected the profile name, e.g. otp");
      return problems;
    }
    if (profile == null) {
      return problems; // a tombstone retires the profile
    }
    if (!key.equals(profile.getName())) {
      problems.add(
          "key '"
              + key
              + "' differs from the profile's name '"
              + profile.getName()
              + "': expected the record keyed by its name");
    }
    try {
      RoutingPolicies.override(base, profile.getSettings());
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }

  /** Passes valid profiles and tombstones; throws the others to dead-letters. */
  static final class Gate
      implements FixedKeyProcessor<String, RoutingPolicyProfile, RoutingPolicyProfile> {
    private final RoutingPolicy base;
    private final int maxTextLength;
    private FixedKeyProcessorContext<String, RoutingPolicyProfile> context;

    Gate(RoutingPolicy base, int maxTextLength) {
      this.base = base;
      this.maxTextLength = maxTextLength;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, RoutingPolicyProfile> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, RoutingPolicyProfile> record) {
      List<String> problems = new ArrayList<>(problems(record.key(), record.value(), base));
      if (record.value() != null) {
        TextLimit.check(record.value(), maxTextLength).ifPresent(p -> problems.add(p.text()));
      }
      if (!problems.isEmpty()) {
        throw new InvalidInputException(
            "invalid-policy",
            "routing-policies: profile '"
                + record.key()
                + "' rejected, the previous version stays in force: "
                + String.join("; ", problems));
      }
      context.forward(record);
    }
  }
}
