package dev.nines.platform.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

/**
 * Entry point of one embedded Kafka node, run in its own JVM by {@link LocalKafka}.
 *
 * <p>Why a child JVM: a broker that can be killed with SIGKILL, restarted and moved between
 * controllers is what the fault tests need, and it keeps broker threads and heap out of the app.
 * Why stdin: the parent holds the write end of our stdin; when the parent exits, however it
 * exits (even kill -9), we read EOF and shut down, so no broker outlives the program that
 * started it. SIGINT is ignored because Ctrl-C in a terminal reaches the whole process group,
 * and the app must be able to commit its last transaction before its broker goes.
 *
 * <p>Args: {@code <server.properties> <cluster-id>}. Formats the storage on first start.
 */
public final class BrokerMain {
  public static final String READY_LINE = "nines-broker-ready";

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: BrokerMain <server.properties> <cluster-id>");
      System.exit(2);
    }
    ignoreSigint();
    Path propsFile = Path.of(args[0]);
    Properties props = new Properties();
    try (var in = Files.newBufferedReader(propsFile)) {
      props.load(in);
    }
    Path logDir = Path.of(props.getProperty("log.dirs"));
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
      int rc =
          StorageTool.execute(
              new String[] {
                "format", "-t", args[1], "-c", propsFile.toString(), "--ignore-formatted"
              },
              out);
      if (rc != 0) {
        System.err.println("formatting " + logDir + " failed with exit code " + rc);
        System.exit(rc);
      }
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
    Thread watcher =
        new Thread(
            () -> {
              waitForEof(System.in);
              // Exit runs the shutdown hook below, which shuts the server down cleanly.
              System.exit(0);
            },
            "parent-watcher");
    watcher.setDaemon(true);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdown();
                  server.awaitShutdown();
                },
                "broker-shutdown"));
    watcher.start();
    server.startup();
    System.out.println(READY_LINE);
    System.out.flush();
    server.awaitShutdown();
  }

  private static void waitForEof(InputStream in) {
    byte[] buf = new byte[64];
    try {
      while (in.read(buf) >= 0) {
        // the parent never writes; anything read is ignored
      }
    } catch (IOException e) {
      // a broken pipe is the same as EOF: the parent is gone
    }
  }

  @SuppressWarnings("restriction")
  private static void ignoreSigint() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
    } catch (IllegalArgumentException e) {
      // no SIGINT on this platform: nothing to ignore
    }
  }
}
