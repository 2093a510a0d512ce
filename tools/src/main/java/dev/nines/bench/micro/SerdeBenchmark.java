package dev.nines.bench.micro;

import dev.nines.TopicNames;
import dev.nines.schema.Channel;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.DeliveryStatus;
import dev.nines.schema.FailureCause;
import dev.nines.serde.AvroSerde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Every receipt goes through the serde: our Confluent wire-format {@link AvroSerde} (5-byte
 * header, schema id from the registry, a reader resolved against the writer's schema) next to
 * the floor any Avro encoding pays, the raw binary body alone with a reused encoder and decoder.
 */
@State(Scope.Thread)
public class SerdeBenchmark {
  private static final String TOPIC = TopicNames.DELIVERY_RECEIPTS;

  DeliveryReceipt receipt;
  AvroSerde<DeliveryReceipt> serde;

  /** The receipt in the wire format, as a consumer reads it. */
  byte[] framed;

  private SpecificDatumWriter<DeliveryReceipt> rawWriter;
  private ByteArrayOutputStream rawOut;
  private BinaryEncoder rawEncoder;
  private SpecificDatumReader<DeliveryReceipt> rawReader;
  private BinaryDecoder rawDecoder;

  /** The receipt as raw Avro bytes: no header. */
  byte[] raw;

  @Setup
  public void setup() throws IOException {
    receipt = receipt();
    serde = AvroSerde.forValues(DeliveryReceipt.class, new InMemoryRegistry());
    // the first write registers the schema and caches its id; the benchmark measures later ones
    framed = serde.serialize(TOPIC, receipt);
    rawWriter = new SpecificDatumWriter<>(DeliveryReceipt.class);
    rawOut = new ByteArrayOutputStream();
    rawEncoder = EncoderFactory.get().directBinaryEncoder(rawOut, null);
    rawReader = new SpecificDatumReader<>(DeliveryReceipt.class);
    raw = baselineSerialize();
  }

  /**
   * A delivered SMS receipt as the simulator writes them for the default scenario (its id
   * format, account, carrier, region, a 2.5 s delivery: the median latency).
   */
  static DeliveryReceipt receipt() {
    Instant completed = Instant.parse("2026-09-14T15:02:17.412Z");
    return DeliveryReceipt.newBuilder()
        .setMessageId("5e0c7a91-us-sms-1789398137-17")
        .setAccountId("acme-retail")
        .setChannel(Channel.SMS)
        .setCarrierId("atlas")
        .setCountry("US")
        .setRegion("us-east")
        .setStatus(DeliveryStatus.DELIVERED)
        .setFailureCause(FailureCause.NONE)
        .setErrorCode(null)
        .setSubmittedAt(completed.minusMillis(2_500))
        .setCompletedAt(completed)
        .build();
  }

  @Benchmark
  public byte[] ninesSerialize() {
    return serde.serialize(TOPIC, receipt);
  }

  /** The copy out of the stream is kept: the serde, too, returns a fresh array per record. */
  @Benchmark
  public byte[] baselineSerialize() throws IOException {
    rawOut.reset();
    rawWriter.write(receipt, rawEncoder);
    rawEncoder.flush();
    return rawOut.toByteArray();
  }

  @Benchmark
  public DeliveryReceipt ninesDeserialize() {
    return serde.deserialize(TOPIC, framed);
  }

  @Benchmark
  public DeliveryReceipt baselineDeserialize() throws IOException {
    rawDecoder = DecoderFactory.get().binaryDecoder(raw, rawDecoder);
    return rawReader.read(null, rawDecoder);
  }
}
