package dev.nines.replay;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar on a terminal: redrawn in place ({@code \r}) when interactive, else a line at
 * most every 5 s when it changed (one a minute while it does not), so a log stays readable.
 * Rendering is pure ({@link #render}).
 */
public final class Progress {
  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final boolean interactive;
  private final long everyNanos;
  private final LongSupplier nanoTime;
  private long lastPrinted = Long.MIN_VALUE;
  private String lastLine = "";
  private String lastPrintedLine = "";

  public Progress(PrintWriter out, boolean interactive) {
    this(out, interactive, 5_000_000_000L, System::nanoTime);
  }

  Progress(PrintWriter out, boolean interactive, long everyNanos, LongSupplier nanoTime) {
    this.out = out;
    this.interactive = interactive;
    this.everyNanos = everyNanos;
    this.nanoTime = nanoTime;
  }

  /** Shows this state, unless one was shown too recently (non-interactive only). */
  public void update(String phase, long done, long total, String note) {
    String line = render(phase, done, total, note);
    long now = nanoTime.getAsLong();
    if (interactive) {
      if (!line.equals(lastLine)) {
        out.print("\r" + line + " ".repeat(Math.max(0, lastLine.length() - line.length())));
        out.flush();
      }
    } else if (lastPrinted == Long.MIN_VALUE
        || (!line.equals(lastPrintedLine) && now - lastPrinted >= everyNanos)
        || now - lastPrinted >= 12 * everyNanos) {
      // a new line at most every interval, and while nothing moves one every 12 intervals
      out.println(line);
      out.flush();
      lastPrinted = now;
      lastPrintedLine = line;
    }
    lastLine = line;
  }

  /** Shows the final state of a phase, always, and ends its line. */
  public void finish(String phase, long done, long total, String note) {
    String line = render(phase, done, total, note);
    if (interactive) {
      out.println("\r" + line + " ".repeat(Math.max(0, lastLine.length() - line.length())));
    } else {
      out.println(line);
    }
    out.flush();
    lastLine = "";
    lastPrinted = Long.MIN_VALUE;
    lastPrintedLine = "";
  }

  /**
   * E.g. {@code replay: copying    [#############.................]  45%  12,345 of 27,000
   * records}. Done beyond total shows 100 %; a total of 0 is complete.
   */
  public static String render(String phase, long done, long total, String note) {
    long d = Math.max(0, Math.min(done, total));
    int percent = total <= 0 ? 100 : (int) (100 * d / total);
    int filled = total <= 0 ? WIDTH : (int) (WIDTH * d / total);
    return String.format(
        Locale.ROOT,
        "replay: %-10s [%s%s] %3d%%  %,d of %,d records%s",
        phase,
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        percent,
        d,
        Math.max(total, 0),
        note == null || note.isEmpty() ? "" : "  " + note);
  }
}
