package dev.nines.routing.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nines.routing.CarrierDecision;
import dev.nines.routing.CarrierMemory;
import dev.nines.routing.RouteDecision;
import dev.nines.schema.CarrierState;
import dev.nines.schema.RouteMode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A route's state survives the upgrade: the previous format is still read. */
class RouteStateTest {

  @Test
  void theFormatBeforeTiersIsReadWithDefaults() throws Exception {
    // format 1 as the previous release wrote it: no canary, backoff, priority or canary flag
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(1);
    out.writeLong(7); // version
    out.writeLong(100_000); // evaluatedUpTo
    out.writeLong(95_000); // maxBucketStart
    out.writeInt(0); // no buckets
    out.writeInt(1);
    out.writeUTF("a");
    out.writeUTF("EJECTED");
    out.writeInt(2);
    out.writeInt(0);
    out.writeBoolean(true);
    out.writeUTF("NORMAL");
    out.writeInt(1);
    out.writeUTF("a");
    out.writeInt(10_000);
    out.writeUTF("EJECTED");
    out.writeDouble(0.5);
    out.writeUTF("why");
    RouteState s = RouteState.fromBytes(bytes.toByteArray());
    assertThat(s.version).isEqualTo(7);
    assertThat(s.evaluatedUpTo).isEqualTo(100_000);
    assertThat(s.memory).containsEntry("a", new CarrierMemory(CarrierState.EJECTED, 2, 0));
    assertThat(s.last.carriers())
        .containsExactly(new CarrierDecision("a", 10_000, CarrierState.EJECTED, 0.5, "why"));
  }

  @Test
  void theCurrentFormatKeepsEverything() {
    RouteState s = new RouteState();
    s.version = 3;
    CarrierMemory m = new CarrierMemory(CarrierState.EJECTED, 1, 0, false, List.of(5L, 9L), 6);
    CarrierMemory canary = new CarrierMemory(CarrierState.RECOVERING, 0, 0, true, List.of(), 0);
    s.memory.put("a", m);
    s.memory.put("c", canary);
    s.last =
        new RouteDecision(
            RouteMode.NORMAL,
            List.of(
                new CarrierDecision("a", 9_900, CarrierState.EJECTED, 0.4, "x", 1, false),
                new CarrierDecision("c", 100, CarrierState.RECOVERING, 1.0, "y", 0, true)),
            Map.of("a", m, "c", canary));
    RouteState back = RouteState.fromBytes(s.toBytes());
    assertThat(back.memory).isEqualTo(s.memory);
    assertThat(back.last.carriers()).isEqualTo(s.last.carriers());
    assertThat(back.toBytes()).isEqualTo(s.toBytes());
  }
}
