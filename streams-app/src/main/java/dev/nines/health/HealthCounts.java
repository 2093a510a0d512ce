package dev.nines.health;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The running totals of one carrier in one window: outcome counts and a mergeable latency sketch
 * (DDSketch: relative-error quantiles, no sorting of raw samples, fixed small memory).
 * Mutable on purpose: it is the aggregate inside a Streams window store, updated per record.
 */
public final class HealthCounts {
  private static final byte FORMAT = 1;

  long attempts;
  long delivered;
  long carrierFailures;
  long otherFailures;
  long probeFailures;
  long probeSuccesses;
  final DDSketch latency;
  // The encoding of these counts as they are (read, or last written), or null once changed: a
  // routing state re-encodes its closed buckets, which never change, at every commit that
  // touches the route (a sketch encoding is a few microseconds each).
  private byte[] encoded;

  public HealthCounts(double relativeAccuracy) {
    this.latency = DDSketches.unboundedDense(relativeAccuracy);
  }

  private HealthCounts(DDSketch sketch) {
    this.latency = sketch;
  }

  public HealthCounts addReceipt(Outcome outcome, long latencyMs) {
    encoded = null;
    attempts++;
    switch (outcome) {
      case DELIVERED -> delivered++;
      case CARRIER_FAILURE -> carrierFailures++;
      case OTHER_FAILURE -> otherFailures++;
    }
    // a negative latency (clock skew between systems) is not a latency; it is not sketched
    if (latencyMs >= 0) {
      latency.accept(latencyMs);
    }
    return this;
  }

  public HealthCounts addProbe(boolean success) {
    encoded = null;
    if (success) {
      probeSuccesses++;
    } else {
      probeFailures++;
    }
    return this;
  }

  /** Adds {@code other}'s counts and latency samples to this one (sketches are mergeable). */
  public HealthCounts merge(HealthCounts other) {
    encoded = null;
    attempts += other.attempts;
    delivered += other.delivered;
    carrierFailures += other.carrierFailures;
    otherFailures += other.otherFailures;
    probeFailures += other.probeFailures;
    probeSuccesses += other.probeSuccesses;
    latency.mergeWith(other.latency);
    return this;
  }

  public long probeSuccesses() {
    return probeSuccesses;
  }

  public long attempts() {
    return attempts;
  }

  public long delivered() {
    return delivered;
  }

  public long carrierFailures() {
    return carrierFailures;
  }

  public long otherFailures() {
    return otherFailures;
  }

  public long probeFailures() {
    return probeFailures;
  }

  /** delivered / attempts, or null without attempts. */
  public Double deliveryRatio() {
    return attempts == 0 ? null : (double) delivered / attempts;
  }

  /** delivered / (delivered + carrier failures), or null when both are zero. */
  public Double successRatio() {
    long n = delivered + carrierFailures;
    return n == 0 ? null : (double) delivered / n;
  }

  /** The latency at quantile q in whole ms, or null without samples. */
  public Long latencyMs(double q) {
    return latency.isEmpty() ? null : Math.round(latency.getValueAtQuantile(q));
  }

  /** The encoding of these counts; the array is shared, and must not be changed. */
  public byte[] toBytes() {
    if (encoded == null) {
      encoded = encode();
    }
    return encoded;
  }

  private byte[] encode() {
    // DDSketch's own encoding (not its protobuf serialize()): about 10x smaller, and it is what
    // DDSketch.decode reads back.
    GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
    try {
      latency.encode(out, false);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode latency sketch", e);
    }
    byte[] sketch = out.trimmedCopy();
    ByteBuffer b = ByteBuffer.allocate(1 + 6 * Long.BYTES + sketch.length);
    b.put(FORMAT)
        .putLong(attempts)
        .putLong(delivered)
        .putLong(carrierFailures)
        .putLong(otherFailures)
        .putLong(probeFailures)
        .putLong(probeSuccesses)
        .put(sketch);
    return b.array();
  }

  /** The counts {@code bytes} encode; the array is kept (as their encoding), not copied. */
  public static HealthCounts fromBytes(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte format = b.get();
    if (format != FORMAT) {
      throw new IllegalStateException("unknown HealthCounts format " + format);
    }
    long attempts = b.getLong();
    long delivered = b.getLong();
    long carrier = b.getLong();
    long other = b.getLong();
    long probes = b.getLong();
    long probeOk = b.getLong();
    try {
      HealthCounts c =
          new HealthCounts(
              DDSketch.decode(
                  ByteArrayInput.wrap(Arrays.copyOfRange(bytes, b.position(), bytes.length)),
                  UnboundedSizeDenseStore::new));
      c.attempts = attempts;
      c.delivered = delivered;
      c.carrierFailures = carrier;
      c.otherFailures = other;
      c.probeFailures = probes;
      c.probeSuccesses = probeOk;
      c.encoded = bytes;
      return c;
    } catch (IOException e) {
      throw new IllegalStateException("corrupt latency sketch in HealthCounts", e);
    }
  }
}
