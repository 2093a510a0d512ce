package dev.nines.platform.registry;

import dev.nines.TopicNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaStore} on a compacted Kafka topic ({@link TopicNames#SCHEMAS} by default), in
 * the spirit of Confluent's {@code _schemas} (format: {@link StoreEventCodec}), so the registry's
 * ids survive restarts and live as long as the data framed with them.
 *
 * <ul>
 *   <li>{@link #start}: creates the topic if missing (1 partition, so the log has one order;
 *       {@code cleanup.policy=compact}, so it is never truncated by time or size), refuses a
 *       topic with more partitions or another cleanup policy, then reads it from the beginning up
 *       to the end offset taken at start, handing each event to the registry.</li>
 *   <li>{@link #append}: produces one record synchronously ({@code send(...).get()}) with
 *       {@code acks=all} and an idempotent producer, so when it returns the event is on every
 *       in-sync replica and a retry cannot write it twice; only then does the registry apply it.
 *       </li>
 * </ul>
 *
 * <p><b>Single writer.</b> The store does not follow the topic after start: it assumes it is the
 * topic's only writer, which is what lets the registry decide ids from its own memory. Run one
 * registry per topic; a second one would hand out the same ids to other schemas. (Confluent
 * solves this with leader election, which an embedded registry does not need.)
 *
 * <p>If a write times out the record may still have been written; the registry then reports a
 * store error for a change that a restart will show. That is the safe side: an id is never used
 * that the log does not hold.
 *
 * <p>Ids come from the highest id in the log. Once compaction has removed every record of a
 * permanently deleted schema (its tombstones included, after {@code delete.retention.ms}), a
 * restarted registry may give that schema's id to a new one, as Confluent's can; so permanent
 * deletes are for schemas no record still uses.
 *
 * <p>Every Kafka failure surfaces as a {@link SchemaStoreException} that names the topic.
 */
public final class KafkaSchemaStore implements SchemaStore {

  private static final Logger log = LoggerFactory.getLogger(KafkaSchemaStore.class);

  /** How long one admin call, a replay poll round or a write may take before failing. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** How long the whole replay at start may take. */
  private static final Duration REPLAY_TIMEOUT = Duration.ofMinutes(2);

  private final String bootstrapServers;
  private final String topic;
  private final short replicationFactor;
  private final Map<String, Object> extraClientConfig;
  private final Duration timeout;
  private final StoreEventCodec codec = new StoreEventCodec();

  private KafkaProducer<byte[], byte[]> producer;
  private boolean closed;

  /**
   * @param bootstrapServers the Kafka cluster
   * @param topic the log topic, normally {@link TopicNames#SCHEMAS}
   * @param replicationFactor used only when the topic has to be created
   * @param extraClientConfig added to the admin, consumer and producer configs (security
   *     settings, client ids, ...); it cannot override the settings this store's guarantees rest
   *     on (serializers, acks, idempotence, offsets)
   */
  public KafkaSchemaStore(
      String bootstrapServers,
      String topic,
      short replicationFactor,
      Map<String, Object> extraClientConfig) {
    this(bootstrapServers, topic, replicationFactor, extraClientConfig, DEFAULT_TIMEOUT);
  }

  /** As the other constructor, with the per-operation timeout given. */
  public KafkaSchemaStore(
      String bootstrapServers,
      String topic,
      short replicationFactor,
      Map<String, Object> extraClientConfig,
      Duration timeout) {
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.topic = Objects.requireNonNull(topic, "topic");
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replicationFactor must be >= 1");
    }
    this.replicationFactor = replicationFactor;
    this.extraClientConfig = Map.copyOf(extraClientConfig == null ? Map.of() : extraClientConfig);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("timeout must be at least 1 s, was " + timeout);
    }
  }

  public String topic() {
    return topic;
  }

  @Override
  public synchronized void start(Consumer<StoreEvent> sink) {
    if (producer != null || closed) {
      throw new IllegalStateException("schema store on topic '" + topic + "' already started");
    }
    try (Admin admin = Admin.create(adminConfig())) {
      ensureTopic(admin);
    }
    int events = replay(sink);
    producer = new KafkaProducer<>(producerConfig());
    log.info("Schema store ready on topic '{}' ({} events replayed)", topic, events);
  }

  @Override
  public synchronized void append(StoreEvent event) {
    if (producer == null || closed) {
      throw new SchemaStoreException(
          "schema store on topic '" + topic + "' is " + (closed ? "closed" : "not started"));
    }
    StoreEventCodec.KeyValue kv = codec.encode(event);
    // Partition 0 explicitly: the topic has one partition and the log's order is its meaning.
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0, kv.key(), kv.value());
    try {
      // The producer gives up after delivery.timeout.ms (= timeout); the extra margin only
      // guards against a future that is never completed.
      producer.send(record).get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new SchemaStoreException(
          "Could not write " + event + " to schema topic '" + topic + "': " + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new SchemaStoreException(
          "Timed out writing " + event + " to schema topic '" + topic + "' after " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaStoreException(
          "Interrupted while writing " + event + " to schema topic '" + topic + "'", e);
    } catch (KafkaException e) {
      throw new SchemaStoreException(
          "Could not write " + event + " to schema topic '" + topic + "': " + e, e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }

  // ---------------------------------------------------------------- start

  private void ensureTopic(Admin admin) {
    Optional<TopicDescription> existing = describe(admin);
    if (existing.isEmpty()) {
      NewTopic newTopic =
          new NewTopic(topic, 1, replicationFactor)
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        await(admin.createTopics(List.of(newTopic)).all(), "create schema topic");
        log.info(
            "Created schema topic '{}' (1 partition, replication factor {}, compacted)",
            topic,
            replicationFactor);
        return;
      } catch (SchemaStoreException e) {
        if (e.getCause() instanceof TimeoutException) {
          throw e;
        }
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new SchemaStoreException(
              "Could not create schema topic '"
                  + topic
                  + "' with replication factor "
                  + replicationFactor
                  + ": "
                  + e.getCause(),
              e.getCause());
        }
        // Created by someone else meanwhile: verify it like any existing topic.
        existing = describe(admin);
        if (existing.isEmpty()) {
          throw e;
        }
      }
    }
    int partitions = existing.get().partitions().size();
    if (partitions != 1) {
      throw new SchemaStoreException(
          "Schema topic '"
              + topic
              + "' has "
              + partitions
              + " partitions; it must have exactly 1 so that the registry's log has a single order");
    }
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Map<ConfigResource, Config> configs =
        await(admin.describeConfigs(List.of(resource)).all(), "describe schema topic config");
    ConfigEntry policy = configs.get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG);
    String value = policy == null ? null : policy.value();
    if (!TopicConfig.CLEANUP_POLICY_COMPACT.equals(value)) {
      // With "delete" (even alongside "compact") old schemas would expire while records framed
      // with their ids are still around; Confluent refuses such a topic too.
      throw new SchemaStoreException(
          "Schema topic '"
              + topic
              + "' has cleanup.policy="
              + value
              + "; it must be exactly 'compact' so that no schema ever expires");
    }
  }

  private Optional<TopicDescription> describe(Admin admin) {
    try {
      Map<String, TopicDescription> found =
          await(admin.describeTopics(List.of(topic)).allTopicNames(), "describe schema topic");
      return Optional.ofNullable(found.get(topic));
    } catch (SchemaStoreException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Reads the topic from the beginning to the end offset taken now; returns the events read. */
  private int replay(Consumer<StoreEvent> sink) {
    TopicPartition partition = new TopicPartition(topic, 0);
    long deadline = System.nanoTime() + REPLAY_TIMEOUT.toNanos();
    int events = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
      while (consumer.position(partition, timeout) < end) {
        if (System.nanoTime() > deadline) {
          throw new SchemaStoreException(
              "Timed out reading schema topic '"
                  + topic
                  + "': at offset "
                  + consumer.position(partition, timeout)
                  + " of "
                  + end
                  + " after "
                  + REPLAY_TIMEOUT);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() >= end) {
            break; // written after start began; cannot happen with a single writer
          }
          Optional<StoreEvent> event;
          try {
            event = codec.decode(record.key(), record.value());
          } catch (IllegalArgumentException e) {
            throw new SchemaStoreException(
                "Schema topic '"
                    + topic
                    + "' has an unreadable record"
                    + " at offset "
                    + record.offset()
                    + ": "
                    + e.getMessage(),
                e);
          }
          if (event.isPresent()) {
            try {
              sink.accept(event.get());
            } catch (RuntimeException e) {
              throw new SchemaStoreException(
                  "Schema topic '"
                      + topic
                      + "' record at offset "
                      + record.offset()
                      + " cannot be applied: "
                      + e.getMessage(),
                  e);
            }
            events++;
          }
        }
      }
      return events;
    } catch (KafkaException e) {
      throw new SchemaStoreException("Could not read schema topic '" + topic + "': " + e, e);
    }
  }

  private <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new SchemaStoreException(
          "Could not " + what + " '" + topic + "': " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new SchemaStoreException(
          "Timed out after "
              + timeout
              + " trying to "
              + what
              + " '"
              + topic
              + "' at "
              + bootstrapServers,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaStoreException("Interrupted while trying to " + what + " '" + topic + "'", e);
    }
  }

  // ---------------------------------------------------------------- client configs

  private Map<String, Object> common(String role) {
    Map<String, Object> config = new HashMap<>(extraClientConfig);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "nines-schema-registry-" + role);
    return config;
  }

  private Map<String, Object> adminConfig() {
    Map<String, Object> config = common("admin");
    config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, millis(timeout));
    config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, millis(requestTimeout()));
    return config;
  }

  private Map<String, Object> consumerConfig() {
    Map<String, Object> config = common("reader");
    // No group: the partition is assigned and read from the start every time.
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis(timeout));
    config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(requestTimeout()));
    return config;
  }

  private Map<String, Object> producerConfig() {
    Map<String, Object> config = common("writer");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // delivery.timeout.ms must be >= linger.ms + request.timeout.ms.
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(requestTimeout()));
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis(timeout));
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis(timeout).longValue());
    return config;
  }

  /** Half the operation timeout, so a request can be retried once within it. */
  private Duration requestTimeout() {
    return timeout.dividedBy(2);
  }

  private static Integer millis(Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
  }
}
