package dev.nines.config;

import dev.nines.schema.AlertSeverity;
import dev.nines.uptime.BurnRule;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Every configuration key nines reads, with its default and meaning (docs/configuration.md). */
public final class Settings {
  private Settings() {}

  public enum Pace {
    LIVE,
    HISTORY
  }

  public static final Setting<String> BOOTSTRAP_SERVERS =
      Setting.string(
          "bootstrap.servers",
          "",
          "Kafka bootstrap servers. Empty: start the embedded broker (and registry) on this machine.");
  public static final Setting<String> SCHEMA_REGISTRY_URL =
      Setting.string(
          "schema.registry.url",
          "",
          "Confluent-compatible schema registry URL. Empty with an external cluster is an error; "
              + "empty with the embedded platform: the embedded registry.");
  /*
   * Access to the schema registry. The secrets among them (user info, store passwords) are
   * refused as flags and never printed: see Secrets.
   */
  public static final Setting<String> REGISTRY_BASIC_AUTH =
      new Setting<>(
          "schema.registry.basic.auth.user.info",
          "",
          "HTTP basic auth for the schema registry as user:password (a secret: file or environment "
              + "only). Empty: no Authorization header.",
          "user:password",
          s -> {
            if (!s.isEmpty() && !s.contains(":")) {
              throw new IllegalArgumentException("expected user:password");
            }
            return s;
          });
  public static final Setting<String> REGISTRY_TRUSTSTORE =
      Setting.string(
          "schema.registry.ssl.truststore.location",
          "",
          "PKCS12 or JKS truststore with the CA(s) of an https:// registry. Empty: the JVM's "
              + "default trusted CAs.");
  public static final Setting<String> REGISTRY_TRUSTSTORE_PASSWORD =
      Setting.string(
          "schema.registry.ssl.truststore.password",
          "",
          "Password of that truststore (a secret: file or environment only).");
  public static final Setting<String> REGISTRY_KEYSTORE =
      Setting.string(
          "schema.registry.ssl.keystore.location",
          "",
          "PKCS12 or JKS keystore with a client certificate, for a registry that requires mutual "
              + "TLS. Empty: no client certificate.");
  public static final Setting<String> REGISTRY_KEYSTORE_PASSWORD =
      Setting.string(
          "schema.registry.ssl.keystore.password",
          "",
          "Password of that keystore and of its key (a secret: file or environment only).");

  /** Compatibility levels of Confluent's registry API; KEEP leaves the subject's level alone. */
  public enum OutputCompatibility {
    KEEP,
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE
  }

  public static final Setting<OutputCompatibility> REGISTRY_OUTPUT_COMPATIBILITY =
      Setting.oneOf(
          "schema.registry.output.compatibility",
          "full_transitive",
          OutputCompatibility.class,
          "Compatibility level nines sets on each output topic's subject before it registers a "
              + "schema there: FULL_TRANSITIVE keeps every version readable by consumers on any "
              + "older or newer schema (billing, routers, auditors). keep: leave the registry's "
              + "level (for a principal that may not change it).");

  /** How log lines are written. */
  public enum LogFormat {
    TEXT,
    JSON
  }

  public static final Setting<LogFormat> LOG_FORMAT =
      Setting.oneOf(
          "log.format",
          "text",
          LogFormat.class,
          "Log lines on standard error: text (time, level, logger, message) or json "
              + "(one Elastic Common Schema object per line, for log shippers).");

  /** Keys whose values are secrets (see {@link Secrets}; kafka.* keys are judged there). */
  public static final Set<String> SECRET_KEYS =
      Set.of(
          "schema.registry.basic.auth.user.info",
          "schema.registry.ssl.truststore.password",
          "schema.registry.ssl.keystore.password",
          "webhooks.secret",
          "api.token");

  public static final Setting<String> APPLICATION_ID =
      Setting.string(
          "application.id",
          "nines",
          "Kafka Streams application id (consumer group, transactional id and internal topic prefix).");

  public static final Setting<String> PLATFORM_HOST =
      Setting.string(
          "platform.host",
          "localhost",
          "Host name the embedded broker and registry bind to and advertise.");
  public static final Setting<Integer> PLATFORM_KAFKA_PORT =
      Setting.port(
          "platform.kafka.port",
          "9092",
          "Port of the embedded broker's client listener (node i of n uses port + i - 1).");
  public static final Setting<Integer> PLATFORM_CONTROLLER_PORT =
      Setting.port(
          "platform.controller.port",
          "9093",
          "Port of the embedded KRaft controller listener (node i uses port + 10 * (i - 1)).");
  public static final Setting<Integer> PLATFORM_REGISTRY_PORT =
      Setting.port("platform.registry.port", "8081", "Port of the embedded schema registry.");
  public static final Setting<Path> PLATFORM_DATA_DIR =
      Setting.path(
          "platform.data.dir",
          "./data",
          "Where the embedded broker keeps its logs and the app its state; kept across restarts.");
  public static final Setting<Boolean> PLATFORM_EPHEMERAL =
      Setting.bool(
          "platform.ephemeral", "false", "Use a temporary data directory, deleted on exit.");
  public static final Setting<String> PLATFORM_BROKER_HEAP =
      new Setting<>(
          "platform.broker.heap",
          "768m",
          "Maximum heap of the embedded broker's JVM (java -Xmx syntax).",
          "size (java -Xmx syntax)",
          s -> {
            if (!s.trim().matches("[0-9]+[kKmMgG]?")) {
              throw new IllegalArgumentException("expected a java -Xmx size such as 512m or 1g");
            }
            return s.trim();
          });
  public static final Setting<Integer> PLATFORM_BROKERS =
      Setting.intRange(
          "platform.brokers",
          "1",
          1,
          5,
          "Number of embedded brokers (combined broker+controller nodes).");

  public static final Setting<Integer> TOPICS_PARTITIONS =
      Setting.intRange(
          "topics.partitions", "3", 1, 10_000, "Partitions of each contract topic nines creates.");
  public static final Setting<Integer> TOPICS_REPLICATION_FACTOR =
      Setting.intRange(
          "topics.replication.factor",
          "1",
          1,
          32,
          "Replication factor of each contract topic nines creates.");

  public static final Setting<String> TOPICS_PREFIX =
      new Setting<>(
          "topics.prefix",
          "",
          "Prefix of every contract topic name (tests and shadow environments); empty in production.",
          "text: letters, digits, '.', '_', '-'",
          s -> {
            if (!s.matches("[A-Za-z0-9._-]*")) {
              throw new IllegalArgumentException("expected only letters, digits, '.', '_' and '-'");
            }
            return s;
          });
  public static final Setting<Long> TOPICS_RETENTION =
      new Setting<>(
          "topics.retention",
          "forever",
          "retention.ms of the non-compacted contract topics nines creates: 'forever' or an ISO-8601 "
              + "duration of at least PT1H. The broker compares it with record timestamps, which are "
              + "event times here, so history older than this is deleted as soon as it is written.",
          "'forever' or ISO-8601 duration ≥ PT1H",
          s -> {
            if (s.trim().equalsIgnoreCase("forever")) {
              return -1L;
            }
            try {
              Duration d = Duration.parse(s.trim());
              if (d.compareTo(Duration.ofHours(1)) >= 0) {
                return d.toMillis();
              }
            } catch (DateTimeParseException e) {
              // fall through to the message below
            }
            throw new IllegalArgumentException(
                "expected 'forever' or an ISO-8601 duration of at " + "least PT1H, e.g. P400D");
          });
  public static final Setting<Duration> WINDOW_CHANGELOG_EXTRA_RETENTION =
      Setting.duration(
          "streams.window.changelog.extra.retention",
          "P1D",
          "Kept in windowed-store changelogs beyond the windows' own retention (Kafka Streams' "
              + "windowstore.changelog.additional.retention.ms). Replaying history older than "
              + "this: raise it, or a restarted app restores those windows incompletely.");
  public static final Setting<Duration> INGEST_MAX_RECORD_SKEW =
      Setting.duration(
          "ingest.max.record.skew",
          "PT24H",
          "A receipt or probe whose event time is more than this before the record's own "
              + "(producer or broker) timestamp goes to dead-letters.");
  public static final Setting<Duration> INGEST_MAX_AHEAD =
      Setting.duration(
          "ingest.max.ahead",
          "PT1H",
          "A receipt or probe whose event time is more than this after the record's own "
              + "timestamp goes to dead-letters (never relative to the wall clock).");
  public static final Setting<Duration> INGEST_MAX_BEHIND =
      Setting.duration(
          "ingest.max.behind",
          "P7D",
          "A receipt or probe more than this behind the latest event time admitted on its "
              + "partition goes to dead-letters.");
  public static final Setting<Boolean> INGEST_CHECK_PLANS =
      Setting.bool(
          "ingest.check.plans",
          "true",
          "A receipt whose route (country:channel) or carrier no route plan in force between its "
              + "submittedAt and completedAt lists goes to dead-letters (unknown-route, "
              + "unknown-carrier). false: receipts are not checked against the plans.");
  public static final Setting<Duration> INGEST_PLANS_RECHECK =
      Setting.duration(
          "ingest.plans.recheck",
          "PT1S",
          "A receipt the plans do not know waits until the app has read route-plans up to its end, "
              + "so a plan written before the receipt is always seen; for this long after that, "
              + "further receipts of the same route and carrier are judged without waiting again.");
  public static final Setting<Integer> INGEST_MAX_TEXT_LENGTH =
      Setting.intRange(
          "ingest.max.text.length",
          "256",
          1,
          // at most 3 UTF-8 bytes a char: an id always fits the 2-byte lengths of the internal
          // records (CarrierReceipt)
          10_000,
          "An input record (receipt, probe, route plan, contract, maintenance window) with a text "
              + "field longer than this many characters goes to dead-letters (text-too-long): ids "
              + "and names are short, and one huge one would make outputs over the broker's limit.");
  public static final Setting<String> STATE_DIR =
      Setting.string(
          "state.dir", "", "Kafka Streams state directory. Empty: <platform.data.dir>/streams.");

  public static final Setting<String> SIMULATE_SCENARIO =
      Setting.string(
          "simulate.scenario",
          "",
          "Scenario YAML file for the simulator. Empty: the built-in default scenario.");
  public static final Setting<Pace> SIMULATE_PACE =
      Setting.oneOf(
          "simulate.pace",
          "live",
          Pace.class,
          "live: event time = now, paced; history: a past span as fast as possible.");
  public static final Setting<Double> SIMULATE_RATE_SCALE =
      Setting.positiveDouble(
          "simulate.rate.scale", "1.0", "Multiplies every route's receipts per second.");
  public static final Setting<Duration> SIMULATE_SPAN =
      Setting.duration(
          "simulate.span",
          "P1D",
          "History pace: how long a span to produce, ending at simulate.end.");
  public static final Setting<Duration> SIMULATE_PRELUDE_SPAN =
      Setting.duration(
          "simulate.prelude.span",
          "PT1H",
          "./nines run first replays this much of the end of the previous month (and the month "
              + "grace after it), so that a month closes and its ledger and credits appear at once.");
  public static final Setting<Double> SIMULATE_PRELUDE_RATE_SCALE =
      Setting.positiveDouble(
          "simulate.prelude.rate.scale",
          "0.05",
          "Traffic rate of the prelude relative to the scenario (probes are not scaled).");
  public static final Setting<Duration> SIMULATE_PRELUDE_WAIT =
      Setting.duration(
          "simulate.prelude.wait",
          "PT3M",
          "How long ./nines run waits for the app to process the prelude before live traffic "
              + "starts (live records must not overtake last month's across partitions).");
  public static final Setting<String> SIMULATE_END =
      new Setting<>(
          "simulate.end",
          "",
          "History pace: end of the span (ISO-8601 instant, e.g. 2026-11-01T00:00:00Z). "
              + "Empty: the start of the current UTC day.",
          "ISO-8601 instant, or empty",
          s -> {
            if (!s.isBlank()) {
              try {
                Instant.parse(s.trim());
              } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                    "expected an ISO-8601 instant such as 2026-11-01T00:00:00Z");
              }
            }
            return s.trim();
          });

  public static final Setting<Duration> HEALTH_WINDOW =
      Setting.duration(
          "health.window.size",
          "PT1M",
          "Length of the tumbling carrier-health windows (event time).");
  public static final Setting<Duration> HEALTH_GRACE =
      Setting.duration(
          "health.window.grace",
          "PT30S",
          "How late (event time) a receipt may arrive and still count in its carrier-health window.");
  public static final Setting<Duration> HEALTH_WATERMARK_INTERVAL =
      Setting.duration(
          "health.watermark.interval",
          "PT1S",
          "Each input partition's task sends a watermark across the by-carrier repartitions whenever "
              + "its stream time crosses a multiple of this (event time); the carrier-health windows "
              + "and routing buckets close by them. Shorter: windows close sooner, more marks.");
  public static final Setting<Duration> HEALTH_PARTITION_IDLE =
      Setting.duration(
          "health.partition.idle",
          "PT10S",
          "Wall-clock time without a receipt (or probe) after which an input partition no longer "
              + "holds back the closing of carrier-health windows and routing buckets. It affects "
              + "when windows close, not what they hold, unless the partition later sends records "
              + "for windows already closed.");
  public static final Setting<Integer> HEALTH_BATCH_RECORDS =
      Setting.intRange(
          "health.batch.records",
          "1000",
          1,
          10_000,
          "Most receipts an input partition's task sends across the by-carrier repartition in one "
              + "record (a batch, also cut at 256 KiB, before every watermark and at every "
              + "commit). 1: one record per receipt, which instances without batches can read: "
              + "the first step of a rolling upgrade (docs/operations.md).");
  public static final Setting<Duration> DEDUP_RETENTION =
      Setting.duration(
          "dedup.retention",
          "PT1H",
          "Two records with one messageId (or probeId) this close in event time are one; an id is "
              + "kept until every input partition's watermark is twice this past it.");
  public static final Setting<Double> HEALTH_SKETCH_ACCURACY =
      new Setting<>(
          "health.latency.relative.accuracy",
          "0.01",
          "Relative accuracy of the DDSketch latency quantiles (0.01 = within 1%).",
          "fraction, > 0 and < 1",
          s -> {
            try {
              double d = Double.parseDouble(s.trim());
              if (d > 0 && d < 1) {
                return d;
              }
            } catch (NumberFormatException e) {
              // fall through to the message below
            }
            throw new IllegalArgumentException("expected a fraction between 0 and 1, e.g. 0.01");
          });

  public static final Setting<Duration> ROUTING_INTERVAL =
      Setting.duration(
          "routing.evaluation.interval",
          "PT5S",
          "Event-time cadence of routing decisions; also the size of the buckets they are built on.");
  public static final Setting<Duration> ROUTING_HISTORY =
      Setting.duration(
          "routing.history", "PT2M", "Longest sliding history a routing decision looks at.");
  public static final Setting<Duration> ROUTING_GRACE =
      Setting.duration(
          "routing.bucket.grace",
          "PT1S",
          "How late a record may be and still count in its routing bucket (kept short: every "
              + "second of grace delays each decision by a second).");
  public static final Setting<Duration> ROUTING_PLAN_HISTORY =
      Setting.duration(
          "routing.plan.history",
          "P35D",
          "How far back (event time) route plan versions are kept, for replays of past decisions.");
  public static final Setting<Integer> ROUTING_MIN_SAMPLES =
      Setting.intRange(
          "routing.min.samples",
          "100",
          1,
          1_000_000,
          "Samples a carrier needs before it is judged; fewer: it keeps its state.");
  public static final Setting<Double> ROUTING_DEGRADE_SUCCESS =
      fraction(
          "routing.degrade.success.below",
          "0.95",
          "Success ratio below which a carrier is DEGRADED.");
  public static final Setting<Double> ROUTING_EJECT_SUCCESS =
      fraction(
          "routing.eject.success.below", "0.80", "Success ratio below which a carrier is EJECTED.");
  public static final Setting<Integer> ROUTING_DEGRADE_P95 =
      Setting.intRange(
          "routing.degrade.latency.p95.ms.above",
          "30000",
          1,
          Integer.MAX_VALUE,
          "p95 latency (ms) above which a carrier is DEGRADED.");
  public static final Setting<Integer> ROUTING_EJECT_P95 =
      Setting.intRange(
          "routing.eject.latency.p95.ms.above",
          "60000",
          1,
          Integer.MAX_VALUE,
          "p95 latency (ms) above which a carrier is EJECTED.");
  public static final Setting<Double> ROUTING_PEER_DEGRADE_GAP =
      fraction(
          "routing.peer.degrade.gap",
          "0.05",
          "DEGRADED when this far below the median success of the route's judged peers.");
  public static final Setting<Double> ROUTING_PEER_EJECT_GAP =
      fraction(
          "routing.peer.eject.gap",
          "0.15",
          "EJECTED when this far below the median success of the route's judged peers.");
  public static final Setting<Integer> ROUTING_MIN_PEERS =
      Setting.intRange(
          "routing.min.peers", "2", 1, 1000, "Judged peers needed before the peer rule applies.");
  public static final Setting<Double> ROUTING_DEGRADED_SHARE =
      fraction("routing.degraded.share", "0.5", "A DEGRADED carrier's share of its base weight.");
  public static final Setting<Double> ROUTING_MAX_EJECTED =
      fraction(
          "routing.max.ejected.share", "0.5", "Most of a route's base weight that may be EJECTED.");
  public static final Setting<Double> ROUTING_PANIC =
      fraction(
          "routing.panic.below.healthy.share",
          "0.5",
          "PANIC (base weights) when the healthy share of base weight falls below this.");
  public static final Setting<Integer> ROUTING_TRICKLE =
      Setting.intRange(
          "routing.trickle.weight",
          "100",
          0,
          5000,
          "Weight (of 10000) an EJECTED carrier keeps so its recovery can be seen (100 = 1%).");
  public static final Setting<Integer> ROUTING_RECOVERY =
      Setting.intRange(
          "routing.recovery.evaluations",
          "3",
          1,
          1000,
          "Consecutive healthy evaluations before EJECTED -> RECOVERING and DEGRADED -> HEALTHY.");
  public static final Setting<Integer> ROUTING_TIER_MIN_HEALTHY =
      Setting.intRange(
          "routing.tier.min.healthy.percent",
          "70",
          1,
          100,
          "A tier of a route with standby carriers carries all traffic left to it while this "
              + "percentage of its base weight is healthy; below, it spills the missing share to "
              + "the next tier.");
  public static final Setting<Duration> ROUTING_BACKOFF_MEMORY =
      Setting.duration(
          "routing.backoff.memory",
          "PT24H",
          "How far back (event time) a carrier's ejections count for the ejection backoff.");
  public static final Setting<Integer> ROUTING_BACKOFF_MAX =
      Setting.intRange(
          "routing.backoff.max.multiplier",
          "10",
          1,
          1000,
          "After its n-th ejection within the backoff memory a carrier needs "
              + "routing.recovery.evaluations x min(n, this) healthy evaluations (1 = no backoff).");
  public static final Setting<List<Double>> ROUTING_RAMP =
      new Setting<>(
          "routing.ramp.steps",
          "0.25,0.5,0.75",
          "Shares of base weight a RECOVERING carrier steps through (slow start).",
          "comma-separated fractions",
          s -> {
            try {
              return Arrays.stream(s.split(","))
                  .map(String::trim)
                  .filter(x -> !x.isEmpty())
                  .map(Double::valueOf)
                  .toList();
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException(
                  "expected comma-separated fractions, e.g. 0.25,0.5");
            }
          });

  public static final Setting<Integer> ROCKSDB_MEMORY_MB =
      Setting.intRange(
          "rocksdb.memory.mb",
          "256",
          0,
          1_048_576,
          "Off-heap memory, in MiB, for all RocksDB stores of this instance "
              + "together: one shared block cache, memtables included; 0 = not bounded (Kafka "
              + "Streams' own per-store defaults).");
  public static final Setting<Double> ROCKSDB_MEMTABLE_SHARE =
      fraction(
          "rocksdb.memtable.share",
          "0.5",
          "Share of rocksdb.memory.mb that memtables (write buffers) may take.");
  public static final Setting<Integer> ROCKSDB_MEMTABLE_MB =
      Setting.intRange(
          "rocksdb.memtable.mb",
          "2",
          1,
          256,
          "Size, in MiB, of one memtable of one store (at most two per store). Small, because an "
              + "instance has dozens of stores and window segments and their memtables together must "
              + "fit in the memtable share: see docs/guarantees.md, Bounded state memory.");
  public static final Setting<Integer> CREDITS_KEEP_MONTHS =
      Setting.intRange(
          "credits.keep.months",
          "3",
          2,
          120,
          "Closed UTC months kept per service: a contract month in a time zone other than UTC "
              + "spans two of them, and a contract arriving after its month closed is still "
              + "credited (once).");
  public static final Setting<Duration> UPTIME_REGION_IDLE =
      Setting.duration(
          "uptime.region.idle",
          "PT6H",
          "A region whose probes lag the service's latest by more than this no longer holds back "
              + "the service's month close, and is moved on with it.");
  public static final Setting<Duration> UPTIME_NO_DATA_AFTER =
      Setting.duration(
          "uptime.no.data.after",
          "PT5M",
          "A region without a probe for longer than this (event time) while the service's other "
              + "regions report raises a NO_DATA alert; the gap counts as unobserved time in the "
              + "ledger, and a vantage silent this long leaves the quorum. More than "
              + "uptime.reorder.grace.");
  public static final Setting<Duration> UPTIME_WATERMARK_INTERVAL =
      Setting.duration(
          "uptime.watermark.interval",
          "PT1M",
          "Each input partition's task sends a watermark across the uptime repartition whenever its "
              + "stream time crosses a multiple of this (event time). Shorter: decisions sooner, "
              + "n x n more records per interval (n = topics.partitions).");
  public static final Setting<Duration> UPTIME_PARTITION_IDLE =
      Setting.duration(
          "uptime.partition.idle",
          "PT5M",
          "Wall-clock time without a probe after which an input partition no longer holds back the "
              + "uptime order gate. The only wall-clock setting: it affects when outputs come, not "
              + "what they are, unless the partition later sends probes older than what was released.");
  public static final Setting<Integer> UPTIME_CONFIRMATIONS =
      Setting.intRange(
          "uptime.confirmations",
          "2",
          1,
          100,
          "Consecutive failed probes of one check from one vantage that confirm a failure.");
  public static final Setting<Integer> UPTIME_QUORUM =
      Setting.intRange(
          "uptime.quorum",
          "1",
          1,
          100,
          "Vantages that must each confirm a failure before a service is DOWN in a region.");
  public static final Setting<Duration> UPTIME_REORDER_GRACE =
      Setting.duration(
          "uptime.reorder.grace",
          "PT30S",
          "How late (event time) a probe may arrive and still be applied in its place; later ones "
              + "are counted and dropped. Also delays each uptime decision by this much.");
  public static final Setting<BigDecimal> UPTIME_TARGET =
      new Setting<>(
          "uptime.target.percent",
          "99.99",
          "The platform objective for the ledger's error budget and the burn-rate alerts.",
          "decimal percent, > 0 and < 100",
          s -> {
            try {
              BigDecimal d = new BigDecimal(s.trim());
              if (d.signum() > 0 && d.compareTo(BigDecimal.valueOf(100)) < 0) {
                return d;
              }
            } catch (NumberFormatException e) {
              // fall through
            }
            throw new IllegalArgumentException(
                "expected a decimal percent above 0 and below 100, e.g. 99.99");
          });

  /** Empty: off; else a decimal percent from 0 to below 100. */
  public static final Setting<BigDecimal> UPTIME_ERROR_RATE_PERCENT =
      new Setting<>(
          "uptime.error.rate.percent",
          "",
          "The platform's error-rate objective for the ledger's errorRateDowntimeMs: a period in "
              + "which more than this percent of a service's receipts in a region failed for a "
              + "platform cause is counted there (shown apart; availability is by probes). Empty: "
              + "not counted, and months close by the probes alone; set, a month also waits for "
              + "the receipts up to its end.",
          "empty, or decimal percent >= 0 and < 100",
          s -> {
            if (s.isBlank()) {
              return null;
            }
            try {
              BigDecimal d = new BigDecimal(s.trim());
              if (d.signum() >= 0 && d.compareTo(BigDecimal.valueOf(100)) < 0) {
                return d;
              }
            } catch (NumberFormatException e) {
              // fall through
            }
            throw new IllegalArgumentException(
                "expected empty (off) or a decimal percent from 0 to below 100, e.g. 5");
          });

  public static final Setting<Duration> UPTIME_ERROR_RATE_PERIOD =
      Setting.duration(
          "uptime.error.rate.period",
          "PT5M",
          "The period uptime.error.rate.percent is judged over: whole minutes that divide an "
              + "hour.");
  public static final Setting<Integer> UPTIME_ERROR_RATE_MIN_ATTEMPTS =
      Setting.intRange(
          "uptime.error.rate.min.attempts",
          "100",
          1,
          1_000_000_000,
          "A period with fewer receipts than this says nothing about the error rate.");
  public static final Setting<Duration> UPTIME_MONTH_GRACE =
      Setting.duration(
          "uptime.month.grace",
          "PT1H",
          "How long after a month's end (stream time) its ledger line is finalized and its credits "
              + "issued; at least uptime.reorder.grace.");
  public static final Setting<Duration> UPTIME_TICK =
      Setting.duration(
          "uptime.tick",
          "PT1M",
          "Event-time cadence of ledger updates for open incidents and of burn-rate evaluations.");
  public static final Setting<List<BurnRule>> UPTIME_ALERT_RULES =
      new Setting<>(
          "uptime.alert.rules",
          "PAGE 14.4 PT1H PT5M, PAGE 6 PT6H PT30M, TICKET 3 P1D PT2H, TICKET 1 P3D PT6H",
          "Burn-rate alert rules, comma-separated: SEVERITY RATE LONG_WINDOW SHORT_WINDOW.",
          "comma-separated rules SEVERITY RATE LONG SHORT",
          s -> {
            List<BurnRule> rules = new ArrayList<>();
            for (String rule : s.split(",")) {
              String[] f = rule.trim().split("\\s+");
              try {
                if (f.length != 4) {
                  throw new IllegalArgumentException("four fields");
                }
                rules.add(
                    BurnRule.of(
                        AlertSeverity.valueOf(f[0].toUpperCase(Locale.ROOT)),
                        f[1],
                        Duration.parse(f[2]),
                        Duration.parse(f[3])));
              } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                    "rule '"
                        + rule.trim()
                        + "': expected SEVERITY "
                        + "RATE LONG SHORT, e.g. 'PAGE 14.4 PT1H PT5M' ("
                        + e.getMessage()
                        + ")");
              }
            }
            if (rules.isEmpty()) {
              throw new IllegalArgumentException(
                  "expected at least one rule, e.g. PAGE 14.4 PT1H PT5M");
            }
            return List.copyOf(rules);
          });

  // --- HTTP API, status page, feed and webhooks (dev.nines.api) ---
  public static final Setting<String> API_HOST =
      new Setting<>(
          "api.host",
          "127.0.0.1",
          "Address the HTTP API and status page bind to (127.0.0.1: this machine only; 0.0.0.0: all).",
          "host name or IP address",
          s -> {
            if (s.isBlank() || !s.trim().matches("[A-Za-z0-9.:_\\[\\]-]+")) {
              throw new IllegalArgumentException(
                  "expected a host name or IP address, e.g. 127.0.0.1");
            }
            return s.trim();
          });
  public static final Setting<Integer> API_PORT =
      Setting.port("api.port", "8080", "Port of the HTTP API and status page.");
  public static final Setting<String> API_ADVERTISED_HOST =
      Setting.string(
          "api.advertised.host",
          "",
          "Host other instances reach this one at (Kafka Streams' application.server). Empty: "
              + "api.host, or this machine's name when api.host is 0.0.0.0.");
  public static final Setting<Integer> API_HISTORY_DAYS =
      Setting.intRange(
          "api.history.days",
          "90",
          1,
          3660,
          "Days of uptime history the status page shows and the region views keep.");
  public static final Setting<Duration> API_WEIGHTS_HISTORY =
      Setting.duration(
          "api.weights.history",
          "PT6H",
          "How far back (event time) routing decisions are kept for the weights chart.");
  public static final Setting<Duration> API_RECENT_RESOLVED =
      Setting.duration(
          "api.recent.resolved",
          "P7D",
          "Resolved incidents this recent (event time, before the latest observation) are listed.");
  public static final Setting<String> API_TOKEN =
      Setting.string(
          "api.token",
          "",
          "Bearer token the JSON API (/api/...), /internal/... and /metrics require (give it as "
              + "NINES_API_TOKEN, or NINES_API_TOKEN_FILE naming a file that holds it; never logged). "
              + "The status page, /feed.atom, /health and /ready stay public. Empty: no token.");
  public static final Setting<Duration> API_FORWARD_TIMEOUT =
      Setting.duration(
          "api.forward.timeout",
          "PT5S",
          "How long a request forwarded to the instance that holds the key may take.");
  public static final Setting<List<URI>> WEBHOOK_URLS =
      new Setting<>(
          "webhooks.urls",
          "",
          "Comma-separated http(s) URLs that get a signed JSON POST on every incident open and "
              + "resolve. Empty: no webhooks.",
          "comma-separated http(s) URLs",
          s -> {
            List<URI> out = new ArrayList<>();
            for (String u : s.split(",")) {
              if (u.isBlank()) {
                continue;
              }
              URI uri = httpUrl(u);
              if (uri == null) {
                throw new IllegalArgumentException(
                    "expected comma-separated http:// or https:// "
                        + "URLs, e.g. https://hooks.example.com/nines");
              }
              out.add(uri);
            }
            return List.copyOf(out);
          });
  public static final Setting<String> WEBHOOK_SECRET =
      Setting.string(
          "webhooks.secret",
          "",
          "HMAC-SHA256 key for the X-Nines-Signature header (give it as NINES_WEBHOOKS_SECRET, or "
              + "NINES_WEBHOOKS_SECRET_FILE naming a file that holds it; never logged).");
  public static final Setting<Integer> WEBHOOK_ATTEMPTS =
      Setting.intRange(
          "webhooks.attempts",
          "6",
          1,
          20,
          "Delivery attempts per webhook (the first and the retries) before giving up.");
  public static final Setting<Duration> WEBHOOK_BACKOFF =
      Setting.duration(
          "webhooks.backoff.initial",
          "PT1S",
          "Wait before the first retry; doubled after each failed attempt.");
  public static final Setting<Duration> WEBHOOK_BACKOFF_MAX =
      Setting.duration("webhooks.backoff.max", "PT30S", "Longest wait between two attempts.");
  public static final Setting<String> WEBHOOK_FROM =
      new Setting<>(
          "webhooks.from",
          "latest",
          "Where the webhook consumer group starts the first time: latest (only new incidents) or "
              + "earliest (every incident still in the topic).",
          "latest or earliest",
          s -> {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (!v.equals("latest") && !v.equals("earliest")) {
              throw new IllegalArgumentException("expected latest or earliest");
            }
            return v;
          });
  public static final Setting<Duration> WEBHOOK_TIMEOUT =
      Setting.duration("webhooks.timeout", "PT10S", "How long one delivery attempt may take.");

  /** The http(s) URL with a host that {@code s} is, or null if it is not one. */
  static URI httpUrl(String s) {
    try {
      URI uri = new URI(s.trim());
      boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      return http && uri.getHost() != null ? uri : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  static Setting<Double> fraction(String key, String def, String doc) {
    return new Setting<>(
        key,
        def,
        doc,
        "fraction from 0 to 1",
        s -> {
          try {
            double d = Double.parseDouble(s.trim());
            if (d >= 0 && d <= 1) {
              return d;
            }
          } catch (NumberFormatException e) {
            // fall through
          }
          throw new IllegalArgumentException("expected a fraction from 0 to 1, e.g. 0.5");
        });
  }

  public static final List<Setting<?>> ALL =
      List.of(
          ROUTING_INTERVAL,
          ROUTING_HISTORY,
          ROUTING_GRACE,
          ROUTING_PLAN_HISTORY,
          ROUTING_MIN_SAMPLES,
          ROUTING_DEGRADE_SUCCESS,
          ROUTING_EJECT_SUCCESS,
          ROUTING_DEGRADE_P95,
          ROUTING_EJECT_P95,
          ROUTING_PEER_DEGRADE_GAP,
          ROUTING_PEER_EJECT_GAP,
          ROUTING_MIN_PEERS,
          ROUTING_DEGRADED_SHARE,
          ROUTING_MAX_EJECTED,
          ROUTING_PANIC,
          ROUTING_TRICKLE,
          ROUTING_RECOVERY,
          ROUTING_RAMP,
          ROUTING_TIER_MIN_HEALTHY,
          ROUTING_BACKOFF_MEMORY,
          ROUTING_BACKOFF_MAX,
          HEALTH_WINDOW,
          HEALTH_GRACE,
          HEALTH_WATERMARK_INTERVAL,
          HEALTH_PARTITION_IDLE,
          HEALTH_BATCH_RECORDS,
          DEDUP_RETENTION,
          HEALTH_SKETCH_ACCURACY,
          ROCKSDB_MEMORY_MB,
          ROCKSDB_MEMTABLE_SHARE,
          ROCKSDB_MEMTABLE_MB,
          CREDITS_KEEP_MONTHS,
          UPTIME_REGION_IDLE,
          UPTIME_NO_DATA_AFTER,
          UPTIME_WATERMARK_INTERVAL,
          UPTIME_PARTITION_IDLE,
          UPTIME_CONFIRMATIONS,
          UPTIME_QUORUM,
          UPTIME_REORDER_GRACE,
          UPTIME_TARGET,
          UPTIME_ERROR_RATE_PERCENT,
          UPTIME_ERROR_RATE_PERIOD,
          UPTIME_ERROR_RATE_MIN_ATTEMPTS,
          UPTIME_MONTH_GRACE,
          UPTIME_TICK,
          UPTIME_ALERT_RULES,
          BOOTSTRAP_SERVERS,
          SCHEMA_REGISTRY_URL,
          REGISTRY_BASIC_AUTH,
          REGISTRY_TRUSTSTORE,
          REGISTRY_TRUSTSTORE_PASSWORD,
          REGISTRY_KEYSTORE,
          REGISTRY_KEYSTORE_PASSWORD,
          REGISTRY_OUTPUT_COMPATIBILITY,
          LOG_FORMAT,
          APPLICATION_ID,
          PLATFORM_HOST,
          PLATFORM_KAFKA_PORT,
          PLATFORM_CONTROLLER_PORT,
          PLATFORM_REGISTRY_PORT,
          PLATFORM_DATA_DIR,
          PLATFORM_EPHEMERAL,
          PLATFORM_BROKER_HEAP,
          PLATFORM_BROKERS,
          TOPICS_PARTITIONS,
          TOPICS_REPLICATION_FACTOR,
          TOPICS_PREFIX,
          TOPICS_RETENTION,
          INGEST_MAX_RECORD_SKEW,
          INGEST_MAX_AHEAD,
          INGEST_MAX_BEHIND,
          INGEST_CHECK_PLANS,
          INGEST_PLANS_RECHECK,
          INGEST_MAX_TEXT_LENGTH,
          WINDOW_CHANGELOG_EXTRA_RETENTION,
          STATE_DIR,
          SIMULATE_SCENARIO,
          SIMULATE_PACE,
          SIMULATE_RATE_SCALE,
          SIMULATE_SPAN,
          SIMULATE_END,
          SIMULATE_PRELUDE_SPAN,
          SIMULATE_PRELUDE_RATE_SCALE,
          SIMULATE_PRELUDE_WAIT,
          API_HOST,
          API_PORT,
          API_ADVERTISED_HOST,
          API_HISTORY_DAYS,
          API_WEIGHTS_HISTORY,
          API_RECENT_RESOLVED,
          API_FORWARD_TIMEOUT,
          API_TOKEN,
          WEBHOOK_URLS,
          WEBHOOK_SECRET,
          WEBHOOK_ATTEMPTS,
          WEBHOOK_BACKOFF,
          WEBHOOK_BACKOFF_MAX,
          WEBHOOK_TIMEOUT,
          WEBHOOK_FROM);

  /** What a replay's policy file may set, in words (for messages and the configuration reference). */
  public static final String POLICY_KEYS_DESCRIPTION =
      "routing.*, health.*, dedup.retention, uptime.* and credits.*";

  /**
   * Keys {@code routing.profile.<name>.<knob>} lay {@code routing.<knob>} over every version of
   * the routing-policies profile {@code <name>}, e.g. {@code
   * routing.profile.otp.eject.success.below=0.9}: how a replay asks "what if this profile had
   * been different?".
   */
  public static final String PROFILE_PREFIX = "routing.profile.";

  /**
   * Keys {@code webhooks.endpoint.<name>.<field>} configure one notification endpoint; in the
   * environment {@code NINES_WEBHOOKS_ENDPOINT_<NAME>_<FIELD>} (a dash in the name is an
   * underscore there).
   */
  public static final String ENDPOINT_PREFIX = "webhooks.endpoint.";

  public static final String ENDPOINT_ENV_PREFIX = "NINES_WEBHOOKS_ENDPOINT_";

  /** The fields of an endpoint, in the order the reference lists them. */
  public static final List<String> ENDPOINT_FIELDS =
      List.of("url", "format", "secret", "services", "regions", "events", "min.severity");

  /** Endpoint formats (dev.nines.webhooks.Format, by configuration name). */
  public static final List<String> WEBHOOK_FORMATS =
      List.of("nines", "pagerduty", "alertmanager", "slack");

  /** Endpoint event kinds (dev.nines.webhooks.Notification.Kind, by event name). */
  public static final List<String> WEBHOOK_EVENTS =
      List.of(
          "incident.opened",
          "incident.resolved",
          "alert.fired",
          "alert.resolved",
          "nodata.started",
          "nodata.ended",
          "maintenance.announced",
          "maintenance.started",
          "maintenance.ended",
          "maintenance.cancelled");

  /** Endpoint minimum severities (dev.nines.webhooks.Notification.Severity, lower case). */
  public static final List<String> WEBHOOK_SEVERITIES = List.of("info", "warning", "critical");

  /**
   * Whether a replay's policy file may set this key: the settings that change what the topology
   * decides (thresholds, windows, the objective, the DOWN rule, alert rules), not where it runs.
   */
  public static boolean isPolicyKey(String key) {
    if (key.startsWith(PROFILE_PREFIX)) {
      return true;
    }
    return byKey().containsKey(key)
        && (key.startsWith("routing.")
            || key.startsWith("health.")
            || key.equals("dedup.retention")
            || key.startsWith("uptime.")
            || key.startsWith("credits."));
  }

  /** Keys under this prefix pass through, unprefixed, to every Kafka client and Streams. */
  public static final String KAFKA_PREFIX = "kafka.";

  /**
   * The environment variable of a key: NINES_ + the key in upper case, dots (and dashes) to
   * underscores. For a kafka.* key the way back is {@link #keyOfKafkaEnv}.
   */
  public static String envName(String key) {
    return "NINES_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Environment variables with this prefix are kafka.* pass-through keys. */
  public static final String KAFKA_ENV_PREFIX = "NINES_KAFKA_";

  /**
   * The kafka.* key of a NINES_KAFKA_* variable, by the convention of Kafka's own and
   * Confluent's images: {@code _} is a dot, {@code __} an underscore, {@code ___} a dash
   * (NINES_KAFKA_SASL_JAAS_CONFIG is kafka.sasl.jaas.config).
   */
  public static String keyOfKafkaEnv(String envName) {
    String rest = envName.substring(KAFKA_ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
    return KAFKA_PREFIX
        + rest.replace("___", "\u0000")
            .replace("__", "\u0001")
            .replace('_', '.')
            .replace('\u0000', '-')
            .replace('\u0001', '_');
  }

  /** The suffix of a variable that names a file holding the value (Docker and k8s secrets). */
  public static final String FILE_ENV_SUFFIX = "_FILE";

  /** Every key, in the order of {@link #ALL}. */
  public static Map<String, Setting<?>> byKey() {
    Map<String, Setting<?>> m = new LinkedHashMap<>();
    ALL.forEach(s -> m.put(s.key(), s));
    return m;
  }
}
