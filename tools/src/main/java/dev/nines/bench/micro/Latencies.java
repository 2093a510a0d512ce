package dev.nines.bench.micro;

import dev.nines.config.NinesConfig;
import dev.nines.health.HealthCounts;
import dev.nines.health.Outcome;
import java.util.Random;

/**
 * Delivery latencies like the default scenario's SMS traffic (scenarios/default.yaml): log-normal
 * with a median of 2.5 s and a p99 of 20 s. A sketch's encoded size depends on how widely its
 * samples spread, so realistic draws give a realistically sized sketch to serialize.
 */
final class Latencies {
  private Latencies() {}

  static final double MEDIAN_MS = 2_500;
  static final double P99_MS = 20_000;

  /** The 99th percentile of the standard normal distribution. */
  private static final double Z_99 = 2.326_347_874;

  private static final double SIGMA = Math.log(P99_MS / MEDIAN_MS) / Z_99;

  /** Fixed, so that every run measures the same sketch. */
  private static final long SEED = 42;

  /**
   * Draws in a warmed sketch: more than its bins, which the spread fixes at a few hundred, so
   * the sketch has the size of a busy carrier's one-minute window.
   */
  static final int WARM_SAMPLES = 1_000;

  /** {@code n} latencies in ms, the same ones on every call. */
  static long[] draw(int n) {
    Random random = new Random(SEED);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.round(MEDIAN_MS * Math.exp(SIGMA * random.nextGaussian()));
    }
    return out;
  }

  /** Counts with the app's default sketch accuracy, holding {@link #WARM_SAMPLES} deliveries. */
  static HealthCounts warmCounts() {
    HealthCounts counts =
        new HealthCounts(NinesConfig.defaults().health().latencyRelativeAccuracy());
    for (long latency : draw(WARM_SAMPLES)) {
      counts.addReceipt(Outcome.DELIVERED, latency);
    }
    return counts;
  }
}
