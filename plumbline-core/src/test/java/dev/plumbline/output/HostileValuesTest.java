package dev.plumbline.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;

/**
 * Scanned input is attacker-controlled: names and values with quotes, newlines, terminal escape
 * sequences, bidirectional overrides, XML and YAML syntax, YAML 1.1 words and very long text.
 * Every format must stay valid and faithful (machine formats) or inert (human formats).
 */
class HostileValuesTest {
  static final String EVIL = "q\"uote' new\nline tab\t esc\u001b[31mred\u001b[0m bell\u0007 "
      + "nul\u0000 del\u007f c1\u0085\u009b ls\u2028 rlo\u202e cdata]]> <tag a=\"&amp;\"> "
      + "&lt; \\back ${x} {{y}} #c: - ? * & ! | > % @ ` caf\u00e9 \u4e2d \ud83d\ude00";
  static final String LONG = "a".repeat(20_000) + ":latest";
  private static final String YAML = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: "web\\"<&>\\n\\e[2J"
        namespace: "no"
      spec:
        template:
          spec:
            hostNetwork: yes
            containers:
              - name: "%s"
                image: "%s:latest"
                securityContext: {privileged: true}
              - name: "on"
                image: "%s"
      ---
      apiVersion: v1
      kind: Namespace
      metadata:
        name: "y"
      """.formatted(yamlEscape(EVIL), yamlEscape(EVIL), LONG);

  /** Writes a Java string inside a YAML double-quoted scalar. */
  private static String yamlEscape(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().forEach(cp -> {
      if (cp == '"' || cp == '\\') {
        sb.append('\\').appendCodePoint(cp);
      } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x202e) {
        sb.append(String.format("\\u%04x", cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return sb.toString();
  }

  static ScanResult hostile() {
    ScanResult result = Scans.ofText("hostile \"file\"\n<&>.yaml", YAML);
    assertThat(result.errors()).isEmpty();
    return result;
  }

  @Test
  void scanFindsTheHostileValues() {
    ScanResult result = hostile();
    assertThat(result.findings()).extracting(Finding::value).contains(EVIL + ":latest", LONG);
    assertThat(result.findings()).extracting(Finding::message)
        .contains("Container \"" + EVIL + "\" runs privileged.");
  }

  @ParameterizedTest
  @EnumSource(OutputFormat.class)
  void outputIsDeterministic(OutputFormat format) {
    assertThat(Scans.render(format, hostile())).isEqualTo(Scans.render(format, hostile()));
  }

  @Test
  void jsonKeepsEveryCharacterAndMatchesTheSchema() {
    String json = Scans.render(OutputFormat.JSON, hostile());
    assertThat(Schemas.scanResult(json)).isEmpty();
    JsonNode findings = Schemas.JSON.readTree(json).get("findings");
    List<String> values = findings.valueStream()
        .map(f -> f.get("value").asString()).toList();
    assertThat(values).contains(EVIL + ":latest", LONG);
    assertThat(findings.get(0).at("/resource/name").asString()).isEqualTo("web\"<&>\n\u001b[2J");
    assertThat(findings.get(0).at("/location/file").asString())
        .isEqualTo("hostile \"file\"\n<&>.yaml");
  }

  @Test
  void sarifStaysValidAndKeepsEveryCharacter() {
    String sarif = Scans.render(OutputFormat.SARIF, hostile());
    assertThat(Schemas.sarif(sarif)).isEmpty();
    JsonNode results = Schemas.JSON.readTree(sarif).at("/runs/0/results");
    assertThat(results.valueStream().map(r -> r.at("/message/text").asString()))
        .contains("Container \"" + EVIL + "\" runs privileged.");
    assertThat(results.get(0).at("/locations/0/physicalLocation/artifactLocation/uri").asString())
        .isEqualTo("hostile%20%22file%22%0A%3C&%3E.yaml");
  }

  @Test
  void junitStaysWellFormedAndValid() throws Exception {
    String xml = Scans.render(OutputFormat.JUNIT, hostile());
    assertThat(Schemas.junit(xml)).isEmpty();
    Document doc = JunitOutputTest.parse(xml);
    String text = doc.getDocumentElement().getTextContent();
    assertThat(text).contains("\\u001b[31mred").contains("cdata]]> <tag a=\"&amp;\">")
        .contains("(" + (LONG.length() + 2 - 200) + " more characters)");
    assertNoControlCharacters(xml);
  }

  @Test
  void policyReportStaysValidAndReadsBackExactlyAsKubernetesWould() {
    String yaml = Scans.render(OutputFormat.POLICYREPORT, hostile());
    assertThat(Schemas.policyReport(yaml)).isEmpty();
    List<Map<String, Object>> reports = Schemas.readKubernetesYaml(yaml);
    assertThat(reports).extracting(r -> String.valueOf(((Map<?, ?>) r.get("metadata"))
        .get("namespace"))).contains("no");
    String all = JsonNodes.compact(reports);
    assertThat(all).contains(JsonNodes.compact(EVIL + ":latest"))
        .contains(JsonNodes.compact(LONG))
        .contains("\"name\":\"y\"").contains("\"name\":\"web\\\"<&>\\n\\u001B[2J\"");
  }

  @Test
  void tableEscapesControlCharactersAndCutsLongValues() {
    String table = Scans.render(OutputFormat.TABLE, hostile());
    assertNoControlCharacters(table);
    assertThat(table).contains("esc\\u001b[31mred\\u001b[0m")
        .contains("new\\nline tab\\t")
        .contains("rlo\\u202e")
        .contains("web\"<&>\\n\\u001b[2J")
        .contains("more characters)")
        .doesNotContain("a".repeat(200));
  }

  @Test
  void tableStaysInertWithColourOn() {
    String table = Scans.render(OutputFormat.TABLE, hostile(), Scans.COLOR);
    String withoutOurColours = table.replaceAll("\u001b\\[[0-9;]*m", "");
    assertNoControlCharacters(withoutOurColours);
  }

  /** No C0 control other than newline, no DEL, no C1, no line separator or bidi override. */
  private static void assertNoControlCharacters(String s) {
    s.codePoints().forEach(cp -> assertThat(cp == '\n' || !Printable.unsafe(cp))
        .as("U+%04X at %d", cp, s.indexOf(cp)).isTrue());
  }
}
