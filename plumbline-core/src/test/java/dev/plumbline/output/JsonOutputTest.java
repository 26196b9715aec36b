package dev.plumbline.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.scan.ScanResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class JsonOutputTest {
  private static JsonNode json(ScanResult result) {
    return Schemas.JSON.readTree(Scans.render(OutputFormat.JSON, result));
  }

  @Test
  void scanOutputMatchesThePublishedSchema() {
    assertThat(Schemas.scanResult(Scans.render(OutputFormat.JSON, Scans.golden()))).isEmpty();
  }

  @Test
  void liveAndEmptyScansMatchThePublishedSchema() {
    assertThat(Schemas.scanResult(Scans.render(OutputFormat.JSON, Scans.live(LiveObjects.all()))))
        .isEmpty();
    assertThat(Schemas.scanResult(Scans.render(OutputFormat.JSON, Scans.empty()))).isEmpty();
  }

  @Test
  void schemaRejectsAFieldItDoesNotName() {
    String json = Scans.render(OutputFormat.JSON, Scans.golden())
        .replaceFirst("\"controlId\"", "\"controlID\"");
    assertThat(Schemas.scanResult(json)).isNotEmpty();
  }

  @Test
  void findingsAreWrittenAsTheirTreesWouldBe() throws Exception {
    List<dev.plumbline.scan.Finding> findings = new ArrayList<>(Scans.golden().findings());
    findings.addAll(Scans.live(LiveObjects.all()).findings());
    assertThat(findings).isNotEmpty();
    java.io.StringWriter streamed = new java.io.StringWriter();
    JsonNodes.writeObject(streamed, g -> {
      g.writeName("findings");
      JsonWriter.writeFindings(g, findings);
    });
    tools.jackson.databind.node.ObjectNode tree = JsonNodes.object();
    tools.jackson.databind.node.ArrayNode array = tree.putArray("findings");
    findings.forEach(f -> array.add(JsonWriter.finding(f)));
    java.io.StringWriter built = new java.io.StringWriter();
    JsonNodes.write(tree, built);
    assertThat(streamed.toString()).isEqualTo(built.toString());
  }

  @Test
  void topLevelHoldsExactlyTheFiveSections() {
    List<String> keys = new ArrayList<>();
    json(Scans.golden()).propertyNames().forEach(keys::add);
    assertThat(keys).containsExactly("findings", "errors", "suppressed", "notes", "summary");
  }

  @Test
  void findingCarriesEvidenceLocationAndPatch() {
    JsonNode finding = null;
    for (JsonNode f : json(Scans.golden()).get("findings")) {
      if (f.get("controlId").asString().equals("test-privileged")) {
        finding = f;
        break;
      }
    }
    assertThat(finding).isNotNull();
    assertThat(finding.get("path").asString())
        .isEqualTo("spec.template.spec.initContainers[0].securityContext.privileged");
    assertThat(finding.get("value").isBoolean()).as("YAML 1.1 'yes' is a boolean").isTrue();
    assertThat(finding.at("/location/file").asString()).endsWith("manifests/agent.yaml");
    assertThat(finding.at("/location/line").asInt()).isEqualTo(18);
    assertThat(finding.at("/remediation/patch/target").asString())
        .isEqualTo("/spec/template/spec/initContainers/0");
    assertThat(finding.at("/remediation/patch/ops/0/path").asString())
        .isEqualTo("/securityContext/privileged");
    assertThat(finding.get("controlVersion").asInt()).isEqualTo(2);
  }

  @Test
  void missingSettingHasNullValue() {
    JsonNode namespaceFinding = null;
    for (JsonNode f : json(Scans.golden()).get("findings")) {
      if (f.get("controlId").asString().equals("test-namespace-enforce")) {
        namespaceFinding = f;
      }
    }
    assertThat(namespaceFinding).isNotNull();
    assertThat(namespaceFinding.get("value").isNull()).isTrue();
    assertThat(namespaceFinding.get("resource").get("namespace").asString()).isEmpty();
  }

  @Test
  void liveObjectIsLocatedByResourceVersion() {
    JsonNode finding = json(Scans.live(LiveObjects.all())).get("findings").get(0);
    assertThat(finding.get("location").propertyNames()).containsExactly("resourceVersion");
    assertThat(finding.at("/location/resourceVersion").asString()).isEqualTo("4711");
  }

  @Test
  void suppressedFindingNamesItsException() {
    JsonNode suppressed = json(Scans.golden()).get("suppressed").get(0);
    assertThat(suppressed.at("/finding/controlId").asString()).isEqualTo("test-host-network");
    assertThat(suppressed.at("/exception/name").asString()).isEqualTo("node-agent-host-network");
    assertThat(suppressed.at("/exception/owner").asString())
        .isEqualTo("platform-team@example.com");
    assertThat(suppressed.at("/exception/expires").asString()).isEqualTo("2027-03-31");
    assertThat(suppressed.at("/exception/line").asInt()).isEqualTo(2);
  }

  @Test
  void summaryCountsAndScores() {
    JsonNode summary = json(Scans.golden()).get("summary");
    assertThat(summary.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(summary.get("findings").asInt()).isEqualTo(6);
    assertThat(summary.at("/bySeverity/critical").asInt()).isEqualTo(2);
    assertThat(summary.get("suppressed").asInt()).isEqualTo(1);
    assertThat(summary.get("scannedAt").asString()).isEqualTo("2026-06-15T10:30:00.250Z");
    assertThat(summary.get("postureScore").isNumber()).isTrue();
    assertThat(summary.at("/notScanned/ConfigMap").asInt()).isEqualTo(1);
    assertThat(summary.at("/expiredExceptions/0/name").asString()).isEqualTo("legacy-batch");
    assertThat(summary.at("/frameworks/0/counts/manual").asInt()).isEqualTo(1);
  }

  @Test
  void nothingJudgedGivesNullScoresNeverNaN() {
    String text = Scans.render(OutputFormat.JSON, Scans.empty());
    JsonNode summary = Schemas.JSON.readTree(text).get("summary");
    assertThat(summary.get("postureScore").isNull()).isTrue();
    assertThat(summary.at("/frameworks/0/score").isNull()).isTrue();
    assertThat(summary.at("/frameworks/0/requirements/0/status").asString())
        .isEqualTo("not-applicable");
    assertThat(text).doesNotContain("NaN").doesNotContain("Infinity");
  }

  @Test
  void scannedNonFiniteNumbersBecomeText() {
    assertThat(JsonNodes.compact(Map.of("a", Double.NaN, "b", Double.NEGATIVE_INFINITY)))
        .isEqualTo("{\"a\":\"NaN\",\"b\":\"-Infinity\"}");
  }

  @Test
  void scannedMapsAreWrittenWithSortedKeys() {
    Map<String, Object> unordered = new java.util.HashMap<>();
    for (String k : List.of("zeta", "alpha", "mu", "beta", "omega", "gamma")) {
      unordered.put(k, 1L);
    }
    assertThat(JsonNodes.compact(unordered))
        .isEqualTo("{\"alpha\":1,\"beta\":1,\"gamma\":1,\"mu\":1,\"omega\":1,\"zeta\":1}");
  }

  /** docs/json-output.md must name every field of the schema (in a code span). */
  @Test
  void documentationDescribesEveryField() {
    JsonNode schema = Schemas.JSON.readTree(
        Schemas.read(Schemas.repoRoot().resolve("docs/schema/scan-result.schema.json")));
    Set<String> fields = new TreeSet<>();
    collectPropertyNames(schema, fields);
    String doc = Schemas.read(Schemas.repoRoot().resolve("docs/json-output.md"));
    Set<String> documented = new TreeSet<>();
    Matcher span = Pattern.compile("`([^`]+)`").matcher(doc);
    while (span.find()) {
      Matcher word = Pattern.compile("[A-Za-z]+").matcher(span.group(1));
      while (word.find()) {
        documented.add(word.group());
      }
    }
    fields.removeAll(documented);
    assertThat(fields).as("fields missing from docs/json-output.md").isEmpty();
  }

  private static void collectPropertyNames(JsonNode schema, Set<String> names) {
    if (schema.isObject()) {
      JsonNode properties = schema.get("properties");
      if (properties != null && properties.isObject()) {
        properties.propertyNames().forEach(names::add);
      }
    }
    for (JsonNode child : schema) {
      collectPropertyNames(child, names);
    }
  }
}
