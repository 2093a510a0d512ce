package dev.nines.uptime;

import dev.nines.schema.AlertSeverity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One multi-window burn-rate rule (Google SRE workbook, "Alerting on SLOs", approach 6): fire
 * when the error budget burns faster than {@code burnRate} times the sustainable rate over both
 * the long window (it is a real trend) and the short window (it is still happening).
 *
 * @param severity PAGE or TICKET
 * @param burnRate e.g. 14.4: at that rate a 30-day budget lasts 30 / 14.4 days
 * @param longWindow e.g. 1 hour
 * @param shortWindow e.g. 5 minutes; shorter than the long window
 */
public record BurnRule(
    AlertSeverity severity, BigDecimal burnRate, Duration longWindow, Duration shortWindow) {

  public BurnRule {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(burnRate, "burnRate");
    Objects.requireNonNull(longWindow, "longWindow");
    Objects.requireNonNull(shortWindow, "shortWindow");
    if (severity != AlertSeverity.PAGE && severity != AlertSeverity.TICKET) {
      throw new IllegalArgumentException(
          "burn rule: severity " + severity + ": expected PAGE or TICKET");
    }
    if (burnRate.signum() <= 0) {
      throw new IllegalArgumentException(
          "burn rule: burnRate " + burnRate.toPlainString() + ": expected more than 0");
    }
    // 14.4 and 14.40 are the same rule: one identity in state and in equals
    burnRate = burnRate.stripTrailingZeros();
    requireWholeMillis("longWindow", longWindow);
    requireWholeMillis("shortWindow", shortWindow);
    if (shortWindow.compareTo(longWindow) >= 0) {
      throw new IllegalArgumentException(
          "burn rule: shortWindow "
              + shortWindow
              + " is not shorter than longWindow "
              + longWindow);
    }
  }

  public static BurnRule of(
      AlertSeverity severity, String burnRate, Duration longWindow, Duration shortWindow) {
    return new BurnRule(severity, new BigDecimal(burnRate), longWindow, shortWindow);
  }

  /**
   * The workbook's recommended set: PAGE 14.4x over 1h and 5m (2% of a 30-day budget in an
   * hour), PAGE 6x over 6h and 30m (5% in six hours), TICKET 3x over 1d and 2h (10% in a day),
   * TICKET 1x over 3d and 6h (10% in three days).
   */
  public static List<BurnRule> defaults() {
    return List.of(
        of(AlertSeverity.PAGE, "14.4", Duration.ofHours(1), Duration.ofMinutes(5)),
        of(AlertSeverity.PAGE, "6", Duration.ofHours(6), Duration.ofMinutes(30)),
        of(AlertSeverity.TICKET, "3", Duration.ofDays(1), Duration.ofHours(2)),
        of(AlertSeverity.TICKET, "1", Duration.ofDays(3), Duration.ofHours(6)));
  }

  /** A readable identity, e.g. {@code PAGE 14.4x 1h/5m}. */
  public String id() {
    return severity
        + " "
        + burnRate.toPlainString()
        + "x "
        + compact(longWindow)
        + "/"
        + compact(shortWindow);
  }

  /** 1h, 5m, 3d, 90s, 1500ms: the largest unit that divides the duration. */
  static String compact(Duration d) {
    long ms = d.toMillis();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return ms + "ms";
  }

  private static void requireWholeMillis(String name, Duration d) {
    if (d.compareTo(Duration.ofMillis(1)) < 0 || d.toNanos() % 1_000_000 != 0) {
      throw new IllegalArgumentException(
          "burn rule: " + name + " " + d + ": expected a positive whole number of ms");
    }
  }
}
