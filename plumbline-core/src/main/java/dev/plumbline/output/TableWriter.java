package dev.plumbline.output;

import dev.plumbline.control.Severity;
import dev.plumbline.exceptions.PolicyException;
import dev.plumbline.resource.Origin;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.FrameworkScore;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Suppressed;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Human output: open findings grouped by resource, each with its severity, control, location,
 * message, offending field and value, and the first sentence of its fix; then a summary.
 * Everything that comes from scanned input is escaped by {@link Printable} and long texts are
 * cut, so a hostile manifest can neither drive the terminal nor flood it.
 */
final class TableWriter implements FormatWriter {
  private static final int NAME_MAX = 200;
  private static final int TEXT_MAX = 300;
  private static final int VALUE_MAX = 120;
  private static final String DETAIL = " ".repeat(12);
  private static final int LABEL_WIDTH = 14;
  private static final String ITEM_INDENT = " ".repeat(18);

  @Override
  public void write(ScanResult result, OutputContext context, Writer out) throws IOException {
    Ansi ansi = new Ansi(context.color());
    StringBuilder sb = new StringBuilder();
    findings(result.findings(), ansi, sb);
    summary(result, ansi, sb);
    out.write(sb.toString());
  }

  private static void findings(List<Finding> findings, Ansi ansi, StringBuilder sb) {
    if (findings.isEmpty()) {
      sb.append(ansi.paint(Ansi.GREEN, "No findings.")).append("\n\n");
      return;
    }
    for (List<Finding> group : byResource(findings)) {
      Finding first = group.get(0);
      sb.append(ansi.paint(Ansi.BOLD, Printable.of(first.resource().display(), NAME_MAX)));
      String where = objectLocation(first.origin());
      if (!where.isEmpty()) {
        sb.append("  ").append(ansi.paint(Ansi.DIM, where));
      }
      sb.append('\n');
      group.sort(Comparator.comparing(Finding::severity)); // stable: the worst first
      for (Finding f : group) {
        finding(f, ansi, sb);
      }
      sb.append('\n');
    }
  }

  /** Runs of findings on the same object (the result sorts them by file, then resource). */
  private static List<List<Finding>> byResource(List<Finding> findings) {
    List<List<Finding>> groups = new ArrayList<>();
    List<Finding> current = null;
    for (Finding f : findings) {
      if (current == null || !f.resource().equals(current.get(0).resource())
          || !f.origin().equals(current.get(0).origin())) {
        current = new ArrayList<>();
        groups.add(current);
      }
      current.add(f);
    }
    return groups;
  }

  private static void finding(Finding f, Ansi ansi, StringBuilder sb) {
    String label = f.severity().name();
    sb.append("  ").append(ansi.paint(Ansi.severity(f.severity()), label))
        .append(" ".repeat(10 - label.length()))
        .append(f.controlId());
    if (f.origin().isFile()) {
      sb.append("  ").append(ansi.paint(Ansi.DIM, Printable.of(
          f.line() > 0 ? f.origin().file() + ":" + f.line() : f.origin().file(), NAME_MAX)));
    }
    sb.append('\n');
    sb.append(DETAIL).append(Printable.of(f.message(), TEXT_MAX)).append('\n');
    sb.append(DETAIL).append(Printable.of(f.path().toString(), NAME_MAX)).append(" = ")
        .append(Printable.of(Values.display(f.value()), VALUE_MAX)).append('\n');
    sb.append(DETAIL).append(ansi.paint(Ansi.GREEN, "fix:")).append(' ')
        .append(Printable.of(FirstSentence.of(f.control().remediation().text()), TEXT_MAX))
        .append('\n');
  }

  private static String objectLocation(Origin o) {
    if (o.isFile()) {
      return "(" + Printable.of(o.line() > 0 ? o.file() + ":" + o.line() : o.file(), NAME_MAX)
          + ")";
    }
    return o.resourceVersion() == null ? ""
        : "(resourceVersion " + Printable.of(o.resourceVersion(), NAME_MAX) + ")";
  }

  private static void summary(ScanResult result, Ansi ansi, StringBuilder sb) {
    sb.append(ansi.paint(Ansi.BOLD, "Summary")).append('\n');
    List<String> counts = new ArrayList<>();
    for (Map.Entry<Severity, Integer> e : result.countsBySeverity().entrySet()) {
      String text = e.getValue() + " " + e.getKey().label();
      counts.add(e.getValue() > 0 ? ansi.paint(Ansi.severity(e.getKey()), text) : text);
    }
    line(sb, "Findings", String.join(", ", counts) + " (" + result.findings().size()
        + " total)");
    if (!result.suppressed().isEmpty()) {
      int n = result.suppressed().size();
      line(sb, "Suppressed", n + (n == 1 ? " finding" : " findings"));
      items(sb, suppressedByException(result.suppressed()));
    }
    if (!result.expiredExceptions().isEmpty()) {
      int n = result.expiredExceptions().size();
      line(sb, ansi.paint(Ansi.YELLOW, "Expired"), "Expired", n + (n == 1 ? " exception"
          : " exceptions"));
      List<String> expired = new ArrayList<>();
      for (PolicyException e : result.expiredExceptions()) {
        expired.add(exceptionName(e) + ": " + Printable.of(e.owner(), NAME_MAX) + ", expired "
            + e.expires() + ", no longer applies (" + Printable.of(e.file(), NAME_MAX) + ":"
            + e.line() + ")");
      }
      items(sb, expired);
    }
    boolean live = result.files() == 0 && !result.judged().isEmpty()
        && result.judged().stream().noneMatch(j -> j.origin().isFile());
    line(sb, "Resources", result.judged().size() + " judged in "
        + (live ? "the cluster" : result.files() + (result.files() == 1 ? " file" : " files"))
        + " (Pod Security Standards " + result.pssVersion() + ")");
    if (!result.notScanned().isEmpty()) {
      List<String> kinds = new ArrayList<>();
      new TreeMap<>(result.notScanned()).forEach(
          (kind, n) -> kinds.add(Printable.of(kind, NAME_MAX) + " (" + n + ")"));
      line(sb, "Not scanned", String.join(", ", kinds));
    }
    if (!result.throughController().isEmpty()) {
      List<String> kinds = new ArrayList<>();
      new TreeMap<>(result.throughController()).forEach(
          (kind, n) -> kinds.add(Printable.of(kind, NAME_MAX) + " (" + n + ")"));
      line(sb, "Via owner", String.join(", ", kinds) + ", judged through the controller that "
          + "owns them");
    }
    line(sb, "Posture", score(result.postureScore()));
    for (int i = 0; i < result.frameworks().size(); i++) {
      FrameworkScore f = result.frameworks().get(i);
      line(sb, i == 0 ? "Frameworks" : "", Printable.of(f.framework().id(), NAME_MAX) + "  "
          + score(f.score()) + "  requirements: " + f.count(FrameworkScore.Status.PASS)
          + " pass, " + f.count(FrameworkScore.Status.FAIL) + " fail, "
          + f.count(FrameworkScore.Status.NOT_APPLICABLE) + " n/a, "
          + f.count(FrameworkScore.Status.MANUAL) + " manual");
    }
    if (!result.errors().isEmpty()) {
      line(sb, ansi.paint(Ansi.RED, "Input errors"), "Input errors",
          Integer.toString(result.errors().size()));
      items(sb, result.errors().stream().map(e -> Printable.of(e.toString(), TEXT_MAX))
          .toList());
    }
    if (!result.notes().isEmpty()) {
      line(sb, "Notes", Integer.toString(result.notes().size()));
      items(sb, result.notes().stream().map(n -> Printable.of(n.toString(), TEXT_MAX)).toList());
    }
  }

  /** "2 by name: owner, expires date: reason", one line per exception. */
  private static List<String> suppressedByException(List<Suppressed> suppressed) {
    Map<PolicyException, Integer> byException = new LinkedHashMap<>();
    for (Suppressed s : suppressed) {
      byException.merge(s.exception(), 1, Integer::sum);
    }
    List<String> lines = new ArrayList<>();
    byException.forEach((e, n) -> lines.add(n + " by " + exceptionName(e) + ": "
        + Printable.of(e.owner(), NAME_MAX) + ", expires " + e.expires() + ": "
        + Printable.of(e.reason(), TEXT_MAX)));
    return lines;
  }

  private static String exceptionName(PolicyException e) {
    return e.name() == null || e.name().isEmpty()
        ? "exception at " + Printable.of(e.file(), NAME_MAX) + ":" + e.line()
        : Printable.of(e.name(), NAME_MAX);
  }

  private static void line(StringBuilder sb, String label, String text) {
    line(sb, label, label, text);
  }

  /** A summary line: the label (maybe painted) padded to a column, then the text. */
  private static void line(StringBuilder sb, String painted, String label, String text) {
    sb.append("  ").append(painted).append(" ".repeat(Math.max(1, LABEL_WIDTH - label.length())))
        .append(text).append('\n');
  }

  /** Lines below a summary line, indented under its text. */
  private static void items(StringBuilder sb, List<String> items) {
    for (String item : items) {
      sb.append(ITEM_INDENT).append(item).append('\n');
    }
  }

  private static String score(double score) {
    return Double.isNaN(score) ? "n/a" : String.format(Locale.ROOT, "%.1f / 100", score);
  }

  /** ANSI colour, or none. */
  private record Ansi(boolean enabled) {
    static final String BOLD = "1";
    static final String DIM = "2";
    static final String RED = "31";
    static final String GREEN = "32";
    static final String YELLOW = "33";

    static String severity(Severity s) {
      return switch (s) {
        case CRITICAL -> "1;35";
        case HIGH -> "1;31";
        case MEDIUM -> "33";
        case LOW -> "36";
      };
    }

    String paint(String code, String text) {
      return enabled ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
  }
}
