package dev.nines.cli;

import dev.nines.Topic;
import dev.nines.Topics;
import dev.nines.app.NinesApp;
import dev.nines.app.NinesTopology;
import dev.nines.config.NinesConfig;
import dev.nines.config.NinesConfig.TopicLayout;
import dev.nines.platform.Directories;
import dev.nines.platform.Platform;
import dev.nines.replay.CatchUp;
import dev.nines.replay.OutputDiff;
import dev.nines.replay.OutputReader;
import dev.nines.replay.Progress;
import dev.nines.replay.ReplayPlan;
import dev.nines.replay.ShadowCopy;
import dev.nines.replay.ShadowTopics;
import dev.nines.serde.SchemaRegistryClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Deterministic replay: reprocesses a time range of the live input into shadow
 * topics, with its own application id and state, optionally under another policy, and compares
 * the outputs with the live ones. See docs/replay.md.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Reprocess the input stamped in [--from, --to) into shadow topics "
          + "(<topic><suffix>) with its own application id, and compare the outputs with the live "
          + "ones. Live topics and the live app's state are never written.",
      "With --policy FILE (routing.*, health.*, dedup.retention, uptime.*, credits.* keys) it "
          + "answers: what would this policy have done?"
    })
final class ReplayCommand implements Callable<Integer> {
  /** With no progress at all for this long while processing, the replay stops with a message. */
  static final Duration STALL = Duration.ofMinutes(10);

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "INSTANT",
      description =
          "Start of the range, inclusive: 2026-10-01T00:00:00Z, 2026-10-01 or 2026-10 " + "(UTC).")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "INSTANT",
      description = "End of the range, exclusive (same forms as --from).")
  String to;

  @Option(
      names = "--suffix",
      paramLabel = "SUFFIX",
      description = "Appended to every topic name (default: .replay-<yyyy-MM of --from>).")
  String suffix;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description =
          "Properties file of policy keys applied over the configuration, e.g. "
              + "routing.eject.success.below=0.9 or uptime.target.percent=99.9 (--set still wins).")
  Path policy;

  @Option(
      names = "--diff",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Compare the outputs with the live ones and print a summary (default: on).")
  boolean diff;

  @Option(
      names = "--replace",
      description =
          "Delete an earlier replay with the same suffix (its "
              + "shadow topics, internal topics and consumer group) before starting.")
  boolean replace;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Instant fromInstant;
    Instant toInstant;
    try {
      fromInstant = ReplayPlan.instant("--from", from);
      toInstant = ReplayPlan.instant("--to", to);
    } catch (IllegalArgumentException e) {
      throw new Main.UserError(e.getMessage());
    }
    if (policy != null && !Files.isReadable(policy)) {
      throw new Main.UserError(
          "--policy '"
              + policy
              + "' cannot be read: expected a properties "
              + "file of policy keys, e.g. routing.eject.success.below=0.9");
    }
    NinesConfig config = options.load(Optional.ofNullable(policy), Map.of());
    ReplayPlan plan;
    try {
      plan =
          new ReplayPlan(
              fromInstant,
              toInstant,
              suffix == null ? ReplayPlan.defaultSuffix(fromInstant) : suffix,
              config.streams().applicationId()
                  + (suffix == null ? ReplayPlan.defaultSuffix(fromInstant) : suffix));
    } catch (IllegalArgumentException e) {
      throw new Main.UserError(e.getMessage());
    }

    Deque<AutoCloseable> open = new ArrayDeque<>();
    Thread hook = new Thread(() -> closeAll(open), "replay-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Platform platform = Platforms.connectOrStart(config);
      open.push(platform);
      return replay(config, plan, platform, open, out, err);
    } finally {
      closeAll(open);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already: the hook is running
      }
    }
  }

  private int replay(
      NinesConfig config,
      ReplayPlan plan,
      Platform platform,
      Deque<AutoCloseable> open,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    boolean interactive = System.console() != null;
    Progress progress = new Progress(err, interactive);
    TopicLayout live = config.topics();
    TopicLayout shadow = live.withSuffix(plan.suffix());
    Path stateDir = Files.createTempDirectory("nines-replay-state-");
    open.push(() -> Directories.deleteRecursively(stateDir));
    NinesConfig replayConfig =
        config
            .withTopics(shadow)
            .withStreams(
                new NinesConfig.Streams(
                    plan.applicationId(),
                    Optional.of(stateDir),
                    config.streams().rocksDbBytes(),
                    config.streams().memtableShare(),
                    config.streams().memtableBytes(),
                    config.streams().windowChangelogExtraRetention(),
                    config.streams().outputCompatibility()));
    var registry = platform.registryClient();
    Map<String, Object> clients = Platforms.clientProps(platform);
    try (Admin admin = Platforms.admin(platform)) {
      Set<String> names = admin.listTopics().names().get();
      for (Topic<?> t : Topics.INPUTS) {
        if (!names.contains(live.name(t))) {
          throw new Main.UserError(
              "live input topic '"
                  + live.name(t)
                  + "' does not exist at "
                  + platform.bootstrapServers()
                  + ": nothing to replay (is topics.prefix right?)");
        }
      }
      var internal =
          ShadowTopics.internal(
              NinesTopology.build(replayConfig, registry),
              plan.applicationId(),
              Set.copyOf(ShadowTopics.contractTopics(shadow)));
      clearEarlierReplay(admin, plan, shadow, internal, err);
      ShadowTopics.create(admin, live, shadow);

      // 1. copy
      err.printf(
          "replay: copying the input stamped in [%s, %s) into '<topic>%s' topics "
              + "(reference data from the beginning)%n",
          plan.from(), plan.to(), plan.suffix());
      var spans = ShadowCopy.spans(admin, live, plan.from(), plan.to());
      ShadowCopy.Result copied = ShadowCopy.copy(clients, live, shadow, spans, progress);
      err.println(
          "replay: copied "
              + copied.copied().entrySet().stream()
                  .map(e -> e.getKey() + " " + e.getValue())
                  .collect(Collectors.joining(", ")));
      if (copied.earlierRecords() > 0) {
        err.printf(
            "replay: note: the live input has %,d receipts and probes before --from; what "
                + "they built in the live app (open windows, carrier states, open incidents, "
                + "de-duplication ids) is not in the replay, so outputs near %s may differ from the "
                + "live ones (cold start)%n",
            copied.earlierRecords(), plan.from());
      }

      // 2. process
      long t0 = System.nanoTime();
      List<String> sources = Topics.INPUTS.stream().map(shadow::name).toList();
      NinesApp app = NinesApp.start(replayConfig, platform, registry);
      open.push(app);
      CatchUp.Status status =
          awaitProcessed(admin, clients, app, plan, sources, internal, progress);
      // The carrier-health windows and routing buckets of the range's last moments close by the
      // input partitions' watermarks, which reach the end of the input only once those
      // partitions are idle (health.partition.idle of wall-clock time without records); the
      // live app has long been idle there. Wait for that release, then for it to be processed.
      Duration idle = replayConfig.health().partitionIdle().plusSeconds(2);
      progress.update(
          "processing",
          status.processed(),
          status.total(),
          "(closing the last windows: " + idle.toSeconds() + " s without input)");
      Thread.sleep(idle.toMillis());
      status = awaitProcessed(admin, clients, app, plan, sources, internal, progress);
      progress.finish("processing", status.processed(), status.total(), "");
      open.pop();
      // leave the group now: a replay is finished, and --replace can then delete the group at
      // once (by default a Streams member stays until its session times out)
      app.streams()
          .close(
              CloseOptions.timeout(Duration.ofSeconds(30))
                  .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
      app.close();
      err.printf(
          "replay: processed in %.1f s with application id '%s'; outputs in %s%n",
          (System.nanoTime() - t0) / 1e9,
          plan.applicationId(),
          Topics.OUTPUTS.stream().map(shadow::name).collect(Collectors.joining(", ")));
      copied
          .lastStamp()
          .ifPresent(
              last ->
                  err.println(
                      "replay: the last receipt or probe "
                          + "copied is stamped "
                          + last
                          + ": windows, routing intervals and months that close "
                          + "only when stream time passes it (plus their grace) are not in the replay; the live "
                          + "run may have closed them with later input"));

      // 3. diff
      if (diff) {
        printDiff(admin, clients, registry, plan, live, shadow, out, err);
      }
    }
    return 0;
  }

  /** Deletes an earlier replay with the same suffix under --replace; refuses otherwise. */
  private void clearEarlierReplay(
      Admin admin,
      ReplayPlan plan,
      TopicLayout shadow,
      ShadowTopics.Internal internal,
      PrintWriter err)
      throws Exception {
    List<String> existing = ShadowTopics.existing(admin, shadow, internal);
    boolean group = ShadowTopics.groupHasOffsets(admin, plan.applicationId());
    if (!existing.isEmpty() || group) {
      if (!replace) {
        throw new Main.UserError(
            "a replay with suffix '"
                + plan.suffix()
                + "' exists already ("
                + (existing.isEmpty()
                    ? ""
                    : existing.size()
                        + " topic(s), e.g. '"
                        + existing.get(0)
                        + "'"
                        + (group ? ", and " : ""))
                + (group ? "committed offsets of group '" + plan.applicationId() + "'" : "")
                + "): choose another --suffix, or add --replace to delete it first");
      }
      err.println(
          "replay: --replace: deleting the earlier replay's "
              + existing.size()
              + " topic(s) and consumer group '"
              + plan.applicationId()
              + "'");
      ShadowTopics.delete(admin, existing, plan.applicationId());
    }
  }

  /** Prints how the replay's outputs differ from the live ones stamped in the same range. */
  private void printDiff(
      Admin admin,
      Map<String, Object> clients,
      SchemaRegistryClient registry,
      ReplayPlan plan,
      TopicLayout live,
      TopicLayout shadow,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    err.println("replay: comparing with the live outputs stamped in the same range ...");
    Map<String, List<OutputDiff.OutRec>> liveOut = new HashMap<>();
    Map<String, List<OutputDiff.OutRec>> replayOut = new HashMap<>();
    for (Topic<?> t : Topics.OUTPUTS) {
      liveOut.put(
          t.name(),
          OutputReader.read(admin, clients, t, live.name(t), registry, plan.from(), plan.to()));
      replayOut.put(
          t.name(),
          OutputReader.read(admin, clients, t, shadow.name(t), registry, plan.from(), plan.to()));
    }
    OutputDiff.Summary summary = OutputDiff.compare(liveOut, replayOut);
    out.printf(
        "replay diff: outputs stamped in [%s, %s), live vs '%s'%s%n",
        plan.from(), plan.to(), plan.suffix(), policy == null ? "" : " (policy " + policy + ")");
    out.print(OutputDiff.table(summary, "live", "replay"));
    out.flush();
  }

  /** Closes what the replay opened, last first; quietly, unlike run, which reports each. */
  static synchronized void closeAll(Deque<AutoCloseable> open) {
    while (!open.isEmpty()) {
      try {
        open.pop().close();
      } catch (Exception e) {
        System.err.println("nines: error while stopping the replay: " + e);
      }
    }
  }

  /** Polls the replay app's committed offsets until all its input is processed. */
  private static CatchUp.Status awaitProcessed(
      Admin admin,
      Map<String, Object> clients,
      NinesApp app,
      ReplayPlan plan,
      List<String> sources,
      ShadowTopics.Internal internal,
      Progress progress)
      throws InterruptedException, ExecutionException {
    long lastChange = System.nanoTime();
    long lastSeen = -1;
    while (true) {
      KafkaStreams.State state = app.streams().state();
      if (state == KafkaStreams.State.ERROR
          || state == KafkaStreams.State.NOT_RUNNING
          || state == KafkaStreams.State.PENDING_ERROR) {
        throw new IllegalStateException(
            "the replay app stopped (state "
                + state
                + ") before "
                + "it had processed its input; see the log above");
      }
      CatchUp.Status s =
          CatchUp.status(admin, clients, plan.applicationId(), sources, internal.repartition());
      if (s.done()) {
        return s;
      }
      long seen = s.processed() * 31 + s.internalLeft();
      if (seen != lastSeen) {
        lastSeen = seen;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > STALL.toNanos()) {
        throw new IllegalStateException(
            "the replay app made no progress for "
                + STALL
                + " ("
                + s.processed()
                + " of "
                + s.total()
                + " input records processed)");
      }
      progress.update(
          "processing",
          s.processed(),
          s.total(),
          s.processed() >= s.total() ? "(finishing internal topics)" : "");
      Thread.sleep(500);
    }
  }
}
