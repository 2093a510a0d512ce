package dev.nines.routing;

import dev.nines.schema.CarrierState;

/**
 * One carrier between the steps of a decision: its plan entry, evidence, new memory and the
 * reason so far. Weights come last, once the whole route is known.
 */
record Assessment(PlanCarrier carrier, CarrierStats stats, CarrierMemory memory, String reason) {

  String id() {
    return carrier.carrierId();
  }

  CarrierState state() {
    return memory.state();
  }

  double score() {
    return stats.successRatio();
  }

  Assessment withNote(String note) {
    return new Assessment(carrier, stats, memory, Texts.join(reason, note));
  }

  Assessment withMemory(CarrierMemory newMemory, String note) {
    return new Assessment(carrier, stats, newMemory, Texts.join(reason, note));
  }
}
