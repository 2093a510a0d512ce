package dev.nines.bench.micro;

import dev.nines.health.HealthCounts;
import dev.nines.health.Outcome;
import java.nio.ByteBuffer;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The carrier-health aggregate, once per receipt: {@link HealthCounts#addReceipt} (counters and a
 * DDSketch of latency) next to the same counters without a sketch; and the round trip through
 * the window store that each update pays (bytes in, add, bytes out), next to the same counters in
 * a fixed-size buffer.
 */
@State(Scope.Thread)
public class SketchBenchmark {
  /** Pre-drawn inputs, cycled with a mask (a power of two): no random numbers in the loop. */
  private static final int INPUTS = 1 << 10;

  /**
   * The default scenario's failure mix (scenarios/default.yaml): 96.2% delivered; carrier and
   * expired, which count against the carrier, 1.0%; the rest (recipient, content, platform,
   * rejected) do not.
   */
  private static final double DELIVERED_SHARE = 0.962;

  private static final double CARRIER_FAILURE_SHARE = 0.010;

  /** Fixed, so that every run measures the same inputs. */
  private static final long SEED = 7;

  private final Outcome[] outcomes = new Outcome[INPUTS];
  private long[] latencies;
  private int next;

  HealthCounts counts;
  PlainCounts plain;

  /** What the window store holds for a carrier that already has a busy minute in it. */
  byte[] storedCounts;

  byte[] storedPlain;

  @Setup
  public void setup() {
    latencies = Latencies.draw(INPUTS);
    double[] u = new Random(SEED).doubles(INPUTS).toArray();
    for (int i = 0; i < INPUTS; i++) {
      outcomes[i] =
          u[i] < DELIVERED_SHARE
              ? Outcome.DELIVERED
              : u[i] < DELIVERED_SHARE + CARRIER_FAILURE_SHARE
                  ? Outcome.CARRIER_FAILURE
                  : Outcome.OTHER_FAILURE;
    }
    counts = Latencies.warmCounts();
    plain = new PlainCounts();
    for (int i = 0; i < Latencies.WARM_SAMPLES; i++) {
      plain.addReceipt(Outcome.DELIVERED);
    }
    storedCounts = counts.toBytes();
    storedPlain = plain.toBytes();
  }

  private int advance() {
    next = (next + 1) & (INPUTS - 1);
    return next;
  }

  @Benchmark
  public HealthCounts ninesAddReceipt() {
    int i = advance();
    return counts.addReceipt(outcomes[i], latencies[i]);
  }

  @Benchmark
  public PlainCounts baselineAddReceipt() {
    return plain.addReceipt(outcomes[advance()]);
  }

  /**
   * Always from the same stored bytes, not written back: every operation then does the same
   * work, and the sketch keeps its realistic size instead of drifting over the run.
   */
  @Benchmark
  public byte[] ninesStoreRoundTrip() {
    int i = advance();
    return HealthCounts.fromBytes(storedCounts).addReceipt(outcomes[i], latencies[i]).toBytes();
  }

  @Benchmark
  public byte[] baselineStoreRoundTrip() {
    return PlainCounts.fromBytes(storedPlain).addReceipt(outcomes[advance()]).toBytes();
  }

  /** The baseline: the six counters of {@link HealthCounts}, and no latency sketch. */
  public static final class PlainCounts {
    static final int BYTES = 6 * Long.BYTES;

    long attempts;
    long delivered;
    long carrierFailures;
    long otherFailures;
    long probeFailures;
    long probeSuccesses;

    PlainCounts addReceipt(Outcome outcome) {
      attempts++;
      switch (outcome) {
        case DELIVERED -> delivered++;
        case CARRIER_FAILURE -> carrierFailures++;
        case OTHER_FAILURE -> otherFailures++;
      }
      return this;
    }

    byte[] toBytes() {
      return ByteBuffer.allocate(BYTES)
          .putLong(attempts)
          .putLong(delivered)
          .putLong(carrierFailures)
          .putLong(otherFailures)
          .putLong(probeFailures)
          .putLong(probeSuccesses)
          .array();
    }

    static PlainCounts fromBytes(byte[] bytes) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      PlainCounts c = new PlainCounts();
      c.attempts = b.getLong();
      c.delivered = b.getLong();
      c.carrierFailures = b.getLong();
      c.otherFailures = b.getLong();
      c.probeFailures = b.getLong();
      c.probeSuccesses = b.getLong();
      return c;
    }
  }
}
