package dev.nines.credits;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Set algebra on half-open intervals. "Normalized" below means sorted by start, non-empty and
 * pairwise disjoint and non-touching: the canonical form of a set of instants, in which the
 * length of the set is the sum of the lengths.
 */
final class Intervals {
  private Intervals() {}

  private static final Comparator<Interval> BY_START =
      Comparator.comparingLong(Interval::startMs).thenComparingLong(Interval::endMs);

  /** The union of any intervals, normalized. Touching intervals merge: [a,b) + [b,c) = [a,c). */
  static List<Interval> union(Collection<Interval> intervals) {
    List<Interval> sorted = new ArrayList<>(intervals.size());
    for (Interval i : intervals) {
      if (i.endMs() > i.startMs()) {
        sorted.add(i);
      }
    }
    sorted.sort(BY_START);
    List<Interval> out = new ArrayList<>();
    long start = 0;
    long end = 0;
    boolean open = false;
    for (Interval i : sorted) {
      if (open && i.startMs() <= end) {
        end = Math.max(end, i.endMs());
      } else {
        if (open) {
          out.add(new Interval(start, end));
        }
        start = i.startMs();
        end = i.endMs();
        open = true;
      }
    }
    if (open) {
      out.add(new Interval(start, end));
    }
    return out;
  }

  /** {@code from} minus {@code cuts}, both normalized; the result is normalized. */
  static List<Interval> minus(List<Interval> from, List<Interval> cuts) {
    List<Interval> out = new ArrayList<>();
    int j = 0;
    for (Interval a : from) {
      long cur = a.startMs();
      // cuts that end before this interval starts cannot touch any later one either
      while (j < cuts.size() && cuts.get(j).endMs() <= cur) {
        j++;
      }
      // but a cut that reaches past this interval may still cut the next: do not consume it
      for (int k = j; k < cuts.size() && cuts.get(k).startMs() < a.endMs(); k++) {
        Interval b = cuts.get(k);
        if (b.startMs() > cur) {
          out.add(new Interval(cur, b.startMs()));
        }
        cur = Math.max(cur, b.endMs());
        if (cur >= a.endMs()) {
          break;
        }
      }
      if (cur < a.endMs()) {
        out.add(new Interval(cur, a.endMs()));
      }
    }
    return out;
  }

  /** The parts of normalized intervals inside {@code [fromMs, toMs)}; still normalized. */
  static List<Interval> clip(List<Interval> intervals, long fromMs, long toMs) {
    List<Interval> out = new ArrayList<>();
    for (Interval i : intervals) {
      long s = Math.max(i.startMs(), fromMs);
      long e = Math.min(i.endMs(), toMs);
      if (s < e) {
        out.add(new Interval(s, e));
      }
    }
    return out;
  }

  /** The total length of normalized (hence disjoint) intervals. */
  static long length(List<Interval> normalized) {
    long sum = 0;
    for (Interval i : normalized) {
      sum = Math.addExact(sum, i.lengthMs());
    }
    return sum;
  }
}
