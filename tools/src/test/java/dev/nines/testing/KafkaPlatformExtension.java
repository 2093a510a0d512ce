package dev.nines.testing;

import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.PortCheck;
import dev.nines.platform.local.LocalKafka;
import dev.nines.platform.local.LocalPlatform;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Kafka broker (KRaft, child JVM) and one schema registry per test JVM, started on free
 * ports in a temporary directory on first use and stopped when the JVM's tests are done (JUnit
 * closes root-store resources at the end). Tests take unique names from {@link #unique}.
 *
 * <pre>
 * &#64;ExtendWith(KafkaPlatformExtension.class)
 * class MyIT { ... KafkaPlatformExtension.platform() ... }
 * </pre>
 */
public final class KafkaPlatformExtension implements BeforeAllCallback {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static volatile LocalPlatform platform;

  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent("nines-platform", k -> new Resource(start()), Resource.class);
  }

  private static synchronized LocalPlatform start() {
    if (platform == null) {
      platform =
          LocalPlatform.start(
              LocalKafka.Options.ephemeral(1), "localhost", PortCheck.freePort(), (short) 1);
    }
    return platform;
  }

  /** The shared platform; only valid in a class extended with this extension. */
  public static LocalPlatform platform() {
    if (platform == null) {
      throw new IllegalStateException("annotate the test with @ExtendWith(KafkaPlatformExtension)");
    }
    return platform;
  }

  /**
   * A configuration of one test's own on the shared platform: topics named with {@code prefix}
   * and {@code partitions} each, the application id {@code <prefix>app}, state in a temporary
   * directory; then {@code settings}, pairs of key and value, on top.
   */
  public static NinesConfig config(String prefix, int partitions, String... settings) {
    if (settings.length % 2 != 0) {
      throw new IllegalArgumentException("settings come in pairs of key and value");
    }
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("topics.prefix", prefix);
    flags.put("application.id", prefix + "app");
    flags.put("platform.ephemeral", "true");
    flags.put("topics.partitions", Integer.toString(partitions));
    for (int i = 0; i < settings.length; i += 2) {
      flags.put(settings[i], settings[i + 1]);
    }
    return ConfigLoader.load(Optional.empty(), Map.of(), flags);
  }

  /** A name no other test in this JVM uses, e.g. for topics and application ids. */
  public static String unique(String prefix) {
    return prefix
        + "-"
        + COUNTER.incrementAndGet()
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  private record Resource(LocalPlatform platform)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      synchronized (KafkaPlatformExtension.class) {
        platform.close();
        KafkaPlatformExtension.platform = null;
      }
    }
  }
}
