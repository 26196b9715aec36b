package dev.plumbline.output;

import dev.plumbline.scan.ScanResult;
import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The output formats of {@code plumbline scan}. Every format is deterministic: the same
 * {@link ScanResult} and {@link OutputContext} give the same bytes (the only time written is
 * {@link ScanResult#scannedAt()}).
 */
public enum OutputFormat {
  /** Human output: findings grouped by resource, then a summary. */
  TABLE(new TableWriter()),
  /** The documented JSON schema, {@code docs/schema/scan-result.schema.json}. */
  JSON(new JsonWriter()),
  /** SARIF 2.1.0, for code scanning (GitHub, GitLab, IDEs). */
  SARIF(new SarifWriter()),
  /** JUnit XML: one test suite per control, one test case per control and resource. */
  JUNIT(new JunitWriter()),
  /** {@code wgpolicyk8s.io/v1alpha2} PolicyReport and ClusterPolicyReport, as YAML. */
  POLICYREPORT(new PolicyReportWriter());

  private final FormatWriter writer;

  OutputFormat(FormatWriter writer) {
    this.writer = writer;
  }

  /** The name as written on the command line: {@code table}, {@code json}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Writes a scan result in this format. The writer is flushed, not closed. Formats that declare
   * an encoding (JUnit XML) declare UTF-8, so {@code out} should encode UTF-8.
   *
   * @throws IOException when {@code out} fails
   */
  public void write(ScanResult result, OutputContext context, Writer out) throws IOException {
    writer.write(result, context, out);
    out.flush();
  }

  /**
   * Parses a format name ({@code table}, {@code json}, {@code sarif}, {@code junit},
   * {@code policyreport}), ignoring case and surrounding blanks.
   *
   * @throws IllegalArgumentException listing the accepted names
   */
  public static OutputFormat parse(String text) {
    String name = text == null ? "" : text.trim();
    for (OutputFormat f : values()) {
      if (f.label().equalsIgnoreCase(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown output format '" + text + "' (expected "
        + String.join(", ", labels()) + ")");
  }

  /** Every format name, in declaration order. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(OutputFormat::label).toList();
  }
}
