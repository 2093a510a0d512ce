package dev.nines.testing;

import dev.nines.app.NinesApp;
import dev.nines.app.NinesTopology;
import dev.nines.config.NinesConfig;
import dev.nines.ingest.PlanCheck;
import dev.nines.ingest.stream.DeadLetters;
import dev.nines.platform.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.TopologyTestDriver;

/** The whole nines topology in a TopologyTestDriver, with the app's own Streams settings. */
public final class Drivers {
  private Drivers() {}

  public static TopologyTestDriver start(NinesConfig config, TestRegistry registry) {
    return start(config, registry, null);
  }

  /**
   * With {@code deadLetters} counting what the handlers dead-letter (null: no counting), and
   * receipts not checked against the route plans: the driver has no plans reader (the app's
   * {@code PlanReader}); tests of that check pass a book with {@link #start(NinesConfig,
   * TestRegistry, dev.nines.ingest.stream.DeadLetters, dev.nines.ingest.PlanCheck.Plans)}.
   */
  public static TopologyTestDriver start(
      NinesConfig config, TestRegistry registry, DeadLetters deadLetters) {
    return start(
        config.withIngest(config.ingest().withCheckPlans(false)), registry, deadLetters, null);
  }

  /** As above, with receipts checked against {@code plans} (null: as configured, no book). */
  public static TopologyTestDriver start(
      NinesConfig config, TestRegistry registry, DeadLetters deadLetters, PlanCheck.Plans plans) {
    // TopologyTestDriver gives every topic one partition: the uptime watermarks must expect one
    // input partition, or the order gate would wait for partitions that never send
    NinesConfig.TopicLayout t = config.topics();
    config =
        config.withTopics(
            new NinesConfig.TopicLayout(
                1, t.replicationFactor(), t.prefix(), t.retentionMs(), t.suffix()));
    Properties props =
        NinesApp.streamsProperties(
            config,
            Platform.external(new NinesConfig.Cluster("unused:9092", "http://unused", Map.of())));
    props.put("state.dir", stateDir());
    if (plans != null) {
      props.put(PlanCheck.CONFIG_KEY, plans);
    }
    if (deadLetters != null) {
      props.put(DeadLetters.CONFIG_KEY, deadLetters);
    }
    TopologyTestDriver driver =
        new TopologyTestDriver(NinesTopology.build(config, registry), props);
    // Carrier-health windows and routing buckets close by the watermarks of both inputs,
    // receipts and probes. A test that sends only receipts would never close one (the probes'
    // partition has not said where it is), as a real app would not until that partition is
    // idle: start with both idle, as they are once the app has waited that long for data.
    driver.advanceWallClockTime(config.health().partitionIdle());
    return driver;
  }

  /**
   * Properties for a {@link TopologyTestDriver} of a test's own topology, with a state directory
   * of its own: test JVMs run side by side, and two drivers of one application id on Streams'
   * default state directory would delete each other's stores.
   */
  public static Properties props(String applicationId) {
    Properties p = new Properties();
    p.put("application.id", applicationId);
    p.put("bootstrap.servers", "unused:9092");
    p.put("state.dir", stateDir());
    return p;
  }

  static String stateDir() {
    try {
      return Files.createTempDirectory("nines-tt-").toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
