package dev.nines.cli;

import dev.nines.Topics;
import dev.nines.api.ApiServer;
import dev.nines.app.NinesApp;
import dev.nines.config.NinesConfig;
import dev.nines.platform.Platform;
import dev.nines.webhooks.WebhookDispatcher;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The main job. With no external cluster configured it starts the embedded broker and registry
 * and the live traffic simulator, so a newcomer sees outputs move; Ctrl-C stops everything.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the nines streams app.",
      "With no --bootstrap-servers: start the embedded Kafka and schema registry and the live "
          + "traffic simulator too, and print the outputs as they are committed."
    })
final class RunCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Option(
      names = "--simulate",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Feed live simulated traffic (default: on with the embedded platform, "
              + "off with an external cluster).")
  boolean simulate;

  @Option(names = "--quiet", description = "Do not print output records.")
  boolean quiet;

  @Option(
      names = "--prelude",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "With simulated traffic, first replay the end of the previous month so "
              + "that it closes: final ledger lines and SLA credits within minutes (default: on).")
  boolean prelude;

  @Option(
      names = "--show-health",
      description =
          "Also print every closed carrier-health " + "window (one line per carrier per minute).")
  boolean showHealth;

  @Override
  public Integer call() throws InterruptedException {
    NinesConfig config = options.load(Map.of());
    Deque<AutoCloseable> open = new ArrayDeque<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (stopped.getCount() == 0) {
                    return; // it failed to start and has closed what it opened
                  }
                  System.err.println("nines: stopping ...");
                  closeAll(open);
                  stopped.countDown();
                },
                "run-stop"));
    try {
      Platform platform = Platforms.startOrConnect(config);
      open.push(platform);
      if (!platform.embedded()) {
        Platforms.requireAccess(platform, config, !quiet);
      }
      Platforms.ensureTopics(platform, config);
      Platforms.requireInputKept(platform, config);
      var registry = platform.registryClient();
      if (!quiet) {
        // before any traffic, so that it shows the prelude's outputs too
        open.push(new OutputPrinter(platform, registry, config.topics(), System.out, showHealth));
      }
      boolean simulated = simulate && platform.embedded();
      // A second run on a kept data directory: the probes already there are later than a new
      // prelude (last month), whose records would only go to dead-letters as behind stream time.
      boolean replayPrelude =
          simulated
              && prelude
              && !Platforms.hasRecords(platform, config.topics().name(Topics.PROBE_RESULTS));
      if (simulated && prelude && !replayPrelude) {
        System.out.println(
            "nines: probe-results already holds data (a kept data directory); "
                + "no prelude this time");
      }
      if (replayPrelude) {
        DevTools.require("the prelude").prelude(config, platform, Instant.now());
      }
      // the API binds first: its port is what the app advertises as application.server
      var api = ApiServer.start(config);
      open.push(api);
      NinesApp app =
          NinesApp.start(
              config,
              platform,
              registry,
              api.streamsProperties(),
              s -> {
                if (!config.platform().ephemeral()) {
                  HealthFile.follow(s, config.platform().dataDir());
                }
              });
      open.push(app);
      api.attach(app);
      // Kafka refusing the app (ACLs, credentials) or input deleted unread stops it: say why in
      // one line and exit
      app.stopped()
          .thenAccept(
              line -> {
                System.err.println("nines: " + line);
                refused = true;
                stopped.countDown();
              });
      if (!config.webhooks().urls().isEmpty() || !config.webhooks().endpoints().isEmpty()) {
        var dispatcher = new WebhookDispatcher(config, platform, registry, api.url());
        open.push(dispatcher);
        api.attach(dispatcher);
      }
      if (replayPrelude) {
        String app1 = config.streams().applicationId();
        boolean done =
            Platforms.awaitCaughtUp(
                platform,
                app1,
                List.of(config.topics().name(Topics.PROBE_RESULTS)),
                List.of(app1 + "-uptime-probes-by-service-repartition"),
                config.simulate().preludeWait());
        System.out.println(
            done
                ? "nines: prelude processed; live traffic starts"
                : "nines: prelude not processed within "
                    + config.simulate().preludeWait()
                    + "; live traffic starts anyway");
      }
      if (simulated) {
        open.push(DevTools.require("simulated traffic").startLive(config, platform));
      }
      System.out.println(
          "nines is running against "
              + platform.bootstrapServers()
              + " (registry "
              + platform.schemaRegistryUrl()
              + "). Ctrl-C stops it.");
      System.out.println(
          "nines: status page "
              + api.url()
              + " (API "
              + api.url()
              + "api/status, metrics "
              + api.url()
              + "metrics)");
      System.out.flush();
    } catch (RuntimeException e) {
      closeAll(open);
      stopped.countDown();
      throw e;
    }
    stopped.await();
    if (refused) {
      closeAll(open);
      return 1;
    }
    return 0;
  }

  private volatile boolean refused;

  static synchronized void closeAll(Deque<AutoCloseable> open) {
    while (!open.isEmpty()) {
      AutoCloseable c = open.pop();
      long t0 = System.nanoTime();
      try {
        c.close();
        System.err.printf(
            "nines: stopped %s in %d ms%n",
            c.getClass().getSimpleName(), (System.nanoTime() - t0) / 1_000_000);
      } catch (Exception e) {
        System.err.println(
            "nines: error while stopping " + c.getClass().getSimpleName() + ": " + e);
      }
    }
  }
}
