package dev.nines.bench;

import dev.nines.bench.ThroughputBenchmark.AppRun;
import dev.nines.bench.ThroughputBenchmark.Result;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** The throughput benchmark's results as Markdown (for BENCHMARKS.md) and as PNG charts. */
public final class ThroughputReport {
  private ThroughputReport() {}

  /** The ceiling a read-process-write app is held to: the slower of Kafka's two perf tools. */
  static double ceiling(Result r) {
    if (r.producer() == null || r.consumer() == null) {
      return Double.NaN;
    }
    return Math.min(r.producer().recordsPerSecond(), r.consumer().recordsPerSecond());
  }

  public static void print(Result r, ThroughputBenchmark.Options o, PrintStream out) {
    Locale l = Locale.ROOT;
    if (r.load() != null) {
      out.printf(
          l,
          "%n| throughput (%s, %d partitions, %d routes x %d carriers, %d stream "
              + "thread(s), -Xmx%s per JVM) | records | s | records/s | CPU s per M records "
              + "(app / broker) | peak live heap / peak heap in use | RocksDB | RSS | stream "
              + "thread: process / commit / poll |%n|---|---|---|---|---|---|---|---|---|%n",
          LocalDate.now(ZoneOffset.UTC),
          o.partitions(),
          o.routes().routes(),
          o.routes().carriers(),
          o.threads(),
          o.heap());
      out.printf(
          l,
          "| load: simulator -> broker (%d-byte receipts) | %,d | %.1f | %,.0f | | | " + "| | |%n",
          r.load().receiptBytes(),
          r.load().events() + r.load().other(),
          r.load().seconds(),
          (r.load().events() + r.load().other()) / r.load().seconds());
    }
    if (r.producer() != null) {
      perf(out, "ceiling: kafka-producer-perf-test (transactional, acks=all)", r.producer());
      perf(out, "ceiling: kafka-consumer-perf-test (fetch rate)", r.consumer());
    }
    if (r.passThrough() != null) {
      row(out, "pass-through Streams app, receipts only (exactly-once v2)", r.passThrough());
    }
    if (r.nines() != null) {
      row(out, "nines, full topology, receipts + probes (exactly-once v2)", r.nines());
      out.println();
      double c = ceiling(r);
      if (!Double.isNaN(c)) {
        out.printf(
            l,
            "nines / ceiling (the slower perf tool, %,.0f records/s) = %.1f%%%n",
            c,
            100 * r.nines().rate() / c);
      }
      if (r.passThrough() != null) {
        out.printf(
            l, "nines / pass-through = %.1f%%%n", 100 * r.nines().rate() / r.passThrough().rate());
      }
    }
    if (r.latency() != null) {
      var t = r.latency();
      out.printf(
          l,
          "%n| end-to-end latency, nines at %,.0f receipts/s (half its rate), sent "
              + "-> committed through every stage | cohorts | p50 | p99 | max |%n|---|---|---|---|"
              + "---|%n| %,d records sent over the run, noted every %d ms | %d | %.2f s | %.2f s "
              + "| %.2f s |%n",
          t.rate(),
          t.sent(),
          ThroughputBenchmark.POLL.toMillis(),
          t.cohorts(),
          t.p50(),
          t.p99(),
          t.max());
    }
    if (!r.scaling().isEmpty()) {
      out.printf(
          l,
          "%n| scaling (%,d receipts per run + probes) | partitions | instances | "
              + "routes x carriers | carrier paths | events/s | CPU s per M events | peak live "
              + "heap | RocksDB | RSS | stream thread: process / commit / poll |%n"
              + "|---|---|---|---|---|---|---|---|---|---|---|%n",
          o.scalingReceipts());
      for (AppRun a : r.scaling()) {
        out.printf(
            l,
            "| | %d | %d | %s | %,d | %,.0f | %.1f | %s | %s | %s | %s |%n",
            a.partitions(),
            a.instances(),
            a.routes(),
            a.routes().paths(),
            a.rate(),
            a.cpuPerMillion(),
            ThroughputBenchmark.mib(a.peakLiveHeap()),
            ThroughputBenchmark.mib(a.peakRocksDb()),
            ThroughputBenchmark.mib(a.peakRss()),
            a.threadTime());
      }
    }
    for (String u : r.unfinished()) {
      out.printf(l, "%ndid not finish: %s%n", u);
    }
  }

  private static void perf(PrintStream out, String name, PerfTools.Rate p) {
    out.printf(
        Locale.ROOT,
        "| %s | %,d | %.1f | %,.0f | %.1f / - | | | | |%n",
        name,
        p.records(),
        p.records() / p.recordsPerSecond(),
        p.recordsPerSecond(),
        p.cpuSeconds() / (p.records() / 1e6));
  }

  private static void row(PrintStream out, String name, AppRun a) {
    out.printf(
        Locale.ROOT,
        "| %s | %,d | %.1f | %,.0f | %.1f / %.1f | %s / %s | %s | %s | %s " + "|%n",
        name,
        a.events(),
        a.seconds(),
        a.rate(),
        a.cpuPerMillion(),
        a.brokerCpu() / (a.events() / 1e6),
        ThroughputBenchmark.mib(a.peakLiveHeap()),
        ThroughputBenchmark.mib(a.peakHeap()),
        ThroughputBenchmark.mib(a.peakRocksDb()),
        ThroughputBenchmark.mib(a.peakRss()),
        a.threadTime());
  }

  /** Writes throughput.png (and scaling.png when there is a scaling table) into {@code dir}. */
  public static List<Path> charts(Result r, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    if (r.producer() != null) {
      names.add("producer-perf-test");
      rates.add(r.producer().recordsPerSecond());
      names.add("consumer-perf-test");
      rates.add(r.consumer().recordsPerSecond());
    }
    if (r.passThrough() != null) {
      names.add("pass-through app");
      rates.add(r.passThrough().rate());
    }
    if (r.nines() != null) {
      names.add("nines");
      rates.add(r.nines().rate());
    }
    if (!names.isEmpty()) {
      CategoryChart c =
          new CategoryChartBuilder()
              .width(800)
              .height(450)
              .title("Records per second, one run, " + LocalDate.now(ZoneOffset.UTC))
              .yAxisTitle("records/s")
              .build();
      c.getStyler().setLegendVisible(false);
      c.getStyler().setLabelsVisible(true);
      c.getStyler().setYAxisDecimalPattern("#,###");
      c.addSeries("records/s", names, rates);
      Path png = dir.resolve("throughput.png");
      BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
      written.add(png);
    }
    if (!r.scaling().isEmpty()) {
      XYChart c =
          new XYChartBuilder()
              .width(800)
              .height(450)
              .title("nines events/s by input partitions")
              .xAxisTitle("partitions")
              .yAxisTitle("events/s")
              .build();
      c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
      c.getStyler().setYAxisDecimalPattern("#,###");
      TreeMap<Integer, List<AppRun>> byInstances = new TreeMap<>();
      var routes = r.scaling().get(0).routes();
      r.scaling().stream()
          .filter(a -> a.routes().equals(routes))
          .forEach(a -> byInstances.computeIfAbsent(a.instances(), k -> new ArrayList<>()).add(a));
      byInstances.forEach(
          (n, runs) -> {
            TreeMap<Integer, Double> best = new TreeMap<>();
            runs.forEach(a -> best.merge(a.partitions(), a.rate(), Math::max));
            c.addSeries(
                n + " instance(s)", new ArrayList<>(best.keySet()), new ArrayList<>(best.values()));
          });
      Path png = dir.resolve("scaling.png");
      BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
      written.add(png);
    }
    return written;
  }
}
