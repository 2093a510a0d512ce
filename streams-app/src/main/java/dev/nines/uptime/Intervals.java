package dev.nines.uptime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Set arithmetic on collections of half-open {@link Interval}s, each collection read as the set
 * of instants its intervals cover. Every result is <b>normalized</b>: sorted, no empty interval,
 * no two overlapping or touching (touching ones are merged, since {@code [a, b) + [b, c)} is
 * {@code [a, c)}). Inputs need not be normalized.
 */
public final class Intervals {
  private static final Comparator<Interval> BY_START =
      Comparator.comparingLong(Interval::start).thenComparingLong(Interval::end);

  private Intervals() {}

  /** Every instant covered by any interval. */
  public static List<Interval> union(Collection<Interval> intervals) {
    List<Interval> sorted = new ArrayList<>(intervals);
    sorted.sort(BY_START);
    List<Interval> out = new ArrayList<>();
    long start = 0;
    long end = 0;
    boolean open = false;
    for (Interval i : sorted) {
      if (i.isEmpty()) {
        continue;
      }
      if (open && i.start() <= end) {
        end = Math.max(end, i.end());
      } else {
        if (open) {
          out.add(new Interval(start, end));
        }
        start = i.start();
        end = i.end();
        open = true;
      }
    }
    if (open) {
      out.add(new Interval(start, end));
    }
    return List.copyOf(out);
  }

  /** Instants covered by both. */
  public static List<Interval> intersection(Collection<Interval> a, Collection<Interval> b) {
    List<Interval> x = union(a);
    List<Interval> y = union(b);
    List<Interval> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < x.size() && j < y.size()) {
      long start = Math.max(x.get(i).start(), y.get(j).start());
      long end = Math.min(x.get(i).end(), y.get(j).end());
      if (start < end) {
        out.add(new Interval(start, end));
      }
      // the one that ends first cannot meet anything further along the other list
      if (x.get(i).end() < y.get(j).end()) {
        i++;
      } else {
        j++;
      }
    }
    return List.copyOf(out);
  }

  /** Instants covered by {@code a} and not by {@code b}. */
  public static List<Interval> subtract(Collection<Interval> a, Collection<Interval> b) {
    List<Interval> y = union(b);
    List<Interval> out = new ArrayList<>();
    int j = 0;
    for (Interval x : union(a)) {
      long cursor = x.start();
      // skip what ends before this piece; y is sorted and disjoint, and so is union(a)
      while (j < y.size() && y.get(j).end() <= cursor) {
        j++;
      }
      int k = j;
      while (k < y.size() && y.get(k).start() < x.end()) {
        if (y.get(k).start() > cursor) {
          out.add(new Interval(cursor, y.get(k).start()));
        }
        cursor = Math.max(cursor, y.get(k).end());
        k++;
      }
      if (cursor < x.end()) {
        out.add(new Interval(cursor, x.end()));
      }
    }
    return List.copyOf(out);
  }

  /** The part of {@code intervals} inside {@code period}. */
  public static List<Interval> clip(Collection<Interval> intervals, Interval period) {
    return intersection(intervals, List.of(period));
  }

  /** Length of the union: instants covered by more than one interval count once. */
  public static long length(Collection<Interval> intervals) {
    long total = 0;
    for (Interval i : union(intervals)) {
      total = Math.addExact(total, i.length());
    }
    return total;
  }
}
