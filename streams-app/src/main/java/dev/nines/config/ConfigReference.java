package dev.nines.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration reference page ({@code docs/configuration.md}), written from {@link Settings}
 * so that the page cannot drift from what the loader accepts: {@code ./nines config --reference}
 * prints it and a test compares it with the checked-in page.
 */
public final class ConfigReference {
  private ConfigReference() {}

  /** Sections of the page, by key prefix, in the order a reader meets them. */
  private static final List<String[]> GROUPS =
      List.of(
          new String[] {
            "Where nines connects", "bootstrap.servers", "schema.registry.", "application.id"
          },
          new String[] {"Embedded platform (`./nines run`, `./nines platform`)", "platform."},
          new String[] {"Topics nines creates", "topics."},
          new String[] {"Admission of input records", "ingest."},
          new String[] {"Carrier health and de-duplication", "health.", "dedup."},
          new String[] {"Routing weights", "routing."},
          new String[] {"Uptime, alerts and credits", "uptime.", "credits."},
          new String[] {"State", "state.", "streams.", "rocksdb."},
          new String[] {"HTTP API, status page and webhooks", "api.", "webhooks."},
          new String[] {"Simulator (`./nines run`, `./nines simulate`)", "simulate."},
          new String[] {"Logging", "log."});

  /** The whole page, Markdown. */
  public static String markdown() {
    StringBuilder b = new StringBuilder();
    b.append(
        """
        # Configuration reference

        Look up a key here: what it does, the values it takes, its default and the environment
        variable that sets it. This page is generated from the code
        (`./nines config --reference > docs/configuration.md`); a test fails when it differs.

        ## How a value is chosen

        There is one typed configuration object, built at start-up from
        **defaults < file (`--config nines.properties`) < environment (`NINES_*`) < flags
        (`--set key=value` and the named flags)**. `./nines config` prints the effective value of
        every key and the layer it came from. `replay --policy FILE` adds a layer between the
        environment and the flags that may set only %s keys (marked *policy* below).

        - Every value is validated at start-up. A bad one stops the program with one line, for
          example `nines: config 'platform.kafka.port' = 'abc' (flag): expected a port number
          from 1 to 65535`.
        - An unknown key in the file or in the flags is an error: a typo must not be silently
          ignored.
        - The environment variable of a key is `NINES_` plus the key in upper case, dots and
          dashes turned into underscores. Any variable may instead be given as `NAME_FILE`,
          naming a file that holds the value (Docker and Kubernetes secrets).
        - Secrets (marked *secret* below, and Kafka's password keys and JAAS line) are refused as
          flags and shown as `[hidden]` everywhere; see [Security](security.md).

        """
            .formatted(Settings.POLICY_KEYS_DESCRIPTION.replaceAll("([a-z]+\\.[a-z*.]+)", "`$1`")));
    Map<String, List<Setting<?>>> grouped = new LinkedHashMap<>();
    for (Setting<?> s : Settings.ALL) {
      grouped.computeIfAbsent(groupOf(s.key()), g -> new ArrayList<>()).add(s);
    }
    for (String[] g : GROUPS) {
      List<Setting<?>> settings = grouped.getOrDefault(g[0], List.of());
      if (settings.isEmpty()) {
        continue;
      }
      b.append("## ").append(g[0]).append("\n\n");
      b.append("| key | values | default | environment | meaning |\n");
      b.append("|---|---|---|---|---|\n");
      settings.stream()
          .sorted(Comparator.comparing(Setting::key))
          .forEach(
              s ->
                  b.append("| `")
                      .append(s.key())
                      .append('`')
                      .append(marks(s.key()))
                      .append(" | ")
                      .append(cell(s.type()))
                      .append(" | ")
                      .append(
                          s.defaultValue().isEmpty() ? "*(empty)*" : "`" + s.defaultValue() + "`")
                      .append(" | `")
                      .append(s.envName())
                      .append('`')
                      .append(" | ")
                      .append(cell(s.doc()))
                      .append(" |\n"));
      b.append('\n');
    }
    b.append(
        """
        ## Routing policy profiles (`routing.profile.<name>.*`) *policy*

        A key `routing.profile.<name>.<knob>` lays `routing.<knob>` over every version of the
        `routing-policies` profile `<name>` (over the configured policy while no version of it is
        in force), for example `routing.profile.otp.eject.success.below=0.9`. Any knob a profile
        may set can be laid over it ([topics](topics.md#routingpolicyprofile)); values are
        checked at start like the others. This is how `nines replay --policy FILE` asks "what if
        this profile had been different?"; the profiles themselves live in the topic.

        ## Kafka clients and Kafka Streams (`kafka.*`)

        Any key `kafka.<name>` is passed, without the prefix, to every Kafka client nines creates
        and to Kafka Streams (for example `kafka.num.stream.threads=2`,
        `kafka.security.protocol=SASL_SSL`), with an external cluster and with the embedded
        platform alike. With the embedded platform a security setting (`security.protocol`,
        `sasl.*`, `ssl.*`) stops the start with one line, since its broker speaks PLAINTEXT only.
        In the environment, `NINES_KAFKA_<NAME>` sets `kafka.<name>`: `_` is a dot, `__` an
        underscore and `___` a dash (`NINES_KAFKA_SASL_JAAS_CONFIG` is
        `kafka.sasl.jaas.config`). Kafka's own documentation describes each of these keys; nines
        sets some defaults of its own for fast failover, listed in [Failover](failover.md).
        """);
    return b.toString();
  }

  private static String groupOf(String key) {
    for (String[] g : GROUPS) {
      for (int i = 1; i < g.length; i++) {
        if (key.equals(g[i]) || (g[i].endsWith(".") && key.startsWith(g[i]))) {
          return g[0];
        }
      }
    }
    throw new IllegalStateException(
        "configuration key '"
            + key
            + "' has no section in the "
            + "configuration reference: add its prefix to ConfigReference.GROUPS");
  }

  private static String marks(String key) {
    String m = "";
    if (Settings.SECRET_KEYS.contains(key)) {
      m += " *secret*";
    }
    if (Settings.isPolicyKey(key)) {
      m += " *policy*";
    }
    return m;
  }

  /** A table cell: pipes escaped, so a doc sentence cannot break the table. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
