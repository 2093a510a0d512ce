package dev.nines.platform;

import dev.nines.Topic;
import dev.nines.config.ConfigException;
import dev.nines.config.NinesConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the contract's topics if missing, and refuses to go on when an existing topic's
 * cleanup policy contradicts the contract: a compacted topic with delete would lose route plans
 * and contracts after retention, and a log with compact would drop receipts sharing a key.
 *
 * <p>Non-compacted topics get {@code retention.ms} from {@code topics.retention} (default
 * forever), not the broker's default of 7 days: the broker compares retention with record
 * timestamps, and ours are event times. Replayed history, or the months-old input of an audit,
 * would otherwise be deleted minutes after it was written, before the app read it. An existing
 * topic with a shorter retention is the operator's choice and only logged.
 */
public final class TopicManager {
  private static final Logger log = LoggerFactory.getLogger(TopicManager.class);

  private TopicManager() {}

  /** @return the names of the topics it created */
  public static List<String> ensure(
      Admin admin, Collection<Topic<?>> topics, NinesConfig.TopicLayout layout) {
    return ensure(admin, topics, layout, t -> layout.partitions());
  }

  /**
   * As {@link #ensure(Admin, Collection, dev.nines.config.NinesConfig.TopicLayout)}, with the
   * partition count of each topic it creates given per topic (a replay's shadow inputs get the
   * count of the live topic they copy, partition for partition).
   *
   * @return the names of the topics it created
   */
  public static List<String> ensure(
      Admin admin,
      Collection<Topic<?>> topics,
      NinesConfig.TopicLayout layout,
      ToIntFunction<Topic<?>> partitionsOf) {
    return ensure(admin, topics, layout, partitionsOf, t -> Map.of());
  }

  /**
   * As above, with more topic configs for the topics it creates (a replay's compacted shadow
   * topics are never rolled by time, see {@code dev.nines.replay.ShadowTopics}).
   */
  public static List<String> ensure(
      Admin admin,
      Collection<Topic<?>> topics,
      NinesConfig.TopicLayout layout,
      ToIntFunction<Topic<?>> partitionsOf,
      Function<Topic<?>, Map<String, String>> extraConfigs) {
    int partitions = layout.partitions();
    short replicationFactor = layout.replicationFactor();
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<Topic<?>> present =
          topics.stream().filter(t -> existing.contains(layout.name(t))).toList();
      checkPolicies(admin, present, layout);
      List<NewTopic> missing = new ArrayList<>();
      for (Topic<?> t : topics) {
        if (!existing.contains(layout.name(t))) {
          Map<String, String> configs =
              new HashMap<>(
                  t.compacted()
                      ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, t.cleanupPolicy())
                      : Map.of(
                          TopicConfig.CLEANUP_POLICY_CONFIG,
                          t.cleanupPolicy(),
                          TopicConfig.RETENTION_MS_CONFIG,
                          Long.toString(layout.retentionMs())));
          configs.putAll(t.configs());
          configs.putAll(extraConfigs.apply(t));
          missing.add(
              new NewTopic(layout.name(t), partitionsOf.applyAsInt(t), replicationFactor)
                  .configs(configs));
        }
      }
      List<String> created = new ArrayList<>();
      List<String> raced = new ArrayList<>();
      for (var e : admin.createTopics(missing).values().entrySet()) {
        try {
          e.getValue().get();
          created.add(e.getKey());
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic '" + e.getKey() + "': " + ex.getCause().getMessage(),
                ex.getCause());
          }
          raced.add(e.getKey());
        }
      }
      if (!created.isEmpty()) {
        log.info(
            "created topics {} ({} partitions, replication factor {})",
            created,
            partitions,
            replicationFactor);
        awaitLeaders(admin, created);
      }
      if (!raced.isEmpty()) {
        // Not in listTopics but existing: another instance, or an operator, created it in the
        // meantime, or it was created just before and the broker that answered listTopics had
        // not seen it yet (KRaft metadata reaches brokers after the controller; seen in the
        // clean-clone CI of 2026-11-22, TopicManagerIT). Its policy is checked all the same,
        // once the brokers know it.
        awaitLeaders(admin, raced);
        checkPolicies(
            admin, topics.stream().filter(t -> raced.contains(layout.name(t))).toList(), layout);
      }
      return created;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot list or create topics: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Waits until every partition of the just-created {@code topics} has a leader. createTopics
   * returns once the controller has the topics, before the brokers do: a producer that writes at
   * once gets NOT_LEADER_OR_FOLLOWER, and an idempotent producer was seen retrying with
   * OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (RoutingEndToEndIT, clean-clone CI
   * of 2026-11-21). Bounded by the admin client's own default API timeout.
   */
  static void awaitLeaders(Admin admin, List<String> topics)
      throws InterruptedException, ExecutionException {
    long timeoutMs =
        Long.parseLong(
            String.valueOf(
                AdminClientConfig.configDef()
                    .defaultValues()
                    .get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG)));
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    List<String> waiting = List.copyOf(topics);
    while (true) {
      List<String> leaderless = new ArrayList<>();
      try {
        admin
            .describeTopics(waiting)
            .allTopicNames()
            .get()
            .forEach(
                (name, d) -> {
                  if (d.partitions().stream()
                      .anyMatch(p -> p.leader() == null || p.leader().isEmpty())) {
                    leaderless.add(name);
                  }
                });
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        leaderless.addAll(waiting); // not in the answering broker's metadata yet
      }
      if (leaderless.isEmpty()) {
        try {
          awaitServed(admin, topics);
          return;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
            throw e;
          }
          // the broker that answered ListOffsets' metadata request did not know the topics yet,
          // though the one that answered describeTopics did (several brokers; clean-clone CI of
          // 2026-12-06, ClusterFaultsIT): wait for it as for a leader
          leaderless.addAll(topics);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "topics "
                + leaderless
                + " have partitions without a "
                + "leader "
                + timeoutMs
                + " ms after they were created: check the brokers");
      }
      waiting = leaderless;
      Thread.sleep(100);
    }
  }

  /**
   * Waits until the leader of every partition of {@code topics} answers a ListOffsets request.
   * A leader in the metadata is not enough: on 2026-11-22 (clean-clone CI, ThroughputBenchmarkIT)
   * a produce 116 ms after that still got NOT_LEADER_OR_FOLLOWER, and the idempotent producer's
   * later request overtook it, so the first one could only fail with OUT_OF_ORDER_SEQUENCE_NUMBER
   * until its delivery timeout (KAFKA-15591, fixed in the broker by apache/kafka#23234, not in
   * 4.3.1). ListOffsets, like Produce, is served only once the broker leads the partition; the
   * admin client retries NOT_LEADER_OR_FOLLOWER itself, within its default API timeout.
   */
  static void awaitServed(Admin admin, List<String> topics)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin
        .describeTopics(topics)
        .allTopicNames()
        .get()
        .forEach(
            (name, d) ->
                d.partitions()
                    .forEach(
                        p ->
                            latest.put(
                                new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    admin.listOffsets(latest).all().get();
  }

  /**
   * Refuses to go on when an input topic exists with another partition count than {@code
   * topics.partitions}: the watermarks wait for a mark from every input partition and take the
   * count from that setting (a partition it does not know of would never be waited for, one it
   * expects but that does not exist would stall the windows), and the internal topics get that
   * many partitions. Topics that do not exist yet are left to whoever creates them.
   */
  public static void checkPartitions(
      Admin admin, NinesConfig.TopicLayout layout, Collection<Topic<?>> topics) {
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<String> names = topics.stream().map(layout::name).filter(existing::contains).toList();
      if (names.isEmpty()) {
        return;
      }
      Map<String, Integer> wrong = new TreeMap<>();
      admin
          .describeTopics(names)
          .allTopicNames()
          .get()
          .forEach(
              (name, d) -> {
                if (d.partitions().size() != layout.partitions()) {
                  wrong.put(name, d.partitions().size());
                }
              });
      if (wrong.isEmpty()) {
        return;
      }
      int expected = layout.partitions();
      String why =
          "expected every input topic to have topics.partitions partitions (the "
              + "watermarks count input partitions by it)";
      if (wrong.size() == 1) {
        var e = wrong.entrySet().iterator().next();
        throw new ConfigException(
            "topic '"
                + e.getKey()
                + "' has "
                + e.getValue()
                + " partitions but topics.partitions = "
                + expected
                + ": "
                + why
                + "; recreate it with "
                + expected
                + " partitions, or set topics.partitions="
                + e.getValue()
                + " if every input topic has that many");
      }
      throw new ConfigException(
          "input topics "
              + wrong.entrySet().stream()
                  .map(e -> "'" + e.getKey() + "' (" + e.getValue() + " partitions)")
                  .collect(Collectors.joining(", "))
              + " differ from topics.partitions = "
              + expected
              + ": "
              + why
              + "; recreate them with "
              + expected
              + " partitions, or set "
              + "topics.partitions to the count every input topic has");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing the input topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot describe the input topics: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private static void checkPolicies(
      Admin admin, List<Topic<?>> present, NinesConfig.TopicLayout layout)
      throws InterruptedException, ExecutionException {
    if (present.isEmpty()) {
      return;
    }
    List<ConfigResource> resources =
        present.stream()
            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, layout.name(t)))
            .toList();
    Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
    for (Topic<?> t : present) {
      String name = layout.name(t);
      Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
      String policy = c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
      Set<String> parts = Set.of(policy.replace(" ", "").split(","));
      boolean ok = t.compacted() ? parts.contains("compact") : !parts.contains("compact");
      if (!ok) {
        throw new ConfigException(
            "topic '"
                + name
                + "' exists with cleanup.policy="
                + policy
                + " but the contract needs "
                + t.cleanupPolicy()
                + ": fix it with kafka-configs "
                + "--alter --entity-type topics --entity-name "
                + name
                + " --add-config "
                + "cleanup.policy="
                + t.cleanupPolicy()
                + ", or delete the topic");
      }
      long retention = Long.parseLong(c.get(TopicConfig.RETENTION_MS_CONFIG).value());
      if (!t.compacted()
          && retention >= 0
          && (layout.retentionMs() < 0 || retention < layout.retentionMs())) {
        log.warn(
            "topic '{}' keeps records for retention.ms={} ({}), less than topics.retention "
                + "({}): records whose event time is older than that are deleted by the broker, "
                + "also before nines has read them",
            name,
            retention,
            Duration.ofMillis(retention),
            layout.retentionMs() < 0 ? "forever" : Duration.ofMillis(layout.retentionMs()));
      }
    }
    log.debug(
        "existing topics have the contract's cleanup policies: {}",
        present.stream().map(layout::name).collect(Collectors.joining(", ")));
  }
}
