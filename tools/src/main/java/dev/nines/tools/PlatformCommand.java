package dev.nines.tools;

import dev.nines.cli.ConfigOptions;
import dev.nines.cli.Main;
import dev.nines.cli.Platforms;
import dev.nines.config.NinesConfig;
import dev.nines.platform.local.LocalPlatform;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs only the embedded broker and registry, for tools, tests and a separate app process. */
@Command(
    name = "platform",
    mixinStandardHelpOptions = true,
    description = {
      "Start only the embedded Kafka broker (KRaft) and schema registry, create the "
          + "contract's topics, and wait for Ctrl-C.",
      "Point any Kafka tool at the printed addresses, e.g. kcat -b localhost:9092 -L."
    })
final class PlatformCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Override
  public Integer call() throws InterruptedException {
    NinesConfig config = options.load(Map.of());
    if (!config.cluster().embedded()) {
      throw new Main.UserError(
          "'platform' starts the embedded cluster, but bootstrap.servers is "
              + "set to '"
              + config.cluster().bootstrapServers()
              + "': unset it to start one here");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    LocalPlatform platform = LocalPlatform.start(config);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.err.println("nines: stopping the platform ...");
                  platform.close();
                  stopped.countDown();
                },
                "platform-stop"));
    Platforms.ensureTopics(platform, config);
    System.out.println("Kafka:           " + platform.bootstrapServers());
    System.out.println("Schema registry: " + platform.schemaRegistryUrl());
    System.out.println(
        "Data:            "
            + (config.platform().ephemeral()
                ? "(temporary)"
                : config.platform().dataDir().toAbsolutePath().normalize()));
    System.out.println("Ctrl-C stops it.");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
