package dev.nines.cli;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.platform.LocalPlatform;
import dev.nines.platform.Platform;
import dev.nines.platform.TopicManager;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Start-up steps shared by the commands. */
final class Platforms {
  private Platforms() {}

  /** The external cluster if configured, else a freshly started embedded one. */
  static Platform startOrConnect(NinesConfig config) {
    if (!config.cluster().embedded()) {
      Platform p = Platform.external(config.cluster());
      requireReachable(p);
      return p;
    }
    return LocalPlatform.start(config);
  }

  static Admin admin(Platform p) {
    Map<String, Object> c = new HashMap<>(p.clientOverrides());
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, p.bootstrapServers());
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return Admin.create(c);
  }

  /** Fails with one line when nothing answers at the bootstrap servers. */
  static void requireReachable(Platform p) {
    try (Admin admin = admin(p)) {
      admin.describeCluster().nodes().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("no Kafka answers at " + p.bootstrapServers()
          + " within 15 s: start one (e.g. './nines platform') or fix --bootstrap-servers");
    }
  }

  static void ensureTopics(Platform p, NinesConfig config) {
    try (Admin admin = admin(p)) {
      TopicManager.ensure(admin, Topics.ALL, config.topics());
    }
  }
}
