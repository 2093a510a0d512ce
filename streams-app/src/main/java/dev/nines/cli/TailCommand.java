package dev.nines.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.api.AvroJson;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import dev.nines.serde.AvroSerde;
import dev.nines.serde.RestSchemaRegistryClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints a contract topic's committed records as JSON lines, decoded through the registry. */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Print a contract topic's records as JSON lines (one per record: key, "
          + "partition, offset, timestamp, value), decoded with the schema registry. Reads "
          + "committed records only; follows new ones until Ctrl-C."
    })
final class TailCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "TOPIC",
      description =
          "A contract topic, e.g. incidents or " + "routing-weights (without topics.prefix).")
  String topicName;

  @Option(
      names = "--from-beginning",
      description = "Start at the oldest record kept, not the " + "end.")
  boolean fromBeginning;

  @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
  Long max;

  @Option(
      names = "--no-follow",
      description = "Stop at the end of the topic instead of " + "waiting for new records.")
  boolean noFollow;

  @Override
  public Integer call() {
    Topic<?> topic;
    try {
      topic = Topics.byName(topicName);
    } catch (IllegalArgumentException e) {
      throw new Main.UserError(e.getMessage());
    }
    NinesConfig config = options.load(Map.of());
    Platform platform = Platforms.connectOnly(config);
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    AvroSerde<?> serde = topic.valueType() == null ? null : topic.valueSerde(registry);
    String name = config.topics().name(topic);
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> c = new HashMap<>(Platforms.clientProps(platform));
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    CountDownLatch done = new CountDownLatch(1);
    try (var consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      Thread hook =
          new Thread(
              () -> {
                consumer.wakeup();
                try {
                  done.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "tail-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      List<TopicPartition> parts =
          consumer.partitionsFor(name, Duration.ofSeconds(15)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (parts.isEmpty()) {
        throw new Main.UserError(
            "topic '" + name + "' does not exist on " + platform.bootstrapServers());
      }
      consumer.assign(parts);
      if (fromBeginning) {
        consumer.seekToBeginning(parts);
      } else {
        consumer.seekToEnd(parts);
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      parts.forEach(tp -> consumer.position(tp, Duration.ofSeconds(30)));
      long n = 0;
      try {
        while (max == null || n < max) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            out.println(line(r, serde));
            n++;
            if (max != null && n >= max) {
              break;
            }
          }
          out.flush();
          if (noFollow && parts.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
            break;
          }
        }
      } catch (WakeupException e) {
        // Ctrl-C
      } finally {
        out.flush();
        done.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // already shutting down
        }
      }
    } finally {
      platform.close();
    }
    return 0;
  }

  static String line(ConsumerRecord<byte[], byte[]> r, AvroSerde<?> serde) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("key", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
    o.put("partition", r.partition());
    o.put("offset", r.offset());
    o.put("timestamp", Instant.ofEpochMilli(r.timestamp()).toString());
    if (serde == null) {
      // dead letters: the original bytes, and the headers that say where they came from
      ObjectNode h = o.putObject("headers");
      for (Header x : r.headers()) {
        h.put(x.key(), x.value() == null ? null : new String(x.value(), StandardCharsets.UTF_8));
      }
      o.put(
          "valueBase64", r.value() == null ? null : Base64.getEncoder().encodeToString(r.value()));
    } else if (r.value() == null) {
      o.putNull("value");
    } else {
      try {
        o.set("value", AvroJson.toJson(serde.deserialize(r.topic(), r.value())));
      } catch (RuntimeException e) {
        o.put("error", e.getMessage());
        o.put("valueBase64", Base64.getEncoder().encodeToString(r.value()));
      }
    }
    return o.toString();
  }
}
