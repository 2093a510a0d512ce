package dev.nines.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.Topic;
import dev.nines.config.ConfigException;
import dev.nines.schema.RoutePlan;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.testing.KafkaPlatformExtension;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Topic creation checked through a second client path: Kafka's own AdminClient. */
@ExtendWith(KafkaPlatformExtension.class)
class TopicManagerIT {
  static final dev.nines.config.NinesConfig.TopicLayout LAYOUT4 =
      new dev.nines.config.NinesConfig.TopicLayout(4, (short) 1, "");
  static final dev.nines.config.NinesConfig.TopicLayout LAYOUT1 =
      new dev.nines.config.NinesConfig.TopicLayout(1, (short) 1, "");

  @Test
  void createsMissingTopicsWithPolicyAndPartitions() throws Exception {
    Topic<RoutePlan> compacted = new Topic<>(KafkaPlatformExtension.unique("plans"),
        RoutePlan.class, true);
    Topic<DeliveryReceipt> log = new Topic<>(KafkaPlatformExtension.unique("receipts"),
        DeliveryReceipt.class, false);
    try (Admin admin = KafkaPlatformExtension.platform().kafka().admin()) {
      List<String> created = TopicManager.ensure(admin, List.of(compacted, log), LAYOUT4);
      assertThat(created).containsExactlyInAnyOrder(compacted.name(), log.name());
      var desc = admin.describeTopics(List.of(compacted.name(), log.name())).allTopicNames().get();
      assertThat(desc.get(compacted.name()).partitions()).hasSize(4);
      assertThat(desc.get(log.name()).partitions()).hasSize(4);
      assertThat(policy(admin, compacted.name())).isEqualTo("compact");
      assertThat(policy(admin, log.name())).isEqualTo("delete");
      // idempotent: a second run creates nothing
      assertThat(TopicManager.ensure(admin, List.of(compacted, log), LAYOUT4)).isEmpty();
    }
  }

  @Test
  void refusesAnExistingTopicWithTheWrongPolicy() throws Exception {
    String name = KafkaPlatformExtension.unique("plans-wrong");
    try (Admin admin = KafkaPlatformExtension.platform().kafka().admin()) {
      admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)
          .configs(Map.of("cleanup.policy", "delete")))).all().get();
      Topic<RoutePlan> t = new Topic<>(name, RoutePlan.class, true);
      assertThatThrownBy(() -> TopicManager.ensure(admin, List.of(t), LAYOUT1))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("topic '" + name + "' exists with cleanup.policy=delete but "
              + "the contract needs compact");
    }
  }

  static String policy(Admin admin, String topic) throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(r)).all().get().get(r).get("cleanup.policy").value();
  }
}
