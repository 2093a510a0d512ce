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
  /** 2 added the canary, the backoff and each decision's tier; 1 is still read. */
  private static final byte FORMAT = 2;

  private static final byte FORMAT_1 = 1;

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
        out.writeBoolean(e.getValue().canary());
        out.writeInt(e.getValue().recoveryNeeded());
        out.writeInt(e.getValue().ejections().size());
        for (long t : e.getValue().ejections()) {
          out.writeLong(t);
        }
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
          out.writeInt(d.priority());
          out.writeBoolean(d.canary());
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
      if (format != FORMAT && format != FORMAT_1) {
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
        String carrier = in.readUTF();
        CarrierState state = CarrierState.valueOf(in.readUTF());
        int streak = in.readInt();
        int step = in.readInt();
        CarrierMemory m = new CarrierMemory(state, streak, step);
        if (format == FORMAT) {
          boolean canary = in.readBoolean();
          int needed = in.readInt();
          List<Long> ejections = new ArrayList<>();
          for (int j = in.readInt(); j > 0; j--) {
            ejections.add(in.readLong());
          }
          m = new CarrierMemory(state, streak, step, canary, ejections, needed);
        }
        s.memory.put(carrier, m);
      }
      if (in.readBoolean()) {
        RouteMode mode = RouteMode.valueOf(in.readUTF());
        List<CarrierDecision> carriers = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
          String id = in.readUTF();
          int weight = in.readInt();
          CarrierState state = CarrierState.valueOf(in.readUTF());
          double score = in.readDouble();
          String reason = in.readUTF();
          int priority = format == FORMAT ? in.readInt() : 0;
          boolean canary = format == FORMAT && in.readBoolean();
          carriers.add(new CarrierDecision(id, weight, state, score, reason, priority, canary));
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
