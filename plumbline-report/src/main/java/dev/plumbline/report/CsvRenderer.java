package dev.plumbline.report;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * The report as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or
 * line break quoted, quotes doubled). One {@code requirement} row per requirement, then one
 * {@code failure} row per open finding of its controls and one {@code suppressed} row per finding
 * an exception covers. A cell that a spreadsheet would run as a formula (it starts with
 * {@code = + - @}, a tab or a carriage return) is prefixed with a single quote.
 */
final class CsvRenderer {
  static final List<String> HEADER = List.of("framework", "requirement", "title", "section",
      "status", "score", "row", "finding", "control", "severity", "api_version", "kind",
      "namespace", "name", "path", "value", "file", "line", "resource_version", "message",
      "remediation", "exception");

  private CsvRenderer() {}

  static void render(Report report, Writer out) throws IOException {
    line(out, HEADER);
    String framework = report.framework().id();
    for (Report.Requirement r : report.requirements()) {
      String score = r.score() == null ? "" : HtmlRenderer.score(r.score());
      List<String> head = List.of(framework, r.id(), r.title(), nz(r.section()), r.status(),
          score);
      List<String> row = new ArrayList<>(head);
      row.add("requirement");
      for (int i = row.size(); i < HEADER.size(); i++) {
        row.add("");
      }
      line(out, row);
      for (Report.Evidence e : r.failures()) {
        line(out, evidence(head, "failure", e));
      }
      for (Report.Evidence e : r.suppressed()) {
        line(out, evidence(head, "suppressed", e));
      }
    }
  }

  private static List<String> evidence(List<String> head, String kind, Report.Evidence e) {
    List<String> row = new ArrayList<>(head);
    row.add(kind);
    row.add(nz(e.finding()));
    row.add(nz(e.control()));
    row.add(nz(e.severity()));
    row.add(nz(e.resource().apiVersion()));
    row.add(nz(e.resource().kind()));
    row.add(nz(e.resource().namespace()));
    row.add(nz(e.resource().name()));
    row.add(nz(e.path()));
    row.add(nz(e.value()));
    row.add(nz(e.file()));
    row.add(e.line() > 0 ? Integer.toString(e.line()) : "");
    row.add(nz(e.resourceVersion()));
    row.add(nz(e.message()));
    row.add(nz(e.remediation()));
    row.add(nz(e.exception()));
    return row;
  }

  private static void line(Writer out, List<String> cells) throws IOException {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(cell(cells.get(i)));
    }
    out.write("\r\n");
  }

  /** One cell: defused against formula injection, then quoted when RFC 4180 needs it. */
  static String cell(String value) {
    String v = value;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0
        || v.indexOf('\r') >= 0) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
