package dev.nines.webhooks;

import dev.nines.schema.MaintenanceWindow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which maintenance notifications are due, for one consumer of {@code maintenance-windows}: a
 * window is announced when its record is read, starts and ends by the wall clock. A schedule is
 * a calendar, so its start and end are told when they happen, even when no probe arrives.
 *
 * <p>Per partition of the topic it keeps the windows (latest version per id), the offset up to
 * which records were already handled before (read again only to rebuild the windows, told
 * nothing), and {@code notifiedUntil}: the wall-clock instant up to which starts and ends have
 * been delivered. The owner stores {@code notifiedUntil} with its committed offset, so that after
 * a restart or a rebalance the starts and ends that fell due while nobody held the partition are
 * sent then, and none twice (up to the at-least-once copies of a delivery not yet committed).
 * Not thread-safe; pure (no clock of its own, no Kafka).
 */
final class MaintenanceSchedule {
  private final Map<Integer, Part> parts = new HashMap<>();

  private static final class Part {
    final long replayUntil;
    long notifiedUntil;
    final TreeMap<String, MaintenanceWindow> windows = new TreeMap<>();

    Part(long replayUntil, long notifiedUntil) {
      this.replayUntil = replayUntil;
      this.notifiedUntil = notifiedUntil;
    }
  }

  /**
   * A partition given to this consumer.
   *
   * @param replayUntil records before this offset were handled already: they rebuild the windows
   *     only
   * @param notifiedUntil starts and ends up to this instant were delivered already
   */
  void assigned(int partition, long replayUntil, long notifiedUntil) {
    parts.put(partition, new Part(replayUntil, notifiedUntil));
  }

  void revoked(int partition) {
    parts.remove(partition);
  }

  boolean holds(int partition) {
    return parts.containsKey(partition);
  }

  /** Whether every record handled before has been read again: the windows are complete. */
  boolean replayed(int partition, long position) {
    Part p = parts.get(partition);
    return p != null && position >= p.replayUntil;
  }

  long notifiedUntil(int partition) {
    return parts.get(partition).notifiedUntil;
  }

  /**
   * A record of the topic: the window's new version, or its removal (null). Returns what it
   * announces: nothing for a record handled before, or one that changes nothing; for a window
   * not yet over, its announcement, and its start too if that lies before {@code notifiedUntil}
   * (the clock has passed it and will not tell it); for a removal of a window not yet over, its
   * cancellation.
   */
  List<Notification> onRecord(int partition, long offset, String id, MaintenanceWindow w) {
    Part p = Objects.requireNonNull(parts.get(partition), "partition not assigned");
    MaintenanceWindow before = w == null ? p.windows.remove(id) : p.windows.put(id, w);
    if (offset < p.replayUntil) {
      return List.of();
    }
    List<Notification> out = new ArrayList<>();
    if (w == null) {
      if (before != null && before.getEndsAt().toEpochMilli() > p.notifiedUntil) {
        out.add(Notification.maintenance(Notification.Kind.MAINTENANCE_CANCELLED, id, before));
      }
      return out;
    }
    if (w.equals(before) || w.getEndsAt().toEpochMilli() <= p.notifiedUntil) {
      return out; // the same again, or a window already over: history
    }
    out.add(Notification.maintenance(Notification.Kind.MAINTENANCE_ANNOUNCED, id, w));
    if (w.getStartsAt().toEpochMilli() <= p.notifiedUntil) {
      out.add(Notification.maintenance(Notification.Kind.MAINTENANCE_STARTED, id, w));
    }
    return out;
  }

  /**
   * The starts and ends in {@code (notifiedUntil, now]} of the partition, in time order (a start
   * before an end at the same instant, then by id); {@code notifiedUntil} becomes {@code now}.
   */
  List<Notification> due(int partition, long now) {
    Part p = parts.get(partition);
    if (p == null || now <= p.notifiedUntil) {
      return List.of();
    }
    record Event(long at, int order, String id, Notification n) {}
    List<Event> events = new ArrayList<>();
    p.windows.forEach(
        (id, w) -> {
          long start = w.getStartsAt().toEpochMilli();
          long end = w.getEndsAt().toEpochMilli();
          if (start > p.notifiedUntil && start <= now) {
            events.add(
                new Event(
                    start,
                    0,
                    id,
                    Notification.maintenance(Notification.Kind.MAINTENANCE_STARTED, id, w)));
          }
          if (end > p.notifiedUntil && end <= now) {
            events.add(
                new Event(
                    end,
                    1,
                    id,
                    Notification.maintenance(Notification.Kind.MAINTENANCE_ENDED, id, w)));
          }
        });
    events.sort(
        Comparator.comparingLong(Event::at)
            .thenComparingInt(Event::order)
            .thenComparing(Event::id));
    p.notifiedUntil = now;
    return events.stream().map(Event::n).toList();
  }

  /** What is stored with a committed offset: {@code notifiedUntil=<epoch ms>}. */
  static String metadata(long notifiedUntil) {
    return "notifiedUntil=" + notifiedUntil;
  }

  /** The instant stored by {@link #metadata}, or {@code otherwise} if there is none. */
  static long notifiedUntil(String metadata, long otherwise) {
    if (metadata != null && metadata.startsWith("notifiedUntil=")) {
      try {
        return Long.parseLong(metadata.substring("notifiedUntil=".length()));
      } catch (NumberFormatException e) {
        return otherwise;
      }
    }
    return otherwise;
  }
}
