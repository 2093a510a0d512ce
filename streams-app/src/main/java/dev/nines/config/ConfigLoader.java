package dev.nines.config;

import dev.nines.ingest.InputBounds;
import dev.nines.routing.RoutingPolicy;
import dev.nines.uptime.ErrorRateDowntime;
import dev.nines.uptime.HealthRule;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Builds {@link NinesConfig} from defaults &lt; file &lt; environment &lt; policy file &lt; flags
 * and validates
 * every value, so a bad value stops start-up with one line naming the key, the value, where it
 * came from and what would be right.
 *
 * <p>The file is Java properties with the keys of {@link Settings}; an unknown key in the file or
 * in flags is an error (a typo must not be silently ignored). The environment is shared with
 * other programs, so only NINES_* variables that name a known key are read.
 */
public final class ConfigLoader {
  /**
   * Full memtables the memtable budget must hold at least: below that, RocksDB's write buffer
   * manager asks for a flush on almost every write. (The first try, 64 MiB for memtables with
   * Kafka Streams' default 16 MiB ones, room for 4, stalled runs on a 2-core machine.)
   */
  static final int MEMTABLES_PER_BUDGET = 16;

  private ConfigLoader() {}

  private record Raw(String value, String source) {}

  public static NinesConfig load(
      Optional<Path> file, Map<String, String> env, Map<String, String> flags) {
    return load(file, env, Optional.empty(), flags);
  }

  /**
   * As {@link #load(Optional, Map, Map)}, with a policy file between the environment and the
   * flags: a properties file that may only set the keys of {@link Settings#isPolicyKey} (what
   * the topology decides: routing, health, uptime and credit settings), for {@code replay}.
   */
  public static NinesConfig load(
      Optional<Path> file,
      Map<String, String> env,
      Optional<Path> policy,
      Map<String, String> flags) {
    Layers layers = layers(file, env, policy, flags);
    return build(layers.raw(), layers.kafka());
  }

  /** One effective setting: its key, its value (secrets hidden) and the layer it came from. */
  public record Entry(String key, String shownValue, String source) {}

  /**
   * What {@link #load} would use, key by key, with each value's source and secrets shown as
   * {@link Secrets#HIDDEN}: the nines keys in the order of {@link Settings#ALL}, then the
   * kafka.* pass-through keys. Validates like {@link #load}.
   */
  public static List<Entry> effective(
      Optional<Path> file,
      Map<String, String> env,
      Optional<Path> policy,
      Map<String, String> flags) {
    Layers layers = layers(file, env, policy, flags);
    build(layers.raw(), layers.kafka());
    List<Entry> out = new ArrayList<>();
    layers.raw().forEach((k, r) -> out.add(new Entry(k, Secrets.show(k, r.value()), r.source())));
    layers
        .kafka()
        .forEach(
            (k, r) ->
                out.add(
                    new Entry(
                        Settings.KAFKA_PREFIX + k,
                        Secrets.show(Settings.KAFKA_PREFIX + k, r.value()),
                        r.source())));
    return out;
  }

  private record Layers(Map<String, Raw> raw, Map<String, Raw> kafka) {}

  private static Layers layers(
      Optional<Path> file,
      Map<String, String> env,
      Optional<Path> policy,
      Map<String, String> flags) {
    Map<String, Setting<?>> known = Settings.byKey();
    Map<String, Raw> raw = new LinkedHashMap<>();
    known.values().forEach(s -> raw.put(s.key(), new Raw(s.defaultValue(), "default")));
    Map<String, Raw> kafka = new TreeMap<>();

    file.ifPresent(
        f ->
            readFile(f, "config file")
                .forEach((k, v) -> put(known, raw, kafka, k, v, "file " + f)));
    for (Setting<?> s : known.values()) {
      fromEnvironment(env, s.envName()).ifPresent(r -> raw.put(s.key(), r));
    }
    // kafka.* pass-through keys: every NINES_KAFKA_* variable (see Settings.keyOfKafkaEnv)
    new TreeMap<>(env)
        .keySet().stream()
            .filter(n -> n.startsWith(Settings.KAFKA_ENV_PREFIX))
            .map(
                n ->
                    n.endsWith(Settings.FILE_ENV_SUFFIX)
                        ? n.substring(0, n.length() - Settings.FILE_ENV_SUFFIX.length())
                        : n)
            .filter(n -> n.length() > Settings.KAFKA_ENV_PREFIX.length())
            .distinct()
            .forEach(
                n ->
                    fromEnvironment(env, n)
                        .ifPresent(
                            r ->
                                kafka.put(
                                    Settings.keyOfKafkaEnv(n)
                                        .substring(Settings.KAFKA_PREFIX.length()),
                                    r)));
    // webhooks.endpoint.* keys: every NINES_WEBHOOKS_ENDPOINT_<NAME>_<FIELD> variable
    new TreeMap<>(env)
        .keySet().stream()
            .filter(n -> n.startsWith(Settings.ENDPOINT_ENV_PREFIX))
            .map(
                n ->
                    n.endsWith(Settings.FILE_ENV_SUFFIX)
                        ? n.substring(0, n.length() - Settings.FILE_ENV_SUFFIX.length())
                        : n)
            .distinct()
            .forEach(
                n -> {
                  String key = endpointKeyOfEnv(n);
                  fromEnvironment(env, n).ifPresent(r -> raw.put(key, r));
                });
    policy.ifPresent(
        f ->
            readFile(f, "policy file")
                .forEach(
                    (k, v) -> {
                      String source = "policy file " + f;
                      if (!known.containsKey(k)
                          && !k.startsWith(Settings.KAFKA_PREFIX)
                          && !k.startsWith(Settings.PROFILE_PREFIX)) {
                        put(known, raw, kafka, k, v, source); // the unknown-key message
                      }
                      if (!Settings.isPolicyKey(k)) {
                        throw new ConfigException(
                            "config '"
                                + k
                                + "' ("
                                + source
                                + ") is not a policy "
                                + "setting: a policy file may set only "
                                + Settings.POLICY_KEYS_DESCRIPTION
                                + " keys; give others with --config or --set");
                      }
                      put(known, raw, kafka, k, v, source);
                    }));
    flags.forEach(
        (k, v) -> {
          if (Secrets.isSecret(k)) {
            // ps, shell history and CI logs show a command line; a secret must not be on one
            throw new ConfigException(
                "config '"
                    + k
                    + "' is a secret and is refused on the command "
                    + "line: give it in the --config file, as "
                    + Settings.envName(k)
                    + ", or in a file "
                    + "named by "
                    + Settings.envName(k)
                    + Settings.FILE_ENV_SUFFIX);
          }
          put(known, raw, kafka, k, v, "flag");
        });
    return new Layers(raw, kafka);
  }

  private static NinesConfig build(Map<String, Raw> raw, Map<String, Raw> kafkaRaw) {
    Map<String, String> kafka = new TreeMap<>();
    kafkaRaw.forEach((k, r) -> kafka.put(k, r.value()));

    NinesConfig.Cluster cluster =
        new NinesConfig.Cluster(
            get(raw, Settings.BOOTSTRAP_SERVERS).trim(),
                get(raw, Settings.SCHEMA_REGISTRY_URL).trim(),
            Map.copyOf(kafka), registryAccess(raw));
    if (!cluster.embedded() && cluster.schemaRegistryUrl().isBlank()) {
      throw new ConfigException(
          "config 'schema.registry.url' is empty while 'bootstrap.servers' = '"
              + cluster.bootstrapServers()
              + "': with an external cluster give its registry URL too, "
              + "e.g. --schema-registry-url http://registry:8081");
    }
    if (!cluster.schemaRegistryUrl().isBlank()) {
      String u = cluster.schemaRegistryUrl();
      if (!u.startsWith("http://") && !u.startsWith("https://")) {
        throw new ConfigException(
            "config 'schema.registry.url' = '"
                + u
                + "' ("
                + raw.get("schema.registry.url").source()
                + "): expected an http:// or https:// URL");
      }
    }
    NinesConfig.Platform platform =
        new NinesConfig.Platform(
            get(raw, Settings.PLATFORM_HOST), get(raw, Settings.PLATFORM_KAFKA_PORT),
            get(raw, Settings.PLATFORM_CONTROLLER_PORT), get(raw, Settings.PLATFORM_REGISTRY_PORT),
            get(raw, Settings.PLATFORM_DATA_DIR), get(raw, Settings.PLATFORM_EPHEMERAL),
            get(raw, Settings.PLATFORM_BROKER_HEAP), get(raw, Settings.PLATFORM_BROKERS));
    int rf = get(raw, Settings.TOPICS_REPLICATION_FACTOR);
    if (cluster.embedded() && rf > platform.brokers()) {
      throw new ConfigException(
          "config 'topics.replication.factor' = "
              + rf
              + " is more than the "
              + platform.brokers()
              + " embedded broker(s): expected at most "
              + platform.brokers()
              + " or raise 'platform.brokers'");
    }
    long memtables =
        (long) (get(raw, Settings.ROCKSDB_MEMORY_MB) * get(raw, Settings.ROCKSDB_MEMTABLE_SHARE));
    int memtable = get(raw, Settings.ROCKSDB_MEMTABLE_MB);
    if (memtables > 0 && memtable * MEMTABLES_PER_BUDGET > memtables) {
      throw new ConfigException(
          "config 'rocksdb.memtable.mb' = "
              + memtable
              + " ("
              + raw.get("rocksdb.memtable.mb").source()
              + ") leaves room for fewer than "
              + MEMTABLES_PER_BUDGET
              + " memtables in rocksdb.memory.mb x rocksdb.memtable.share = "
              + memtables
              + " MiB: expected at most "
              + Math.max(1, memtables / MEMTABLES_PER_BUDGET)
              + ", or raise rocksdb.memory.mb");
    }
    String stateDir = get(raw, Settings.STATE_DIR);
    String end = get(raw, Settings.SIMULATE_END);
    String scenario = get(raw, Settings.SIMULATE_SCENARIO);
    NinesConfig.Routing routing = routing(raw);
    return new NinesConfig(
        cluster,
        platform,
        new NinesConfig.TopicLayout(
            get(raw, Settings.TOPICS_PARTITIONS),
            (short) rf,
            get(raw, Settings.TOPICS_PREFIX),
            get(raw, Settings.TOPICS_RETENTION)),
        new InputBounds(
            get(raw, Settings.INGEST_MAX_RECORD_SKEW),
            get(raw, Settings.INGEST_MAX_AHEAD),
            get(raw, Settings.INGEST_MAX_BEHIND),
            get(raw, Settings.INGEST_CHECK_PLANS),
            get(raw, Settings.INGEST_PLANS_RECHECK),
            get(raw, Settings.INGEST_MAX_TEXT_LENGTH)),
        new NinesConfig.Streams(
            get(raw, Settings.APPLICATION_ID),
            stateDir.isBlank() ? Optional.empty() : Optional.of(Path.of(stateDir)),
            get(raw, Settings.ROCKSDB_MEMORY_MB) * 1024L * 1024L,
            get(raw, Settings.ROCKSDB_MEMTABLE_SHARE),
            get(raw, Settings.ROCKSDB_MEMTABLE_MB) * 1024L * 1024L,
            get(raw, Settings.WINDOW_CHANGELOG_EXTRA_RETENTION),
            get(raw, Settings.REGISTRY_OUTPUT_COMPATIBILITY)),
        new NinesConfig.Health(
            get(raw, Settings.HEALTH_WINDOW),
            get(raw, Settings.HEALTH_GRACE),
            get(raw, Settings.DEDUP_RETENTION),
            get(raw, Settings.HEALTH_SKETCH_ACCURACY),
            positive(raw, Settings.HEALTH_WATERMARK_INTERVAL),
            positive(raw, Settings.HEALTH_PARTITION_IDLE),
            get(raw, Settings.HEALTH_BATCH_RECORDS)),
        routing,
        uptime(raw),
        new NinesConfig.Simulate(
            scenario.isBlank() ? Optional.empty() : Optional.of(Path.of(scenario)),
            get(raw, Settings.SIMULATE_PACE),
            get(raw, Settings.SIMULATE_RATE_SCALE),
            get(raw, Settings.SIMULATE_SPAN),
            end.isBlank() ? Optional.empty() : Optional.of(Instant.parse(end)),
            get(raw, Settings.SIMULATE_PRELUDE_SPAN),
            get(raw, Settings.SIMULATE_PRELUDE_RATE_SCALE),
            get(raw, Settings.SIMULATE_PRELUDE_WAIT)),
        api(raw),
        webhooks(raw),
        get(raw, Settings.LOG_FORMAT));
  }

  private static NinesConfig.Api api(Map<String, Raw> raw) {
    String host = get(raw, Settings.API_HOST);
    String advertised = get(raw, Settings.API_ADVERTISED_HOST).trim();
    if (advertised.isEmpty()) {
      advertised = host;
      if (host.equals("0.0.0.0") || host.equals("::")) {
        try {
          advertised = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
          throw new ConfigException(
              "config 'api.advertised.host' is empty and 'api.host' = '"
                  + host
                  + "': this machine has no resolvable name; give the host other instances "
                  + "reach this one at, e.g. --set api.advertised.host=app-1.internal");
        }
      }
    }
    var token = new NinesConfig.Secret(get(raw, Settings.API_TOKEN).trim());
    if (token.isEmpty() && !isLoopback(host)) {
      // the JSON API and /metrics tell who your carriers are and how they fare: beyond this
      // machine, only with the token
      throw new ConfigException(
          "config 'api.host' = '"
              + host
              + "' serves the API beyond this "
              + "machine, and no API token is set: give NINES_API_TOKEN (or NINES_API_TOKEN_FILE), "
              + "or bind api.host to 127.0.0.1");
    }
    return new NinesConfig.Api(
        host,
        get(raw, Settings.API_PORT),
        advertised,
        get(raw, Settings.API_HISTORY_DAYS),
        get(raw, Settings.API_WEIGHTS_HISTORY),
        get(raw, Settings.API_RECENT_RESOLVED),
        get(raw, Settings.API_FORWARD_TIMEOUT),
        token);
  }

  /** Whether {@code host} names this machine only (by name, IPv4 or IPv6 literal). */
  static boolean isLoopback(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return h.equalsIgnoreCase("localhost")
        || h.startsWith("127.")
        || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1");
  }

  /** NINES_WEBHOOKS_ENDPOINT_PAGER_ONE_MIN_SEVERITY is webhooks.endpoint.pager-one.min.severity. */
  static String endpointKeyOfEnv(String envName) {
    String rest = envName.substring(Settings.ENDPOINT_ENV_PREFIX.length());
    for (String field : Settings.ENDPOINT_FIELDS) {
      String suffix = "_" + field.toUpperCase(Locale.ROOT).replace('.', '_');
      if (rest.endsWith(suffix) && rest.length() > suffix.length()) {
        String name = rest.substring(0, rest.length() - suffix.length());
        return Settings.ENDPOINT_PREFIX
            + name.toLowerCase(Locale.ROOT).replace('_', '-')
            + "."
            + field;
      }
    }
    throw new ConfigException(
        "environment variable "
            + envName
            + ": expected "
            + Settings.ENDPOINT_ENV_PREFIX
            + "<NAME>_<FIELD> with FIELD one of "
            + Settings.ENDPOINT_FIELDS.stream()
                .map(f -> f.toUpperCase(Locale.ROOT).replace('.', '_'))
                .toList());
  }

  private static final Pattern ENDPOINT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

  /** The webhooks.endpoint.<name>.<field> keys, endpoint by endpoint, each checked. */
  private static List<NinesConfig.WebhookEndpoint> endpoints(Map<String, Raw> raw) {
    Map<String, Map<String, Raw>> byName = new TreeMap<>();
    raw.forEach(
        (key, r) -> {
          if (!key.startsWith(Settings.ENDPOINT_PREFIX)) {
            return;
          }
          String rest = key.substring(Settings.ENDPOINT_PREFIX.length());
          int dot = rest.indexOf('.');
          String name = dot < 0 ? rest : rest.substring(0, dot);
          String field = dot < 0 ? "" : rest.substring(dot + 1);
          if (!ENDPOINT_NAME.matcher(name).matches() || !Settings.ENDPOINT_FIELDS.contains(field)) {
            throw new ConfigException(
                "config '"
                    + key
                    + "' ("
                    + r.source()
                    + "): expected webhooks.endpoint.<name>.<field>, the name of lower-case "
                    + "letters, digits and dashes, the field one of "
                    + String.join(", ", Settings.ENDPOINT_FIELDS));
          }
          byName.computeIfAbsent(name, n -> new TreeMap<>()).put(field, r);
        });
    List<NinesConfig.WebhookEndpoint> out = new ArrayList<>();
    byName.forEach((name, fields) -> out.add(endpoint(name, fields)));
    return out;
  }

  private static NinesConfig.WebhookEndpoint endpoint(String name, Map<String, Raw> f) {
    String p = Settings.ENDPOINT_PREFIX + name + ".";
    Raw url = f.get("url");
    if (url == null || url.value().isBlank()) {
      throw new ConfigException(
          "config '" + p + "url' is missing: endpoint '" + name + "' needs an http(s) URL");
    }
    URI uri = Settings.httpUrl(url.value());
    if (uri == null) {
      // the URL may hold a token: not repeated in the message
      throw new ConfigException(
          "config '" + p + "url' (" + url.source() + "): expected an http:// or https:// URL");
    }
    String format = value(f, "format", "nines");
    oneOf(p + "format", f.get("format"), format, Settings.WEBHOOK_FORMATS);
    String secret = value(f, "secret", "");
    if (secret.isBlank() && (format.equals("nines") || format.equals("pagerduty"))) {
      throw new ConfigException(
          "config '"
              + p
              + "secret' is missing: a "
              + format
              + " endpoint needs "
              + (format.equals("nines") ? "the key it signs with" : "the integration's routing key")
              + "; give it in the config file, as "
              + Settings.ENDPOINT_ENV_PREFIX
              + name.toUpperCase(Locale.ROOT).replace('-', '_')
              + "_SECRET, or in a file named by that variable + _FILE");
    }
    Set<String> services = list(f, "services");
    for (String s : services) {
      oneOf(p + "services", f.get("services"), s, List.of("SMS", "VOICE", "VERIFY"));
    }
    Set<String> events = list(f, "events");
    for (String e : events) {
      oneOf(p + "events", f.get("events"), e, Settings.WEBHOOK_EVENTS);
    }
    String severity = value(f, "min.severity", "info");
    oneOf(p + "min.severity", f.get("min.severity"), severity, Settings.WEBHOOK_SEVERITIES);
    return new NinesConfig.WebhookEndpoint(
        name,
        uri,
        format,
        new NinesConfig.Secret(secret.trim()),
        services,
        list(f, "regions"),
        events,
        severity);
  }

  private static String value(Map<String, Raw> f, String field, String def) {
    Raw r = f.get(field);
    return r == null || r.value().isBlank() ? def : r.value().trim();
  }

  private static Set<String> list(Map<String, Raw> f, String field) {
    Raw r = f.get(field);
    Set<String> out = new TreeSet<>();
    if (r != null) {
      for (String x : r.value().split(",")) {
        if (!x.isBlank()) {
          out.add(x.trim());
        }
      }
    }
    return out;
  }

  private static void oneOf(String key, Raw r, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new ConfigException(
          "config '"
              + key
              + "' = '"
              + value
              + "' ("
              + (r == null ? "default" : r.source())
              + "): expected one of "
              + String.join(", ", allowed));
    }
  }

  private static NinesConfig.Webhooks webhooks(Map<String, Raw> raw) {
    // (a file holding it is NINES_WEBHOOKS_SECRET_FILE, read like every *_FILE variable)
    String secret = get(raw, Settings.WEBHOOK_SECRET).trim();
    var urls = get(raw, Settings.WEBHOOK_URLS);
    if (!urls.isEmpty() && secret.isEmpty()) {
      throw new ConfigException(
          "config 'webhooks.urls' is set but no secret is: give "
              + "NINES_WEBHOOKS_SECRET or NINES_WEBHOOKS_SECRET_FILE (a file holding it), so that "
              + "receivers can check the X-Nines-Signature header");
    }
    var initial = get(raw, Settings.WEBHOOK_BACKOFF);
    var max = get(raw, Settings.WEBHOOK_BACKOFF_MAX);
    if (max.compareTo(initial) < 0) {
      throw new ConfigException(
          "config 'webhooks.backoff.max' = '"
              + max
              + "' ("
              + raw.get("webhooks.backoff.max").source()
              + "): expected at least "
              + "'webhooks.backoff.initial' = "
              + initial);
    }
    return new NinesConfig.Webhooks(
        urls,
        new NinesConfig.Secret(secret),
        get(raw, Settings.WEBHOOK_ATTEMPTS),
        initial,
        max,
        get(raw, Settings.WEBHOOK_TIMEOUT),
        get(raw, Settings.WEBHOOK_FROM),
        endpoints(raw));
  }

  private static NinesConfig.RegistryAccess registryAccess(Map<String, Raw> raw) {
    String trust = get(raw, Settings.REGISTRY_TRUSTSTORE).trim();
    String key = get(raw, Settings.REGISTRY_KEYSTORE).trim();
    for (Setting<String> s : List.of(Settings.REGISTRY_TRUSTSTORE, Settings.REGISTRY_KEYSTORE)) {
      String f = get(raw, s).trim();
      if (!f.isEmpty() && !Files.isReadable(Path.of(f))) {
        throw new ConfigException(
            "config '"
                + s.key()
                + "' = '"
                + f
                + "' ("
                + raw.get(s.key()).source()
                + "): expected a readable PKCS12 or JKS file");
      }
    }
    return new NinesConfig.RegistryAccess(
        nonEmpty(get(raw, Settings.REGISTRY_BASIC_AUTH)),
        nonEmpty(trust).map(Path::of),
        nonEmpty(get(raw, Settings.REGISTRY_TRUSTSTORE_PASSWORD)),
        nonEmpty(key).map(Path::of),
        nonEmpty(get(raw, Settings.REGISTRY_KEYSTORE_PASSWORD)));
  }

  private static Optional<String> nonEmpty(String s) {
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  /**
   * The value of an environment variable, or of the file that {@code NAME_FILE} names (how
   * Docker and Kubernetes hand over secrets; one trailing newline is dropped). Both set is an
   * error: which one wins would be a guess.
   */
  private static Optional<Raw> fromEnvironment(Map<String, String> env, String name) {
    String direct = env.get(name);
    String file = env.get(name + Settings.FILE_ENV_SUFFIX);
    if (direct != null && file != null) {
      throw new ConfigException(
          "environment variables "
              + name
              + " and "
              + name
              + Settings.FILE_ENV_SUFFIX
              + " are both set: expected only one of them");
    }
    if (direct != null) {
      return Optional.of(new Raw(direct, "environment " + name));
    }
    if (file == null) {
      return Optional.empty();
    }
    try {
      String v = Files.readString(Path.of(file));
      v =
          v.endsWith("\r\n")
              ? v.substring(0, v.length() - 2)
              : v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
      return Optional.of(
          new Raw(v, "file " + file + " named by " + name + Settings.FILE_ENV_SUFFIX));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(
          "environment "
              + name
              + Settings.FILE_ENV_SUFFIX
              + " = '"
              + file
              + "' cannot be read ("
              + e.getClass().getSimpleName()
              + "): expected a readable file "
              + "holding the value");
    }
  }

  private static NinesConfig.Uptime uptime(Map<String, Raw> raw) {
    Duration grace = get(raw, Settings.UPTIME_REORDER_GRACE);
    Duration monthGrace = get(raw, Settings.UPTIME_MONTH_GRACE);
    if (monthGrace.compareTo(grace) < 0) {
      throw new ConfigException(
          "config 'uptime.month.grace' = '"
              + monthGrace
              + "' ("
              + raw.get("uptime.month.grace").source()
              + "): expected at least "
              + "'uptime.reorder.grace' = "
              + grace
              + ", or late probes could change a closed month");
    }
    Duration tick = get(raw, Settings.UPTIME_TICK);
    if (Duration.ofDays(1).toMillis() % tick.toMillis() != 0) {
      throw new ConfigException(
          "config 'uptime.tick' = '"
              + tick
              + "' ("
              + raw.get("uptime.tick").source()
              + "): expected a duration that divides a day, "
              + "e.g. PT1M, PT30S or PT5M");
    }
    Duration noData = get(raw, Settings.UPTIME_NO_DATA_AFTER);
    if (noData.compareTo(grace) <= 0) {
      throw new ConfigException(
          "config 'uptime.no.data.after' = '"
              + noData
              + "' ("
              + raw.get("uptime.no.data.after").source()
              + "): expected more than 'uptime.reorder.grace' = "
              + grace
              + ", or a probe still in time could be taken for a gap");
    }
    HealthRule rule =
        new HealthRule(
            get(raw, Settings.UPTIME_CONFIRMATIONS),
            get(raw, Settings.UPTIME_QUORUM),
            // the reorder buffer already drops copies (held: duplicate, released: late); the
            // tracker's own guard only needs to cover the same span, and it is rewritten per probe
            grace,
            noData);
    return new NinesConfig.Uptime(
        rule,
        grace,
        get(raw, Settings.UPTIME_TARGET),
        monthGrace,
        tick,
        get(raw, Settings.UPTIME_ALERT_RULES),
        get(raw, Settings.CREDITS_KEEP_MONTHS),
        get(raw, Settings.UPTIME_REGION_IDLE),
        noData,
        positive(raw, Settings.UPTIME_WATERMARK_INTERVAL),
        positive(raw, Settings.UPTIME_PARTITION_IDLE),
        platformErrorRate(raw));
  }

  /** The platform's error-rate objective, or null when uptime.error.rate.percent is empty. */
  private static ErrorRateDowntime platformErrorRate(Map<String, Raw> raw) {
    BigDecimal percent = get(raw, Settings.UPTIME_ERROR_RATE_PERCENT);
    Duration period = get(raw, Settings.UPTIME_ERROR_RATE_PERIOD);
    int min = get(raw, Settings.UPTIME_ERROR_RATE_MIN_ATTEMPTS);
    try {
      // the period is checked also when off, so that turning it on cannot fail later
      ErrorRateDowntime rule =
          new ErrorRateDowntime(percent == null ? BigDecimal.ZERO : percent, period, min);
      return percent == null ? null : rule;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "config 'uptime.error.rate.period' = '"
              + period
              + "' ("
              + raw.get("uptime.error.rate.period").source()
              + "): expected whole minutes that divide an hour, e.g. PT1M, PT5M or PT1H");
    }
  }

  private static NinesConfig.Routing routing(Map<String, Raw> raw) {
    Duration interval = get(raw, Settings.ROUTING_INTERVAL);
    Duration history = get(raw, Settings.ROUTING_HISTORY);
    if (history.compareTo(interval) < 0 || history.toMillis() % interval.toMillis() != 0) {
      throw new ConfigException(
          "config 'routing.history' = '"
              + history
              + "' ("
              + raw.get("routing.history").source()
              + "): expected a whole multiple of "
              + "'routing.evaluation.interval' = "
              + interval);
    }
    RoutingPolicy policy;
    try {
      policy = RoutingPolicies.build(RoutingPolicies.values(s -> get(raw, s)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("routing policy (routing.* keys): " + e.getMessage());
    }
    return new NinesConfig.Routing(
        interval,
        history,
        get(raw, Settings.ROUTING_GRACE),
        get(raw, Settings.ROUTING_PLAN_HISTORY),
        policy,
        profileOverrides(raw, policy));
  }

  /** routing.profile.<name>.<knob> keys, by profile name, as routing.<knob> settings. */
  private static Map<String, Map<String, String>> profileOverrides(
      Map<String, Raw> raw, RoutingPolicy policy) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    Map<String, String> sources = new TreeMap<>();
    raw.forEach(
        (key, r) -> {
          if (!key.startsWith(Settings.PROFILE_PREFIX)) {
            return;
          }
          String rest = key.substring(Settings.PROFILE_PREFIX.length());
          int dot = rest.indexOf('.');
          if (dot <= 0 || dot == rest.length() - 1) {
            throw new ConfigException(
                "config '"
                    + key
                    + "' ("
                    + r.source()
                    + "): expected routing.profile.<name>.<knob>, e.g. "
                    + "routing.profile.otp.eject.success.below=0.9");
          }
          String name = rest.substring(0, dot);
          out.computeIfAbsent(name, n -> new TreeMap<>())
              .put("routing." + rest.substring(dot + 1), r.value());
          sources.merge(name, r.source(), (a, b) -> a.equals(b) ? a : a + ", " + b);
        });
    out.forEach(
        (name, settings) -> {
          try {
            RoutingPolicies.override(policy, settings);
          } catch (IllegalArgumentException e) {
            throw new ConfigException(
                "config routing.profile."
                    + name
                    + ".* ("
                    + sources.get(name)
                    + "): "
                    + e.getMessage());
          }
        });
    return out;
  }

  private static void put(
      Map<String, Setting<?>> known,
      Map<String, Raw> raw,
      Map<String, Raw> kafka,
      String key,
      String value,
      String source) {
    if (key.startsWith(Settings.KAFKA_PREFIX) && key.length() > Settings.KAFKA_PREFIX.length()) {
      kafka.put(key.substring(Settings.KAFKA_PREFIX.length()), new Raw(value, source));
    } else if (known.containsKey(key)
        || key.startsWith(Settings.PROFILE_PREFIX)
        || key.startsWith(Settings.ENDPOINT_PREFIX)) {
      raw.put(key, new Raw(value, source));
    } else {
      throw new ConfigException(
          "unknown config key '"
              + key
              + "' ("
              + source
              + "): expected one of "
              + known.keySet()
              + " or a 'kafka.' client property");
    }
  }

  /** A duration setting that must be above zero. */
  private static Duration positive(Map<String, Raw> raw, Setting<Duration> s) {
    Duration d = get(raw, s);
    if ((d.isNegative() || d.isZero())) {
      throw new ConfigException(
          "config '"
              + s.key()
              + "' = '"
              + d
              + "' ("
              + raw.get(s.key()).source()
              + "): expected a positive duration, e.g. "
              + s.defaultValue());
    }
    return d;
  }

  private static <T> T get(Map<String, Raw> raw, Setting<T> s) {
    Raw r = raw.get(s.key());
    try {
      return s.parser().apply(r.value());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "config '"
              + s.key()
              + "' = '"
              + Secrets.show(s.key(), r.value())
              + "' ("
              + r.source()
              + "): "
              + e.getMessage());
    }
  }

  private static Map<String, String> readFile(Path f, String what) {
    if (!Files.isRegularFile(f)) {
      throw new ConfigException(
          what + " '" + f + "' does not exist: expected a readable " + "properties file");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(what + " '" + f + "' cannot be read: " + e.getMessage());
    }
    Map<String, String> out = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }
}
