package dev.plumbline.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ReportFormatsTest {
  @TempDir
  static Path dir;

  static final int DEPLOYMENTS = 30;
  static Report report;

  @BeforeAll
  static void scan() throws Exception {
    report = Fixtures.cis(dir, DEPLOYMENTS);
  }

  private static Report.Requirement requirement(String id) {
    return report.requirements().stream().filter(r -> r.id().equals(id)).findFirst()
        .orElseThrow();
  }

  @Test
  void modelCarriesStatusEvidenceExceptionsAndManualItems() {
    Report.Requirement privileged = requirement("5.2.2");
    assertThat(privileged.status()).isEqualTo(Report.FAIL);
    assertThat(privileged.failures()).hasSize(DEPLOYMENTS + 1);
    Report.Evidence first = privileged.failures().get(0);
    assertThat(first.control()).isEqualTo("privileged-containers");
    assertThat(first.path()).contains("privileged");
    assertThat(first.value()).isEqualTo("true");
    assertThat(first.file()).endsWith("app.yaml");
    assertThat(first.line()).isPositive();
    assertThat(first.remediation()).isNotBlank();
    Report.Requirement hostPath = requirement("5.2.11");
    assertThat(hostPath.suppressed()).singleElement()
        .satisfies(e -> assertThat(e.exception()).isEqualTo("log-collector-host-access"));
    assertThat(report.exceptions()).singleElement().satisfies(e -> {
      assertThat(e.owner()).isEqualTo("platform-team@example.com");
      assertThat(e.expires()).isEqualTo("2027-03-31");
      assertThat(e.status()).isEqualTo("active");
      assertThat(e.suppressedFindings()).isEqualTo(1);
    });
    assertThat(report.requirements()).anySatisfy(r -> {
      assertThat(r.status()).isEqualTo(Report.MANUAL);
      assertThat(r.procedure()).isNotBlank();
    });
    assertThat(report.summary().manual()).isPositive();
    assertThat(report.summary().score()).isNotNull();
    assertThat(report.trend().available()).isFalse();
    assertThat(report.source().scannedAt()).isEqualTo(Fixtures.NOW);
    assertThat(report.producer().libraryDigest()).startsWith("sha256:");
  }

  @Test
  void pdfIsPaginatedAndCarriesTheKeyContent() throws Exception {
    byte[] pdf = ReportFormat.PDF.bytes(report);
    assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      assertThat(doc.getNumberOfPages()).isGreaterThan(1);
      assertThat(doc.getDocumentInformation().getCreationDate().toInstant())
          .isEqualTo(Fixtures.NOW);
      String text = new PDFTextStripper().getText(doc);
      // Lines wrap inside table cells, so compare without white space.
      String flat = text.replaceAll("\\s+", "");
      assertThat(flat).contains("Compliancereport");
      assertThat(flat).contains(HtmlRenderer.score(report.summary().score()));
      assertThat(flat).contains("2026-06-15T10:30:00Z");
      assertThat(flat).contains("5.2.2").contains("Deployment/shop/web-0")
          .contains("privileged-containers");
      assertThat(flat).contains("log-collector-host-access")
          .contains("platform-team@example.com").contains("2027-03-31");
      assertThat(flat).contains("Manualrequirements");
      Report.Requirement manual = report.requirements().stream()
          .filter(r -> r.status().equals(Report.MANUAL)).findFirst().orElseThrow();
      assertThat(flat).contains(manual.id());
      assertThat(flat).contains("Page1of" + doc.getNumberOfPages());
      assertThat(flat).contains("<script>alert(1)</script>");
      // An audit trail: the evidence of a failing resource and its source line.
      Report.Evidence e = report.requirements().stream().filter(r -> r.id().equals("5.2.2"))
          .findFirst().orElseThrow().failures().get(0);
      assertThat(flat).contains(HtmlRenderer.where(e).replaceAll("\\s+", ""));
    }
  }

  @Test
  void htmlIsOneSelfContainedFileWithoutScript() {
    String html = new String(ReportFormat.HTML.bytes(report), StandardCharsets.UTF_8);
    Document doc = Jsoup.parse(html);
    assertThat(doc.select("script")).isEmpty();
    assertThat(doc.select("link, img, iframe, object, embed")).isEmpty();
    for (Element e : doc.getAllElements()) {
      assertThat(e.attr("src")).as("src of %s", e.tagName()).isEmpty();
      assertThat(e.attr("href")).as("href of %s", e.tagName()).isEmpty();
      assertThat(e.attr("style")).doesNotContain("url(");
    }
    assertThat(doc.select("style").html()).doesNotContain("url(").doesNotContain("@import");
    assertThat(doc.text()).contains(Fixtures.SCRIPT_NS);
    assertThat(doc.select("#provenance").text()).contains("2026-06-15T10:30:00Z")
        .contains(report.producer().plumblineVersion());
    assertThat(doc.select("#trend + p").text()).contains("No history");
    assertThat(doc.select("table.exceptions td").eachText()).contains("log-collector-host-access",
        "platform-team@example.com", "2027-03-31");
    assertThat(doc.select("table.manual tr")).hasSize(1 + (int) report.summary().manual());
  }

  @Test
  void htmlDrawsTheTrendAsInlineSvg() {
    Report withTrend = new Report(report.schemaVersion(), report.producedAt(), report.producer(),
        report.source(), report.framework(), report.summary(),
        new Report.Trend(true, null, List.of(
            new Report.TrendPoint(Fixtures.NOW.minusSeconds(7200), 40.0),
            new Report.TrendPoint(Fixtures.NOW.minusSeconds(3600), null),
            new Report.TrendPoint(Fixtures.NOW, 72.5))),
        report.requirements(), report.exceptions(), report.incomplete());
    Document doc = Jsoup.parse(new String(ReportFormat.HTML.bytes(withTrend),
        StandardCharsets.UTF_8));
    assertThat(doc.select("svg polyline")).hasSize(1);
    assertThat(doc.select("svg circle")).hasSize(2);
    assertThat(doc.select("table.trend tbody tr")).hasSize(3);
  }

  @Test
  void csvHasARowPerRequirementAndPerFindingAndIsSafe() {
    String csv = new String(ReportFormat.CSV.bytes(report), StandardCharsets.UTF_8);
    List<List<String>> rows = parseCsv(csv);
    assertThat(rows.get(0)).isEqualTo(CsvRenderer.HEADER);
    int expected = 1;
    for (Report.Requirement r : report.requirements()) {
      expected += 1 + r.failures().size() + r.suppressed().size();
    }
    assertThat(rows).hasSize(expected);
    assertThat(rows).allSatisfy(r -> assertThat(r).hasSize(CsvRenderer.HEADER.size()));
    int name = CsvRenderer.HEADER.indexOf("name");
    int ns = CsvRenderer.HEADER.indexOf("namespace");
    List<String> hostile = rows.stream().filter(r -> r.get(ns).equals(Fixtures.SCRIPT_NS))
        .findFirst().orElseThrow();
    assertThat(hostile.get(name)).isEqualTo("'" + Fixtures.HOSTILE_NAME);
    assertThat(rows).allSatisfy(r -> assertThat(r).allSatisfy(cell -> assertThat(cell)
        .doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("-")
        .doesNotStartWith("@")));
    assertThat(csv).contains("\r\n");
    int row = CsvRenderer.HEADER.indexOf("row");
    assertThat(rows.stream().filter(r -> r.get(row).equals("suppressed"))).singleElement()
        .satisfies(r -> assertThat(r.get(CsvRenderer.HEADER.indexOf("exception")))
            .isEqualTo("log-collector-host-access"));
  }

  @Test
  void csvQuotesCommasQuotesAndLineBreaks() {
    assertThat(CsvRenderer.cell("a,b")).isEqualTo("\"a,b\"");
    assertThat(CsvRenderer.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(CsvRenderer.cell("one\ntwo")).isEqualTo("\"one\ntwo\"");
    assertThat(CsvRenderer.cell("=1+2")).isEqualTo("'=1+2");
    assertThat(CsvRenderer.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(CsvRenderer.cell("plain")).isEqualTo("plain");
  }

  @Test
  void jsonReadsBackToTheSameReportWithStableFieldNames() throws Exception {
    byte[] json = ReportFormat.JSON.bytes(report);
    Report back = ReportFormat.readJson(new ByteArrayInputStream(json));
    assertThat(back).isEqualTo(report);
    JsonNode tree = JsonMapper.builder().build().readTree(json);
    List<String> fields = new ArrayList<>(tree.propertyNames());
    assertThat(fields).containsExactly("schemaVersion", "producedAt", "producer", "source",
        "framework", "summary", "trend", "requirements", "exceptions", "incomplete");
    assertThat(tree.get("producedAt").asString()).isEqualTo("2026-06-15T10:30:00Z");
    JsonNode evidence = null;
    for (JsonNode r : tree.get("requirements")) {
      if (!r.get("failures").isEmpty()) {
        evidence = r.get("failures").get(0);
        break;
      }
    }
    assertThat(evidence).isNotNull();
    assertThat(evidence.propertyNames()).contains("resource", "path", "value", "file", "line",
        "resourceVersion", "message", "remediation");
  }

  @Test
  void jsonOfAnotherSchemaIsRefused() {
    String json = "{\"schemaVersion\": 99, \"producedAt\": \"2026-01-01T00:00:00Z\"}";
    assertThatThrownBy(() -> ReportFormat.readJson(new ByteArrayInputStream(
        json.getBytes(StandardCharsets.UTF_8)))).hasMessageContaining("schema version 99");
    assertThatThrownBy(() -> ReportFormat.readJson(new ByteArrayInputStream(
        "[1]".getBytes(StandardCharsets.UTF_8)))).hasMessageContaining("not a Plumbline report");
  }

  @Test
  void outputIsTheSameEveryTime() throws Exception {
    Report again = Fixtures.cis(dir, DEPLOYMENTS);
    for (ReportFormat f : ReportFormat.values()) {
      assertThat(f.bytes(again)).as(f.name()).isEqualTo(f.bytes(report));
    }
  }

  @Test
  void unknownFormatNamesTheKnownOnes() {
    assertThatThrownBy(() -> ReportFormat.parse("docx"))
        .hasMessageContaining("html, pdf, csv, json");
    assertThat(ReportFormat.parse("PDF")).isEqualTo(ReportFormat.PDF);
    assertThat(Map.of("x", ReportFormat.CSV.contentType())).containsValue(
        "text/csv; charset=utf-8");
  }

  /** RFC 4180, strictly: quoted fields may hold commas, doubled quotes and line breaks. */
  static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"' && cell.length() == 0) {
        quoted = true;
      } else if (c == ',') {
        row.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        row.add(cell.toString());
        cell.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        i++;
      } else if (c == '\r' || c == '\n') {
        throw new AssertionError("bare line break outside quotes at " + i);
      } else {
        cell.append(c);
      }
    }
    if (cell.length() > 0 || !row.isEmpty()) {
      throw new AssertionError("last row without CRLF");
    }
    return rows;
  }
}
