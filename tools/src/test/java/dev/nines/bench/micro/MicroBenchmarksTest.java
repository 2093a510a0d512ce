package dev.nines.bench.micro;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.TopicNames;
import dev.nines.cli.Main;
import dev.nines.health.HealthCounts;
import dev.nines.routing.CarrierDecision;
import dev.nines.routing.RouteDecision;
import dev.nines.schema.CarrierState;
import dev.nines.schema.RouteMode;
import dev.nines.serde.WireFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Every benchmark runs once, in this JVM and briefly, through the runner the command uses; the
 * state objects are checked to measure what they claim (a real round trip, a degraded carrier).
 */
class MicroBenchmarksTest {

  @Test
  void everyPairScoresBothSidesAndTheJsonIsWritten(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("micro.json");
    MicroRunner.Settings quick =
        new MicroRunner.Settings(
            0,
            1,
            1,
            TimeValue.milliseconds(100),
            "^dev\\.nines\\.bench\\.micro\\.",
            Optional.of(json),
            VerboseMode.SILENT);

    List<MicroRunner.Pair> pairs = MicroRunner.run(quick);

    assertThat(pairs)
        .extracting(MicroRunner.Pair::name)
        .containsExactly(
            "routing: evaluate",
            "serde: deserialize",
            "serde: serialize",
            "sketch: addReceipt",
            "sketch: storeRoundTrip");
    assertThat(pairs)
        .allSatisfy(
            p -> {
              assertThat(p.nines()).hasValueSatisfying(s -> assertThat(s.nsPerOp()).isPositive());
              assertThat(p.baseline())
                  .hasValueSatisfying(s -> assertThat(s.nsPerOp()).isPositive());
              assertThat(p.ratio()).hasValueSatisfying(r -> assertThat(r).isPositive());
            });
    assertThat(json).isNotEmptyFile();
    assertThat(MicroRunner.markdown(quick, pairs).lines())
        .hasSize(2 + pairs.size())
        .anySatisfy(l -> assertThat(l).startsWith("| serde: serialize | "));
  }

  @Test
  void serdeStatesRoundTripTheReceipt() throws Exception {
    SerdeBenchmark b = new SerdeBenchmark();
    b.setup();
    assertThat(b.ninesDeserialize()).isEqualTo(b.receipt);
    assertThat(b.baselineDeserialize()).isEqualTo(b.receipt);
    assertThat(b.serde.deserialize(TopicNames.DELIVERY_RECEIPTS, b.ninesSerialize()))
        .isEqualTo(b.receipt);
    // the wire format is the raw body behind a 5-byte header: the pair differs by that alone
    byte[] framed = b.ninesSerialize();
    byte[] raw = b.baselineSerialize();
    assertThat(Arrays.copyOfRange(framed, framed.length - raw.length, framed.length))
        .isEqualTo(raw);
    assertThat(framed.length - raw.length).isEqualTo(WireFormat.HEADER_SIZE);
  }

  @Test
  void sketchStatesAddOneReceiptToARealisticWindow() {
    SketchBenchmark b = new SketchBenchmark();
    b.setup();
    HealthCounts after = HealthCounts.fromBytes(b.ninesStoreRoundTrip());
    assertThat(after.attempts()).isEqualTo(Latencies.WARM_SAMPLES + 1);
    assertThat(SketchBenchmark.PlainCounts.fromBytes(b.baselineStoreRoundTrip()).attempts)
        .isEqualTo(Latencies.WARM_SAMPLES + 1);
    assertThat(b.storedPlain).hasSize(SketchBenchmark.PlainCounts.BYTES);
    // the warmed sketch's quantiles are those of the default scenario's SMS latency
    HealthCounts warm = HealthCounts.fromBytes(b.storedCounts);
    assertThat(warm.latencyMs(0.5))
        .isCloseTo((long) Latencies.MEDIAN_MS, Percentage.withPercentage(10));
    assertThat(warm.latencyMs(0.99))
        .isCloseTo((long) Latencies.P99_MS, Percentage.withPercentage(25));
    assertThat(b.ninesAddReceipt().attempts()).isEqualTo(Latencies.WARM_SAMPLES + 1);
  }

  @Test
  void routingStateIsAFiveCarrierRouteWithOneDegraded() {
    RoutingBenchmark b = new RoutingBenchmark();
    b.setup();
    RouteDecision d = b.ninesEvaluate();
    assertThat(d.mode()).isEqualTo(RouteMode.NORMAL);
    assertThat(d.carriers())
        .hasSize(5)
        .allSatisfy(
            c ->
                assertThat(c.state())
                    .isEqualTo(
                        c.carrierId().equals(b.degraded)
                            ? CarrierState.DEGRADED
                            : CarrierState.HEALTHY));
    assertThat(d.carriers().stream().mapToInt(CarrierDecision::weight).sum())
        .isEqualTo(RouteDecision.TOTAL_WEIGHT);
    int[] baseline = b.baselineEvaluate();
    assertThat(Arrays.stream(baseline).sum()).isEqualTo(RouteDecision.TOTAL_WEIGHT);
    // the baseline simply leaves the degraded carrier out
    int degraded = b.plan.stream().map(c -> c.carrierId()).toList().indexOf(b.degraded);
    assertThat(baseline[degraded]).isZero();
  }

  @Test
  void badOptionsAreOneLineWithExit2() {
    assertThat(error("--iterations", "0"))
        .containsExactly("nines: --iterations must be at least 1, not 0");
    assertThat(error("--time", "fast"))
        .containsExactly(
            "nines: --time must be a positive "
                + "duration such as 1s, 200ms or 500us, not 'fast'");
    assertThat(error("--forks", "-1"))
        .containsExactly("nines: --forks must be 0 or more (0 runs in this JVM), not -1");
    assertThat(error("--include", "("))
        .hasSize(1)
        .first()
        .asString()
        .startsWith("nines: --include must be a regular expression");
    assertThat(error("--include", "NoSuchBenchmark"))
        .containsExactly(
            "nines: --include "
                + "'NoSuchBenchmark' matches no benchmark; they are named "
                + "dev.nines.bench.micro.<Class>.<method>, e.g. 'SerdeBenchmark'");
  }

  private static List<String> error(String... option) {
    StringWriter err = new StringWriter();
    String[] args = new String[option.length + 2];
    args[0] = "bench";
    args[1] = "micro";
    System.arraycopy(option, 0, args, 2, option.length);
    int code =
        Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    assertThat(code).isEqualTo(2);
    return err.toString().lines().toList();
  }
}
