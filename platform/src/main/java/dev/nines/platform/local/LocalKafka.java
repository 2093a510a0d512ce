package dev.nines.platform.local;

import dev.nines.platform.Directories;
import dev.nines.platform.PortCheck;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka cluster in KRaft mode on this machine: one child JVM per node, each a
 * combined broker and controller ({@link BrokerMain}). Data lives under a directory that
 * survives restarts (the cluster id is kept beside it) unless the cluster is ephemeral.
 *
 * <p>Nodes can be stopped, killed and started again one by one, which the fault tests use.
 */
public final class LocalKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);

  /**
   * How to run the cluster. Node {@code i} (1-based) listens on {@code brokerPorts[i-1]} and
   * {@code controllerPorts[i-1]}.
   */
  public record Options(
      String host,
      List<Integer> brokerPorts,
      List<Integer> controllerPorts,
      Path dataDir,
      boolean deleteOnClose,
      String heap,
      Duration startTimeout,
      Map<String, String> brokerOverrides) {
    public Options {
      if (brokerPorts.isEmpty() || brokerPorts.size() != controllerPorts.size()) {
        throw new IllegalArgumentException("one broker port and one controller port per node");
      }
      brokerPorts = List.copyOf(brokerPorts);
      controllerPorts = List.copyOf(controllerPorts);
      brokerOverrides = Map.copyOf(brokerOverrides);
    }

    public int nodes() {
      return brokerPorts.size();
    }

    /** {@code n} nodes on consecutive ports: broker ports from brokerPort, controllers 10 apart. */
    public static Options of(
        String host,
        int nodes,
        int brokerPort,
        int controllerPort,
        Path dataDir,
        boolean deleteOnClose,
        String heap) {
      return new Options(
          host,
          IntStream.range(0, nodes).mapToObj(i -> brokerPort + i).toList(),
          IntStream.range(0, nodes).mapToObj(i -> controllerPort + 10 * i).toList(),
          dataDir,
          deleteOnClose,
          heap,
          Duration.ofSeconds(120),
          Map.of());
    }

    /** {@code n} nodes on free loopback ports in a fresh temporary directory (for tests). */
    public static Options ephemeral(int nodes) {
      try {
        Path dir = Files.createTempDirectory("nines-kafka-");
        List<Integer> ports = PortCheck.freePorts(2 * nodes);
        return new Options(
            "localhost",
            ports.subList(0, nodes),
            ports.subList(nodes, 2 * nodes),
            dir,
            true,
            "512m",
            Duration.ofSeconds(120),
            Map.of());
      } catch (IOException e) {
        throw new IllegalStateException("cannot create a temporary directory", e);
      }
    }
  }

  private final Options options;
  private final String clusterId;
  private final Map<Integer, Node> nodes = new LinkedHashMap<>();
  private volatile boolean closed;

  private LocalKafka(Options options, String clusterId) {
    this.options = options;
    this.clusterId = clusterId;
  }

  /** Starts every node and returns once all are ready; on failure nothing is left running. */
  public static LocalKafka start(Options options) {
    for (int i = 0; i < options.nodes(); i++) {
      PortCheck.requireFree(
          options.host(),
          options.brokerPorts().get(i),
          "the embedded broker",
          "--kafka-port (platform.kafka.port)");
      PortCheck.requireFree(
          options.host(),
          options.controllerPorts().get(i),
          "the embedded controller",
          "platform.controller.port");
    }
    // No JVM shutdown hook here: hooks run concurrently, so one would stop the broker while the
    // app is still committing its last transaction. The owner closes us in order; if it never
    // does (crash, kill -9), each node sees EOF on its stdin and shuts itself down.
    LocalKafka kafka = new LocalKafka(options, clusterId(options.dataDir()));
    try {
      for (int id = 1; id <= options.nodes(); id++) {
        kafka.nodes.put(id, kafka.launch(id));
      }
      for (int id = 1; id <= options.nodes(); id++) {
        kafka.awaitReady(id);
      }
      log.info(
          "Kafka {} ready at {} (data in {})",
          options.nodes() == 1 ? "broker" : "cluster",
          kafka.bootstrapServers(),
          options.dataDir().toAbsolutePath().normalize());
      return kafka;
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return options.brokerPorts().stream()
        .map(p -> options.host() + ":" + p)
        .collect(Collectors.joining(","));
  }

  public Options options() {
    return options;
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /** The OS process id of a node, for tests that want to see it from outside. */
  public long pid(int nodeId) {
    return node(nodeId).process.pid();
  }

  /** Clean stop of one node: closes its stdin and waits for it to exit. */
  public void stopNode(int nodeId) {
    Node n = node(nodeId);
    n.stop(Duration.ofSeconds(60));
  }

  /** SIGKILL of one node: no clean shutdown, as a crashed machine. */
  public void killNode(int nodeId) {
    Node n = node(nodeId);
    n.process.destroyForcibly();
    waitFor(n.process, Duration.ofSeconds(30));
  }

  /** Starts a stopped or killed node again on the same ports and data. */
  public void startNode(int nodeId) {
    if (node(nodeId).process.isAlive()) {
      throw new IllegalStateException("node " + nodeId + " is running");
    }
    nodes.put(nodeId, launch(nodeId));
    awaitReady(nodeId);
  }

  private Node node(int nodeId) {
    Node n = nodes.get(nodeId);
    if (n == null) {
      throw new IllegalArgumentException("no node " + nodeId + "; nodes are " + nodes.keySet());
    }
    return n;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Close every stdin first so the nodes shut down in parallel.
    nodes.values().forEach(Node::closeStdin);
    nodes.values().forEach(n -> n.stop(Duration.ofSeconds(60)));
    if (options.deleteOnClose()) {
      Directories.deleteRecursively(options.dataDir());
    }
  }

  private Node launch(int id) {
    Path nodeDir = options.dataDir().resolve("node-" + id);
    try {
      Files.createDirectories(nodeDir);
      Path props = nodeDir.resolve("server.properties");
      try (Writer w = Files.newBufferedWriter(props)) {
        serverProperties(id, nodeDir).store(w, "written by nines for node " + id);
      }
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx" + options.heap(),
                  "-XX:+UseG1GC",
                  "-Djava.awt.headless=true",
                  "-cp",
                  System.getProperty("java.class.path"),
                  BrokerMain.class.getName(),
                  props.toString(),
                  clusterId));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      Process p = pb.start();
      Path logFile = nodeDir.resolve("broker.log");
      CompletableFuture<Void> ready = new CompletableFuture<>();
      Thread pump = new Thread(() -> pump(p, logFile, ready), "broker-" + id + "-log");
      pump.setDaemon(true);
      pump.start();
      return new Node(id, p, ready, logFile);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start Kafka node " + id + " in " + nodeDir, e);
    }
  }

  /** Copies the node's output to its log file and completes {@code ready} on the ready line. */
  private static void pump(Process p, Path logFile, CompletableFuture<Void> ready) {
    try (BufferedReader r =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Writer w =
            Files.newBufferedWriter(
                logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      String line;
      while ((line = r.readLine()) != null) {
        w.write(line);
        w.write('\n');
        w.flush();
        if (line.equals(BrokerMain.READY_LINE)) {
          ready.complete(null);
        }
      }
    } catch (IOException e) {
      // the process is gone; awaitReady reports it
    }
    ready.completeExceptionally(new IllegalStateException("exited"));
  }

  private void awaitReady(int id) {
    Node n = node(id);
    try {
      n.ready.get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka node "
              + id
              + " not ready after "
              + options.startTimeout().toSeconds()
              + " s; see "
              + n.logFile
              + lastLines(n.logFile));
    } catch (Exception e) {
      throw new IllegalStateException(
          "Kafka node " + id + " failed to start; see " + n.logFile + lastLines(n.logFile));
    }
  }

  private Properties serverProperties(int id, Path nodeDir) {
    String host = options.host();
    String voters =
        IntStream.rangeClosed(1, options.nodes())
            .mapToObj(i -> i + "@" + host + ":" + options.controllerPorts().get(i - 1))
            .collect(Collectors.joining(","));
    int n = options.nodes();
    short rf = (short) Math.min(3, n);
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", Integer.toString(id));
    p.setProperty("controller.quorum.voters", voters);
    p.setProperty(
        "listeners",
        "PLAINTEXT://"
            + host
            + ":"
            + options.brokerPorts().get(id - 1)
            + ",CONTROLLER://"
            + host
            + ":"
            + options.controllerPorts().get(id - 1));
    p.setProperty(
        "advertised.listeners", "PLAINTEXT://" + host + ":" + options.brokerPorts().get(id - 1));
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("log.dirs", nodeDir.resolve("logs").toAbsolutePath().toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("offsets.topic.replication.factor", Short.toString(rf));
    p.setProperty("transaction.state.log.replication.factor", Short.toString(rf));
    p.setProperty("transaction.state.log.min.isr", Integer.toString(Math.min(2, n)));
    p.setProperty("share.coordinator.state.topic.replication.factor", Short.toString(rf));
    p.setProperty("share.coordinator.state.topic.min.isr", Integer.toString(Math.min(2, n)));
    // Fewer internal partitions than the production default of 50: on a 2-core machine the
    // first consumer group and the first transaction would otherwise wait for 50 partitions.
    p.setProperty("offsets.topic.num.partitions", "10");
    p.setProperty("transaction.state.log.num.partitions", "10");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // A crashed app's open transaction is aborted within 1 s of its timeout instead of 10 s:
    // until then the instance that takes over its partitions cannot read their offsets.
    p.setProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "4");
    p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    options.brokerOverrides().forEach(p::setProperty);
    return p;
  }

  /** The cluster id is kept beside the data so that a restart finds its formatted storage. */
  private static String clusterId(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      Path f = dataDir.resolve("cluster.id");
      if (Files.exists(f)) {
        return Files.readString(f).trim();
      }
      String id = Uuid.randomUuid().toString();
      Files.writeString(f, id + "\n");
      return id;
    } catch (IOException e) {
      throw new IllegalStateException("cannot use data directory " + dataDir + ": " + e, e);
    }
  }

  private static String lastLines(Path logFile) {
    try (Stream<String> lines = Files.lines(logFile)) {
      List<String> all = lines.toList();
      List<String> tail = all.subList(Math.max(0, all.size() - 15), all.size());
      return tail.isEmpty() ? "" : "\n  " + String.join("\n  ", tail);
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean waitFor(Process p, Duration d) {
    try {
      return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private record Node(int id, Process process, CompletableFuture<Void> ready, Path logFile) {
    void closeStdin() {
      try {
        OutputStream in = process.getOutputStream();
        in.close();
      } catch (IOException e) {
        // already closed
      }
    }

    void stop(Duration timeout) {
      closeStdin();
      if (!waitFor(process, timeout)) {
        log.warn("Kafka node {} did not stop within {} s; killing it", id, timeout.toSeconds());
        process.destroyForcibly();
        waitFor(process, Duration.ofSeconds(30));
      }
    }
  }
}
