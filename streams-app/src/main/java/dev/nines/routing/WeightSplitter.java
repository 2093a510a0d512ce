package dev.nines.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits an integer total proportionally to shares with the largest-remainder method (Hamilton):
 * everyone gets the floor of their exact quota, and the units left over go to the largest
 * fractional parts. The result always sums to exactly the total, which rounding each quota alone
 * does not.
 */
final class WeightSplitter {
  private WeightSplitter() {}

  /**
   * @param total what to split, 0 or more
   * @param shares one non-negative share per carrier; a zero share gets 0
   * @param ids carrier ids, same order: equal remainders go to the smaller id, so that the result
   *     does not depend on plan order
   */
  static int[] split(int total, double[] shares, List<String> ids) {
    int[] out = new int[shares.length];
    if (total == 0) {
      return out;
    }
    double sum = 0;
    for (double s : shares) {
      sum += s;
    }
    if (!(sum > 0)) {
      throw new IllegalStateException("cannot split " + total + ": no carrier has a share");
    }
    double[] remainder = new double[shares.length];
    List<Integer> candidates = new ArrayList<>();
    long given = 0;
    for (int i = 0; i < shares.length; i++) {
      double exact = (double) total * shares[i] / sum;
      out[i] = (int) Math.floor(exact);
      remainder[i] = exact - out[i];
      given += out[i];
      if (shares[i] > 0) {
        candidates.add(i);
      }
    }
    long left = total - given;
    // exactly, 0 <= left < number of shares; floating point can only move that by one either way
    if (left < 0 || left > candidates.size()) {
      throw new IllegalStateException("largest remainder left " + left + " units of " + total);
    }
    candidates.sort(
        Comparator.comparingDouble((Integer i) -> remainder[i]).reversed().thenComparing(ids::get));
    for (int k = 0; k < left; k++) {
      out[candidates.get(k)]++;
    }
    return out;
  }
}
