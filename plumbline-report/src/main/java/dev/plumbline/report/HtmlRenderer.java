package dev.plumbline.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained XHTML document: inline CSS, the trend as inline SVG, no
 * script, no external reference (a Content-Security-Policy forbids loading any). The same markup,
 * without the SVG, is the input of the PDF renderer, so the two carry the same content.
 */
final class HtmlRenderer {
  /** Evidence rows shown per requirement; the CSV and JSON forms always carry every row. */
  static final int MAX_ROWS = 1000;

  private final Report report;
  private final boolean pdf;
  private final StringBuilder out = new StringBuilder(64 * 1024);

  private HtmlRenderer(Report report, boolean pdf) {
    this.report = report;
    this.pdf = pdf;
  }

  static String render(Report report, boolean pdf) {
    return new HtmlRenderer(report, pdf).document();
  }

  private String document() {
    Report.FrameworkInfo f = report.framework();
    String title = "Compliance report: " + f.title() + (blank(f.version()) ? "" : " " + f.version());
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    if (!pdf) {
      out.append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
          + " style-src 'unsafe-inline'\"/>\n");
      out.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    }
    out.append("<title>").append(esc(title)).append("</title>\n");
    out.append("<style>\n").append(css()).append("</style>\n</head>\n<body>\n");
    out.append("<h1>").append(esc(title)).append("</h1>\n");
    provenance();
    summary();
    trend();
    requirementsTable();
    evidence();
    manual();
    exceptions();
    incomplete();
    out.append("</body>\n</html>\n");
    return out.toString();
  }

  private String css() {
    String running = "Plumbline compliance report: " + report.framework().id() + ", "
        + report.producedAt();
    return """
        @page { size: A4 landscape; margin: 16mm 12mm 16mm 12mm;
          @top-left { content: "%s"; font-family: sans-serif; font-size: 7.5pt; color: #555; }
          @bottom-right { content: "Page " counter(page) " of " counter(pages);
            font-family: sans-serif; font-size: 7.5pt; color: #555; } }
        body { font-family: sans-serif; font-size: 10pt; color: #1a1a1a; margin: 0 auto;
          max-width: 1200px; padding: 0 12px; line-height: 1.35; }
        h1 { font-size: 18pt; margin: 12px 0 8px 0; }
        h2 { font-size: 14pt; margin: 20px 0 6px 0; border-bottom: 1px solid #ccc;
          page-break-after: avoid; }
        h3 { font-size: 11pt; margin: 14px 0 4px 0; page-break-after: avoid; }
        table { border-collapse: collapse; width: 100%%; margin: 4px 0 10px 0;
          -fs-table-paginate: paginate; }
        thead { display: table-header-group; }
        tr { page-break-inside: avoid; }
        th, td { border: 1px solid #ccc; padding: 3px 5px; text-align: left; vertical-align: top;
          word-wrap: break-word; }
        th { background: #eef0f3; }
        table.evidence { table-layout: fixed; font-size: 8pt; }
        table.meta th { width: 22%%; }
        code { font-family: monospace; font-size: 0.95em; }
        .score { font-size: 28pt; font-weight: bold; }
        .pass { color: #1b6e20; } .fail { color: #b3261e; } .manual { color: #7a5200; }
        .not_applicable { color: #555; } .expired { color: #b3261e; }
        .status { font-weight: bold; white-space: nowrap; }
        .bar { background: #3b6ea8; height: 8px; }
        .barbox { background: #e4e7eb; width: 100%%; }
        .note { color: #444; font-style: italic; }
        .fix { background: #f5f7f9; border-left: 3px solid #3b6ea8; padding: 4px 8px;
          margin: 4px 0; white-space: pre-wrap; }
        svg text { font-family: sans-serif; font-size: 10px; fill: #333; }
        """.formatted(cssString(running));
  }

  private void provenance() {
    Report.Source s = report.source();
    Report.Producer p = report.producer();
    Report.FrameworkInfo f = report.framework();
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("Produced at", time(report.producedAt()));
    rows.put("Framework", f.id() + " (" + f.title() + (blank(f.version()) ? "" : ", " + f.version())
        + ")" + (blank(f.url()) ? "" : " " + f.url()));
    rows.put("Source", switch (s.kind()) {
      case "manifests" -> "a scan of manifests";
      case "cluster" -> "a scan of a live cluster";
      case "server" -> "the history store of plumbline serve";
      default -> s.kind();
    });
    if (!s.inputs().isEmpty()) {
      rows.put("Inputs", String.join(", ", s.inputs()));
    }
    if (!blank(s.cluster())) {
      rows.put("Cluster", s.cluster());
    }
    if (!blank(s.server())) {
      rows.put("Server", s.server());
    }
    if (s.scannedAt() != null) {
      rows.put("server".equals(s.kind()) ? "Latest snapshot" : "Scanned at", time(s.scannedAt()));
    }
    if (!blank(s.pssVersion())) {
      rows.put("Pod Security Standards version", s.pssVersion());
    }
    rows.put("Plumbline version", p.plumblineVersion());
    rows.put("Control library", p.libraryControls() + " controls, " + p.libraryFrameworks()
        + " frameworks, digest " + p.libraryDigest());
    out.append("<table class=\"meta\" id=\"provenance\">\n");
    rows.forEach((k, v) -> out.append("<tr><th>").append(esc(k)).append("</th><td>")
        .append(esc(v)).append("</td></tr>\n"));
    out.append("</table>\n");
  }

  private void summary() {
    Report.Summary s = report.summary();
    out.append("<h2 id=\"summary\">Summary</h2>\n");
    out.append("<p><span class=\"score\">").append(s.score() == null ? "no score"
        : esc(score(s.score()))).append("</span>")
        .append(s.score() == null ? " (no requirement could be judged)" : " / 100 framework score")
        .append("</p>\n");
    out.append("<table class=\"meta\"><thead><tr><th>Requirements</th><th>Count</th></tr>"
        + "</thead><tbody>\n");
    row("Passed", s.passed(), Report.PASS);
    row("Failed", s.failed(), Report.FAIL);
    row("Not applicable (nothing to judge)", s.notApplicable(), Report.NOT_APPLICABLE);
    row("Manual (checked by a person)", s.manual(), Report.MANUAL);
    out.append("</tbody></table>\n<p>").append(s.failingResources())
        .append(" failing resources, ").append(s.openFindings()).append(" open findings, ")
        .append(s.suppressedFindings()).append(" findings covered by exceptions.</p>\n");
  }

  private void row(String label, int n, String cls) {
    out.append("<tr><td class=\"").append(cls).append("\">").append(esc(label))
        .append("</td><td>").append(n).append("</td></tr>\n");
  }

  private void trend() {
    Report.Trend t = report.trend();
    out.append("<h2 id=\"trend\">Trend</h2>\n");
    if (!t.available() || t.points().isEmpty()) {
      out.append("<p class=\"note\">No history: ").append(esc(t.note() == null ? "" : t.note()))
          .append("</p>\n");
      return;
    }
    if (!blank(t.note())) {
      out.append("<p class=\"note\">").append(esc(t.note())).append("</p>\n");
    }
    if (!pdf) {
      svg(t.points());
    }
    out.append("<table class=\"trend\"><thead><tr><th style=\"width:28%\">Time</th>"
        + "<th style=\"width:12%\">Score</th><th>0-100</th></tr></thead><tbody>\n");
    for (Report.TrendPoint p : t.points()) {
      out.append("<tr><td>").append(esc(time(p.at()))).append("</td><td>")
          .append(p.score() == null ? "-" : esc(score(p.score()))).append("</td><td>");
      if (p.score() != null) {
        out.append("<div class=\"barbox\"><div class=\"bar\" style=\"width:")
            .append(String.format(Locale.ROOT, "%.1f", Math.max(0, Math.min(100, p.score()))))
            .append("%\"></div></div>");
      }
      out.append("</td></tr>\n");
    }
    out.append("</tbody></table>\n");
  }

  private void svg(List<Report.TrendPoint> points) {
    int w = 640;
    int h = 200;
    int left = 40;
    int right = 10;
    int top = 10;
    int bottom = 30;
    long first = points.get(0).at().getEpochSecond();
    long last = points.get(points.size() - 1).at().getEpochSecond();
    double span = Math.max(1, last - first);
    out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(w)
        .append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ')
        .append(h).append("\"><title>Framework score over time</title>\n");
    for (int y = 0; y <= 100; y += 25) {
      double py = top + (h - top - bottom) * (1 - y / 100.0);
      out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\""
          + " stroke=\"#ddd\"/><text x=\"4\" y=\"%.1f\">%d</text>%n", left, py, w - right, py,
          py + 3, y));
    }
    StringBuilder line = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    for (Report.TrendPoint p : points) {
      if (p.score() == null) {
        continue;
      }
      double x = left + (w - left - right) * ((p.at().getEpochSecond() - first) / span);
      double y = top + (h - top - bottom) * (1 - p.score() / 100.0);
      line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\""
          + " fill=\"#3b6ea8\"><title>", x, y)).append(esc(time(p.at()) + ": "
          + score(p.score()))).append("</title></circle>\n");
    }
    out.append("<polyline fill=\"none\" stroke=\"#3b6ea8\" stroke-width=\"2\" points=\"")
        .append(line.toString().strip()).append("\"/>\n").append(dots);
    out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">", left, h - 8))
        .append(esc(time(points.get(0).at()))).append("</text>");
    out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
        w - right, h - 8)).append(esc(time(points.get(points.size() - 1).at())))
        .append("</text>\n</svg>\n");
  }

  private void requirementsTable() {
    out.append("<h2 id=\"requirements\">Requirements</h2>\n");
    out.append("<table class=\"requirements\"><thead><tr><th style=\"width:9%\">Id</th><th>"
        + "Requirement</th><th style=\"width:12%\">Status</th><th style=\"width:8%\">Score</th>"
        + "<th style=\"width:10%\">Failing resources</th><th style=\"width:10%\">Covered by"
        + " exceptions</th></tr></thead><tbody>\n");
    for (Report.Requirement r : report.requirements()) {
      out.append("<tr><td>").append(esc(r.id())).append("</td><td>").append(esc(r.title()));
      if (!blank(r.section())) {
        out.append(" <span class=\"note\">(").append(esc(r.section())).append(")</span>");
      }
      out.append("</td><td class=\"status ").append(esc(r.status())).append("\">")
          .append(esc(statusLabel(r.status()))).append("</td><td>")
          .append(r.score() == null ? "-" : esc(score(r.score()))).append("</td><td>")
          .append(resources(r.failures())).append("</td><td>").append(r.suppressed().size())
          .append("</td></tr>\n");
    }
    out.append("</tbody></table>\n");
  }

  private void evidence() {
    out.append("<h2 id=\"evidence\">Evidence</h2>\n");
    boolean any = false;
    for (Report.Requirement r : report.requirements()) {
      if (r.failures().isEmpty() && r.suppressed().isEmpty()) {
        continue;
      }
      any = true;
      out.append("<h3>").append(esc(r.id() + " " + r.title())).append(": <span class=\"status ")
          .append(esc(r.status())).append("\">").append(esc(statusLabel(r.status())))
          .append("</span></h3>\n");
      Map<String, Report.Evidence> fixes = new LinkedHashMap<>();
      for (Report.Evidence e : r.failures()) {
        fixes.putIfAbsent(e.control(), e);
      }
      for (Report.Evidence e : fixes.values()) {
        out.append("<div class=\"fix\"><b>").append(esc(e.control())).append("</b> (")
            .append(esc(e.severity())).append("): ").append(esc(e.controlTitle()));
        if (!blank(e.remediation())) {
          out.append("\nRemediation: ").append(esc(e.remediation()));
        }
        out.append("</div>\n");
      }
      if (!r.failures().isEmpty()) {
        evidenceTable(r.failures(), false);
      }
      if (!r.suppressed().isEmpty()) {
        out.append("<p>Covered by exceptions:</p>\n");
        evidenceTable(r.suppressed(), true);
      }
    }
    if (!any) {
      out.append("<p>No failing resource and no finding covered by an exception.</p>\n");
    }
  }

  private void evidenceTable(List<Report.Evidence> rows, boolean suppressed) {
    out.append("<table class=\"evidence\"><thead><tr><th style=\"width:17%\">Resource</th>"
        + "<th style=\"width:13%\">Control</th><th style=\"width:16%\">Field</th>"
        + "<th style=\"width:11%\">Value</th><th style=\"width:13%\">Source</th><th>Message</th>");
    if (suppressed) {
      out.append("<th style=\"width:11%\">Exception</th>");
    }
    out.append("</tr></thead><tbody>\n");
    int shown = 0;
    for (Report.Evidence e : rows) {
      if (shown++ == MAX_ROWS) {
        break;
      }
      out.append("<tr><td>").append(esc(e.resource().display())).append("</td><td>")
          .append(esc(e.control())).append(" (").append(esc(e.severity())).append(")</td><td><code>")
          .append(esc(e.path())).append("</code></td><td><code>")
          .append(e.value() == null ? "(not set)" : esc(e.value())).append("</code></td><td>")
          .append(esc(where(e))).append("</td><td>").append(esc(e.message())).append("</td>");
      if (suppressed) {
        out.append("<td>").append(esc(e.exception())).append("</td>");
      }
      out.append("</tr>\n");
    }
    out.append("</tbody></table>\n");
    if (rows.size() > MAX_ROWS) {
      out.append("<p class=\"note\">").append(rows.size() - MAX_ROWS)
          .append(" more rows are not shown here; the CSV and JSON forms of this report list"
              + " them all.</p>\n");
    }
  }

  private void manual() {
    List<Report.Requirement> manual = new ArrayList<>();
    for (Report.Requirement r : report.requirements()) {
      if (Report.MANUAL.equals(r.status())) {
        manual.add(r);
      }
    }
    out.append("<h2 id=\"manual\">Manual requirements</h2>\n");
    if (manual.isEmpty()) {
      out.append("<p>None: every requirement of this framework is automated.</p>\n");
      return;
    }
    out.append("<p>No control can verify these: a person must check them, and they are not part"
        + " of the score.</p>\n");
    out.append("<table class=\"manual\"><thead><tr><th style=\"width:9%\">Id</th><th style=\""
        + "width:35%\">Requirement</th><th>How to check</th></tr></thead><tbody>\n");
    for (Report.Requirement r : manual) {
      out.append("<tr><td>").append(esc(r.id())).append("</td><td>").append(esc(r.title()))
          .append("</td><td>").append(esc(r.procedure() == null ? "" : r.procedure()))
          .append("</td></tr>\n");
    }
    out.append("</tbody></table>\n");
  }

  private void exceptions() {
    out.append("<h2 id=\"exceptions\">Exceptions</h2>\n");
    if (report.exceptions().isEmpty()) {
      out.append("<p>No exception concerns this framework's controls.</p>\n");
      return;
    }
    out.append("<table class=\"exceptions\"><thead><tr><th style=\"width:12%\">Id</th>"
        + "<th>Reason</th><th style=\"width:13%\">Owner</th><th style=\"width:9%\">Expires</th>"
        + "<th style=\"width:7%\">Status</th><th style=\"width:15%\">Controls</th>"
        + "<th style=\"width:14%\">Scope</th><th style=\"width:8%\">Findings covered</th>"
        + "</tr></thead><tbody>\n");
    for (Report.ExceptionEntry e : report.exceptions()) {
      out.append("<tr><td>").append(esc(e.id())).append("</td><td>").append(esc(e.reason()))
          .append("</td><td>").append(esc(e.owner())).append("</td><td>").append(esc(e.expires()))
          .append("</td><td class=\"").append(esc(e.status())).append("\">")
          .append(esc(e.status())).append("</td><td>").append(esc(String.join(", ", e.controls())))
          .append("</td><td>").append(esc(blank(e.scope()) ? "everything" : e.scope()))
          .append("</td><td>").append(e.suppressedFindings()).append("</td></tr>\n");
    }
    out.append("</tbody></table>\n");
  }

  private void incomplete() {
    if (report.incomplete().isEmpty()) {
      return;
    }
    out.append("<h2 id=\"incomplete\">Not covered by this report</h2>\n<ul>\n");
    for (String s : report.incomplete()) {
      out.append("<li>").append(esc(s)).append("</li>\n");
    }
    out.append("</ul>\n");
  }

  private static int resources(List<Report.Evidence> evidence) {
    java.util.Set<String> distinct = new java.util.HashSet<>();
    for (Report.Evidence e : evidence) {
      distinct.add(e.resource().apiVersion() + "/" + e.resource().display());
    }
    return distinct.size();
  }

  static String where(Report.Evidence e) {
    if (!blank(e.file())) {
      return e.line() > 0 ? e.file() + ":" + e.line() : e.file();
    }
    if (!blank(e.resourceVersion())) {
      return "resourceVersion " + e.resourceVersion();
    }
    return "";
  }

  static String statusLabel(String status) {
    return switch (status) {
      case Report.PASS -> "pass";
      case Report.FAIL -> "fail";
      case Report.NOT_APPLICABLE -> "not applicable";
      case Report.MANUAL -> "manual";
      default -> status;
    };
  }

  static String score(double s) {
    return String.format(Locale.ROOT, "%.1f", s);
  }

  static String time(Instant t) {
    return t.toString();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** Text for element content and attribute values; characters XML does not allow are dropped. */
  static String esc(String s) {
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
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
            b.append('\uFFFD');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /** A CSS string literal's content. */
  private static String cssString(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("<", "\\3c ").replace("&", "\\26 ")
        .replaceAll("[\\r\\n]", " ");
  }
}
