package dev.nines.ingest.stream;

import dev.nines.Topics;
import dev.nines.ingest.InvalidInputException;
import dev.nines.ingest.OriginalRecord;
import dev.nines.serde.OutputLimits;
import dev.nines.serde.RegistryUnavailableException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.LoggerFactory;

/**
 * Counts dead letters per source topic and reason, as the metric {@code
 * nines-dead-letters/dead-letters-total{topic, reason}} (Kafka's metrics library, also on JMX
 * under {@code nines}). The reason is {@link InvalidInputException#reason()} for input that was
 * read but unusable, else the exception's class name (e.g. {@code SerdeException} for bytes
 * that could not be read).
 *
 * <p>Kafka Streams' own handlers write the dead letters (original bytes, headers naming topic,
 * partition, offset, exception and message); the two subclasses here only count before they
 * delegate. Streams creates its handlers from class names, so the one instance per app reaches
 * them through the configs under {@link #CONFIG_KEY}.
 */
public final class DeadLetters implements AutoCloseable {
  public static final String CONFIG_KEY = "nines.dead.letters.metrics";

  /**
   * The largest record the app's producer sends (max.request.size): twice Kafka's default, so
   * that an input record as large as the broker accepted by default (1 MiB) still fits in
   * dead-letters with the headers Kafka Streams adds (its stack trace among them). At Kafka's
   * default the dead letter of such a record could not be sent, and its stream thread failed on
   * it again and again.
   */
  public static final int MAX_RECORD_BYTES = Topics.DEAD_LETTER_MAX_RECORD_BYTES;

  public static final String GROUP = "nines-dead-letters";
  public static final String NAME = "dead-letters-total";

  private final Metrics metrics =
      new Metrics(
          new MetricConfig(),
          List.of(new JmxReporter()),
          Time.SYSTEM,
          new KafkaMetricsContext("nines"));
  private final Map<String, Sensor> sensors = new ConcurrentHashMap<>();

  void count(String topic, String reason) {
    String t = topic == null ? "unknown" : topic;
    sensors
        .computeIfAbsent(
            t + "\u0000" + reason,
            k -> {
              Sensor s = metrics.sensor("dead-letters." + t + "." + reason);
              s.add(
                  new MetricName(
                      NAME,
                      GROUP,
                      "dead letters by source topic and reason",
                      Map.of("topic", t, "reason", reason)),
                  new CumulativeCount());
              return s;
            })
        .record();
  }

  /** "topic reason" to count, sorted: for tests, logs and the status API. */
  public Map<String, Long> counts() {
    Map<String, Long> out = new TreeMap<>();
    metrics
        .metrics()
        .forEach(
            (name, m) -> {
              if (name.group().equals(GROUP)) {
                out.put(
                    name.tags().get("topic") + " " + name.tags().get("reason"),
                    ((Number) m.metricValue()).longValue());
              }
            });
    return out;
  }

  public Metrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    metrics.close();
  }

  static String reasonOf(Exception e) {
    return e instanceof InvalidInputException i ? i.reason() : e.getClass().getSimpleName();
  }

  /** Counts a dead letter written by a processor itself, through the app's configs. */
  public static void count(Map<String, Object> appConfigs, String topic, String reason) {
    DeadLetters d = from(appConfigs);
    if (d != null) {
      d.count(topic, reason);
    }
  }

  /**
   * The headers of a dead letter for a record judged after a repartition: the ones Kafka
   * Streams' handlers write ({@link ExceptionHandlerUtils}), naming the original record's place.
   */
  public static Headers headers(OriginalRecord r, Exception e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    Headers h = new RecordHeaders();
    h.add(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME, utf8(e.getClass().getName()));
    h.add(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME, utf8(e.getMessage()));
    h.add(ExceptionHandlerUtils.HEADER_ERRORS_STACKTRACE_NAME, utf8(trace.toString()));
    h.add(ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME, utf8(r.topic()));
    h.add(ExceptionHandlerUtils.HEADER_ERRORS_PARTITION_NAME, utf8("" + r.partition()));
    h.add(ExceptionHandlerUtils.HEADER_ERRORS_OFFSET_NAME, utf8("" + r.offset()));
    return h;
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  static DeadLetters from(Map<String, ?> configs) {
    return configs.get(CONFIG_KEY) instanceof DeadLetters d ? d : null;
  }

  /**
   * Invalid input ({@link InvalidInputException}, raised by the admission checks only): counted,
   * then dead-lettered by Kafka Streams' handler. Any other exception fails the stream thread.
   */
  public static final class ProcessingHandler extends LogAndContinueProcessingExceptionHandler {
    private DeadLetters counter;

    @Override
    public Response handleError(
        ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
      if (!(exception instanceof InvalidInputException)) {
        // Not bad input: the plans unreadable for now (see PlansUnavailableException), a
        // dependency down, or a bug in an internal stage. Skipping the record would lose a month
        // close or a credit silently; the thread fails instead and a new one resumes from the
        // last commit (dev.nines.app.NinesApp), loudly, until it is fixed.
        return Response.fail();
      }
      if (counter != null) {
        counter.count(context.topic(), reasonOf(exception));
      }
      return super.handleError(context, record, exception);
    }

    @Override
    public void configure(Map<String, ?> configs) {
      super.configure(configs);
      counter = from(configs);
    }
  }

  /**
   * An output too large to send: the record that caused it goes to dead-letters with the reason
   * ({@code output-too-large}) and processing goes on, instead of a thread that fails on the same
   * record for ever. Values over their topic's limit are caught as they are serialized ({@link
   * OutputLimits}), before the producer sees them: a record the producer or broker refuses makes
   * an exactly-once transaction abortable whatever this handler answers. A refusal that gets past
   * that check is handled the same way here (it helps at-least-once). Any other failure to send
   * fails the thread, as Kafka Streams' default handler does.
   */
  public static final class ProductionHandler extends DefaultProductionExceptionHandler {
    public static final String TOO_LARGE = "output-too-large";
    private DeadLetters counter;
    private String topic;

    @Override
    public Response handleError(
        ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
      if (!(exception instanceof RecordTooLargeException)) {
        return super.handleError(context, record, exception);
      }
      return deadLettered(context, record.topic(), exception);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(
        ErrorHandlerContext context,
        ProducerRecord record,
        Exception exception,
        SerializationExceptionOrigin origin) {
      if (!(exception instanceof OutputLimits.OutputTooLargeException)) {
        return super.handleSerializationError(context, record, exception, origin);
      }
      return deadLettered(context, record.topic(), exception);
    }

    private Response deadLettered(ErrorHandlerContext context, String output, Exception e) {
      LoggerFactory.getLogger(DeadLetters.class)
          .error(
              "output to {} not sent ({}); the input record {}-{} offset {} goes to dead-letters",
              output,
              e.getMessage(),
              context.topic(),
              context.partition(),
              context.offset());
      if (counter != null) {
        counter.count(context.topic(), TOO_LARGE);
      }
      // Kafka's own helper, as its handlers use it: the same headers as every other dead letter
      return Response.resume(
          ExceptionHandlerUtils.maybeBuildDeadLetterQueueRecords(
              topic, context.sourceRawKey(), context.sourceRawValue(), context, e));
    }

    @Override
    public void configure(Map<String, ?> configs) {
      super.configure(configs);
      counter = from(configs);
      Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
      topic = t == null ? null : t.toString();
    }
  }

  /**
   * Unreadable bytes: counted, then dead-lettered by Kafka Streams' handler; a registry that did
   * not answer fails the stream thread instead (the record is not at fault).
   */
  public static final class DeserializationHandler extends LogAndContinueExceptionHandler {
    private DeadLetters counter;

    @Override
    public Response handleError(
        ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
      if (RegistryUnavailableException.causedBy(exception)) {
        // the registry did not answer: the bytes may be fine; read them again later
        return Response.fail();
      }
      if (counter != null) {
        counter.count(record.topic(), reasonOf(exception));
      }
      return super.handleError(context, record, exception);
    }

    @Override
    public void configure(Map<String, ?> configs) {
      super.configure(configs);
      counter = from(configs);
    }
  }
}
