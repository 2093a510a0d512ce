package dev.nines.replay;

import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.config.NinesConfig.TopicLayout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Copies the live input of a time range into the shadow input topics, record for record: the same
 * partition, key bytes, value bytes, timestamp and headers, in the same order.
 *
 * <p>What is copied, per partition, is a contiguous run of the live log (committed records only),
 * so the replay reads exactly the sequence the live app read between two points:
 *
 * <ul>
 *   <li>{@code delivery-receipts}, {@code probe-results}: from the first record stamped at or
 *       after {@code from} (the broker's time index) up to, not including, the first one stamped
 *       at or after {@code to}. Timestamps out of order inside that run are copied as they are.
 *   <li>{@code route-plans}, {@code sla-contracts}, {@code maintenance-windows} (compacted
 *       reference data): from the beginning up to the first record stamped at or after {@code
 *       to}, because the plans, contracts and windows in force at {@code from} were written
 *       before it.
 * </ul>
 */
public final class ShadowCopy {
  private ShadowCopy() {}

  /** A stalled copy (nothing read for this long while records remain) stops with a message. */
  static final Duration STALL = Duration.ofSeconds(120);

  /** The offsets to copy of one live partition: [start, end). */
  public record Span(TopicPartition live, long start, long end, long logStart) {
    long size() {
      return Math.max(0, end - start);
    }
  }

  /**
   * @param copied records copied per contract topic name
   * @param earlierRecords receipts and probes in the live log before the range: the state they
   *     built in the live app (open windows, carrier states, open incidents) is not in the replay
   * @param lastStamp the latest timestamp of a copied receipt or probe
   */
  public record Result(Map<String, Long> copied, long earlierRecords, Optional<Instant> lastStamp) {
    public long total() {
      return copied.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Whether the range of this input topic is chosen by timestamp (else: from the beginning). */
  static boolean timeRanged(Topic<?> t) {
    return !t.compacted();
  }

  /** The spans of every live input partition. */
  public static List<Span> spans(Admin admin, TopicLayout live, Instant from, Instant to)
      throws ExecutionException, InterruptedException {
    List<TopicPartition> parts = new ArrayList<>();
    Map<String, Topic<?>> byName = new HashMap<>();
    for (Topic<?> t : Topics.INPUTS) {
      byName.put(live.name(t), t);
    }
    admin
        .describeTopics(byName.keySet())
        .allTopicNames()
        .get()
        .forEach(
            (name, d) ->
                d.partitions().forEach(p -> parts.add(new TopicPartition(name, p.partition()))));
    Map<TopicPartition, ListOffsetsResultInfo> earliest =
        offsets(admin, parts, OffsetSpec.earliest());
    Map<TopicPartition, ListOffsetsResultInfo> latest = offsets(admin, parts, OffsetSpec.latest());
    Map<TopicPartition, ListOffsetsResultInfo> atFrom =
        offsets(admin, parts, OffsetSpec.forTimestamp(from.toEpochMilli()));
    Map<TopicPartition, ListOffsetsResultInfo> atTo =
        offsets(admin, parts, OffsetSpec.forTimestamp(to.toEpochMilli()));
    List<Span> spans = new ArrayList<>();
    for (TopicPartition tp : parts) {
      long logStart = earliest.get(tp).offset();
      long lso = latest.get(tp).offset();
      long end = atTo.get(tp).offset() < 0 ? lso : Math.min(atTo.get(tp).offset(), lso);
      long start =
          timeRanged(byName.get(tp.topic()))
              ? (atFrom.get(tp).offset() < 0 ? lso : atFrom.get(tp).offset())
              : logStart;
      spans.add(new Span(tp, Math.min(Math.max(start, logStart), end), end, logStart));
    }
    spans.sort(
        Comparator.comparing((Span s) -> s.live().topic())
            .thenComparingInt(s -> s.live().partition()));
    return spans;
  }

  private static Map<TopicPartition, ListOffsetsResultInfo> offsets(
      Admin admin, List<TopicPartition> parts, OffsetSpec spec)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
    parts.forEach(tp -> ask.put(tp, spec));
    return admin
        .listOffsets(ask, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
        .all()
        .get();
  }

  /**
   * Copies the spans into the shadow topics (which must exist with at least as many partitions).
   *
   * @param clientProps bootstrap servers and any client overrides
   */
  public static Result copy(
      Map<String, Object> clientProps,
      TopicLayout live,
      TopicLayout shadow,
      List<Span> spans,
      Progress progress) {
    Map<String, String> shadowName = new HashMap<>();
    Map<String, Topic<?>> topicOf = new HashMap<>();
    for (Topic<?> t : Topics.INPUTS) {
      shadowName.put(live.name(t), shadow.name(t));
      topicOf.put(live.name(t), t);
    }
    Map<TopicPartition, Span> remaining = new LinkedHashMap<>();
    spans.stream().filter(s -> s.size() > 0).forEach(s -> remaining.put(s.live(), s));
    long total = spans.stream().mapToLong(Span::size).sum();
    long earlier =
        spans.stream()
            .filter(s -> timeRanged(topicOf.get(s.live().topic())))
            .mapToLong(s -> Math.max(0, s.start() - s.logStart()))
            .sum();
    Map<String, Long> copied = new LinkedHashMap<>();
    Topics.INPUTS.forEach(t -> copied.put(t.name(), 0L));
    long lastStamp = Long.MIN_VALUE;

    Map<String, Object> cc = new HashMap<>(clientProps);
    cc.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    cc.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    Map<String, Object> pc = new HashMap<>(clientProps);
    pc.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    pc.put(ProducerConfig.ACKS_CONFIG, "all");
    pc.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    pc.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (var consumer =
            new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        var producer =
            new KafkaProducer<>(pc, new ByteArraySerializer(), new ByteArraySerializer())) {
      consumer.assign(remaining.keySet());
      remaining.values().forEach(s -> consumer.seek(s.live(), s.start()));
      long done = 0;
      long lastProgress = System.nanoTime();
      while (!remaining.isEmpty()) {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          Span s = remaining.get(tp);
          if (s == null || r.offset() >= s.end()) {
            continue;
          }
          producer.send(
              new ProducerRecord<>(
                  shadowName.get(r.topic()),
                  r.partition(),
                  r.timestamp(),
                  r.key(),
                  r.value(),
                  r.headers()),
              (md, e) -> {
                if (e != null) {
                  failed.compareAndSet(null, e);
                }
              });
          String contract = topicOf.get(r.topic()).name();
          copied.merge(contract, 1L, Long::sum);
          if (timeRanged(topicOf.get(r.topic()))) {
            lastStamp = Math.max(lastStamp, r.timestamp());
          }
          n++;
        }
        if (failed.get() != null) {
          throw new IllegalStateException(
              "copying into the shadow topics failed: " + failed.get().getMessage(), failed.get());
        }
        done = 0;
        for (Span s : spans) {
          if (remaining.containsKey(s.live())) {
            long pos = Math.min(consumer.position(s.live()), s.end());
            done += Math.max(0, pos - s.start());
            if (pos >= s.end()) {
              remaining.remove(s.live());
              consumer.pause(List.of(s.live()));
            }
          } else {
            done += s.size();
          }
        }
        if (n > 0) {
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
          throw new IllegalStateException(
              "copying stalled: nothing read for "
                  + STALL
                  + " with "
                  + remaining.size()
                  + " partition(s) unfinished, e.g. "
                  + remaining.keySet().iterator().next());
        }
        progress.update("copying", done, total, "");
      }
      producer.flush();
      if (failed.get() != null) {
        throw new IllegalStateException(
            "copying into the shadow topics failed: " + failed.get().getMessage(), failed.get());
      }
      progress.finish("copying", total, total, "");
    }
    return new Result(
        copied,
        earlier,
        lastStamp == Long.MIN_VALUE
            ? Optional.empty()
            : Optional.of(Instant.ofEpochMilli(lastStamp)));
  }

  /** Waits for an admin future with a bound, as one line on failure. */
  static <T> T get(KafkaFuture<T> f, String what) {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("cannot " + what + ": " + c.getMessage(), c);
    }
  }
}
