package dev.nines.routing.stream;

import dev.nines.ingest.InvalidInputException;
import dev.nines.ingest.TextLimit;
import dev.nines.schema.Channel;
import dev.nines.schema.RouteCarrier;
import dev.nines.schema.RoutePlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * A route plan the evaluator can decide on: keyed by its route id {@code <country>:<channel>},
 * with at least one carrier, each with a non-blank id listed once, a base weight above zero and a
 * priority of 0 or more, and a policy that is null or a name.
 * A plan that is not goes to {@code dead-letters} with the reasons; the previous version of the
 * route stays in force, and other routes are not affected.
 */
public final class PlanValidator {
  private PlanValidator() {}

  /** What is wrong with the plan {@code plan} under {@code key}; empty when nothing is. */
  public static List<String> problems(String key, RoutePlan plan) {
    List<String> problems = new ArrayList<>();
    if (key == null || key.isBlank()) {
      problems.add("the record has no key: expected the route id <country>:<channel>, e.g. US:SMS");
      return problems;
    }
    if (plan == null) {
      return problems; // a tombstone removes the route
    }
    if (plan.getCountry() == null || plan.getCountry().isBlank()) {
      problems.add("country is blank: expected an ISO 3166-1 alpha-2 code, e.g. US");
    }
    if (plan.getChannel() == null || plan.getChannel() == Channel.UNKNOWN) {
      problems.add("channel = " + plan.getChannel() + ": expected SMS, MMS or VOICE");
    }
    String route = plan.getCountry() + ":" + plan.getChannel();
    if (problems.isEmpty() && !key.equals(route)) {
      problems.add(
          "key '"
              + key
              + "' differs from the plan's route '"
              + route
              + "': expected the record keyed by its route id");
    }
    if (plan.getCarriers() == null || plan.getCarriers().isEmpty()) {
      problems.add("no carriers: expected at least one (a tombstone removes a route)");
      return problems;
    }
    Set<String> seen = new HashSet<>();
    for (RouteCarrier c : plan.getCarriers()) {
      String id = c.getCarrierId();
      if (id == null || id.isBlank()) {
        problems.add("a carrier has a blank carrierId: expected a non-blank id");
      } else if (!seen.add(id)) {
        problems.add("carrier '" + id + "' is listed twice: expected each carrier once");
      }
      if (c.getBaseWeight() <= 0) {
        problems.add(
            "carrier '"
                + id
                + "' has baseWeight "
                + c.getBaseWeight()
                + ": expected more than 0 (enabled = false drains a carrier)");
      }
      if (c.getPriority() < 0) {
        problems.add(
            "carrier '"
                + id
                + "' has priority "
                + c.getPriority()
                + ": expected 0 (primary) or more (1 = first standby)");
      }
    }
    if (plan.getPolicy() != null && plan.getPolicy().isBlank()) {
      problems.add("policy is blank: expected a routing-policies profile name, or null");
    }
    return problems;
  }

  /** Passes valid plans and tombstones; throws the others to dead-letters. */
  static final class Gate implements FixedKeyProcessor<String, RoutePlan, RoutePlan> {
    private final int maxTextLength;
    private FixedKeyProcessorContext<String, RoutePlan> context;

    Gate(int maxTextLength) {
      this.maxTextLength = maxTextLength;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, RoutePlan> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, RoutePlan> record) {
      List<String> problems = new ArrayList<>(problems(record.key(), record.value()));
      if (record.value() != null) {
        TextLimit.check(record.value(), maxTextLength).ifPresent(p -> problems.add(p.text()));
      }
      if (!problems.isEmpty()) {
        throw new InvalidInputException(
            "invalid-plan",
            "route-plans: plan of '"
                + record.key()
                + "' rejected, the previous version stays in force: "
                + String.join("; ", problems));
      }
      context.forward(record);
    }
  }
}
