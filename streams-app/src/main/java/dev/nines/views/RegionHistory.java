package dev.nines.views;

import dev.nines.schema.Incident;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the status page needs of one service in one region beyond the ledger: the UTC days on
 * which probes were seen (so a day without data is not shown as a good day), the latest event
 * time seen, and the incidents of the kept history (open ones and those resolved within it).
 *
 * @param lastSeenMs latest probe {@code observedAt} or ledger {@code observedUntil} written here
 *     (probes are taken at most once per hour of event time, the ledger at every line)
 * @param observedDays epoch days (UTC) with at least one probe
 * @param incidents by start, one entry per incident id, its latest state
 * @param noDataSinceMs while a NO_DATA alert is in force, the latest probe before the silence;
 *     {@link Long#MIN_VALUE} otherwise
 */
public record RegionHistory(
    String service,
    String region,
    long lastSeenMs,
    SortedSet<Long> observedDays,
    List<Incident> incidents,
    long noDataSinceMs) {
  private static final byte FORMAT = 2;

  public RegionHistory(
      String service,
      String region,
      long lastSeenMs,
      SortedSet<Long> observedDays,
      List<Incident> incidents) {
    this(service, region, lastSeenMs, observedDays, incidents, Long.MIN_VALUE);
  }

  /** With the NO_DATA state: since the latest probe, or {@link Long#MIN_VALUE} once resolved. */
  public RegionHistory noDataSince(long sinceMs) {
    return new RegionHistory(service, region, lastSeenMs, observedDays, incidents, sinceMs);
  }

  private static final Serde<Incident> INCIDENT = AvroValueSerde.of(Incident.class);

  public static RegionHistory empty(String service, String region) {
    return new RegionHistory(service, region, Long.MIN_VALUE, new TreeSet<>(), List.of());
  }

  public String key() {
    return service + ":" + region;
  }

  /** With a probe seen at {@code observedAt}. */
  public RegionHistory seen(long observedAt, boolean markDay) {
    SortedSet<Long> days = new TreeSet<>(observedDays);
    if (markDay) {
      days.add(Math.floorDiv(observedAt, 86_400_000L));
    }
    return new RegionHistory(
        service, region, Math.max(lastSeenMs, observedAt), days, incidents, noDataSinceMs);
  }

  /** With this incident's latest state (replacing its earlier one). */
  public RegionHistory with(Incident incident) {
    List<Incident> out = new ArrayList<>();
    for (Incident i : incidents) {
      if (!i.getIncidentId().equals(incident.getIncidentId())) {
        out.add(i);
      }
    }
    out.add(incident);
    out.sort(Comparator.comparing(Incident::getStartedAt).thenComparing(Incident::getIncidentId));
    return new RegionHistory(
        service, region, lastSeenMs, observedDays, List.copyOf(out), noDataSinceMs);
  }

  /**
   * Only the last {@code days} days before the latest seen day: older observed days, and
   * incidents resolved before them, are dropped. Open incidents are always kept.
   */
  public RegionHistory trimmed(int days) {
    if (observedDays.isEmpty() && lastSeenMs == Long.MIN_VALUE) {
      return this;
    }
    long lastDay =
        Math.max(
            observedDays.isEmpty() ? Long.MIN_VALUE : observedDays.last(),
            lastSeenMs == Long.MIN_VALUE ? Long.MIN_VALUE : Math.floorDiv(lastSeenMs, 86_400_000L));
    long firstKept = lastDay - days + 1;
    SortedSet<Long> keptDays = new TreeSet<>(observedDays.tailSet(firstKept));
    long firstKeptMs = firstKept * 86_400_000L;
    List<Incident> kept =
        incidents.stream()
            .filter(
                i -> i.getResolvedAt() == null || i.getResolvedAt().toEpochMilli() >= firstKeptMs)
            .toList();
    return new RegionHistory(service, region, lastSeenMs, keptDays, kept, noDataSinceMs);
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeUTF(service);
      out.writeUTF(region);
      out.writeLong(lastSeenMs);
      out.writeInt(observedDays.size());
      for (long d : observedDays) {
        out.writeLong(d);
      }
      out.writeInt(incidents.size());
      for (Incident i : incidents) {
        byte[] b = INCIDENT.serializer().serialize(null, i);
        out.writeInt(b.length);
        out.write(b);
      }
      out.writeLong(noDataSinceMs);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RegionHistory fromBytes(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      byte format = in.readByte();
      if (format < 1 || format > FORMAT) {
        throw new IllegalStateException("unknown RegionHistory format " + format);
      }
      String service = in.readUTF();
      String region = in.readUTF();
      long lastSeen = in.readLong();
      SortedSet<Long> days = new TreeSet<>();
      for (int n = in.readInt(); n > 0; n--) {
        days.add(in.readLong());
      }
      List<Incident> incidents = new ArrayList<>();
      for (int n = in.readInt(); n > 0; n--) {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        incidents.add(INCIDENT.deserializer().deserialize(null, b));
      }
      long noDataSince = format >= 2 ? in.readLong() : Long.MIN_VALUE;
      return new RegionHistory(
          service, region, lastSeen, days, List.copyOf(incidents), noDataSince);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Serde<RegionHistory> serde() {
    return Serdes.serdeFrom(
        (t, v) -> v == null ? null : v.toBytes(), (t, b) -> b == null ? null : fromBytes(b));
  }
}
