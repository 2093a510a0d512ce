package dev.nines.routing.stream;

import dev.nines.health.HealthCounts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One carrier's evidence in one evaluation interval. These small summaries, not the receipts,
 * cross the repartition to the route: one record per carrier per interval whatever the rate.
 */
public record CarrierBucket(String carrierId, long start, HealthCounts counts) {

  public byte[] toBytes() {
    byte[] id = carrierId.getBytes(StandardCharsets.UTF_8);
    byte[] c = counts.toBytes();
    return ByteBuffer.allocate(4 + id.length + 8 + c.length)
        .putInt(id.length)
        .put(id)
        .putLong(start)
        .put(c)
        .array();
  }

  public static CarrierBucket fromBytes(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte[] id = new byte[b.getInt()];
    b.get(id);
    long start = b.getLong();
    byte[] c = new byte[b.remaining()];
    b.get(c);
    return new CarrierBucket(
        new String(id, StandardCharsets.UTF_8), start, HealthCounts.fromBytes(c));
  }

  public static Serde<CarrierBucket> serde() {
    return Serdes.serdeFrom(
        (t, v) -> v == null ? null : v.toBytes(), (t, b) -> b == null ? null : fromBytes(b));
  }
}
