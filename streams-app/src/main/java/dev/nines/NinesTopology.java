package dev.nines;

import dev.nines.config.NinesConfig;
import dev.nines.health.CarrierHealthTopology;
import dev.nines.serde.SchemaRegistryClient;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/**
 * The whole nines topology, one feature after another. Pure: no I/O happens here (the registry
 * client is only called when records flow), so tests build it with TopologyTestDriver.
 */
public final class NinesTopology {
  private NinesTopology() {}

  public static Topology build(NinesConfig config, SchemaRegistryClient registry) {
    StreamsBuilder builder = new StreamsBuilder();
    var carrierSamples = CarrierHealthTopology.build(builder, config, registry);
    dev.nines.routing.RoutingTopology.build(builder, config, registry, carrierSamples);
    return builder.build();
  }
}
