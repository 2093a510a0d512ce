package dev.nines.ingest;

import dev.nines.model.CarrierKey;
import dev.nines.schema.DeliveryReceipt;
import java.util.Map;
import java.util.function.Function;

/**
 * A receipt must name a route and carrier the route plans knew while the message was under way.
 *
 * <pre>
 * SELECT receipt FROM delivery-receipts
 * WHERE EXISTS (SELECT 1 FROM route-plans FOR EVENT TIME BETWEEN submittedAt AND completedAt
 *               WHERE route = country:channel AND receipt.carrierId IN carriers)
 * -- else dead-letters: "unknown-route" (no version had the route), "unknown-carrier"
 * </pre>
 *
 * <p>Why the span and not one instant: the carrier was chosen when the message was handed over,
 * and a plan edit (a carrier removed) while it was under way does not make its outcome bogus. A
 * drained carrier ({@code enabled = false}) is still known: its in-flight traffic completes.
 *
 * <p>Why only receipts: a probe is also the uptime evidence of its service and region, which is
 * valid whatever path it exercised; a probe's carrier that no plan lists only gets a health
 * record of its own, which routing never reads.
 */
public final class PlanCheck {
  private PlanCheck() {}

  /** The Streams config key under which the app hands its {@link Plans} to the processors. */
  public static final String CONFIG_KEY = "nines.route.plans";

  public static final String UNKNOWN_ROUTE = "unknown-route";
  public static final String UNKNOWN_CARRIER = "unknown-carrier";

  /** The plans as of event time: {@link PlanReader} in the app, a {@link PlanBook} in tests. */
  @FunctionalInterface
  public interface Plans {
    PlanBook.Verdict verdict(String route, String carrier, long from, long to);
  }

  /** The check, with the plans the app put in its Streams configs. */
  public static Function<DeliveryReceipt, Problem> from(Map<String, Object> appConfigs) {
    if (!(appConfigs.get(CONFIG_KEY) instanceof Plans plans)) {
      throw new IllegalStateException(
          "ingest.check.plans is true but the Streams configs have "
              + "no route plans under "
              + CONFIG_KEY
              + ": start the app with NinesApp.start, or set "
              + "ingest.check.plans=false");
    }
    return r -> problem(plans, r);
  }

  /** Null when the plans know the receipt's route and carrier. */
  static Problem problem(Plans plans, DeliveryReceipt r) {
    String route = CarrierKey.route(r.getCountry(), r.getChannel());
    PlanBook.Verdict v =
        plans.verdict(
            route,
            r.getCarrierId(),
            r.getSubmittedAt().toEpochMilli(),
            r.getCompletedAt().toEpochMilli());
    return switch (v) {
      case KNOWN -> null;
      case UNKNOWN_ROUTE ->
          new Problem(
              UNKNOWN_ROUTE,
              "route "
                  + route
                  + " is in no route plan "
                  + "in force between submittedAt "
                  + r.getSubmittedAt()
                  + " and completedAt "
                  + r.getCompletedAt()
                  + ": expected a route of route-plans");
      case UNKNOWN_CARRIER ->
          new Problem(
              UNKNOWN_CARRIER,
              "carrier '"
                  + r.getCarrierId()
                  + "' is not in route "
                  + route
                  + "'s plan in force between submittedAt "
                  + r.getSubmittedAt()
                  + " and completedAt "
                  + r.getCompletedAt()
                  + ": expected one of the plan's carriers");
    };
  }
}
