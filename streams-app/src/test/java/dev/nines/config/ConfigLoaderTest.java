package dev.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.app.NinesApp;
import dev.nines.platform.BoundedRocksDb;
import dev.nines.platform.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  void defaultsAreTheEmbeddedPlatform() {
    NinesConfig c = NinesConfig.defaults();
    assertThat(c.cluster().embedded()).isTrue();
    assertThat(c.platform().kafkaPort()).isEqualTo(9092);
    assertThat(c.platform().registryPort()).isEqualTo(8081);
    assertThat(c.platform().dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.topics().partitions()).isEqualTo(3);
    assertThat(c.simulate().pace()).isEqualTo(Settings.Pace.LIVE);
  }

  @Test
  void precedenceIsDefaultsFileEnvironmentFlags(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("nines.properties");
    Files.writeString(
        f,
        "platform.kafka.port=9100\nplatform.registry.port=9101\n"
            + "topics.partitions=6\nkafka.linger.ms=5\n");
    NinesConfig c =
        ConfigLoader.load(
            Optional.of(f),
            Map.of("NINES_PLATFORM_REGISTRY_PORT", "9201", "NINES_TOPICS_PARTITIONS", "7"),
            Map.of("topics.partitions", "8"));
    assertThat(c.platform().kafkaPort()).isEqualTo(9100); // file
    assertThat(c.platform().registryPort()).isEqualTo(9201); // environment over file
    assertThat(c.topics().partitions()).isEqualTo(8); // flag over environment
    assertThat(c.platform().controllerPort()).isEqualTo(9093); // default
    assertThat(c.cluster().kafkaOverrides()).containsEntry("linger.ms", "5");
  }

  @Test
  void badValueNamesKeyValueSourceAndWhatWouldBeRight() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(), Map.of("NINES_PLATFORM_KAFKA_PORT", "abc"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config 'platform.kafka.port' = 'abc' (environment NINES_PLATFORM_KAFKA_PORT):"
                + " expected a port number from 1 to 65535");
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("simulate.pace", "fast")))
        .hasMessage("config 'simulate.pace' = 'fast' (flag): expected one of [live, history]");
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("topics.partitions", "0")))
        .hasMessage(
            "config 'topics.partitions' = '0' (flag): expected a whole number from 1 "
                + "to 10000");
  }

  @Test
  void unknownKeyIsAnErrorNotIgnored(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("n.properties");
    Files.writeString(f, "platform.kafka.prot=9100\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown config key 'platform.kafka.prot' (file " + f + ")");
  }

  @Test
  void missingFileIsOneLine() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.of(Path.of("/nope.properties")), Map.of(), Map.of()))
        .hasMessage(
            "config file '/nope.properties' does not exist: expected a readable "
                + "properties file");
  }

  @Test
  void externalClusterNeedsARegistry() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(), Map.of(), Map.of("bootstrap.servers", "k:9092")))
        .hasMessageStartingWith(
            "config 'schema.registry.url' is empty while " + "'bootstrap.servers' = 'k:9092'");
    NinesConfig c =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(
                "NINES_BOOTSTRAP_SERVERS", "k:9092", "NINES_SCHEMA_REGISTRY_URL", "http://r:8081"),
            Map.of());
    assertThat(c.cluster().embedded()).isFalse();
    assertThat(c.cluster().schemaRegistryUrl()).isEqualTo("http://r:8081");
  }

  @Test
  void replicationFactorCannotExceedEmbeddedBrokers() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(), Map.of(), Map.of("topics.replication.factor", "3")))
        .hasMessage(
            "config 'topics.replication.factor' = 3 is more than the 1 embedded "
                + "broker(s): expected at most 1 or raise 'platform.brokers'");
  }

  @Test
  void rocksDbMemoryIsBoundedByDefaultOffWithZeroAndMustHoldSixteenMemtables() {
    // on by default: 256 MiB for every store of the instance, through the config setter
    NinesConfig byDefault = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
    assertThat(byDefault.streams().rocksDbBytes()).isEqualTo(256L << 20);
    // 0: off, Kafka Streams' per-store defaults, no config setter
    NinesConfig off =
        ConfigLoader.load(Optional.empty(), Map.of(), Map.of("rocksdb.memory.mb", "0"));
    assertThat(off.streams().rocksDbBytes()).isZero();
    var external =
        Platform.external(new NinesConfig.Cluster("unused:9092", "http://unused", Map.of()));
    assertThat(NinesApp.streamsProperties(off, external))
        .doesNotContainKey(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);

    NinesConfig c = byDefault;
    assertThat(c.streams().memtableBytes()).isEqualTo(2L << 20);
    // 256 MiB x 0.5 = 128 MiB: room for 16 memtables of 8 MiB, not of 9
    assertThat(
            ConfigLoader.load(
                    Optional.empty(),
                    Map.of(),
                    Map.of("rocksdb.memory.mb", "256", "rocksdb.memtable.mb", "8"))
                .streams()
                .memtableBytes())
        .isEqualTo(8L << 20);
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(),
                    Map.of(),
                    Map.of("rocksdb.memory.mb", "256", "rocksdb.memtable.mb", "9")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config 'rocksdb.memtable.mb' = 9 (flag) leaves room for fewer than 16 "
                + "memtables in rocksdb.memory.mb x rocksdb.memtable.share = 128 MiB: expected at "
                + "most 8, or raise rocksdb.memory.mb");
    var props = NinesApp.streamsProperties(c, external);
    assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
        .isEqualTo(BoundedRocksDb.class);
    assertThat(props)
        .containsEntry(BoundedRocksDb.TOTAL_BYTES, 256L << 20)
        .containsEntry(BoundedRocksDb.MEMTABLE_BYTES, 2L << 20);
  }

  @Test
  void streamsChecksItsNewInternalTopicsEvery10MsWhileItsClientsBackOff100Ms() {
    NinesConfig c = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
    var external =
        Platform.external(new NinesConfig.Cluster("unused:9092", "http://unused", Map.of()));
    // as Kafka Streams itself resolves them for its loops and for each client it creates
    var streams = new StreamsConfig(NinesApp.streamsProperties(c, external));
    assertThat(streams.getLong("retry.backoff.ms")).isEqualTo(10L);
    assertThat(streams.getMainConsumerConfigs("g", "c", 0)).containsEntry("retry.backoff.ms", 100L);
    assertThat(streams.getRestoreConsumerConfigs("c")).containsEntry("retry.backoff.ms", 100L);
    assertThat(streams.getProducerConfigs("c")).containsEntry("retry.backoff.ms", 100L);
    assertThat(streams.getAdminConfigs("c")).containsEntry("retry.backoff.ms", 100L);
    // a retry.backoff.ms of the user's is for everything, as in plain Kafka Streams
    var own =
        Platform.external(
            new NinesConfig.Cluster(
                "unused:9092", "http://unused", Map.of("retry.backoff.ms", "500")));
    var mine = new StreamsConfig(NinesApp.streamsProperties(c, own));
    assertThat(mine.getLong("retry.backoff.ms")).isEqualTo(500L);
    assertThat(mine.getMainConsumerConfigs("g", "c", 0).get("retry.backoff.ms").toString())
        .isEqualTo("500");
    assertThat(mine.getProducerConfigs("c").get("retry.backoff.ms").toString()).isEqualTo("500");
    assertThat(mine.getAdminConfigs("c").get("retry.backoff.ms").toString()).isEqualTo("500");
  }

  @Test
  void theApiBeyondThisMachineNeedsAToken() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("api.host", "0.0.0.0")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config 'api.host' = '0.0.0.0' serves the API beyond this machine, and no "
                + "API token is set: give NINES_API_TOKEN (or NINES_API_TOKEN_FILE), or bind "
                + "api.host to 127.0.0.1");
    assertThat(
            ConfigLoader.load(
                    Optional.empty(),
                    Map.of("NINES_API_TOKEN", "s3cret"),
                    Map.of("api.host", "0.0.0.0", "api.advertised.host", "app-1"))
                .api()
                .host())
        .isEqualTo("0.0.0.0");
    for (String loopback : new String[] {"127.0.0.1", "localhost", "::1", "[::1]"}) {
      assertThat(
              ConfigLoader.load(Optional.empty(), Map.of(), Map.of("api.host", loopback))
                  .api()
                  .host())
          .isEqualTo(loopback);
    }
  }

  @Test
  void environmentNamesAreDerivedFromKeys() {
    assertThat(Settings.PLATFORM_KAFKA_PORT.envName()).isEqualTo("NINES_PLATFORM_KAFKA_PORT");
    assertThat(Settings.BOOTSTRAP_SERVERS.envName()).isEqualTo("NINES_BOOTSTRAP_SERVERS");
  }

  @Test
  void topicRetentionIsForeverByDefaultAndAcceptsOnlyLongDurations() {
    assertThat(NinesConfig.defaults().topics().retentionMs()).isEqualTo(-1L);
    assertThat(
            ConfigLoader.load(Optional.empty(), Map.of(), Map.of("topics.retention", "P400D"))
                .topics()
                .retentionMs())
        .isEqualTo(400L * 24 * 3600 * 1000);
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("topics.retention", "PT5M")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config 'topics.retention' = 'PT5M' (flag): expected 'forever' or an "
                + "ISO-8601 duration of at least PT1H, e.g. P400D");
  }

  @Test
  void aPolicyFileSitsBetweenTheEnvironmentAndTheFlags(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("nines.properties");
    Files.writeString(
        file,
        "routing.eject.success.below=0.7\nuptime.target.percent=99.95\n"
            + "routing.min.samples=50\n");
    Path policy = dir.resolve("policy.properties");
    Files.writeString(
        policy,
        "routing.eject.success.below=0.9\nuptime.target.percent=99.9\n"
            + "uptime.confirmations=3\n");
    NinesConfig c =
        ConfigLoader.load(
            Optional.of(file),
            Map.of("NINES_UPTIME_CONFIRMATIONS", "4", "NINES_ROUTING_MIN_PEERS", "3"),
            Optional.of(policy),
            Map.of("uptime.target.percent", "99.5"));
    assertThat(c.routing().policy().ejectSuccessBelow()).isEqualTo(0.9); // policy over file
    assertThat(c.uptime().rule().confirmations()).isEqualTo(3); // policy over env
    assertThat(c.uptime().targetPercent()).isEqualByComparingTo("99.5"); // flag over policy
    assertThat(c.routing().policy().minSamples()).isEqualTo(50); // file
    assertThat(c.routing().policy().minPeers()).isEqualTo(3); // environment
  }

  @Test
  void aPolicyFileMaySetOnlyPolicyKeys(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("p.properties");
    Files.writeString(policy, "application.id=other\n");
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), Map.of(), Optional.of(policy), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config 'application.id' (policy file "
                + policy
                + ") is not a policy "
                + "setting: a policy file may set only routing.*, health.*, dedup.retention, "
                + "uptime.* and credits.* keys; give others with --config or --set");
    assertThat(Settings.isPolicyKey("routing.eject.success.below")).isTrue();
    assertThat(Settings.isPolicyKey("dedup.retention")).isTrue();
    assertThat(Settings.isPolicyKey("credits.keep.months")).isTrue();
    assertThat(Settings.isPolicyKey("kafka.linger.ms")).isFalse();
    assertThat(Settings.isPolicyKey("topics.partitions")).isFalse();
    assertThat(Settings.isPolicyKey("routing.no.such.key")).isFalse();
  }

  @Test
  void aMissingPolicyFileIsNamedAsSuch(@TempDir Path dir) {
    Path policy = dir.resolve("nope.properties");
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), Map.of(), Optional.of(policy), Map.of()))
        .hasMessage(
            "policy file '"
                + policy
                + "' does not exist: expected a readable "
                + "properties file");
  }

  @Test
  void thePlatformsErrorRateObjectiveIsOffByDefaultAndCheckedWhenSet() {
    assertThat(ConfigLoader.load(Optional.empty(), Map.of(), Map.of()).uptime().platformErrorRate())
        .isNull();
    var on =
        ConfigLoader.load(
                Optional.empty(),
                Map.of(),
                Map.of(
                    "uptime.error.rate.percent", "2.5",
                    "uptime.error.rate.period", "PT1M",
                    "uptime.error.rate.min.attempts", "50"))
            .uptime()
            .platformErrorRate();
    assertThat(on.thresholdPercent()).isEqualByComparingTo("2.5");
    assertThat(on.period()).isEqualTo(java.time.Duration.ofMinutes(1));
    assertThat(on.minAttempts()).isEqualTo(50);
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(), Map.of(), Map.of("uptime.error.rate.period", "PT7M")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config 'uptime.error.rate.period' = 'PT7M' (flag): expected whole minutes that"
                + " divide an hour, e.g. PT1M, PT5M or PT1H");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(), Map.of(), Map.of("uptime.error.rate.percent", "5%")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config 'uptime.error.rate.percent' = '5%' (flag): expected empty (off) or a decimal"
                + " percent from 0 to below 100, e.g. 5");
  }
}
