package dev.nines.uptime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the {@link ReorderBuffer} holds for one key between records: the stream time (largest
 * {@code observedAt} seen) and the observations not yet released, in {@link
 * ProbeObservation#EVENT_ORDER}. Immutable.
 *
 * @param streamTime the largest observedAt seen; {@link Long#MIN_VALUE} before the first
 * @param held observations waiting for the grace period to pass, sorted, one per probe id
 */
public record ReorderState(long streamTime, List<ProbeObservation> held) {
  private static final byte FORMAT = 1;

  public ReorderState {
    Objects.requireNonNull(held, "held");
    List<ProbeObservation> sorted = new ArrayList<>(held);
    sorted.sort(ProbeObservation.EVENT_ORDER);
    held = List.copyOf(sorted);
  }

  /** Nothing seen yet. */
  public static ReorderState empty() {
    return new ReorderState(Long.MIN_VALUE, List.of());
  }

  public byte[] toBytes() {
    return StateCodec.write(
        FORMAT,
        out -> {
          out.writeLong(streamTime);
          out.writeInt(held.size());
          for (ProbeObservation o : held) {
            out.writeUTF(o.probeId());
            out.writeUTF(o.check());
            out.writeUTF(o.vantage());
            out.writeBoolean(o.success());
            out.writeLong(o.observedAt());
          }
        });
  }

  public static ReorderState fromBytes(byte[] data) {
    return StateCodec.read(
        data,
        FORMAT,
        "ReorderState",
        in -> {
          long streamTime = in.readLong();
          List<ProbeObservation> held = new ArrayList<>();
          for (int i = in.readInt(); i > 0; i--) {
            held.add(
                new ProbeObservation(
                    in.readUTF(), in.readUTF(), in.readUTF(), in.readBoolean(), in.readLong()));
          }
          return new ReorderState(streamTime, held);
        });
  }
}
