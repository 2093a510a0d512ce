package dev.nines.health;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.ingest.Admission;
import dev.nines.ingest.ReceiptCheck;
import dev.nines.schema.CarrierHealth;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.ProbeResult;
import dev.nines.serde.SchemaRegistryClient;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serde;
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

  public static final String RECEIPTS_DEDUP_STORE = "receipts-dedup-store";
  public static final String PROBES_DEDUP_STORE = "carrier-probes-dedup-store";
  /** Open windows (see {@link ClosingWindows}); was the DSL's "carrier-health-window-store". */
  public static final String WINDOW_STORE = "carrier-health-open-windows-store";
  public static final String RECEIPTS_ADMITTED_STORE = "receipts-admitted-store";

  /** Adds carrier health to {@code builder}; returns the de-duplicated samples by carrier key. */
  public static KStream<String, HealthSample> build(StreamsBuilder builder, NinesConfig config,
      SchemaRegistryClient registry, KStream<String, ProbeResult> probes) {
    NinesConfig.Health h = config.health();
    Serde<String> keys = Topics.DELIVERY_RECEIPTS.keySerde();
    Serde<DeliveryReceipt> receiptSerde = Topics.DELIVERY_RECEIPTS.valueSerde(registry);
    Serde<ProbeResult> probeSerde = Topics.PROBE_RESULTS.valueSerde(registry);
    int partitions = config.topics().partitions();

    Dedup<DeliveryReceipt> receiptDedup =
        new Dedup<>(RECEIPTS_DEDUP_STORE, DeliveryReceipt::getMessageId, h.dedupRetention());
    Dedup<ProbeResult> probeDedup =
        new Dedup<>(PROBES_DEDUP_STORE, ProbeResult::getProbeId, h.dedupRetention());
    builder.addStateStore(receiptDedup.storeBuilder());
    builder.addStateStore(probeDedup.storeBuilder());

    // A duplicate carries the same payload, so it has the same carrier key and lands on the same
    // partition after this one repartition: de-duplicating here costs no second shuffle.
    Admission<DeliveryReceipt> admission = new Admission<>(Topics.DELIVERY_RECEIPTS.name(),
        RECEIPTS_ADMITTED_STORE, ReceiptCheck::problems,
        r -> "receipt '" + r.getMessageId() + "'", r -> r.getCompletedAt().toEpochMilli(),
        config.ingest());
    KStream<String, HealthSample> fromReceipts = builder
        .stream(config.topics().name(Topics.DELIVERY_RECEIPTS), Consumed.with(keys, receiptSerde)
            .withTimestampExtractor(new Admission.RecordTime()).withName("receipts-source"))
        .processValues(admission, Named.as("receipts-check"))
        .selectKey((k, r) -> CarrierKey.carrier(r.getCountry(), r.getChannel(), r.getCarrierId()),
            Named.as("receipts-key-by-carrier"))
        .repartition(Repartitioned.with(keys, receiptSerde).withName("receipts-by-carrier")
            .withNumberOfPartitions(partitions))
        .processValues(receiptDedup, Named.as("receipts-dedup"), RECEIPTS_DEDUP_STORE)
        .mapValues(HealthSample::of, Named.as("receipts-to-samples"));

    KStream<String, HealthSample> fromProbes = probes
        .filter((k, p) -> p.getCarrierId() != null && p.getCountry() != null,
            Named.as("probes-with-carrier"))
        .selectKey((k, p) -> CarrierKey.carrier(p.getCountry(),
            CarrierKey.channelOf(p.getService()), p.getCarrierId()),
            Named.as("probes-key-by-carrier"))
        .repartition(Repartitioned.with(keys, probeSerde).withName("carrier-probes-by-carrier")
            .withNumberOfPartitions(partitions))
        .processValues(probeDedup, Named.as("carrier-probes-dedup"), PROBES_DEDUP_STORE)
        .mapValues(HealthSample::of, Named.as("carrier-probes-to-samples"));

    KStream<String, HealthSample> samples =
        fromReceipts.merge(fromProbes, Named.as("carrier-samples"));

    samples
        .process(new ClosingWindows<HealthSample, HealthCounts>(WINDOW_STORE, HealthCounts.serde(),
            h.windowSize(), h.grace(), () -> new HealthCounts(h.latencyRelativeAccuracy()),
            HealthSample::addTo), Named.as("carrier-health-windows"))
        .mapValues(CarrierHealthTopology::toRecord, Named.as("carrier-health-record"))
        .to(config.topics().name(Topics.CARRIER_HEALTH), Produced.with(keys,
            Topics.CARRIER_HEALTH.valueSerde(registry)).withName("carrier-health-sink"));
    return samples;
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
