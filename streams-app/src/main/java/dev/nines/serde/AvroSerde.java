package dev.nines.serde;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for generated (specific) Avro records in Confluent's wire format, byte-compatible with
 * {@code KafkaAvroSerializer}/{@code KafkaAvroDeserializer} with TopicNameStrategy
 * ({@code <topic>-value}). Records written with an older registered schema are resolved into the
 * current class's schema (Avro schema resolution), so a consumer built with a newer schema jar
 * reads history.
 *
 * <p>Thread-safe: Kafka Streams shares one serde instance across stream threads.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  static {
    limitDeclaredLengths();
  }

  /** Longest string or bytes value, and most items of an array or map, Avro will allocate. */
  public static final int MAX_DECLARED_LENGTH = 16 * 1024 * 1024;

  public static final int MAX_DECLARED_ITEMS = 1_000_000;

  /**
   * Bounds what Avro allocates for a declared length before it reads the bytes: a frame of a few
   * bytes declaring a 2 GB string would otherwise exhaust the heap (an Error, not a bad record:
   * the thread would die on it again and again). Avro reads these properties once, when its
   * {@code SystemLimitException} class loads, so this runs before nines decodes anything; a
   * value set by the operator (-D) is kept.
   */
  public static void limitDeclaredLengths() {
    setIfAbsent("org.apache.avro.limits.string.maxLength", MAX_DECLARED_LENGTH);
    setIfAbsent("org.apache.avro.limits.bytes.maxLength", MAX_DECLARED_LENGTH);
    setIfAbsent("org.apache.avro.limits.collectionItems.maxLength", MAX_DECLARED_ITEMS);
  }

  private static void setIfAbsent(String key, int value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, Integer.toString(value));
    }
  }

  private final Class<T> type;
  private final Schema readerSchema;
  private final SchemaRegistryClient registry;
  private final boolean autoRegister;
  private final boolean isKey;
  private final SpecificDatumWriter<T> writer;
  private final Map<String, Integer> idBySubject = new ConcurrentHashMap<>();
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

  /**
   * @param autoRegister register the schema on first write (true for our own outputs); false
   *     looks it up and fails if the registry does not already know it
   */
  public AvroSerde(
      Class<T> type, SchemaRegistryClient registry, boolean autoRegister, boolean isKey) {
    this.type = type;
    this.readerSchema = SpecificData.get().getSchema(type);
    this.registry = registry;
    this.autoRegister = autoRegister;
    this.isKey = isKey;
    this.writer = new SpecificDatumWriter<>(readerSchema);
  }

  public static <T extends SpecificRecord> AvroSerde<T> forValues(
      Class<T> type, SchemaRegistryClient registry) {
    return new AvroSerde<>(type, registry, true, false);
  }

  public Class<T> type() {
    return type;
  }

  public String subject(String topic) {
    return topic + (isKey ? "-key" : "-value");
  }

  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    Integer id = null;
    try {
      String subject = subject(topic);
      id =
          idBySubject.computeIfAbsent(
              subject,
              s ->
                  autoRegister
                      ? registry.register(s, readerSchema)
                      : registry.lookup(s, readerSchema));
      Buffers b = buffers.get();
      b.out.reset();
      b.encoder = EncoderFactory.get().directBinaryEncoder(b.out, b.encoder);
      writer.write(record, b.encoder);
      b.encoder.flush();
      return WireFormat.frame(id, b.out.buffer(), b.out.size());
    } catch (SchemaRegistryClient.RegistryException e) {
      if (e.unavailable()) {
        throw new RegistryUnavailableException(
            topic,
            id,
            "cannot register or find schema " + readerSchema.getFullName() + ": " + e.getMessage(),
            e);
      }
      throw new SerdeException(
          topic,
          id,
          "cannot register or find schema "
              + readerSchema.getFullName()
              + " under subject '"
              + subject(topic)
              + "': "
              + e.getMessage(),
          e);
    } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
      throw new SerdeException(topic, id, "cannot write " + type.getSimpleName() + ": " + e, e);
    }
  }

  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    int id = WireFormat.schemaId(topic, data);
    SpecificDatumReader<T> reader = readerFor(topic, id);
    try {
      Buffers b = buffers.get();
      b.decoder =
          DecoderFactory.get()
              .binaryDecoder(
                  data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, b.decoder);
      T value = reader.read(null, b.decoder);
      if (!b.decoder.isEnd()) {
        throw new SerdeException(
            topic,
            id,
            "body has trailing bytes after a complete "
                + type.getSimpleName()
                + " (written with another schema than its id says?)",
            null);
      }
      return value;
    } catch (IOException
        | AvroRuntimeException
        | IndexOutOfBoundsException
        | NegativeArraySizeException e) {
      // Avro reports a body cut short as EOFException; a corrupt one as several other errors.
      String what =
          e instanceof EOFException
              ? "body is truncated: it ends before a complete " + type.getSimpleName()
              : "body is not a valid " + type.getSimpleName() + ": " + e;
      throw new SerdeException(topic, id, what, e);
    }
  }

  private SpecificDatumReader<T> readerFor(String topic, int id) {
    SpecificDatumReader<T> r = readers.get(id);
    if (r != null) {
      return r;
    }
    Schema writerSchema;
    try {
      writerSchema = registry.schemaById(id);
    } catch (SchemaRegistryClient.RegistryException e) {
      if (e.unavailable()) {
        // the registry did not answer: the record is not at fault, so it is not dead-lettered
        throw new RegistryUnavailableException(
            topic, id, "cannot fetch the writer schema: " + e.getMessage(), e);
      }
      String what =
          e.errorCode() == 40403 || e.status() == 404
              ? "unknown schema id: the registry has no schema " + id
              : "cannot fetch the writer schema: " + e.getMessage();
      throw new SerdeException(topic, id, what, e);
    }
    var compat = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
    if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new SerdeException(
          topic,
          id,
          "writer schema "
              + writerSchema.getFullName()
              + " cannot be read as "
              + readerSchema.getFullName()
              + ": "
              + compat.getResult().getIncompatibilities(),
          null);
    }
    SpecificDatumReader<T> created = new SpecificDatumReader<>(writerSchema, readerSchema);
    readers.putIfAbsent(id, created);
    return readers.get(id);
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, data) -> serialize(topic, data);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, data) -> deserialize(topic, data);
  }

  /** Per-thread encoding buffers, so serializing allocates only the framed result. */
  private static final class Buffers {
    final ExposedBytes out = new ExposedBytes();
    BinaryEncoder encoder;
    BinaryDecoder decoder;
  }

  private static final class ExposedBytes extends ByteArrayOutputStream {
    ExposedBytes() {
      super(256);
    }

    byte[] buffer() {
      return buf;
    }
  }
}
