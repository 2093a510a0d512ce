package dev.nines.app;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.credits.stream.CreditTopology;
import dev.nines.eventtime.WindowsFanOut;
import dev.nines.health.stream.CarrierHealthTopology;
import dev.nines.ingest.ProbeCheck;
import dev.nines.ingest.stream.Admission;
import dev.nines.routing.stream.RoutingTopology;
import dev.nines.schema.ProbeResult;
import dev.nines.serde.OutputLimits;
import dev.nines.serde.SchemaRegistryClient;
import dev.nines.uptime.stream.ErrorRateTopology;
import dev.nines.uptime.stream.UptimeTopology;
import java.util.List;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The whole nines topology, one feature after another. Pure: no I/O happens here (the registry
 * client is only called when records flow), so tests build it with TopologyTestDriver.
 */
public final class NinesTopology {
  private NinesTopology() {}

  public static final String PROBES_ADMITTED_STORE = "probes-admitted-store";

  /** The topology with no output size checked (tests, descriptions). */
  public static Topology build(NinesConfig config, SchemaRegistryClient registry) {
    return build(config, registry, OutputLimits.unknown());
  }

  /** The topology, each output's values checked against {@code limits} as they are written. */
  public static Topology build(
      NinesConfig config, SchemaRegistryClient registry, OutputLimits limits) {
    StreamsBuilder builder = new StreamsBuilder();
    // one source per topic: probes feed both carrier health and uptime, admitted once here
    Admission<ProbeResult> admission =
        new Admission<>(
            Topics.PROBE_RESULTS.name(),
            PROBES_ADMITTED_STORE,
            ProbeCheck::problems,
            p -> "probe '" + p.getProbeId() + "'",
            p -> p.getObservedAt().toEpochMilli(),
            config.ingest());
    KStream<String, ProbeResult> probes =
        builder.stream(
                config.topics().name(Topics.PROBE_RESULTS),
                Consumed.with(
                        Topics.PROBE_RESULTS.keySerde(), Topics.PROBE_RESULTS.valueSerde(registry))
                    .withTimestampExtractor(new Admission.RecordTime())
                    .withOffsetResetPolicy(Topics.INPUT_OFFSET_RESET)
                    .withName("probes-source"))
            .processValues(admission, Named.as("probes-check"));
    // the by-carrier tasks count each receipt and carrier probe in three sets of windows, in one
    // processor: carrier health's, the routing buckets and the error-rate hours
    var buckets = RoutingTopology.buckets(config);
    var hours = ErrorRateTopology.hours(config);
    var closed =
        CarrierHealthTopology.build(
            builder, config, registry, limits, probes, List.of(buckets, hours));
    RoutingTopology.build(builder, config, registry, limits, WindowsFanOut.output(closed, buckets));
    var errorRateHours = ErrorRateTopology.build(config, WindowsFanOut.output(closed, hours));
    var monthClosed =
        UptimeTopology.build(builder, config, registry, limits, probes, errorRateHours);
    CreditTopology.build(builder, config, registry, limits, monthClosed, errorRateHours);
    // last: a sub-topology added later must not renumber the earlier ones (their tasks' state)
    RoutingTopology.buildProfiles(builder, config, registry);
    return builder.build();
  }
}
