package dev.plumbline.server;

import dev.plumbline.store.TrendPoint;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Inline SVG charts of the dashboard, drawn on the server (no script, no library). */
final class Charts {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private Charts() {}

  /**
   * A line chart of scores (0-100) over time, scaled to its box. Points without a score are
   * skipped. At most {@code maxPoints} are drawn (evenly picked), so 720 snapshots stay light.
   */
  static String trend(List<TrendPoint> all, String label, int width, int height, int maxPoints) {
    List<TrendPoint> points = new ArrayList<>();
    for (TrendPoint p : all) {
      if (!Double.isNaN(p.score())) {
        points.add(p);
      }
    }
    if (points.size() > maxPoints) {
      List<TrendPoint> picked = new ArrayList<>();
      for (int i = 0; i < maxPoints; i++) {
        picked.add(points.get((int) ((long) i * (points.size() - 1) / (maxPoints - 1))));
      }
      points = picked;
    }
    boolean axes = height >= 80;
    int left = axes ? 34 : 2;
    int bottom = axes ? 20 : 2;
    int top = axes ? 8 : 2;
    int right = axes ? 8 : 2;
    double w = width - left - right;
    double h = height - top - bottom;
    Html svg = new Html();
    svg.raw("<svg class=\"chart\" role=\"img\"")
        .attr("viewBox", "0 0 " + width + " " + height).attr("aria-label", label)
        .raw(">");
    svg.raw("<title>").text(label).raw("</title>");
    if (axes) {
      for (int y : new int[] {0, 50, 100}) {
        double py = top + h - h * y / 100.0;
        svg.raw("<line class=\"grid\" x1=\"" + left + "\" x2=\"" + (width - right) + "\" y1=\""
            + fmt(py) + "\" y2=\"" + fmt(py) + "\"/>");
        svg.raw("<text class=\"axis\" x=\"" + (left - 4) + "\" y=\"" + fmt(py + 4)
            + "\" text-anchor=\"end\">" + y + "</text>");
      }
    }
    if (points.isEmpty()) {
      svg.raw("<text class=\"axis\" x=\"" + (width / 2) + "\" y=\"" + (height / 2)
          + "\" text-anchor=\"middle\">no snapshots yet</text></svg>");
      return svg.toString();
    }
    long t0 = points.get(0).at().toEpochMilli();
    long t1 = points.get(points.size() - 1).at().toEpochMilli();
    double span = Math.max(1, t1 - t0);
    StringBuilder d = new StringBuilder();
    for (int i = 0; i < points.size(); i++) {
      TrendPoint p = points.get(i);
      double x = points.size() == 1 ? left + w / 2
          : left + w * (p.at().toEpochMilli() - t0) / span;
      double y = top + h - h * Math.max(0, Math.min(100, p.score())) / 100.0;
      d.append(i == 0 ? "M" : " L").append(fmt(x)).append(' ').append(fmt(y));
    }
    svg.raw("<path class=\"line\" d=\"" + d + "\"/>");
    if (points.size() == 1) {
      svg.raw("<circle class=\"dot\" cx=\"" + fmt(left + w / 2) + "\" cy=\""
          + fmt(top + h - h * points.get(0).score() / 100.0) + "\" r=\"3\"/>");
    }
    if (axes) {
      svg.raw("<text class=\"axis\" x=\"" + left + "\" y=\"" + (height - 4) + "\">")
          .text(DAY.format(points.get(0).at())).raw("</text>");
      svg.raw("<text class=\"axis\" x=\"" + (width - right) + "\" y=\"" + (height - 4)
          + "\" text-anchor=\"end\">").text(DAY.format(points.get(points.size() - 1).at()))
          .raw("</text>");
    }
    svg.raw("</svg>");
    return svg.toString();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
