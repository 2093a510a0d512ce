package dev.nines.credits;

import dev.nines.uptime.Interval;
import dev.nines.uptime.Intervals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which maintenance excuses downtime for a contract that asks for notice ({@code
 * minMaintenanceNotice}): a window announced later than that before its start is shown, but the
 * downtime inside it is charged for that contract.
 *
 * <p>A window has versions, each announced at an instant (its {@code announcedAt}, or its
 * record's time) and in force until the next version's announcement; a removal is a version with
 * no time. An instant {@code t} is excused when the version in force at {@code t} contains it and
 * the window has promised it without a break since a version that was announced with enough
 * notice (its start at least the notice after its announcement). So:
 *
 * <ul>
 *   <li>a window announced in time excuses all of itself; one announced late excuses nothing;
 *   <li>an edit after the window started keeps the original announcement for the part already
 *       past (the version in force then still covers it), and for the rest of the original
 *       window; the time the edit adds was announced late and is charged;
 *   <li>a window moved to a later time with enough notice is a new announcement in time;
 *   <li>a removal ends the excuse from the moment it is written.
 * </ul>
 *
 * <p>A contract without a notice requirement takes the windows as they are last known, as
 * before. Category (planned, emergency, drill) changes nothing here; it is shown. Pure.
 */
public final class MaintenanceNotice {
  private MaintenanceNotice() {}

  /**
   * One version of a window.
   *
   * @param announcedAt when it was written (epoch ms)
   * @param window its time, or null for a removal
   */
  public record Version(long announcedAt, Interval window) {}

  /**
   * The excused time of one window for a contract.
   *
   * @param versions the window's versions, any order (sorted by announcement here)
   * @param notice the contract's minimum notice; null = any notice (the latest version counts)
   */
  public static List<Interval> excused(List<Version> versions, Duration notice) {
    List<Version> sorted = new ArrayList<>(versions);
    sorted.sort(Comparator.comparingLong(Version::announcedAt));
    if (sorted.isEmpty()) {
      return List.of();
    }
    if (notice == null) {
      Interval last = sorted.get(sorted.size() - 1).window();
      return last == null ? List.of() : List.of(last);
    }
    long noticeMs = notice.toMillis();
    List<Interval> out = new ArrayList<>();
    // promised: the time that versions announced with notice have promised without a break
    List<Interval> promised = List.of();
    for (int k = 0; k < sorted.size(); k++) {
      Version v = sorted.get(k);
      List<Interval> mine = v.window() == null ? List.of() : List.of(v.window());
      boolean inTime = v.window() != null && v.window().start() - v.announcedAt() >= noticeMs;
      List<Interval> kept = Intervals.intersection(promised, mine);
      promised = inTime ? Intervals.union(concat(kept, mine)) : kept;
      long inForceUntil = k + 1 < sorted.size() ? sorted.get(k + 1).announcedAt() : Long.MAX_VALUE;
      out.addAll(Intervals.clip(promised, new Interval(v.announcedAt(), inForceUntil)));
    }
    return Intervals.union(out);
  }

  private static List<Interval> concat(List<Interval> a, List<Interval> b) {
    List<Interval> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
