package dev.nines.platform;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.testing.KafkaPlatformExtension;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The access check `nines run` makes on an external cluster passes on a cluster without an
 * authorizer (as docker/compose.yaml's): the broker then reports every operation as allowed,
 * and the validate-only create of an internal topic changes nothing. (With an authorizer:
 * SecureClusterIT.)
 */
@ExtendWith(KafkaPlatformExtension.class)
class AccessCheckIT {

  @Test
  void passesWithoutAnAuthorizerAndCreatesNothing() throws Exception {
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("access") + ".";
    var layout = new NinesConfig.TopicLayout(1, (short) 1, prefix);
    try (Admin admin = platform.kafka().admin()) {
      TopicManager.ensure(admin, Topics.ALL, layout);
      var before = admin.listTopics().names().get();
      assertThatCode(() -> AccessCheck.require(admin, prefix + "app", layout, (short) 1, true))
          .doesNotThrowAnyException();
      org.assertj.core.api.Assertions.assertThat(admin.listTopics().names().get())
          .isEqualTo(before);
    }
  }
}
