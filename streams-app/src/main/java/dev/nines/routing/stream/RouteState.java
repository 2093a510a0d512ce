package dev.nines.routing.stream;

import dev.nines.health.HealthCounts;
import dev.nines.routing.CarrierDecision;
import dev.nines.routing.CarrierMemory;
import dev.nines.routing.RouteDecision;
import dev.nines.schema.CarrierState;
import dev.nines.schema.RouteMode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the route evaluator remembers per route between records: the buckets of the sliding
 * history, each carrier's state machine memory, the last decision written and its version.
 * Mutable: it lives in a state store and is rewritten per bucket.
 */
final class RouteState {
  private static final byte FORMAT = 1;

  long version;

  /** End of the last evaluated interval (event time); Long.MIN_VALUE before the first. */
  long evaluatedUpTo = Long.MIN_VALUE;

  /** Latest bucket start seen for this route. */
  long maxBucketStart = Long.MIN_VALUE;

  /** carrierId -> bucket start -> counts, sorted so the history reads newest first. */
  final Map<String, TreeMap<Long, HealthCounts>> buckets = new TreeMap<>();

  final Map<String, CarrierMemory> memory = new TreeMap<>();

  /** The last decision written, or null before the first. */
  RouteDecision last;

  byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeLong(version);
      out.writeLong(evaluatedUpTo);
      out.writeLong(maxBucketStart);
      out.writeInt(buckets.size());
      for (var e : buckets.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().size());
        for (var b : e.getValue().entrySet()) {
          out.writeLong(b.getKey());
          byte[] c = b.getValue().toBytes();
          out.writeInt(c.length);
          out.write(c);
        }
      }
      out.writeInt(memory.size());
      for (var e : memory.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue().state().name());
        out.writeInt(e.getValue().healthyStreak());
        out.writeInt(e.getValue().rampStep());
      }
      out.writeBoolean(last != null);
      if (last != null) {
        out.writeUTF(last.mode().name());
        out.writeInt(last.carriers().size());
        for (CarrierDecision d : last.carriers()) {
          out.writeUTF(d.carrierId());
          out.writeInt(d.weight());
          out.writeUTF(d.state().name());
          out.writeDouble(d.score());
          out.writeUTF(d.reason());
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RouteState fromBytes(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalStateException("unknown RouteState format " + format);
      }
      RouteState s = new RouteState();
      s.version = in.readLong();
      s.evaluatedUpTo = in.readLong();
      s.maxBucketStart = in.readLong();
      for (int i = in.readInt(); i > 0; i--) {
        String carrier = in.readUTF();
        TreeMap<Long, HealthCounts> m = new TreeMap<>();
        for (int j = in.readInt(); j > 0; j--) {
          long start = in.readLong();
          byte[] c = new byte[in.readInt()];
          in.readFully(c);
          m.put(start, HealthCounts.fromBytes(c));
        }
        s.buckets.put(carrier, m);
      }
      for (int i = in.readInt(); i > 0; i--) {
        s.memory.put(
            in.readUTF(),
            new CarrierMemory(CarrierState.valueOf(in.readUTF()), in.readInt(), in.readInt()));
      }
      if (in.readBoolean()) {
        RouteMode mode = RouteMode.valueOf(in.readUTF());
        List<CarrierDecision> carriers = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
          carriers.add(
              new CarrierDecision(
                  in.readUTF(),
                  in.readInt(),
                  CarrierState.valueOf(in.readUTF()),
                  in.readDouble(),
                  in.readUTF()));
        }
        s.last = new RouteDecision(mode, carriers, Map.copyOf(s.memory));
      }
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Serde<RouteState> serde() {
    return Serdes.serdeFrom(
        (t, v) -> v == null ? null : v.toBytes(), (t, b) -> b == null ? null : fromBytes(b));
  }
}
