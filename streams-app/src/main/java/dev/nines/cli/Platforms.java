package dev.nines.cli;

import dev.nines.Topics;
import dev.nines.config.NinesConfig;
import dev.nines.platform.AccessCheck;
import dev.nines.platform.OffsetGuard;
import dev.nines.platform.Platform;
import dev.nines.platform.TopicManager;
import dev.nines.replay.CatchUp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** Start-up steps shared by the commands. */
public final class Platforms {
  private Platforms() {}

  /** The external cluster if configured, else a freshly started embedded one. */
  public static Platform startOrConnect(NinesConfig config) {
    if (!config.cluster().embedded()) {
      Platform p = Platform.external(config.cluster());
      requireReachable(p);
      return p;
    }
    return DevTools.require("a run without --bootstrap-servers").startEmbedded(config);
  }

  /**
   * As {@link #startOrConnect}, but when the embedded platform of this data directory is already
   * running (its broker port answers, e.g. {@code ./nines run} in another terminal), connect to
   * it instead of failing on the busy port.
   */
  public static Platform connectOrStart(NinesConfig config) {
    NinesConfig.Platform p = config.platform();
    if (config.cluster().embedded() && !p.ephemeral() && busy(p.host(), p.kafkaPort())) {
      Platform running =
          Platform.external(
              new NinesConfig.Cluster(
                  p.host() + ":" + p.kafkaPort(),
                  "http://" + p.host() + ":" + p.registryPort(),
                  config.cluster().kafkaOverrides()));
      requireReachable(running);
      return running;
    }
    return startOrConnect(config);
  }

  /**
   * The configured external cluster, or the embedded platform that is already running (e.g.
   * {@code ./nines run} in another terminal); never starts one (for tools like {@code tail}).
   */
  public static Platform connectOnly(NinesConfig config) {
    NinesConfig.Platform p = config.platform();
    if (config.cluster().embedded()) {
      if (!busy(p.host(), p.kafkaPort())) {
        throw new Main.UserError(
            "no Kafka on "
                + p.host()
                + ":"
                + p.kafkaPort()
                + ": start ./nines run (or ./nines platform) first, or give --bootstrap-servers");
      }
      Platform running =
          Platform.external(
              new NinesConfig.Cluster(
                  p.host() + ":" + p.kafkaPort(),
                  "http://" + p.host() + ":" + p.registryPort(),
                  config.cluster().kafkaOverrides()));
      requireReachable(running);
      return running;
    }
    Platform ext = Platform.external(config.cluster());
    requireReachable(ext);
    return ext;
  }

  private static boolean busy(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Bootstrap servers and the platform's client overrides, for a producer or consumer. */
  public static Map<String, Object> clientProps(Platform p) {
    Map<String, Object> c = new HashMap<>(p.clientOverrides());
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, p.bootstrapServers());
    return c;
  }

  public static Admin admin(Platform p) {
    Map<String, Object> c = new HashMap<>(p.clientOverrides());
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, p.bootstrapServers());
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return Admin.create(c);
  }

  /** Fails with one line when nothing answers at the bootstrap servers. */
  public static void requireReachable(Platform p) {
    try (Admin admin = admin(p)) {
      admin.describeCluster().nodes().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      var denied = AccessCheck.isAccessDenied(e);
      if (denied.isPresent()) {
        throw new IllegalStateException(
            "Kafka at "
                + p.bootstrapServers()
                + " refused nines: "
                + denied.get().getMessage()
                + " (check the kafka.sasl.* / kafka.ssl.* settings)");
      }
      throw new IllegalStateException(
          "no Kafka answers at "
              + p.bootstrapServers()
              + " within 15 s: start one (e.g. './nines platform') or fix --bootstrap-servers");
    }
  }

  /** Stops with one line when the app's principal lacks ACLs it needs (see AccessCheck). */
  public static void requireAccess(Platform p, NinesConfig config, boolean readsOutputs) {
    try (Admin admin = admin(p)) {
      AccessCheck.require(
          admin,
          config.streams().applicationId(),
          config.topics(),
          config.topics().replicationFactor(),
          readsOutputs);
    }
  }

  public static void ensureTopics(Platform p, NinesConfig config) {
    try (Admin admin = admin(p)) {
      TopicManager.ensure(admin, Topics.ALL, config.topics());
    }
  }

  /** Stops with one line when committed input of the app was deleted unread (see OffsetGuard). */
  public static void requireInputKept(Platform p, NinesConfig config) {
    try (Admin admin = admin(p)) {
      OffsetGuard.check(
          admin,
          config.streams().applicationId(),
          Topics.INPUTS.stream().map(t -> config.topics().name(t)).toList());
    }
  }

  /** Whether the topic holds any record (its end offsets are not all 0). */
  public static boolean hasRecords(Platform p, String topic) {
    try (Admin admin = admin(p)) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .forEach(
              tp -> latest.put(new TopicPartition(topic, tp.partition()), OffsetSpec.latest()));
      return admin.listOffsets(latest).all().get().values().stream().anyMatch(o -> o.offset() > 0);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot read the end offsets of " + topic + ": " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the end offsets of " + topic);
    }
  }

  /**
   * Waits until group {@code groupId} has processed every record of {@code sources} and of its
   * own {@code repartition} topics (see {@link dev.nines.replay.CatchUp}).
   */
  public static boolean awaitCaughtUp(
      Platform p, String groupId, List<String> sources, List<String> repartition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin(p)) {
      while (System.nanoTime() < deadline) {
        try {
          if (CatchUp.status(admin, clientProps(p), groupId, sources, repartition).done()) {
            return true;
          }
        } catch (ExecutionException e) {
          // topics or group not there yet: try again
        }
        Thread.sleep(500);
      }
      return false;
    }
  }
}
