package dev.nines.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.config.Settings;
import dev.nines.testing.Npm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes, checked without a cluster: valid against the Kubernetes API's schemas
 * (npm kubernetes-models, installed by .ci/run), and consistent with the code: the settings load
 * through the real ConfigLoader, each pod advertises its name under the headless Service, the
 * probes ask /ready and /health on the API port, state lives where the image keeps it, the PDB
 * and Services select the pods, and the Job creates exactly the contract's topics.
 */
class KubernetesManifestsTest {
  static Path dir;
  static Map<String, JsonNode> byKindAndName = new LinkedHashMap<>();

  @BeforeAll
  static void parse() throws IOException {
    dir = DockerFiles.repoRoot().resolve("deploy/kubernetes");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        var parser = new YAMLFactory().createParser(f.toFile());
        new YAMLMapper()
            .readValues(parser, JsonNode.class)
            .forEachRemaining(d -> byKindAndName.put(d.get("kind").asText() + "/" + name(d), d));
      }
    }
  }

  static String name(JsonNode d) {
    return d.path("metadata").path("name").asText();
  }

  static JsonNode get(String kindAndName) {
    JsonNode d = byKindAndName.get(kindAndName);
    assertThat(d).as(kindAndName).isNotNull();
    return d;
  }

  static JsonNode container() {
    return get("StatefulSet/nines").at("/spec/template/spec/containers/0");
  }

  /** The container's environment as the pod sees it: the ConfigMap, then env (token: a file). */
  static Map<String, String> podEnv() throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    get("ConfigMap/nines-config")
        .get("data")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    for (JsonNode e : container().get("env")) {
      env.put(e.get("name").asText(), e.path("value").asText("from " + e.get("valueFrom")));
    }
    Path token = Files.createTempFile("k8s-token", "");
    token.toFile().deleteOnExit();
    Files.writeString(token, "a-token\n");
    env.put("NINES_API_TOKEN_FILE", token.toString());
    env.remove("POD_NAME");
    env.remove("JAVA_TOOL_OPTIONS");
    return env;
  }

  @Test
  void theKustomizationListsEveryManifest() throws IOException {
    List<String> listed = new ArrayList<>();
    get("Kustomization/").get("resources").forEach(r -> listed.add(r.asText()));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(listed)
          .containsExactlyInAnyOrderElementsOf(
              files
                  .map(p -> p.getFileName().toString())
                  .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                  .toList());
    }
  }

  @Test
  void eachPodServesItsApiAndAdvertisesItsOwnNameUnderTheHeadlessService() throws Exception {
    NinesConfig c = ConfigLoader.load(Optional.empty(), podEnv(), Map.of());
    JsonNode sts = get("StatefulSet/nines");
    String headless = sts.at("/spec/serviceName").asText();
    JsonNode svc = get("Service/" + headless);
    assertThat(svc.at("/spec/clusterIP").asText()).isEqualTo("None");
    assertThat(svc.at("/spec/publishNotReadyAddresses").asBoolean()).isTrue();
    assertThat(c.api().host()).isEqualTo("0.0.0.0");
    assertThat(c.api().advertisedHost()).isEqualTo("$(POD_NAME)." + headless);
    assertThat(c.api().token().isEmpty()).isFalse();
    assertThat(c.cluster().embedded()).isFalse();
    assertThat(c.topics().replicationFactor()).isEqualTo((short) 3);
    // POD_NAME is defined before the variable that expands it, from the pod's own name
    List<String> names = new ArrayList<>();
    container().get("env").forEach(e -> names.add(e.get("name").asText()));
    assertThat(names.indexOf("POD_NAME")).isLessThan(names.indexOf("NINES_API_ADVERTISED_HOST"));
    assertThat(container().at("/env/0/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("metadata.name");
    // the API port is the container's named port, which probes and Services use
    assertThat(container().at("/ports/0/containerPort").asInt()).isEqualTo(c.api().port());
    assertThat(container().at("/ports/0/name").asText()).isEqualTo("http");
    assertThat(container().at("/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
    assertThat(container().at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health");
    for (String s : List.of("Service/nines", "Service/nines-headless")) {
      assertThat(get(s).at("/spec/ports/0/targetPort").asText()).as(s).isEqualTo("http");
    }
  }

  @Test
  void labelsSelectorsStateAndSecretsAgree() throws Exception {
    JsonNode sts = get("StatefulSet/nines");
    JsonNode labels = sts.at("/spec/template/metadata/labels");
    assertThat(sts.at("/spec/selector/matchLabels")).isEqualTo(labels);
    assertThat(get("PodDisruptionBudget/nines").at("/spec/selector/matchLabels")).isEqualTo(labels);
    assertThat(get("Service/nines").at("/spec/selector")).isEqualTo(labels);
    assertThat(get("Service/nines-headless").at("/spec/selector")).isEqualTo(labels);
    // the state volume where the image keeps its data; the image's user
    String dataDir = DockerFiles.env(DockerFiles.dockerfile(), "NINES_PLATFORM_DATA_DIR");
    String claim = sts.at("/spec/volumeClaimTemplates/0/metadata/name").asText();
    boolean mounted = false;
    for (JsonNode m : container().get("volumeMounts")) {
      mounted |=
          m.get("name").asText().equals(claim) && m.get("mountPath").asText().equals(dataDir);
    }
    assertThat(mounted).as(claim + " mounted at " + dataDir).isTrue();
    assertThat(sts.at("/spec/template/spec/securityContext/runAsUser").asInt()).isEqualTo(10001);
    // the token file is the Secret's key, mounted where NINES_API_TOKEN_FILE points
    String tokenFile = null;
    for (JsonNode e : container().get("env")) {
      if (e.get("name").asText().equals(Settings.API_TOKEN.envName() + "_FILE")) {
        tokenFile = e.get("value").asText();
      }
    }
    JsonNode secretVolume = sts.at("/spec/template/spec/volumes/0");
    String mountPath = null;
    for (JsonNode m : container().get("volumeMounts")) {
      if (m.get("name").asText().equals(secretVolume.get("name").asText())) {
        mountPath = m.get("mountPath").asText();
      }
    }
    assertThat(tokenFile)
        .isEqualTo(mountPath + "/" + secretVolume.at("/secret/items/0/path").asText());
    // a clean stop commits its last transaction within 30 s
    assertThat(sts.at("/spec/template/spec/terminationGracePeriodSeconds").asInt())
        .isGreaterThan(30);
  }

  @Test
  void theJobCreatesExactlyTheContractTopics() {
    String script = get("Job/nines-topics").at("/spec/template/spec/containers/0/args/0").asText();
    Matcher m = Pattern.compile("--topic (\\S+) .*--config cleanup.policy=(\\w+)").matcher(script);
    Map<String, String> created = new LinkedHashMap<>();
    while (m.find()) {
      created.put(m.group(1), m.group(2));
    }
    Map<String, String> expected = new LinkedHashMap<>();
    for (Topic<?> t : Topics.ALL) {
      expected.put(t.name(), t.cleanupPolicy());
    }
    assertThat(created).isEqualTo(expected);
    // the configs each topic is declared with, on its own line of the script
    for (Topic<?> t : Topics.ALL) {
      String line =
          script
              .lines()
              .filter(l -> l.contains("--topic " + t.name() + " "))
              .findFirst()
              .orElseThrow();
      t.configs().forEach((k, v) -> assertThat(line).contains("--config " + k + "=" + v));
    }
    assertThat(script)
        .contains(
            "--replication-factor 3",
            "min.insync.replicas=2",
            "--bootstrap-server \"$NINES_BOOTSTRAP_SERVERS\"");
  }

  @Test
  void everyManifestIsValidAgainstTheKubernetesApiSchemas() throws Exception {
    Path modules = Npm.globalModules().orElse(Path.of("/nonexistent"));
    Assumptions.assumeThat(
            Files.isDirectory(modules.resolve("kubernetes-models"))
                && Files.isDirectory(modules.resolve("yaml")))
        .as(
            "the npm Kubernetes schema validator (npm install -g kubernetes-models@5.1.0 "
                + "yaml@2; .ci/run does)")
        .isTrue();
    Path script = Files.createTempFile("validate-kubernetes", ".mjs");
    try (var in = getClass().getResourceAsStream("/deploy/validate-kubernetes.mjs")) {
      Files.write(script, in.readAllBytes());
    }
    List<String> cmd = new ArrayList<>(List.of("node", script.toString(), modules.toString()));
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(p -> p.toString().endsWith(".yaml"))
          .sorted()
          .forEach(p -> cmd.add(p.toString()));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    Files.deleteIfExists(script);
    assertThat(out).as(out).contains("6 valid, 0 invalid");
    assertThat(p.exitValue()).as(out).isZero();
  }
}
