package dev.nines.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.testing.KafkaPlatformExtension;
import java.util.Set;
import java.util.stream.Collectors;
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
      // Other tests share the broker and create topics meanwhile: compare only this test's
      // names (the application's internal topics would start with the prefix too).
      var before = ownTopics(admin, prefix);
      assertThatCode(() -> AccessCheck.require(admin, prefix + "app", layout, (short) 1, true))
          .doesNotThrowAnyException();
      assertThat(ownTopics(admin, prefix)).isEqualTo(before).hasSize(Topics.ALL.size());
    }
  }

  private static Set<String> ownTopics(Admin admin, String prefix) throws Exception {
    return admin.listTopics().names().get().stream()
        .filter(name -> name.startsWith(prefix))
        .collect(Collectors.toSet());
  }
}
