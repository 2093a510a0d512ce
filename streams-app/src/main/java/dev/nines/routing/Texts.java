package dev.nines.routing;

import java.util.Locale;

/** Number formats for reasons. Locale.ROOT: a reason must read the same on every machine. */
final class Texts {
  private Texts() {}

  static String format(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** A ratio as a percentage with one decimal, e.g. 0.412 -> "41.2%". For success ratios. */
  static String percent(double ratio) {
    return format("%.1f%%", ratio * 100);
  }

  /** A share as a compact percentage: 0.5 -> "50%", 1/3 -> "33.3%". For knobs and shares. */
  static String share(double ratio) {
    String s = format("%.1f", ratio * 100);
    return (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + "%";
  }

  /** A ratio difference in percentage points, e.g. 0.15 -> "15.0". */
  static String points(double ratio) {
    return format("%.1f", ratio * 100);
  }

  /** "success 41.2% over 2m (n=1184)". */
  static String evidence(CarrierStats s) {
    return "success " + percent(s.successRatio()) + over(s) + " (n=" + s.samples() + ")";
  }

  /** " over 2m", or nothing when the history length is unknown. */
  static String over(CarrierStats s) {
    return s.historyMillis() == 0 ? "" : " over " + duration(s.historyMillis());
  }

  /** A compact duration: 120000 -> "2m", 90000 -> "1m30s", 3600000 -> "1h", 1500 -> "1s500ms". */
  static String duration(long millis) {
    if (millis == 0) {
      return "0s";
    }
    StringBuilder b = new StringBuilder();
    long h = millis / 3_600_000;
    long m = millis / 60_000 % 60;
    long s = millis / 1_000 % 60;
    long ms = millis % 1_000;
    if (h > 0) {
      b.append(h).append('h');
    }
    if (m > 0) {
      b.append(m).append('m');
    }
    if (s > 0) {
      b.append(s).append('s');
    }
    if (ms > 0) {
      b.append(ms).append("ms");
    }
    return b.toString();
  }

  /** Joins the non-empty parts of a reason with "; ". */
  static String join(String... parts) {
    StringBuilder b = new StringBuilder();
    for (String p : parts) {
      if (p != null && !p.isEmpty()) {
        if (b.length() > 0) {
          b.append("; ");
        }
        b.append(p);
      }
    }
    return b.toString();
  }
}
