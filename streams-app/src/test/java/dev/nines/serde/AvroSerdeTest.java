package dev.nines.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.testing.TestRegistry;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.SystemLimitException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  static ProbeResult probe() {
    return ProbeResult.newBuilder()
        .setProbeId("p1")
        .setCheck("c")
        .setService(Service.SMS)
        .setRegion("r")
        .setVantage("v")
        .setSuccess(true)
        .setCarrierId(null)
        .setCountry(null)
        .setLatencyMs(5L)
        .setErrorCode(null)
        .setObservedAt(Instant.ofEpochMilli(1000))
        .build();
  }

  /**
   * Golden bytes worked out by hand from the Avro spec: strings are a zig-zag varint length and
   * UTF-8; enums and union branches a zig-zag varint index; longs zig-zag varints.
   */
  static final String GOLDEN =
      String.join(
          "",
          "00",
          "0000002a", // magic byte, schema id 42 big-endian
          "04",
          "7031", // probeId "p1"
          "02",
          "63", // check "c"
          "02", // service SMS = symbol 1
          "02",
          "72", // region "r"
          "02",
          "76", // vantage "v"
          "01", // success true
          "00", // carrierId: union branch 0 = null
          "00", // country: null
          "02",
          "0a", // latencyMs: branch 1 = long, 5 -> zig-zag 10
          "00", // errorCode: null
          "d00f"); // observedAt 1000 ms -> zig-zag 2000 -> varint d0 0f

  @Test
  void writesConfluentWireFormatExactly() {
    var serde = AvroSerde.forValues(ProbeResult.class, new TestRegistry(42));
    byte[] bytes = serde.serialize("probe-results", probe());
    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(GOLDEN);
  }

  @Test
  void readsGoldenBytesBack() {
    var registry = new TestRegistry(42);
    registry.register("probe-results-value", ProbeResult.getClassSchema());
    var serde = AvroSerde.forValues(ProbeResult.class, registry);
    assertThat(serde.deserialize("probe-results", HexFormat.of().parseHex(GOLDEN)))
        .isEqualTo(probe());
  }

  @Test
  void registersUnderTopicNameStrategySubject() {
    var registry = new TestRegistry(1);
    AvroSerde.forValues(ProbeResult.class, registry).serialize("probe-results", probe());
    assertThat(registry.registrations)
        .containsOnly("probe-results-value|" + ProbeResult.getClassSchema());
  }

  @Test
  void nullIsATombstoneBothWays() {
    var serde = AvroSerde.forValues(ProbeResult.class, new TestRegistry(1));
    assertThat(serde.serialize("t", null)).isNull();
    assertThat(serde.deserialize("t", null)).isNull();
  }

  @Test
  void garbageBytesNameTheMagicByte() {
    var serde = AvroSerde.forValues(ProbeResult.class, new TestRegistry(1));
    assertThatThrownBy(() -> serde.deserialize("probe-results", "hello world".getBytes()))
        .isInstanceOf(SerdeException.class)
        .hasMessage(
            "topic 'probe-results': unknown magic byte 0x68 "
                + "(expected 0x00: Confluent wire format)");
  }

  @Test
  void wrongMagicByte() {
    byte[] bytes = HexFormat.of().parseHex(GOLDEN);
    bytes[0] = 1;
    var serde = AvroSerde.forValues(ProbeResult.class, new TestRegistry(42));
    assertThatThrownBy(() -> serde.deserialize("probe-results", bytes))
        .isInstanceOf(SerdeException.class)
        .hasMessageContaining("unknown magic byte 0x01");
  }

  @Test
  void shorterThanHeader() {
    var serde = AvroSerde.forValues(ProbeResult.class, new TestRegistry(42));
    assertThatThrownBy(() -> serde.deserialize("probe-results", new byte[] {0, 0, 1}))
        .isInstanceOf(SerdeException.class)
        .hasMessage(
            "topic 'probe-results': record of 3 bytes is shorter than the 5-byte "
                + "Confluent header (magic byte + schema id)");
  }

  @Test
  void unknownSchemaId() {
    var serde = AvroSerde.forValues(ProbeResult.class, new TestRegistry(42));
    assertThatThrownBy(() -> serde.deserialize("probe-results", HexFormat.of().parseHex(GOLDEN)))
        .isInstanceOf(SerdeException.class)
        .hasMessage(
            "topic 'probe-results', schema id 42: unknown schema id: "
                + "the registry has no schema 42")
        .satisfies(e -> assertThat(((SerdeException) e).schemaId()).isEqualTo(42));
  }

  @Test
  void truncatedBody() {
    var registry = new TestRegistry(42);
    registry.register("probe-results-value", ProbeResult.getClassSchema());
    var serde = AvroSerde.forValues(ProbeResult.class, registry);
    byte[] full = HexFormat.of().parseHex(GOLDEN);
    byte[] cut = Arrays.copyOf(full, full.length - 3);
    assertThatThrownBy(() -> serde.deserialize("probe-results", cut))
        .isInstanceOf(SerdeException.class)
        .hasMessageStartingWith("topic 'probe-results', schema id 42: body is truncated");
  }

  @Test
  void trailingBytesAreRejected() {
    var registry = new TestRegistry(42);
    registry.register("probe-results-value", ProbeResult.getClassSchema());
    var serde = AvroSerde.forValues(ProbeResult.class, registry);
    byte[] full = HexFormat.of().parseHex(GOLDEN);
    byte[] longer = Arrays.copyOf(full, full.length + 2);
    assertThatThrownBy(() -> serde.deserialize("probe-results", longer))
        .isInstanceOf(SerdeException.class)
        .hasMessageContaining("trailing bytes");
  }

  @Test
  void resolvesAnOlderWriterSchemaIntoTheCurrentClass() {
    // v0 of ProbeResult had no errorCode and no latencyMs; the current reader fills defaults.
    Schema old =
        new Schema.Parser()
            .parse(
                """
        {"type":"record","name":"ProbeResult","namespace":"dev.nines.schema","fields":[
          {"name":"probeId","type":"string"},{"name":"check","type":"string"},
          {"name":"service","type":{"type":"enum","name":"Service",
             "symbols":["UNKNOWN","SMS","VOICE","VERIFY"],"default":"UNKNOWN"}},
          {"name":"region","type":"string"},{"name":"vantage","type":"string"},
          {"name":"success","type":"boolean"},
          {"name":"carrierId","type":["null","string"],"default":null},
          {"name":"country","type":["null","string"],"default":null},
          {"name":"observedAt","type":{"type":"long","logicalType":"timestamp-millis"}}]}""");
    var registry = new TestRegistry(7);
    int id = registry.register("probe-results-value", old);
    // body of the old record, by hand: p1, c, SMS, r, v, true, null, null, 1000 ms
    byte[] bytes =
        HexFormat.of()
            .parseHex(
                "00"
                    + String.format("%08x", id)
                    + "047031"
                    + "0263"
                    + "02"
                    + "0272"
                    + "0276"
                    + "01"
                    + "00"
                    + "00"
                    + "d00f");
    ProbeResult read =
        AvroSerde.forValues(ProbeResult.class, registry).deserialize("probe-results", bytes);
    assertThat(read.getProbeId()).isEqualTo("p1");
    assertThat(read.getLatencyMs()).isNull();
    assertThat(read.getErrorCode()).isNull();
    assertThat(read.getObservedAt()).isEqualTo(Instant.ofEpochMilli(1000));
  }

  @Test
  void incompatibleWriterSchemaIsExplained() {
    Schema other =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"ProbeResult\",\"namespace\":\"dev.nines.schema\","
                    + "\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
    var registry = new TestRegistry(9);
    registry.register("probe-results-value", other);
    var serde = AvroSerde.forValues(ProbeResult.class, registry);
    assertThatThrownBy(
            () -> serde.deserialize("probe-results", HexFormat.of().parseHex("000000000902")))
        .isInstanceOf(SerdeException.class)
        .hasMessageStartingWith(
            "topic 'probe-results', schema id 9: writer schema "
                + "dev.nines.schema.ProbeResult cannot be read as dev.nines.schema.ProbeResult");
  }

  @Test
  void lookupOnlyModeFailsClearlyWhenTheSchemaIsNotRegistered() {
    var serde = new AvroSerde<>(ProbeResult.class, new TestRegistry(1), false, false);
    assertThatThrownBy(() -> serde.serialize("probe-results", probe()))
        .isInstanceOf(SerdeException.class)
        .hasMessageContaining("under subject 'probe-results-value'");
  }

  @Test
  void aHugeDeclaredLengthFailsBeforeItIsAllocated() throws Exception {
    AvroSerde.limitDeclaredLengths();
    // Avro reads its limits when its class loads, which in this JVM another test may have done
    // first: read them again, as a fresh process would with them set
    var reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
    reset.setAccessible(true);
    reset.invoke(null);
    var registry = new TestRegistry(42);
    registry.register("probe-results-value", ProbeResult.getClassSchema());
    var serde = AvroSerde.forValues(ProbeResult.class, registry);
    // magic, id 42, then probeId declared 1,000,000,000 bytes long (zig-zag varint of 2e9)
    byte[] frame = HexFormat.of().parseHex("000000002a" + "80a8d6b907");
    assertThatThrownBy(() -> serde.deserialize("probe-results", frame))
        .isInstanceOf(SerdeException.class)
        .hasMessageContaining("String length 1000000000 exceeds maximum allowed");
  }
}
