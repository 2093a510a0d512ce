package dev.nines.simulate;

import java.util.SplittableRandom;

/**
 * Randomness for the simulator. Every (stream, instant) pair gets its own generator seeded from
 * the run's seed, so a second of traffic does not depend on what came before it: the same
 * scenario and seed give the same records whether history is generated in one call or in
 * chunks, and an event switched on in one minute leaves every other minute untouched.
 *
 * <p>StrictMath rather than Math: Math may use platform intrinsics whose last bit differs
 * between machines, and one bit in a latency is enough to break "same seed, same records".
 */
final class SimRandom {
  private SimRandom() {}

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  /** z for the 99th percentile of the standard normal distribution. */
  static final double Z_99 = 2.3263478740408408;

  /** SplitMix64's finalizer: a bijection that scatters nearby inputs. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The generator of one stream (a route, a probe series) at one instant. */
  static SplittableRandom at(long seed, long streamId, long instant) {
    return new SplittableRandom(
        mix(mix(seed) + GOLDEN_GAMMA * mix(streamId + GOLDEN_GAMMA * instant)));
  }

  /** A stable stream id for a name; String.hashCode is specified, so it is the same on every JVM. */
  static long streamId(String name) {
    return mix(name.hashCode() * 0x100000001B3L + name.length());
  }

  /** Poisson-distributed count with mean {@code lambda}. */
  static int poisson(SplittableRandom r, double lambda) {
    if (lambda <= 0) {
      return 0;
    }
    if (lambda < 30) {
      // Knuth: exact, and cheap for the small per-second means of most routes.
      double limit = StrictMath.exp(-lambda);
      double p = 1.0;
      int k = 0;
      do {
        k++;
        p *= r.nextDouble();
      } while (p > limit);
      return k - 1;
    }
    // Normal approximation: at these means its error is far below the noise the tests allow.
    double x = lambda + StrictMath.sqrt(lambda) * gaussian(r.nextDouble(), r.nextDouble());
    return (int) Math.max(0, Math.round(x));
  }

  /** Box–Muller: a standard normal deviate from two uniforms in [0, 1). */
  static double gaussian(double u1, double u2) {
    return StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - u1)) * StrictMath.cos(2.0 * Math.PI * u2);
  }

  /** A uniform whole number in [min, max] from a uniform u in [0, 1). */
  static long uniform(double u, long min, long max) {
    return Math.min(max, min + (long) (u * (max - min + 1)));
  }
}
