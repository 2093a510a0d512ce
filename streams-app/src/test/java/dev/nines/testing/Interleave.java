package dev.nines.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** How the tasks of several upstream partitions may reach one downstream task. */
public final class Interleave {
  private Interleave() {}

  /**
   * A random merge that keeps each sequence's own order: runs of 1 to {@code maxRun} items of
   * one sequence at a time, so long runs make skew.
   */
  public static <T> List<T> randomRuns(List<List<T>> sequences, Random random, int maxRun) {
    List<T> out = new ArrayList<>();
    int[] next = new int[sequences.size()];
    int left = sequences.stream().mapToInt(List::size).sum();
    while (left > 0) {
      int u = random.nextInt(sequences.size());
      int run = 1 + random.nextInt(maxRun);
      for (int i = 0; i < run && next[u] < sequences.get(u).size(); i++, left--) {
        out.add(sequences.get(u).get(next[u]++));
      }
    }
    return out;
  }
}
