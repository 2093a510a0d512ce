package dev.nines.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nines.Topics;
import dev.nines.config.Settings;
import dev.nines.platform.Directories;
import dev.nines.platform.PortCheck;
import dev.nines.platform.local.LocalKafka;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.RoutingWeights;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.testing.TopicRecords;
import dev.nines.views.Json;
import dev.nines.views.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assumptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances of the packaged app, each on its own host: its own network namespace with its
 * own IP address on a bridge, where the broker and registry listen too (as separate machines on
 * one network would be). Each binds its API to its own address and advertises it; every route
 * is asked of both, and an answer held by the other host is forwarded there across the network;
 * the status page and /metrics are reached from the host's namespace. Needs root and iproute2
 * (CI runs as root); skipped otherwise, saying so.
 */
class SeveralHostsIT {
  static final Path JAR = Path.of(System.getProperty("nines.jar", "target/nines.jar"));
  static final String TOKEN = "several-hosts-token";

  final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
  final String subnet = "10.213." + ThreadLocalRandom.current().nextInt(1, 250) + ".";
  final String bridge = "nbr" + tag;
  final List<String> namespaces = new ArrayList<>();
  final List<Process> instances = new ArrayList<>();
  final List<Path> dirs = new ArrayList<>();
  LocalPlatform platform;

  static String ip(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("ip " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  static boolean canMakeNamespaces() {
    try {
      String name = "nchk" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0xffff));
      ip("netns", "add", name);
      ip("netns", "del", name);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** A host: a namespace whose veth end has {@code address}, the other end on the bridge. */
  void host(int i, String address) throws Exception {
    String ns = "nines-" + tag + "-" + i;
    String outside = "nvh" + i + tag;
    String inside = "nvn" + i + tag;
    ip("netns", "add", ns);
    namespaces.add(ns);
    ip("link", "add", outside, "type", "veth", "peer", "name", inside);
    ip("link", "set", inside, "netns", ns);
    ip("link", "set", outside, "master", bridge, "up");
    ip("netns", "exec", ns, "ip", "addr", "add", address + "/24", "dev", inside);
    ip("netns", "exec", ns, "ip", "link", "set", inside, "up");
    ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : instances) {
      p.destroy();
    }
    for (Process p : instances) {
      if (!p.waitFor(45, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    if (platform != null) {
      platform.close();
    }
    for (String ns : namespaces) {
      ip("netns", "del", ns);
    }
    if (!namespaces.isEmpty() || ip("link", "show").contains(bridge)) {
      try {
        ip("link", "del", bridge);
      } catch (IllegalStateException e) {
        // never created
      }
    }
    dirs.forEach(Directories::deleteRecursively);
  }

  static ApiFixture.Response get(String url, boolean token) {
    return ApiFixture.get(url, token ? TOKEN : null);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void eachInstanceOnItsOwnAddressAnswersEveryRouteForwardingAcrossHosts() throws Exception {
    Assumptions.assumeThat(canMakeNamespaces())
        .as("network namespaces (root and iproute2's ip netns; CI runs as root)")
        .isTrue();
    ip("link", "add", bridge, "type", "bridge");
    ip("addr", "add", subnet + "1/24", "dev", bridge);
    ip("link", "set", bridge, "up");
    String[] hosts = {subnet + "11", subnet + "12"};
    for (int i = 0; i < hosts.length; i++) {
      host(i + 1, hosts[i]);
    }

    // the broker and the registry on the bridge's address: reachable from every namespace
    Path data = Files.createTempDirectory("nines-hosts-");
    dirs.add(data);
    var ports = PortCheck.freePorts(3);
    platform =
        LocalPlatform.start(
            LocalKafka.Options.of(
                subnet + "1", 1, ports.get(0), ports.get(1), data.resolve("kafka"), true, "512m"),
            subnet + "1",
            ports.get(2),
            (short) 1);
    String prefix = "hosts" + tag + ".";
    Map<String, String> shared = ApiFixture.settings(prefix, 2);
    ApiFixture.createTopics(platform, ApiFixture.config(shared, data));

    for (int i = 0; i < hosts.length; i++) {
      Path state = Files.createTempDirectory("nines-host-state-");
      dirs.add(state);
      List<String> cmd =
          List.of(
              "ip",
              "netns",
              "exec",
              namespaces.get(i),
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx384m",
              "-jar",
              JAR.toAbsolutePath().toString(),
              "run",
              "--no-simulate",
              "--no-prelude",
              "--quiet",
              "--bootstrap-servers",
              platform.bootstrapServers(),
              "--schema-registry-url",
              platform.schemaRegistryUrl());
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(state.resolve("out.log").toFile());
      Map<String, String> env = pb.environment();
      shared.forEach((k, v) -> env.put(Settings.envName(k), v));
      env.put("NINES_API_HOST", hosts[i]);
      env.put("NINES_API_PORT", "8080");
      env.put("NINES_API_TOKEN", TOKEN);
      env.put("NINES_STATE_DIR", state.toString());
      // its health file too, not into the module's directory
      env.put(Settings.envName("platform.data.dir"), state.resolve("data").toString());
      env.put("NINES_KAFKA_COMMIT_INTERVAL_MS", "1000");
      instances.add(pb.start());
    }
    List<String> urls = List.of("http://" + hosts[0] + ":8080/", "http://" + hosts[1] + ":8080/");
    // from the host's namespace, across the bridge
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .alias("both instances ready, reached at their own addresses")
        .until(() -> urls.stream().allMatch(u -> get(u + "ready", false).status() == 200));

    ApiFixture.produceHistory(platform, prefix);
    var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
    String weightsTopic = prefix + Topics.ROUTING_WEIGHTS.name();
    var serde = Topics.ROUTING_WEIGHTS.valueSerde(registry);
    Set<String> servedBy = new TreeSet<>();
    Map<String, String> answeredElsewhere = new TreeMap<>();
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2))
        .alias("every route answered by both hosts as the topic holds it")
        .untilAsserted(
            () -> {
              Map<String, RoutingWeights> latest = new LinkedHashMap<>();
              TopicRecords.readAll(platform, weightsTopic)
                  .forEach(r -> latest.put(r.key(), serde.deserialize(weightsTopic, r.value())));
              assertThat(latest.keySet())
                  .containsExactlyInAnyOrder("US:SMS", "GB:SMS", "FR:SMS", "DE:VOICE");
              for (int i = 0; i < urls.size(); i++) {
                for (RoutingWeights w : latest.values()) {
                  ApiFixture.Response r = get(urls.get(i) + "api/routes/" + w.getRouteId(), true);
                  assertThat(r.status())
                      .as("%s asked at %s: %s", w.getRouteId(), hosts[i], r.body())
                      .isEqualTo(200);
                  assertThat(Json.read(r.body(), Model.Route.class)).isEqualTo(Model.Route.of(w));
                  servedBy.add(r.servedBy());
                  if (!r.servedBy().equals(hosts[i] + ":8080")) {
                    answeredElsewhere.put(w.getRouteId() + " asked at " + hosts[i], r.servedBy());
                  }
                }
              }
            });
    // each instance advertises its own address, and answers held by the other host crossed
    // the network: both hosts forwarded at least once
    assertThat(servedBy).containsExactlyInAnyOrder(hosts[0] + ":8080", hosts[1] + ":8080");
    assertThat(answeredElsewhere.keySet())
        .anyMatch(k -> k.endsWith(hosts[0]))
        .anyMatch(k -> k.endsWith(hosts[1]));

    // the status page (public) and /metrics (with the token) from the host's namespace; the
    // status gathers both hosts' parts, none missing
    for (String u : urls) {
      assertThat(get(u, false).status()).isEqualTo(200);
      assertThat(get(u + "metrics", false).status()).isEqualTo(401);
      assertThat(get(u + "metrics", true).body()).contains("nines_routing_decisions_total");
      Model.Status s = Json.read(get(u + "api/status", true).body(), Model.Status.class);
      assertThat(s.missing()).isEmpty();
      assertThat(s.routes()).hasSize(4);
    }
    System.out.printf(
        "SeveralHostsIT: hosts %s; answered by the other host: %s%n",
        List.of(hosts), answeredElsewhere);
  }
}
