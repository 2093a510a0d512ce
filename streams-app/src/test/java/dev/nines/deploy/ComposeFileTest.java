package dev.nines.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.cli.Main;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.config.Setting;
import dev.nines.config.Settings;
import dev.nines.ingest.stream.DeadLetters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue #8: {@code docker/compose.yaml} checked without a Docker engine. It is parsed as YAML and
 * every service, port, volume, dependency and NINES_* variable is checked against what the code
 * and the contract say: the broker image is the Kafka version nines is built with, the three
 * brokers form one KRaft quorum, the topics step creates exactly the contract's topics with
 * replication factor 3 and min.insync.replicas 2, each nines variable is a real config key
 * (loaded through the real ConfigLoader), each command a real subcommand whose flags parse.
 * Where Debian's docker-compose is installed, its own {@code config} check runs too.
 */
class ComposeFileTest {
  static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
  static final List<String> NINES = List.of("nines-1", "nines-2", "simulator");
  static Path compose;
  static JsonNode root;
  static JsonNode services;

  @BeforeAll
  static void parse() throws Exception {
    compose = DockerFiles.repoRoot().resolve("docker/compose.yaml");
    root = new YAMLMapper().readTree(compose.toFile());
    services = root.get("services");
  }

  @Test
  void hasExactlyTheServicesOfACluster() {
    assertThat(names(services))
        .containsExactlyInAnyOrder(
            "kafka-1",
            "kafka-2",
            "kafka-3",
            "topics",
            "schema-registry",
            "nines-1",
            "nines-2",
            "simulator");
  }

  @Test
  void brokersAreTheOfficialImageOfOurKafkaVersionInOneKraftQuorum() {
    Set<String> clusterIds = new HashSet<>();
    Set<String> nodeIds = new HashSet<>();
    for (String b : BROKERS) {
      JsonNode s = services.get(b);
      Map<String, String> env = env(s);
      assertThat(text(s, "image")).isEqualTo("apache/kafka:" + kafkaVersion());
      assertThat(text(s, "hostname")).isEqualTo(b);
      assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
      nodeIds.add(env.get("KAFKA_NODE_ID"));
      clusterIds.add(env.get("CLUSTER_ID"));
      // every broker is a voter, at its own host and the controller listener's port
      assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"))
          .isEqualTo("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
      assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"))
          .contains(
              env.get("KAFKA_NODE_ID")
                  + "@"
                  + b
                  + ":"
                  + port(env.get("KAFKA_LISTENERS"), "CONTROLLER"));
      Map<String, String> protocols = listenerMap(env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"));
      for (String l : listenerNames(env.get("KAFKA_LISTENERS"))) {
        assertThat(protocols).as(b + " protocol of listener " + l).containsKey(l);
      }
      assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).contains("PLAINTEXT://" + b + ":9092");
      // the host port published is the one the EXTERNAL listener advertises
      String external = port(env.get("KAFKA_LISTENERS"), "EXTERNAL");
      assertThat(env.get("KAFKA_ADVERTISED_LISTENERS"))
          .contains("EXTERNAL://localhost:" + external);
      assertThat(strings(s.get("ports"))).containsExactly(external + ":" + external);
      assertThat(env)
          .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
          .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")
          .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
      // its data on its own named volume, where the broker writes it
      assertThat(strings(s.get("volumes")))
          .containsExactly(b + "-data:" + env.get("KAFKA_LOG_DIRS"));
      assertThat(s.get("healthcheck").get("test").toString()).contains("localhost:9092");
    }
    assertThat(nodeIds).containsExactlyInAnyOrder("1", "2", "3");
    assertThat(clusterIds).hasSize(1);
    // a KRaft cluster id is a base64url UUID: 16 bytes
    assertThat(Base64.getUrlDecoder().decode(clusterIds.iterator().next())).hasSize(16);
  }

  @Test
  void theTopicsStepCreatesExactlyTheContractTopicsWithReplicationFactorThree() {
    JsonNode s = services.get("topics");
    assertThat(text(s, "image")).isEqualTo("apache/kafka:" + kafkaVersion());
    assertThat(dependsOn(s))
        .isEqualTo(
            Map.of(
                "kafka-1",
                "service_healthy",
                "kafka-2",
                "service_healthy",
                "kafka-3",
                "service_healthy"));
    String script = String.join("\n", strings(s.get("command")));
    Pattern create = Pattern.compile("kafka-topics\\.sh (.*--create.*)");
    Map<String, String> created = new LinkedHashMap<>();
    for (String line : script.split("\n")) {
      Matcher m = create.matcher(line);
      if (m.find()) {
        String args = m.group(1);
        String topic = flag(args, "--topic");
        assertThat(created.put(topic, args)).as("created once: " + topic).isNull();
        assertThat(flag(args, "--replication-factor")).as(topic).isEqualTo("3");
        assertThat(args)
            .as(topic)
            .contains("--config min.insync.replicas=2")
            .contains("--if-not-exists")
            .contains("--bootstrap-server kafka-1:9092");
        assertThat(Integer.parseInt(flag(args, "--partitions"))).as(topic).isGreaterThan(1);
      }
    }
    assertThat(created.keySet())
        .containsExactlyInAnyOrderElementsOf(Topics.ALL.stream().map(Topic::name).toList());
    for (Topic<?> t : Topics.ALL) {
      String args = created.get(t.name());
      assertThat(args).as(t.name()).contains("--config cleanup.policy=" + t.cleanupPolicy());
      if (!t.compacted()) {
        // event-time stamps: the broker's 7-day default would delete replayed history
        assertThat(args).as(t.name()).contains("--config retention.ms=-1");
      }
    }
    // the configs a topic is declared with (dead-letters: room for the largest dead letter)
    for (Topic<?> t : Topics.ALL) {
      t.configs()
          .forEach((k, v) -> assertThat(created.get(t.name())).contains("--config " + k + "=" + v));
    }
    assertThat(Topics.DEAD_LETTERS.configs()).isNotEmpty();
    assertThat(Topics.DEAD_LETTERS_MAX_MESSAGE_BYTES).isGreaterThan(DeadLetters.MAX_RECORD_BYTES);
    // every topic the same partition count: the app co-partitions nothing across them, but
    // one number is what the partitioning advice of docs/operations.md assumes
    assertThat(created.values().stream().map(a -> flag(a, "--partitions")).distinct()).hasSize(1);
  }

  @Test
  void theRegistryIsConfluentsOnTheBrokersWithReplicatedSchemas() {
    JsonNode s = services.get("schema-registry");
    assertThat(text(s, "image")).startsWith("confluentinc/cp-schema-registry:");
    Map<String, String> env = env(s);
    assertThat(env.get("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS"))
        .isEqualTo("PLAINTEXT://kafka-1:9092,PLAINTEXT://kafka-2:9092,PLAINTEXT://kafka-3:9092");
    assertThat(env)
        .containsEntry("SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR", "3")
        .containsEntry("SCHEMA_REGISTRY_SCHEMA_COMPATIBILITY_LEVEL", "backward")
        .containsEntry("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081");
    assertThat(strings(s.get("ports"))).containsExactly("8081:8081");
    assertThat(dependsOn(s).keySet()).containsExactlyInAnyOrderElementsOf(BROKERS);
  }

  @Test
  void everyNinesVariableIsARealConfigKeyAndLoads() {
    Set<String> settingVars = new TreeSet<>();
    for (Setting<?> st : Settings.ALL) {
      settingVars.add(st.envName());
      settingVars.add(st.envName() + Settings.FILE_ENV_SUFFIX);
    }
    Set<String> kafkaKeys = new HashSet<>();
    Stream.of(
            StreamsConfig.configDef(),
            ConsumerConfig.configDef(),
            ProducerConfig.configDef(),
            AdminClientConfig.configDef())
        .forEach(d -> kafkaKeys.addAll(d.names()));
    for (String svc : NINES) {
      Map<String, String> env = env(services.get(svc));
      assertThat(env).as(svc).isNotEmpty();
      for (String name : env.keySet()) {
        assertThat(name).as(svc + " variable").startsWith("NINES_");
        if (name.startsWith(Settings.KAFKA_ENV_PREFIX)) {
          String key = Settings.keyOfKafkaEnv(name).substring(Settings.KAFKA_PREFIX.length());
          assertThat(kafkaKeys)
              .as(svc + ": " + name + " names a Kafka client or Streams key")
              .contains(key);
        } else {
          assertThat(settingVars).as(svc + ": " + name + " names a nines key").contains(name);
        }
      }
      // and the real loader takes them, values and cross-checks included
      NinesConfig c = ConfigLoader.load(Optional.empty(), withSecretFiles(env), Map.of());
      assertThat(c.cluster().embedded())
          .as(svc + " uses the cluster, not an embedded one")
          .isFalse();
      assertThat(c.cluster().bootstrapServers().split(","))
          .as(svc)
          .containsExactly("kafka-1:9092", "kafka-2:9092", "kafka-3:9092");
      assertThat(c.cluster().schemaRegistryUrl()).isEqualTo("http://schema-registry:8081");
      assertThat(c.topics().replicationFactor()).isEqualTo((short) 3);
    }
  }

  /** The environment with each *_FILE variable pointing at a temporary file with a value. */
  static Map<String, String> withSecretFiles(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>(env);
    env.forEach(
        (k, v) -> {
          if (k.endsWith(Settings.FILE_ENV_SUFFIX)) {
            try {
              Path f = Files.createTempFile("compose-secret", "");
              f.toFile().deleteOnExit();
              Files.writeString(f, "t0ken-from-a-docker-secret\n");
              out.put(k, f.toString());
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        });
    return out;
  }

  @Test
  void eachInstanceServesItsApiBeyondTheContainerWithATokenAndIsReachedByServiceName()
      throws Exception {
    JsonNode declaredSecrets = root.get("secrets");
    String expose =
        DockerFiles.dockerfile().stream()
            .filter(i -> i.keyword().equals("EXPOSE"))
            .map(i -> i.args().trim())
            .findFirst()
            .orElse("none");
    Set<String> hostPorts = new HashSet<>();
    for (String svc : List.of("nines-1", "nines-2")) {
      JsonNode s = services.get(svc);
      NinesConfig c = ConfigLoader.load(Optional.empty(), withSecretFiles(env(s)), Map.of());
      // every interface of the container, so that the host, Prometheus and the other
      // instance reach it; advertised as the service name, which the other instance resolves
      assertThat(c.api().host()).as(svc).isEqualTo("0.0.0.0");
      assertThat(c.api().advertisedHost()).as(svc).isEqualTo(svc);
      assertThat(c.api().token().isEmpty()).as(svc + " has an API token").isFalse();
      // the token comes from a Docker secret declared with a file
      String tokenFile = env(s).get(Settings.API_TOKEN.envName() + Settings.FILE_ENV_SUFFIX);
      assertThat(tokenFile).as(svc).startsWith("/run/secrets/");
      String secret = tokenFile.substring("/run/secrets/".length());
      assertThat(strings(s.get("secrets"))).as(svc).contains(secret);
      assertThat(declaredSecrets.get(secret).get("file").asText()).as(secret).isNotBlank();
      // the API port is published to the host and exposed by the image
      List<String> ports = strings(s.get("ports"));
      assertThat(ports).as(svc).hasSize(1);
      assertThat(ports.get(0)).as(svc).endsWith(":" + c.api().port());
      hostPorts.add(ports.get(0).substring(0, ports.get(0).indexOf(':')));
      assertThat(expose).as("Dockerfile EXPOSE").isEqualTo(Integer.toString(c.api().port()));
    }
    assertThat(hostPorts).as("distinct host ports").hasSize(2);
  }

  @Test
  void theTwoInstancesShareOneApplicationAndKeepStateApart() throws Exception {
    Map<String, String> one = new LinkedHashMap<>(env(services.get("nines-1")));
    Map<String, String> two = new LinkedHashMap<>(env(services.get("nines-2")));
    // all the same but the name each is reached at
    one.remove(Settings.API_ADVERTISED_HOST.envName());
    two.remove(Settings.API_ADVERTISED_HOST.envName());
    assertThat(one).isEqualTo(two);
    NinesConfig c = ConfigLoader.load(Optional.empty(), withSecretFiles(one), Map.of());
    assertThat(c.cluster().kafkaOverrides()).containsEntry("num.standby.replicas", "1");
    // the partition count nines would create equals the one the topics step creates
    String created =
        flag(String.join("\n", strings(services.get("topics").get("command"))), "--partitions");
    assertThat(c.topics().partitions()).isEqualTo(Integer.parseInt(created));
    String dataDir = DockerFiles.env(DockerFiles.dockerfile(), "NINES_PLATFORM_DATA_DIR");
    assertThat(strings(services.get("nines-1").get("volumes")))
        .containsExactly("nines-1-state:" + dataDir);
    assertThat(strings(services.get("nines-2").get("volumes")))
        .containsExactly("nines-2-state:" + dataDir);
    // a clean stop (NinesApp.close) waits up to 30 s for the last commit: SIGKILL must wait longer
    for (String svc : List.of("nines-1", "nines-2")) {
      assertThat(
              Duration.parse(
                  "PT" + text(services.get(svc), "stop_grace_period").toUpperCase(Locale.ROOT)))
          .as(svc)
          .isGreaterThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void ninesServicesRunRealCommandsOfTheImageBuiltFromThisRepository() {
    for (String svc : NINES) {
      JsonNode s = services.get(svc);
      List<String> cmd = strings(s.get("command"));
      if (!svc.equals("simulator")) {
        // the app image's command line (the simulator's is checked with the tools' jar)
        CommandLine cli = new CommandLine(new Main());
        assertThat(cli.getSubcommands()).as(svc).containsKey(cmd.get(0));
        // picocli parses the flags as the program would, or throws
        cli.parseArgs(cmd.toArray(String[]::new));
        assertThat(text(s, "image")).isEqualTo("nines:local");
      }
      assertThat(dependsOn(s))
          .containsEntry("topics", "service_completed_successfully")
          .containsEntry("schema-registry", "service_healthy");
    }
    assertThat(strings(services.get("nines-1").get("command"))).startsWith("run");
    assertThat(strings(services.get("simulator").get("command"))).containsExactly("simulate");
    // one service builds the image, from the repository root with docker/Dockerfile
    JsonNode build = services.get("nines-1").get("build");
    Path context = compose.getParent().resolve(text(build, "context")).normalize();
    assertThat(context).isEqualTo(DockerFiles.repoRoot().normalize());
    assertThat(context.resolve(text(build, "dockerfile"))).isRegularFile();
    assertThat(services.get("nines-2").get("build").toString()).isEqualTo(build.toString());
    // the simulator is a tool: its image is the Dockerfile's tools stage, not the app's
    JsonNode sim = services.get("simulator");
    assertThat(text(sim, "image")).isEqualTo("nines-tools:local");
    assertThat(text(sim.get("build"), "target")).isEqualTo("tools");
    assertThat(text(sim.get("build"), "dockerfile")).isEqualTo(text(build, "dockerfile"));
    // the simulator runs no Streams app, so the image's health check (its state file) is off
    assertThat(services.get("simulator").get("healthcheck").get("disable").asBoolean()).isTrue();
  }

  @Test
  void dependenciesPortsAndVolumesAreConsistent() {
    Set<String> declared = names(root.get("volumes"));
    Set<String> used = new TreeSet<>();
    Set<String> hostPorts = new HashSet<>();
    for (String svc : names(services)) {
      JsonNode s = services.get(svc);
      for (String d : dependsOn(s).keySet()) {
        assertThat(names(services)).as(svc + " depends on " + d).contains(d);
      }
      for (String v : strings(s.get("volumes"))) {
        String name = v.substring(0, v.indexOf(':'));
        assertThat(declared).as(svc + " volume " + name).contains(name);
        assertThat(used.add(name)).as("volume " + name + " used by one service only").isTrue();
      }
      for (String p : strings(s.get("ports"))) {
        assertThat(hostPorts.add(p.substring(0, p.indexOf(':')))).as("host port " + p).isTrue();
      }
    }
    assertThat(used).isEqualTo(declared);
  }

  @Test
  void dockerComposeItselfAcceptsTheFile() throws Exception {
    Optional<Path> exe =
        Stream.of("/usr/bin/docker-compose", "/usr/local/bin/docker-compose")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst();
    assumeThat(exe).as("Debian's docker-compose (apt-get install docker-compose)").isPresent();
    Process p =
        new ProcessBuilder(exe.get().toString(), "-f", compose.toString(), "config", "-q")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  // ---- helpers ----

  static Set<String> names(JsonNode object) {
    Set<String> out = new TreeSet<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  static String text(JsonNode n, String field) {
    assertThat(n.has(field)).as(field).isTrue();
    return n.get(field).asText();
  }

  static List<String> strings(JsonNode arrayOrNull) {
    List<String> out = new ArrayList<>();
    if (arrayOrNull != null) {
      arrayOrNull.forEach(x -> out.add(x.asText()));
    }
    return out;
  }

  /** The environment as compose passes it (a map here; YAML scalars as strings). */
  static Map<String, String> env(JsonNode service) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode e = service.get("environment");
    if (e != null) {
      assertThat(e.isObject()).as("environment as a map").isTrue();
      e.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
    }
    return out;
  }

  static Map<String, String> dependsOn(JsonNode service) {
    Map<String, String> out = new HashMap<>();
    JsonNode d = service.get("depends_on");
    if (d != null) {
      d.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().get("condition").asText()));
    }
    return out;
  }

  static String flag(String args, String name) {
    Matcher m = Pattern.compile(Pattern.quote(name) + " (\\S+)").matcher(args);
    assertThat(m.find()).as(name + " in " + args).isTrue();
    return m.group(1);
  }

  static List<String> listenerNames(String listeners) {
    return Stream.of(listeners.split(",")).map(l -> l.substring(0, l.indexOf("://"))).toList();
  }

  static String port(String listeners, String name) {
    return Stream.of(listeners.split(","))
        .filter(l -> l.startsWith(name + "://"))
        .map(l -> l.substring(l.lastIndexOf(':') + 1))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no listener " + name + " in " + listeners));
  }

  static Map<String, String> listenerMap(String map) {
    Map<String, String> out = new HashMap<>();
    for (String kv : map.split(",")) {
      String[] p = kv.split(":");
      out.put(p[0], p[1]);
    }
    return out;
  }

  /** The version of the Kafka clients on the classpath, as their jar states it. */
  static String kafkaVersion() {
    Properties p = new Properties();
    try (var in = ProducerConfig.class.getResourceAsStream("/kafka/kafka-version.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }
}
