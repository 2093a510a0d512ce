package dev.nines.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.config.ConfigException;
import dev.nines.config.NinesConfig;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.schema.RoutePlan;
import dev.nines.testing.KafkaPlatformExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.StaleListingAdmin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Topic creation checked through a second client path: Kafka's own AdminClient. */
@ExtendWith(KafkaPlatformExtension.class)
class TopicManagerIT {
  static final NinesConfig.TopicLayout LAYOUT4 = new NinesConfig.TopicLayout(4, (short) 1, "");
  static final NinesConfig.TopicLayout LAYOUT1 = new NinesConfig.TopicLayout(1, (short) 1, "");

  @Test
  void createsMissingTopicsWithPolicyAndPartitions() throws Exception {
    Topic<RoutePlan> compacted =
        new Topic<>(KafkaPlatformExtension.unique("plans"), RoutePlan.class, true);
    Topic<DeliveryReceipt> log =
        new Topic<>(KafkaPlatformExtension.unique("receipts"), DeliveryReceipt.class, false);
    try (Admin admin = KafkaPlatformExtension.platform().kafka().admin()) {
      List<String> created = TopicManager.ensure(admin, List.of(compacted, log), LAYOUT4);
      assertThat(created).containsExactlyInAnyOrder(compacted.name(), log.name());
      var desc = admin.describeTopics(List.of(compacted.name(), log.name())).allTopicNames().get();
      assertThat(desc.get(compacted.name()).partitions()).hasSize(4);
      assertThat(desc.get(log.name()).partitions()).hasSize(4);
      assertThat(policy(admin, compacted.name())).isEqualTo("compact");
      assertThat(policy(admin, log.name())).isEqualTo("delete");
      // event-time stamps: the broker's default 7 days would delete replayed history at once
      assertThat(config(admin, log.name(), "retention.ms")).isEqualTo("-1");
      // idempotent: a second run creates nothing
      assertThat(TopicManager.ensure(admin, List.of(compacted, log), LAYOUT4)).isEmpty();
    }
  }

  @Test
  void refusesAnExistingTopicWithTheWrongPolicy() throws Exception {
    String name = KafkaPlatformExtension.unique("plans-wrong");
    try (Admin admin = KafkaPlatformExtension.platform().kafka().admin()) {
      admin
          .createTopics(
              List.of(new NewTopic(name, 1, (short) 1).configs(Map.of("cleanup.policy", "delete"))))
          .all()
          .get();
      Topic<RoutePlan> t = new Topic<>(name, RoutePlan.class, true);
      assertThatThrownBy(() -> TopicManager.ensure(admin, List.of(t), LAYOUT1))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(
              "topic '"
                  + name
                  + "' exists with cleanup.policy=delete but "
                  + "the contract needs compact");
    }
  }

  /**
   * A topic the answering broker does not list yet (KRaft metadata reaches brokers after the
   * controller) but that exists: creating it fails with TopicExistsException, and its policy is
   * checked all the same. Before, such a topic was taken as "created by another instance" and
   * not checked (clean-clone CI of 2026-11-22 failed the test above that way).
   */
  @Test
  void refusesATopicWithTheWrongPolicyThatTheBrokerDidNotListYet() throws Exception {
    String name = KafkaPlatformExtension.unique("plans-unlisted");
    try (Admin admin = KafkaPlatformExtension.platform().kafka().admin()) {
      admin
          .createTopics(
              List.of(new NewTopic(name, 1, (short) 1).configs(Map.of("cleanup.policy", "delete"))))
          .all()
          .get();
    }
    try (Admin stale =
        new StaleListingAdmin(
            Map.of("bootstrap.servers", KafkaPlatformExtension.platform().bootstrapServers()),
            Set.of(name))) {
      assertThat(stale.listTopics().names().get()).doesNotContain(name);
      Topic<RoutePlan> t = new Topic<>(name, RoutePlan.class, true);
      assertThatThrownBy(() -> TopicManager.ensure(stale, List.of(t), LAYOUT1))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(
              "topic '"
                  + name
                  + "' exists with cleanup.policy=delete but "
                  + "the contract needs compact");
      // the same topic with the contract's policy passes, and is not reported as created
      Topic<DeliveryReceipt> log = new Topic<>(name, DeliveryReceipt.class, false);
      assertThat(TopicManager.ensure(stale, List.of(log), LAYOUT1)).isEmpty();
    }
  }

  @Test
  void refusesAnInputTopicWhosePartitionCountIsNotTopicsPartitions() throws Exception {
    String prefix = KafkaPlatformExtension.unique("parts") + ".";
    var layout = new NinesConfig.TopicLayout(3, (short) 1, prefix);
    var inputs = Topics.INPUTS;
    try (Admin admin = KafkaPlatformExtension.platform().kafka().admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(prefix + "probe-results", 3, (short) 1),
                  new NewTopic(prefix + "route-plans", 2, (short) 1)))
          .all()
          .get();
      awaitListed(admin, prefix + "probe-results", prefix + "route-plans");
      assertThatThrownBy(() -> TopicManager.checkPartitions(admin, layout, inputs))
          .isInstanceOf(ConfigException.class)
          .hasMessage(
              "topic '"
                  + prefix
                  + "route-plans' has 2 partitions but "
                  + "topics.partitions = 3: expected every input topic to have topics.partitions "
                  + "partitions (the watermarks count input partitions by it); recreate it with 3 "
                  + "partitions, or set topics.partitions=2 if every input topic has that many");
      // two topics wrong: both named, in one line
      admin.createTopics(List.of(new NewTopic(prefix + "sla-contracts", 6, (short) 1))).all().get();
      awaitListed(admin, prefix + "sla-contracts");
      assertThatThrownBy(() -> TopicManager.checkPartitions(admin, layout, inputs))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(
              "input topics '"
                  + prefix
                  + "route-plans' (2 partitions), '"
                  + prefix
                  + "sla-contracts' (6 partitions) differ from topics.partitions = 3: ")
          .hasMessageNotContaining("\n");
      // the right count passes; topics that do not exist yet are not checked
      String other = KafkaPlatformExtension.unique("parts-ok") + ".";
      admin
          .createTopics(
              List.of(
                  new NewTopic(other + "probe-results", 2, (short) 1),
                  new NewTopic(other + "route-plans", 2, (short) 1)))
          .all()
          .get();
      awaitListed(admin, other + "probe-results", other + "route-plans");
      TopicManager.checkPartitions(admin, new NinesConfig.TopicLayout(2, (short) 1, other), inputs);
    }
  }

  @Test
  void createsLogTopicsWithTheConfiguredRetention() throws Exception {
    Topic<DeliveryReceipt> log =
        new Topic<>(KafkaPlatformExtension.unique("receipts-ret"), DeliveryReceipt.class, false);
    var layout = new NinesConfig.TopicLayout(1, (short) 1, "", 34_560_000_000L);
    try (Admin admin = KafkaPlatformExtension.platform().kafka().admin()) {
      TopicManager.ensure(admin, List.of(log), layout);
      assertThat(config(admin, log.name(), "retention.ms")).isEqualTo("34560000000");
    }
  }

  /** Records deleted unread (deleteRecords does what retention would) stop the next start. */
  @Test
  void offsetGuardRefusesCommittedInputThatWasDeleted() throws Exception {
    String topic = KafkaPlatformExtension.unique("guarded");
    String group = KafkaPlatformExtension.unique("guard-app");
    var tp = new TopicPartition(topic, 0);
    try (Admin admin = KafkaPlatformExtension.platform().kafka().admin()) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      try (var producer =
          new KafkaProducer<String, String>(
              Map.of("bootstrap.servers", KafkaPlatformExtension.platform().bootstrapServers()),
              new StringSerializer(),
              new StringSerializer())) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>(topic, "k", "v" + i));
        }
      }
      // a group that never committed starts from the earliest record: nothing to refuse
      OffsetGuard.check(admin, group, List.of(topic));
      admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(3))).all().get();
      OffsetGuard.check(admin, group, List.of(topic));
      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(6))).all().get();
      assertThatThrownBy(() -> OffsetGuard.check(admin, group, List.of(topic)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "input of application '"
                  + group
                  + "' was deleted before it "
                  + "was read: 3 record(s) in 1 partition(s), e.g. "
                  + topic
                  + "-0 committed at "
                  + "offset 3 but the log starts at 6;");
      // a topic that is not an input of the app is not its business
      OffsetGuard.check(admin, group, List.of("other"));
      admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(6))).all().get();
      OffsetGuard.check(admin, group, List.of(topic));
      admin.deleteTopics(List.of(topic)).all().get();
    }
  }

  static String policy(Admin admin, String topic) throws Exception {
    return config(admin, topic, "cleanup.policy");
  }

  static String config(Admin admin, String topic, String key) throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(r)).all().get().get(r).get(key).value();
  }

  /**
   * A created topic reaches the listing of every broker a moment after the controller confirms
   * it; the check lists topics first, so it is only meaningful once they are listed.
   */
  private static void awaitListed(Admin admin, String... names) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> admin.listTopics().names().get().containsAll(List.of(names)));
  }
}
