package dev.nines.routing;

import dev.nines.schema.RoutePlan;

/** A carrier bucket with the route plan in force at its event time (null: no plan yet). */
record PlannedBucket(CarrierBucket bucket, RoutePlan plan) {}
