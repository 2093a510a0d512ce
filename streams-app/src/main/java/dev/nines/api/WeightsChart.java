package dev.nines.api;

import static dev.nines.api.Texts.escape;

import dev.nines.views.Model.Carrier;
import dev.nines.views.Model.Route;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * A route's weights over the last hours as an inline SVG: stacked bands, one per carrier, the
 * weights of each decision held until the next one (weights are a step function of event time).
 * The x axis runs from {@code from} to {@code to}; the y axis is 0..10000. Pure.
 */
public final class WeightsChart {
  private WeightsChart() {}

  static final int W = 600;
  static final int H = 120;
  static final String[] PALETTE = {
    "#3b82f6", "#f59e0b", "#10b981", "#a855f7", "#ef4444", "#14b8a6", "#eab308", "#6366f1"
  };

  /** The carriers of a route in a stable order (their colours follow it). */
  public static List<String> carriers(List<Route> decisions) {
    TreeSet<String> ids = new TreeSet<>();
    decisions.forEach(d -> d.carriers().forEach(c -> ids.add(c.carrierId())));
    return new ArrayList<>(ids);
  }

  public static String color(List<String> carriers, String carrierId) {
    int i = carriers.indexOf(carrierId);
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  /** One band per carrier per decision segment, with a tooltip naming the weight and state. */
  public static String svg(List<Route> decisions, Instant from, Instant to) {
    List<String> carriers = carriers(decisions);
    long t0 = from.toEpochMilli();
    long span = Math.max(1, to.toEpochMilli() - t0);
    StringBuilder b = new StringBuilder();
    b.append("<svg class=\"chart\" viewBox=\"0 0 ")
        .append(W)
        .append(' ')
        .append(H)
        .append(
            "\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"carrier weights "
                + "over time\">");
    for (int i = 0; i < decisions.size(); i++) {
      Route d = decisions.get(i);
      long start = Math.max(t0, d.effectiveAt().toEpochMilli());
      long end =
          i + 1 < decisions.size()
              ? decisions.get(i + 1).effectiveAt().toEpochMilli()
              : to.toEpochMilli();
      end = Math.min(end, to.toEpochMilli());
      if (end <= start) {
        continue;
      }
      double x = (start - t0) * (double) W / span;
      double w = (end - start) * (double) W / span;
      double y = H;
      for (String id : carriers) {
        Carrier c =
            d.carriers().stream().filter(x1 -> x1.carrierId().equals(id)).findFirst().orElse(null);
        if (c == null || c.weight() <= 0) {
          continue;
        }
        double h = c.weight() * (double) H / 10_000;
        y -= h;
        b.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\">",
                x,
                y,
                w,
                h,
                color(carriers, id)));
        b.append("<title>")
            .append(
                escape(
                    id
                        + " "
                        + pct(c.weight())
                        + " "
                        + c.state()
                        + " from "
                        + Texts.time(d.effectiveAt())
                        + " (v"
                        + d.version()
                        + ")"))
            .append("</title></rect>");
      }
    }
    return b.append("</svg>").toString();
  }

  static String pct(int weight) {
    return String.format(Locale.ROOT, "%.2f%%", weight / 100.0);
  }
}
