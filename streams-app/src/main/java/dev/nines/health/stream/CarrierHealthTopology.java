package dev.nines.health.stream;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.eventtime.Batcher;
import dev.nines.eventtime.ClosingWindows;
import dev.nines.eventtime.Dedup;
import dev.nines.eventtime.Marked;
import dev.nines.eventtime.MarkedSerde;
import dev.nines.eventtime.MulticastPartitioner;
import dev.nines.eventtime.WatermarkEmitter;
import dev.nines.eventtime.WindowsFanOut;
import dev.nines.health.HealthCounts;
import dev.nines.ingest.PlanCheck;
import dev.nines.ingest.ReceiptCheck;
import dev.nines.ingest.stream.Admission;
import dev.nines.model.CarrierKey;
import dev.nines.schema.CarrierHealth;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.ProbeResult;
import dev.nines.serde.OutputLimits;
import dev.nines.serde.SchemaRegistryClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * Per-carrier health in event-time windows.
 *
 * <pre>
 * INSERT INTO carrier-health
 * SELECT country, channel, carrierId, window, COUNT(*), ... , QUANTILES(latency), probe failures
 * FROM (DISTINCT delivery-receipts BY messageId) UNION (DISTINCT failed carrier probes BY probeId)
 * GROUP BY country, channel, carrierId, TUMBLING(completedAt | observedAt, 1 min, grace 30 s)
 * EMIT ON WINDOW CLOSE
 * </pre>
 */
public final class CarrierHealthTopology {
  private CarrierHealthTopology() {}

  /**
   * Ids seen, by {@link Dedup}: key-value stores. They replaced the window stores
   * "receipts-dedup-store" and "carrier-probes-dedup-store" (another changelog format, so
   * another name).
   */
  public static final String RECEIPTS_DEDUP_STORE = "receipts-seen-ids-store";

  public static final String PROBES_DEDUP_STORE = "carrier-probes-seen-ids-store";

  /** Open windows (see {@link ClosingWindows}); was the DSL's "carrier-health-window-store". */
  public static final String WINDOW_STORE = "carrier-health-open-windows-store";

  public static final String RECEIPTS_ADMITTED_STORE = "receipts-admitted-store";

  /** Per input partition: its stream time and last watermark, receipts and probes. */
  public static final String RECEIPTS_WATERMARK_STORE = "receipts-watermark-store";

  public static final String CARRIER_PROBES_WATERMARK_STORE = "carrier-probes-watermark-store";

  /** Holds nothing: sends the receipts' batches before each commit (see {@link Batcher}). */
  public static final String RECEIPTS_BATCH_HOOK = "receipts-batches-commit-hook";

  /** A batch of the by-carrier repartition is cut at this size (well below 1 MB records). */
  static final int BATCH_MAX_BYTES = 256 * 1024;

  /**
   * The receipts' keys: any producer's choice (the contract), and nothing here reads them, so
   * they are not decoded (the key is null in the topology). A receipt sent to dead-letters keeps
   * its original key bytes, which come from the consumed record.
   */
  static final Serde<String> UNREAD_KEYS =
      Serdes.serdeFrom(new StringSerializer(), (topic, data) -> null);

  /**
   * Upstream partitions the by-carrier windows wait for: the receipts' input partitions
   * (numbered from 0), then the probes' (numbered from {@code partitions}).
   */
  public static int upstreams(NinesConfig config) {
    return 2 * config.topics().partitions();
  }

  /** Where the by-carrier task's windows send the closed carrier-health windows. */
  static final String CHILD = "carrier-health-closed";

  /**
   * Adds a piece of evidence to a carrier's counts: a de-duplicated receipt (its outcome and
   * latency) or carrier probe (its success).
   */
  public static HealthCounts addEvidence(Object evidence, HealthCounts counts) {
    if (evidence instanceof CarrierReceipt r) {
      return counts.addReceipt(r.outcome(), r.latencyMs());
    }
    return counts.addProbe(((ProbeResult) evidence).getSuccess());
  }

  /**
   * Adds carrier health to {@code builder}: the by-carrier tasks' receipts and carrier probes,
   * de-duplicated, counted in the carrier-health windows and in the {@code more} sets of windows
   * of other features, in one processor ({@link WindowsFanOut}). Returns that processor's
   * output, from which each of the {@code more} sets takes its own ({@link
   * WindowsFanOut#output}).
   */
  public static KStream<String, Object> build(
      StreamsBuilder builder,
      NinesConfig config,
      SchemaRegistryClient registry,
      OutputLimits limits,
      KStream<String, ProbeResult> probes,
      List<WindowsFanOut.Tap<Object, ?>> more) {
    NinesConfig.Health h = config.health();
    Serde<String> keys = Topics.DELIVERY_RECEIPTS.keySerde();
    int partitions = config.topics().partitions();

    int upstreams = upstreams(config);
    // each forgets ids by the watermarks of its own input: receipts 0..p-1, probes p..2p-1
    Dedup<CarrierReceipt> receiptDedup =
        new Dedup<>(
            RECEIPTS_DEDUP_STORE,
            CarrierReceipt::messageId,
            h.dedupRetention(),
            0,
            partitions,
            upstreams);
    Dedup<ProbeResult> probeDedup =
        new Dedup<>(
            PROBES_DEDUP_STORE,
            ProbeResult::getProbeId,
            h.dedupRetention(),
            partitions,
            2 * partitions,
            upstreams);
    KStream<String, Marked<Object>> receipts =
        evidence(receipts(builder, config, registry, upstreams));
    KStream<String, Marked<Object>> carrierProbes =
        evidence(carrierProbes(probes, config, registry, upstreams));
    WindowsFanOut.Tap<Object, HealthCounts> health =
        new WindowsFanOut.Tap<>(
            new ClosingWindows<Object, HealthCounts>(
                WINDOW_STORE,
                HealthCountsSerde.serde(),
                h.windowSize(),
                h.grace(),
                () -> new HealthCounts(h.latencyRelativeAccuracy()),
                CarrierHealthTopology::addEvidence,
                upstreams),
            WindowsFanOut.Keys.same(),
            CHILD);
    List<WindowsFanOut.Tap<Object, ?>> taps = new ArrayList<>();
    taps.add(health);
    taps.addAll(more);
    KStream<String, Object> closed =
        receipts
            .merge(carrierProbes, Named.as("carrier-evidence"))
            // de-duplicated in the same processor: no forward per receipt between the two
            .process(
                new WindowsFanOut<>(
                    List.of(
                        new WindowsFanOut.Gate<>(receiptDedup, CarrierReceipt.class),
                        new WindowsFanOut.Gate<>(probeDedup, ProbeResult.class)),
                    taps),
                Named.as("carrier-windows"));

    WindowsFanOut.output(closed, health)
        .flatMapValues(Marked::items, Named.as(CHILD))
        .mapValues(CarrierHealthTopology::toRecord, Named.as("carrier-health-record"))
        .to(
            config.topics().name(Topics.CARRIER_HEALTH),
            Produced.with(keys, Topics.CARRIER_HEALTH.outputSerde(registry, limits))
                .withName("carrier-health-sink"));
    return closed;
  }

  /** A stream of receipts or of probes as one of evidence (no node: the records are as they are). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static KStream<String, Marked<Object>> evidence(KStream<String, ?> stream) {
    return (KStream) stream;
  }

  /** Receipts: admitted, reduced to what health needs, by carrier (de-duplicated by the windows). */
  private static KStream<String, Marked<CarrierReceipt>> receipts(
      StreamsBuilder builder, NinesConfig config, SchemaRegistryClient registry, int upstreams) {
    NinesConfig.Health h = config.health();
    Serde<String> keys = Topics.DELIVERY_RECEIPTS.keySerde();
    Serde<DeliveryReceipt> receiptSerde = Topics.DELIVERY_RECEIPTS.valueSerde(registry);
    int partitions = config.topics().partitions();
    // A duplicate carries the same payload, so it has the same carrier key and lands on the same
    // partition after this one repartition: de-duplicating here costs no second shuffle.
    Admission<DeliveryReceipt> admission =
        new Admission<>(
            Topics.DELIVERY_RECEIPTS.name(),
            RECEIPTS_ADMITTED_STORE,
            ReceiptCheck::problems,
            r -> "receipt '" + r.getMessageId() + "'",
            r -> r.getCompletedAt().toEpochMilli(),
            config.ingest(),
            config.ingest().checkPlans() ? PlanCheck::from : null);
    // Watermarks across both repartitions: each input partition's task sends its
    // stream time, in band, to every partition of the repartition topic, and the windows close
    // by the slowest input partition instead of by the fastest (see ClosingWindows). Without
    // them a fast catch-up dropped a third of the receipts from the routing buckets as late.
    return builder.stream(
            config.topics().name(Topics.DELIVERY_RECEIPTS),
            Consumed.with(UNREAD_KEYS, receiptSerde)
                .withOffsetResetPolicy(Topics.INPUT_OFFSET_RESET)
                .withTimestampExtractor(new Admission.RecordTime())
                .withName("receipts-source"))
        .processValues(admission, Named.as("receipts-check"))
        // one processor: each receipt keyed by carrier and reduced to what carrier health needs
        // (see CarrierReceipt), the watermarks, and the batches (no batch spans a mark)
        .process(
            WatermarkEmitter.batching(
                RECEIPTS_WATERMARK_STORE,
                partitions,
                h.watermarkInterval(),
                h.partitionIdle(),
                (String k, DeliveryReceipt r) ->
                    KeyValue.pair(
                        CarrierKey.carrier(r.getCountry(), r.getChannel(), r.getCarrierId()),
                        CarrierReceipt.of(r)),
                CarrierReceipt::completedAt,
                0,
                upstreams,
                new Batcher<CarrierReceipt>(
                    RECEIPTS_BATCH_HOOK,
                    partitions,
                    h.batchRecords(),
                    CarrierReceipt::maxSize,
                    BATCH_MAX_BYTES)),
            Named.as("receipts-to-carriers"))
        .repartition(
            Repartitioned.with(
                    keys, MarkedSerde.of(CarrierReceipt.serde(receiptSerde.deserializer())))
                .withStreamPartitioner(new MulticastPartitioner<CarrierReceipt>())
                .withName("receipts-by-carrier")
                .withNumberOfPartitions(partitions));
  }

  /** Carrier probes: by carrier (every probe moves the watermark; de-duplicated by the windows). */
  private static KStream<String, Marked<ProbeResult>> carrierProbes(
      KStream<String, ProbeResult> probes,
      NinesConfig config,
      SchemaRegistryClient registry,
      int upstreams) {
    NinesConfig.Health h = config.health();
    Serde<String> keys = Topics.DELIVERY_RECEIPTS.keySerde();
    Serde<ProbeResult> probeSerde = Topics.PROBE_RESULTS.valueSerde(registry);
    int partitions = config.topics().partitions();
    // The emitter sees every probe, so that a partition whose probes are mostly not carrier
    // checks still moves its watermark (and is not taken for idle); only the carrier checks and
    // the marks cross the repartition.
    return probes
        .process(
            WatermarkEmitter.<ProbeResult>of(
                CARRIER_PROBES_WATERMARK_STORE,
                partitions,
                h.watermarkInterval(),
                h.partitionIdle(),
                p -> p.getObservedAt().toEpochMilli(),
                partitions,
                upstreams),
            Named.as("carrier-probes-watermarks"))
        .filter(
            (k, m) ->
                !(m instanceof Marked.Item<ProbeResult> i)
                    || i.value().getCarrierId() != null && i.value().getCountry() != null,
            Named.as("probes-with-carrier"))
        .selectKey(
            (k, m) ->
                m instanceof Marked.Item<ProbeResult> i
                    ? CarrierKey.carrier(
                        i.value().getCountry(),
                        CarrierKey.channelOf(i.value().getService()),
                        i.value().getCarrierId())
                    : Marked.MARK_KEY,
            Named.as("probes-key-by-carrier"))
        .repartition(
            Repartitioned.with(keys, MarkedSerde.of(probeSerde))
                .withStreamPartitioner(new MulticastPartitioner<ProbeResult>())
                .withName("carrier-probes-by-carrier")
                .withNumberOfPartitions(partitions));
  }

  static CarrierHealth toRecord(String key, ClosingWindows.Window<HealthCounts> w) {
    CarrierKey.Parts k = CarrierKey.parse(key);
    HealthCounts c = w.value();
    return CarrierHealth.newBuilder()
        .setCountry(k.country())
        .setChannel(k.channel())
        .setCarrierId(k.carrierId())
        .setWindowStart(Instant.ofEpochMilli(w.start()))
        .setWindowEnd(Instant.ofEpochMilli(w.end()))
        .setAttempts(c.attempts())
        .setDelivered(c.delivered())
        .setCarrierFailures(c.carrierFailures())
        .setOtherFailures(c.otherFailures())
        .setDeliveryRatio(c.deliveryRatio())
        .setSuccessRatio(c.successRatio())
        .setLatencyP50Ms(c.latencyMs(0.50))
        .setLatencyP95Ms(c.latencyMs(0.95))
        .setLatencyP99Ms(c.latencyMs(0.99))
        .setProbeFailures(c.probeFailures())
        .build();
  }
}
