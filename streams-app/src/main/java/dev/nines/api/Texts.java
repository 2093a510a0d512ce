package dev.nines.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Small text helpers for the page and feed: escaping, durations, times. Pure. */
public final class Texts {
  private Texts() {}

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  /**
   * Escapes text for HTML and XML content and attribute values, and drops what XML 1.0 does not
   * allow at all (control characters other than tab, line feed and carriage return, unpaired
   * surrogates, U+FFFE and U+FFFF): one such character in a region or carrier name would make
   * the whole Atom feed unreadable to a feed reader.
   */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            b.append(c).append(s.charAt(++i));
          } else if (allowed(c)) {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  private static boolean allowed(char c) {
    return c == '\t'
        || c == '\n'
        || c == '\r'
        || (c >= 0x20 && c < 0xD800)
        || (c >= 0xE000 && c <= 0xFFFD);
  }

  /** A duration for people: "0s", "45s", "3m 12s", "1h 5m", "2d 3h"; negative with a minus. */
  public static String duration(long ms) {
    if (ms < 0) {
      return "\u2212" + duration(-ms);
    }
    long s = ms / 1000;
    if (s < 60) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 60) {
      return m + "m " + (s % 60) + "s";
    }
    long h = m / 60;
    if (h < 24) {
      return h + "h " + (m % 60) + "m";
    }
    return (h / 24) + "d " + (h % 24) + "h";
  }

  public static String time(Instant t) {
    return t == null ? "" : TIME.format(t);
  }
}
