package dev.nines.bench;

import dev.nines.Topics;
import dev.nines.app.FormatLocale;
import dev.nines.app.NinesApp;
import dev.nines.config.ConfigLoader;
import dev.nines.config.NinesConfig;
import dev.nines.platform.BoundedRocksDb;
import dev.nines.platform.Platform;
import dev.nines.schema.DeliveryReceipt;
import dev.nines.serde.AvroSerde;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * One Streams application under test, in its own JVM so that its CPU time, heap limit and
 * resident memory are its own (the benchmark driver and the broker run in other processes).
 *
 * <pre>
 * java -Xmx512m -cp nines.jar dev.nines.bench.BenchWorker (nines|passthrough) STATS_FILE key=value...
 * </pre>
 *
 * <p>{@code nines} runs the full topology ({@link NinesApp}); {@code passthrough} reads the
 * receipts with the same Avro serde and writes them unchanged to {@code <receipts>.passthrough},
 * with exactly the same Streams settings (exactly-once v2, commit interval, state directory):
 * the floor of what any Kafka Streams app with our serde costs. Keys are config keys
 * ({@code bootstrap.servers}, {@code application.id}, {@code topics.prefix}, {@code kafka.*}).
 *
 * <p>Every {@link #SAMPLE} the worker rewrites {@code STATS_FILE} (atomically) with its memory:
 * heap in use, the largest live heap (in use after a full collection, see {@link Memory}),
 * and the RocksDB memory its stores report (memtables, block caches, table readers; a cache
 * shared by every store, with the memtables charged to it, counted once). It stops
 * cleanly on SIGTERM and writes the file one last time.
 */
public final class BenchWorker {
  static final String PASSTHROUGH_SUFFIX = ".passthrough";
  static final Duration SAMPLE = Duration.ofMillis(500);
  static final int ROCKSDB_EVERY = 10;

  /** How often the live heap is measured with a full collection (see {@link Memory}). */
  static final Duration LIVE_EVERY = Duration.ofSeconds(15);

  /** RocksDB property metrics (KIP-607), in bytes, per store; see {@link Memory#rocksDb}. */
  static final Set<String> ROCKSDB_MEMORY_METRICS =
      Set.of("size-all-mem-tables", "block-cache-usage", "estimate-table-readers-mem");

  /**
   * Kafka Streams' split of a stream thread's time (KIP-444), each a share of its loop over
   * the last metrics window: where the thread spends what it does not spend processing.
   */
  static final List<String> THREAD_RATIOS =
      List.of("process-ratio", "commit-ratio", "poll-ratio", "punctuate-ratio");

  private BenchWorker() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || !Set.of("nines", "passthrough").contains(args[0])) {
      System.err.println("usage: BenchWorker (nines|passthrough) STATS_FILE key=value...");
      System.exit(2);
    }
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      flags.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    NinesConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Optional.empty(), flags);
    Platform platform = Platform.external(config.cluster());
    Path stats = Path.of(args[1]);
    KafkaStreams streams;
    AutoCloseable app;
    if (args[0].equals("nines")) {
      NinesApp nines = NinesApp.start(config, platform, platform.registryClient());
      streams = nines.streams();
      app = nines;
    } else {
      // the JVM nines runs in (NinesApp.start sets it there)
      FormatLocale.useUs();
      Properties props = NinesApp.streamsProperties(config, platform);
      streams = new KafkaStreams(passThrough(config, platform), props);
      streams.start();
      app = streams;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Memory memory = new Memory();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.set(true);
                  memory.maybeSampleLiveHeap(true);
                  memory.sampleThreadRatios(streams);
                  try {
                    app.close();
                  } catch (Exception e) {
                    System.err.println("close failed: " + e);
                  }
                  memory.sampleRocksDbNow(streams);
                  memory.write(stats, streams);
                  stopped.countDown();
                },
                "bench-worker-stop"));
    while (stopped.getCount() > 0) {
      memory.sample(streams);
      if (!stopping.get()) {
        memory.maybeSampleLiveHeap(false);
      }
      memory.write(stats, streams);
      if (!stopping.get()
          && (streams.state() == KafkaStreams.State.ERROR
              || streams.state() == KafkaStreams.State.NOT_RUNNING)) {
        System.err.println("streams stopped: " + streams.state());
        System.exit(1);
      }
      Thread.sleep(SAMPLE.toMillis());
    }
  }

  /** Receipts in, the same receipts out: deserialized and serialized again by our serde. */
  static Topology passThrough(NinesConfig config, Platform platform) {
    AvroSerde<DeliveryReceipt> serde =
        Topics.DELIVERY_RECEIPTS.valueSerde(platform.registryClient());
    String in = config.topics().name(Topics.DELIVERY_RECEIPTS);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(in, Consumed.with(Serdes.String(), serde).withName("passthrough-source"))
        .to(
            in + PASSTHROUGH_SUFFIX,
            Produced.with(Serdes.String(), serde).withName("passthrough-sink"));
    return builder.build();
  }

  /** The worker's memory high-water marks. */
  static final class Memory {
    private long peakHeap;
    private volatile long peakLiveHeap = -1;
    private long lastLiveSample = System.nanoTime();

    /**
     * Measures the live heap, the heap in use right after a full collection, if {@link
     * #LIVE_EVERY} has passed since the last time (or if forced: once when asked to stop, before
     * the app closes). Why not the heap after every collection, as before: G1's young
     * collections leave the old generation's garbage in place until a concurrent cycle, so that
     * figure measured when G1 last cleaned up (53 and 409 MiB in two runs of the same build), not
     * what the app holds. The price is one stop-the-world pause per interval, inside the
     * measured time and CPU.
     */
    synchronized void maybeSampleLiveHeap(boolean force) {
      if (force || System.nanoTime() - lastLiveSample >= LIVE_EVERY.toNanos()) {
        // G1 runs System.gc() as a full, stop-the-world collection and returns after it: what
        // is in use right after it is the live set (plus what other threads allocated since)
        System.gc();
        peakLiveHeap = Math.max(peakLiveHeap, heapInUse());
        lastLiveSample = System.nanoTime();
      }
    }

    /** Heap in use now, every heap pool summed. */
    private static long heapInUse() {
      long used = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          used += pool.getUsage().getUsed();
        }
      }
      return used;
    }

    private long peakRocksDb = -1;

    private int samples;

    /** Sums of the thread ratios over the samples taken while RUNNING, by metric name. */
    private final double[] ratioSums = new double[THREAD_RATIOS.size()];

    private int ratioSamples;

    void sample(KafkaStreams streams) {
      peakHeap = Math.max(peakHeap, heapInUse());
      // reading every metric of the app costs it CPU (a profile showed 4% at every sample):
      // RocksDB memory and the thread ratios (windowed) change slowly, so they are read every
      // ROCKSDB_EVERY samples only
      if (samples++ % ROCKSDB_EVERY == 0) {
        peakRocksDb = Math.max(peakRocksDb, rocksDb(streams));
        sampleThreadRatios(streams);
      }
    }

    /**
     * Adds the current ratios, averaged over the app's stream threads, to the sums, if the app
     * is RUNNING (also called once before it closes: a short run may not have reached a
     * regular sample).
     */
    void sampleThreadRatios(KafkaStreams streams) {
      if (streams.state() != KafkaStreams.State.RUNNING) {
        return;
      }
      double[] sums = new double[THREAD_RATIOS.size()];
      int threads = 0;
      try {
        for (var e : streams.metrics().entrySet()) {
          int i = THREAD_RATIOS.indexOf(e.getKey().name());
          if (i < 0
              || !e.getKey().group().equals("stream-thread-metrics")
              || !(e.getValue().metricValue() instanceof Number n)
              || Double.isNaN(n.doubleValue())) {
            continue;
          }
          sums[i] += n.doubleValue();
          threads += i == 0 ? 1 : 0;
        }
      } catch (RuntimeException e) {
        return; // a thread being replaced: this sample only
      }
      if (threads == 0) {
        return;
      }
      for (int i = 0; i < sums.length; i++) {
        ratioSums[i] += sums[i] / threads;
      }
      ratioSamples++;
    }

    void sampleRocksDbNow(KafkaStreams streams) {
      peakRocksDb = Math.max(peakRocksDb, rocksDb(streams));
    }

    static long rocksDb(KafkaStreams streams) {
      // With bounded memory (BoundedRocksDb) every store reports the one shared block cache, and
      // the memtables are charged to that cache: counted once, not once per store (summing it
      // per store reported 10 GiB for a 256 MiB cache).
      boolean shared = BoundedRocksDb.configuredTotal() > 0;
      long cache = -1;
      long rest = -1;
      try {
        for (var e : streams.metrics().entrySet()) {
          String name = e.getKey().name();
          if (!ROCKSDB_MEMORY_METRICS.contains(name)
              || !(e.getValue().metricValue() instanceof Number n)) {
            continue;
          }
          if (shared && name.equals("block-cache-usage")) {
            cache = Math.max(cache, n.longValue());
          } else if (!shared || !name.equals("size-all-mem-tables")) {
            rest = Math.max(rest, 0) + n.longValue();
          }
        }
      } catch (RuntimeException e) {
        // metrics of a store being closed: this sample only
      }
      return cache < 0 && rest < 0 ? -1 : Math.max(cache, 0) + Math.max(rest, 0);
    }

    void write(Path file, KafkaStreams streams) {
      StringBuilder text =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "peakHeap=%d%n" + "peakLiveHeap=%d%npeakRocksDb=%d%nmaxHeap=%d%nstate=%s%n",
                  peakHeap,
                  peakLiveHeap,
                  peakRocksDb,
                  Runtime.getRuntime().maxMemory(),
                  streams.state()));
      for (int i = 0; i < THREAD_RATIOS.size() && ratioSamples > 0; i++) {
        text.append(
            String.format(
                Locale.ROOT, "%s=%.4f%n", THREAD_RATIOS.get(i), ratioSums[i] / ratioSamples));
      }
      try {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        System.err.println("cannot write " + file + ": " + e);
      }
    }
  }
}
