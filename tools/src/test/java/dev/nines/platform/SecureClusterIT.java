package dev.nines.platform;

import static dev.nines.testing.Records.probe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.cli.TestClients;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.local.LocalKafka;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.Incident;
import dev.nines.schema.IncidentStatus;
import dev.nines.schema.ProbeResult;
import dev.nines.schema.Service;
import dev.nines.testing.TestPki;
import dev.nines.webhooks.WebhookDispatcher;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Issue #8, security: a broker with a SASL_SSL listener (SCRAM-SHA-512 over TLS with a CA the
 * test makes) and Kafka's StandardAuthorizer. The app runs as principal {@code nines} with
 * exactly the ACLs docs/security.md lists, configured the way a container is (non-secret settings in
 * a file, the password and the JAAS line from the environment and a file it names), and turns
 * failed probes into an incident. A principal without those ACLs is refused before start with
 * one line naming what is missing; one without its transactional-id ACL is stopped by Streams
 * with one line; a wrong password is an authentication failure. No secret reaches the log.
 *
 * <p>The broker also has a PLAINTEXT listener whose principal (ANONYMOUS) is a super user: it
 * plays the operator (creates users, ACLs and topics, reads the outputs to check them) and
 * carries inter-broker, controller and embedded-registry traffic. The embedded schema registry
 * stays plain HTTP here; the registry client's TLS and basic auth are tested in
 * {@code RegistryClientTlsTest}.
 */
@Isolated
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureClusterIT {
  static final String PW = "ts-pass-" + Long.toHexString(System.nanoTime());
  static final String APP_PW = "app-pass-" + Long.toHexString(System.nanoTime());
  static final String SIM_PW = "sim-pass-" + Long.toHexString(System.nanoTime());
  static final String INTRUDER_PW = "intruder-pass-" + Long.toHexString(System.nanoTime());
  static final String HALF_PW = "half-pass-" + Long.toHexString(System.nanoTime());
  static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");

  @TempDir static Path dir;
  static TestPki pki;
  static LocalPlatform platform;
  static int saslPort;
  static StringWriter logs = new StringWriter();
  static WriterAppender capture;

  @BeforeAll
  static void startSecuredBroker() throws Exception {
    pki = TestPki.create(dir.resolve("pki"), PW);
    captureLogs();
    LocalKafka.Options base = LocalKafka.Options.ephemeral(1);
    saslPort = PortCheck.freePort();
    String plain = "localhost:" + base.brokerPorts().get(0);
    String ctrl = "localhost:" + base.controllerPorts().get(0);
    Map<String, String> o = new HashMap<>();
    o.put(
        "listeners",
        "PLAINTEXT://" + plain + ",SASL_SSL://localhost:" + saslPort + ",CONTROLLER://" + ctrl);
    o.put("advertised.listeners", "PLAINTEXT://" + plain + ",SASL_SSL://localhost:" + saslPort);
    o.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
    o.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    o.put(
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    o.put("ssl.keystore.location", pki.serverKeystore().toString());
    o.put("ssl.keystore.password", PW);
    o.put("ssl.key.password", PW);
    o.put("ssl.keystore.type", "PKCS12");
    o.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    o.put("super.users", "User:ANONYMOUS");
    o.put("allow.everyone.if.no.acl.found", "false");
    LocalKafka.Options options =
        new LocalKafka.Options(
            base.host(),
            base.brokerPorts(),
            base.controllerPorts(),
            base.dataDir(),
            true,
            base.heap(),
            base.startTimeout(),
            o);
    platform = LocalPlatform.start(options, "localhost", PortCheck.freePort(), (short) 1);

    try (Admin operator = platform.kafka().admin()) {
      operator
          .alterUserScramCredentials(
              List.of(
                  scram("nines", APP_PW),
                  scram("simulator", SIM_PW),
                  scram("intruder", INTRUDER_PW),
                  scram("half", HALF_PW)))
          .all()
          .get(60, TimeUnit.SECONDS);
      operator.createAcls(readmeAcls("nines", "nines", true)).all().get(60, TimeUnit.SECONDS);
      operator.createAcls(readmeAcls("half", "half", false)).all().get(60, TimeUnit.SECONDS);
      operator.createAcls(simulatorAcls("simulator")).all().get(60, TimeUnit.SECONDS);
      // the operator creates the contract topics (as docker/compose.yaml's topics step does)
      TopicManager.ensure(operator, Topics.ALL, config("nines").topics());
    }
    // SCRAM credentials and ACLs travel through the metadata log: wait until they are in force
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              try (Admin a = Admin.create(secured("nines", APP_PW))) {
                return !a.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty();
              }
            });
  }

  @AfterAll
  static void stop() {
    if (platform != null) {
      platform.close();
    }
    releaseLogs();
  }

  /**
   * The ACLs docs/security.md lists for an app ("ACLs the app needs"), written out here by
   * hand from that table rather than derived from the code under test.
   */
  static List<AclBinding> readmeAcls(String principal, String appId, boolean transactionalId) {
    List<AclBinding> acls = new ArrayList<>();
    for (String in :
        List.of(
            "delivery-receipts",
            "probe-results",
            "route-plans",
            "sla-contracts",
            "maintenance-windows",
            "routing-policies",
            "sla-adjustments")) {
      acls.add(acl(principal, ResourceType.TOPIC, in, PatternType.LITERAL, AclOperation.READ));
      acls.add(
          acl(
              principal,
              ResourceType.TOPIC,
              in,
              PatternType.LITERAL,
              AclOperation.DESCRIBE_CONFIGS));
    }
    for (String out :
        List.of(
            "carrier-health",
            "routing-weights",
            "incidents",
            "uptime-ledger",
            "sla-credits",
            "sla-statements",
            "error-budget-alerts",
            "dead-letters")) {
      acls.add(acl(principal, ResourceType.TOPIC, out, PatternType.LITERAL, AclOperation.WRITE));
      acls.add(
          acl(
              principal,
              ResourceType.TOPIC,
              out,
              PatternType.LITERAL,
              AclOperation.DESCRIBE_CONFIGS));
    }
    acls.add(
        acl(principal, ResourceType.TOPIC, appId + "-", PatternType.PREFIXED, AclOperation.ALL));
    acls.add(acl(principal, ResourceType.GROUP, appId, PatternType.LITERAL, AclOperation.READ));
    // the webhook dispatcher: its own group, reading incidents
    acls.add(
        acl(
            principal,
            ResourceType.GROUP,
            appId + "-webhooks",
            PatternType.LITERAL,
            AclOperation.READ));
    acls.add(
        acl(principal, ResourceType.TOPIC, "incidents", PatternType.LITERAL, AclOperation.READ));
    if (transactionalId) {
      acls.add(
          acl(
              principal,
              ResourceType.TRANSACTIONAL_ID,
              appId + "-",
              PatternType.PREFIXED,
              AclOperation.WRITE));
    }
    return acls;
  }

  /** What `nines simulate` needs: write the inputs, see (not create) every contract topic. */
  static List<AclBinding> simulatorAcls(String principal) {
    List<AclBinding> acls = new ArrayList<>();
    for (Topic<?> t : Topics.ALL) {
      boolean input = Topics.INPUTS.contains(t);
      acls.add(
          acl(
              principal,
              ResourceType.TOPIC,
              t.name(),
              PatternType.LITERAL,
              input ? AclOperation.WRITE : AclOperation.DESCRIBE));
      acls.add(
          acl(
              principal,
              ResourceType.TOPIC,
              t.name(),
              PatternType.LITERAL,
              AclOperation.DESCRIBE_CONFIGS));
    }
    return acls;
  }

  @Test
  @Order(1)
  void theAppWithTheReadmeAclsTurnsFailedProbesIntoAnIncidentOverSaslSsl() throws Exception {
    NinesConfig config = config("nines");
    assertThat(config.cluster().kafkaOverrides())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsKey("sasl.jaas.config");
    Platform secured = Platform.external(config.cluster());

    // the simulator's principal: what `nines simulate` does (check topics, then produce)
    var registry = secured.registryClient();
    Map<String, Object> simProps = secured("simulator", SIM_PW);
    try (Admin sim = Admin.create(simProps)) {
      assertThat(TopicManager.ensure(sim, Topics.ALL, config.topics())).isEmpty();
    }
    String probes = config.topics().name(Topics.PROBE_RESULTS);
    var probeSerializer = Topics.PROBE_RESULTS.valueSerde(registry).serializer();
    try (var producer = new KafkaProducer<>(simProps, new StringSerializer(), probeSerializer)) {
      // VERIFY in eu-west, one vantage, a probe a minute: fails at 10:00 and 10:01, then ok
      for (int m = 0; m <= 6; m++) {
        Instant at = T0.plusSeconds(60L * m);
        ProbeResult p = probe("p" + m, Service.VERIFY, "eu-west", "v1", m >= 2, null, null, at);
        producer
            .send(new ProducerRecord<>(probes, null, at.toEpochMilli(), "VERIFY:eu-west", p))
            .get(30, TimeUnit.SECONDS);
      }
    }

    // the app's principal: the start-up steps of `nines run`, then the app
    try (Admin app = Admin.create(secured("nines", APP_PW))) {
      AccessCheck.require(app, "nines", config.topics(), (short) 1, false);
      assertThat(TopicManager.ensure(app, Topics.ALL, config.topics())).isEmpty();
      OffsetGuard.check(
          app, "nines", Topics.INPUTS.stream().map(t -> config.topics().name(t)).toList());
    }
    List<String> seen = new ArrayList<>();
    var incidentSerde = Topics.INCIDENTS.valueSerde(registry);
    // webhooks on, as `run` starts them: the dispatcher reads incidents with the app's
    // principal, in its own group
    List<String> hooks = new CopyOnWriteArrayList<>();
    var receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        ex -> {
          ex.getRequestBody().readAllBytes();
          hooks.add(ex.getRequestHeaders().getFirst("X-Nines-Delivery"));
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    receiver.start();
    NinesConfig hooked =
        config(
            "nines",
            APP_PW,
            Map.of(
                "webhooks.urls",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                "webhooks.from",
                "earliest"));
    try (NinesApp app = NinesApp.start(hooked, secured, registry);
        var dispatcher = new WebhookDispatcher(hooked, secured, registry);
        var out = TestClients.committedConsumer(platform.bootstrapServers(), "incidents")) {
      await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                assertThat(app.stopped()).isNotDone();
                out.poll(Duration.ofMillis(200))
                    .forEach(
                        r -> {
                          Incident i = incidentSerde.deserialize("incidents", r.value());
                          seen.add(
                              r.key()
                                  + " "
                                  + i.getIncidentId()
                                  + " "
                                  + i.getStatus()
                                  + " "
                                  + i.getStartedAt()
                                  + " "
                                  + i.getResolvedAt());
                        });
                return seen.size() >= 2 && hooks.size() >= 2;
              });
      assertThat(dispatcher.errors()).as("the dispatcher's ACLs suffice").isZero();
    } finally {
      receiver.stop(0);
    }
    assertThat(hooks)
        .containsExactly(
            "VERIFY-eu-west-20261001T100000000Z:OPEN",
            "VERIFY-eu-west-20261001T100000000Z:RESOLVED");
    // worked out from the probes: DOWN from the first of the two failures (10:00) to the
    // first success (10:02); the id is <SERVICE>-<region>-<start to the ms>
    assertThat(seen)
        .containsExactly(
            "VERIFY:eu-west VERIFY-eu-west-20261001T100000000Z "
                + IncidentStatus.OPEN
                + " 2026-10-01T10:00:00Z null",
            "VERIFY:eu-west VERIFY-eu-west-20261001T100000000Z "
                + IncidentStatus.RESOLVED
                + " 2026-10-01T10:00:00Z 2026-10-01T10:02:00Z");
  }

  @Test
  @Order(2)
  void aPrincipalWithoutTheAclsIsRefusedBeforeStartInOneLine() {
    NinesConfig config = config("nines");
    try (Admin intruder = Admin.create(secured("intruder", INTRUDER_PW))) {
      assertThatThrownBy(
              () -> AccessCheck.require(intruder, "nines", config.topics(), (short) 1, false))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "Kafka denies application 'nines' DESCRIBE (and [READ, "
                  + "DESCRIBE_CONFIGS]) on topic 'delivery-receipts', ")
          .hasMessageContaining("DESCRIBE (and [WRITE, DESCRIBE_CONFIGS]) on topic 'incidents'")
          .hasMessageContaining("CREATE on topics prefixed 'nines-' (internal topics)")
          .hasMessageEndingWith(
              ": grant its principal the ACLs listed in docs/security.md (ACLs " + "the app needs)")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
    // the simulator may write inputs but is not the app: it lacks READ and the outputs' WRITE
    try (Admin sim = Admin.create(secured("simulator", SIM_PW))) {
      assertThatThrownBy(() -> AccessCheck.require(sim, "nines", config.topics(), (short) 1, false))
          .hasMessageContaining("READ on topic 'probe-results'")
          .hasMessageContaining("WRITE on topic 'incidents'");
    }
  }

  @Test
  @Order(3)
  void withoutItsTransactionalIdAclTheAppStopsWithOneLine() {
    NinesConfig config = config("half");
    Platform secured = Platform.external(config.cluster());
    try (Admin half = Admin.create(secured("half", HALF_PW))) {
      // topics, internal topics and group are granted: the check passes ...
      AccessCheck.require(half, "half", config.topics(), (short) 1, false);
    }
    // ... and Streams meets the missing transactional-id ACL when it starts a transaction
    try (NinesApp app = NinesApp.start(config, secured, secured.registryClient())) {
      String line = app.stopped().orTimeout(120, TimeUnit.SECONDS).join();
      assertThat(line)
          .startsWith("Kafka refused application 'half': ")
          .contains("Transactional Id authorization failed")
          .endsWith(
              "(grant its principal the ACLs listed in docs/security.md, ACLs the app " + "needs)")
          .doesNotContain("\n");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> app.streams().state() == KafkaStreams.State.ERROR);
    }
  }

  @Test
  @Order(4)
  void aWrongPasswordIsAnAuthenticationFailure() {
    try (Admin wrong = Admin.create(secured("nines", "not-the-password"))) {
      assertThatThrownBy(() -> wrong.describeCluster().nodes().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .satisfies(
              e ->
                  assertThat(AccessCheck.isAccessDenied(e))
                      .containsInstanceOf(SaslAuthenticationException.class));
    }
  }

  @Test
  @Order(5)
  void noSecretReachedTheLog() {
    String text = logs.toString();
    // Kafka's own config dumps were captured (INFO), with the secrets hidden
    assertThat(text)
        .contains("sasl.jaas.config = [hidden]")
        .contains("ssl.truststore.password = [hidden]");
    assertThat(text).doesNotContain(PW, APP_PW, SIM_PW, INTRUDER_PW, HALF_PW);
  }

  /**
   * The app's configuration as a container gets it: settings in a file, the truststore
   * password in the environment, the JAAS line (with the password) in a file that
   * NINES_KAFKA_SASL_JAAS_CONFIG_FILE names.
   */
  static NinesConfig config(String appId) {
    return config(appId, appId.equals("half") ? HALF_PW : APP_PW);
  }

  static NinesConfig config(String appId, String password) {
    return config(appId, password, Map.of());
  }

  static NinesConfig config(String appId, String password, Map<String, String> flags) {
    try {
      Path file = dir.resolve(appId + ".properties");
      Files.writeString(
          file,
          String.join(
              "\n",
              "bootstrap.servers=localhost:" + saslPort,
              "schema.registry.url=" + platform.schemaRegistryUrl(),
              "application.id=" + appId,
              "topics.partitions=1",
              "platform.ephemeral=true",
              "kafka.security.protocol=SASL_SSL",
              "kafka.sasl.mechanism=SCRAM-SHA-512",
              "kafka.ssl.truststore.location=" + pki.truststore(),
              "kafka.ssl.truststore.type=PKCS12",
              ""));
      Path jaas = dir.resolve(appId + ".jaas");
      Files.writeString(jaas, jaas(appId, password) + "\n");
      return ConfigLoader.load(
          Optional.of(file),
          Map.of(
              "NINES_KAFKA_SSL_TRUSTSTORE_PASSWORD", PW,
              "NINES_KAFKA_SASL_JAAS_CONFIG_FILE", jaas.toString(),
              "NINES_WEBHOOKS_SECRET", PW),
          flags);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String jaas(String user, String pw) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + pw
        + "\";";
  }

  /** Client properties for a principal on the SASL_SSL listener. */
  static Map<String, Object> secured(String user, String pw) {
    Map<String, Object> p = new HashMap<>();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + saslPort);
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", "SCRAM-SHA-512");
    p.put("sasl.jaas.config", jaas(user, pw));
    p.put("ssl.truststore.location", pki.truststore().toString());
    p.put("ssl.truststore.password", PW);
    p.put("ssl.truststore.type", "PKCS12");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return p;
  }

  static UserScramCredentialUpsertion scram(String user, String pw) {
    return new UserScramCredentialUpsertion(
        user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), pw);
  }

  static AclBinding acl(
      String principal, ResourceType type, String name, PatternType pattern, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry("User:" + principal, "*", op, AclPermissionType.ALLOW));
  }

  /** Everything logged in this JVM while the test runs, Kafka's INFO config dumps included. */
  static void captureLogs() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration cfg = ctx.getConfiguration();
    capture =
        WriterAppender.createAppender(
            PatternLayout.newBuilder().withPattern("%d %-5level %c - %msg%n").build(),
            null,
            logs,
            "secure-it-capture",
            false,
            true);
    capture.start();
    cfg.addAppender(capture);
    cfg.getRootLogger().addAppender(capture, Level.ALL, null);
    LoggerConfig kafka = cfg.getLoggerConfig("org.apache.kafka");
    kafka.setLevel(Level.INFO);
    ctx.updateLoggers();
  }

  static void releaseLogs() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration cfg = ctx.getConfiguration();
    cfg.getRootLogger().removeAppender("secure-it-capture");
    cfg.getLoggerConfig("org.apache.kafka").setLevel(Level.WARN);
    ctx.updateLoggers();
    capture.stop();
  }
}
