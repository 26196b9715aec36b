package dev.plumbline.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Severity;
import dev.plumbline.scan.ScanResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SarifOutputTest {
  private static JsonNode run(ScanResult result) {
    return Schemas.JSON.readTree(Scans.render(OutputFormat.SARIF, result)).at("/runs/0");
  }

  private static JsonNode resultFor(JsonNode run, String ruleId, boolean suppressed) {
    for (JsonNode r : run.get("results")) {
      if (r.get("ruleId").asString().equals(ruleId) && r.has("suppressions") == suppressed) {
        return r;
      }
    }
    throw new AssertionError("no result for " + ruleId);
  }

  @Test
  void scanOutputIsValidSarif() {
    assertThat(Schemas.sarif(Scans.render(OutputFormat.SARIF, Scans.golden()))).isEmpty();
  }

  @Test
  void liveAndEmptyScansAreValidSarif() {
    assertThat(Schemas.sarif(Scans.render(OutputFormat.SARIF, Scans.live(LiveObjects.all()))))
        .isEmpty();
    assertThat(Schemas.sarif(Scans.render(OutputFormat.SARIF, Scans.empty()))).isEmpty();
  }

  @Test
  void officialSchemaCatchesABadLevel() {
    String bad = Scans.render(OutputFormat.SARIF, Scans.golden())
        .replaceFirst("\"level\": \"error\"", "\"level\": \"critical\"");
    assertThat(Schemas.sarif(bad)).isNotEmpty();
  }

  @Test
  void everySelectedControlIsARule() {
    JsonNode driver = run(Scans.golden()).at("/tool/driver");
    assertThat(driver.get("name").asString()).isEqualTo("Plumbline");
    assertThat(driver.get("version").asString()).isEqualTo("0.1.0-test");
    assertThat(driver.get("informationUri").asString()).isEqualTo("https://plumbline.dev");
    List<String> ids = new ArrayList<>();
    driver.get("rules").forEach(r -> ids.add(r.get("id").asString()));
    assertThat(ids).containsExactly("test-host-network", "test-latest-tag",
        "test-namespace-enforce", "test-privileged");
  }

  @Test
  void ruleCarriesDescriptionsHelpTagsAndSeverity() {
    JsonNode rule = run(Scans.golden()).at("/tool/driver/rules/3");
    assertThat(rule.get("id").asString()).isEqualTo("test-privileged");
    assertThat(rule.get("name").asString()).isEqualTo("TestPrivileged");
    assertThat(rule.at("/shortDescription/text").asString()).isEqualTo("Privileged containers");
    assertThat(rule.at("/fullDescription/text").asString()).startsWith("A privileged container");
    assertThat(rule.at("/help/text").asString()).startsWith("Remove `securityContext.privileged`");
    assertThat(rule.get("helpUri").asString()).startsWith("https://kubernetes.io/");
    assertThat(rule.at("/defaultConfiguration/level").asString()).isEqualTo("error");
    List<String> tags = new ArrayList<>();
    rule.at("/properties/tags").forEach(t -> tags.add(t.asString()));
    assertThat(tags).containsExactly("security", "pod-security", "test-baseline");
    assertThat(rule.at("/properties/security-severity").asString()).isEqualTo("9.5");
  }

  @Test
  void levelsAndSecuritySeverityFollowTheSeverity() {
    assertThat(SarifWriter.level(Severity.CRITICAL)).isEqualTo("error");
    assertThat(SarifWriter.level(Severity.HIGH)).isEqualTo("error");
    assertThat(SarifWriter.level(Severity.MEDIUM)).isEqualTo("warning");
    assertThat(SarifWriter.level(Severity.LOW)).isEqualTo("note");
    assertThat(SarifWriter.securitySeverity(Severity.CRITICAL)).isEqualTo("9.5");
    assertThat(SarifWriter.securitySeverity(Severity.HIGH)).isEqualTo("8.0");
    assertThat(SarifWriter.securitySeverity(Severity.MEDIUM)).isEqualTo("5.5");
    assertThat(SarifWriter.securitySeverity(Severity.LOW)).isEqualTo("3.0");
  }

  @Test
  void severityOverrideChangesRuleAndResultLevel() {
    JsonNode run = run(Scans.golden(Map.of("test-privileged", Severity.LOW)));
    assertThat(run.at("/tool/driver/rules/3/defaultConfiguration/level").asString())
        .isEqualTo("note");
    assertThat(run.at("/tool/driver/rules/3/properties/security-severity").asString())
        .isEqualTo("3.0");
    assertThat(resultFor(run, "test-privileged", false).get("level").asString())
        .isEqualTo("note");
  }

  @Test
  void resultPointsAtFileLineRuleAndFingerprint() {
    JsonNode run = run(Scans.golden());
    JsonNode result = resultFor(run, "test-privileged", false);
    assertThat(result.get("ruleIndex").asInt()).isEqualTo(3);
    assertThat(result.get("level").asString()).isEqualTo("error");
    assertThat(result.at("/message/text").asString())
        .isEqualTo("Container \"setup\" runs privileged.");
    assertThat(result.at("/locations/0/physicalLocation/artifactLocation/uri").asString())
        .isEqualTo(Scans.MANIFESTS + "/agent.yaml");
    assertThat(result.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(18);
    assertThat(result.at("/locations/0/logicalLocations/0/fullyQualifiedName").asString())
        .isEqualTo("DaemonSet/monitoring/node-agent");
    assertThat(result.at("/partialFingerprints/" + SarifWriter.FINGERPRINT.replace("/", "~1"))
        .asString()).matches("[0-9a-f]{16}");
    assertThat(Scans.render(OutputFormat.SARIF, Scans.golden())).doesNotContain("guid");
  }

  @Test
  void liveObjectHasOnlyALogicalLocation() {
    JsonNode result = resultFor(run(Scans.live(LiveObjects.all())), "test-privileged", false);
    JsonNode location = result.at("/locations/0");
    assertThat(location.has("physicalLocation")).isFalse();
    assertThat(location.at("/logicalLocations/0/fullyQualifiedName").asString())
        .isEqualTo("Deployment/payments/api");
    assertThat(result.at("/properties/resourceVersion").asString()).isEqualTo("4711");
  }

  @Test
  void suppressedFindingIsAResultWithAnExternalSuppression() {
    JsonNode result = resultFor(run(Scans.golden()), "test-host-network", true);
    JsonNode suppression = result.at("/suppressions/0");
    assertThat(suppression.get("kind").asString()).isEqualTo("external");
    assertThat(suppression.get("justification").asString())
        .isEqualTo("The agent reads node metrics from the host network namespace.");
    assertThat(suppression.at("/properties/owner").asString())
        .isEqualTo("platform-team@example.com");
  }

  @Test
  void inputErrorsAreNotificationsAndFailTheExecution() {
    JsonNode invocation = run(Scans.golden()).at("/invocations/0");
    assertThat(invocation.get("executionSuccessful").asBoolean()).isFalse();
    JsonNode first = invocation.at("/toolExecutionNotifications/0");
    assertThat(first.get("level").asString()).isEqualTo("error");
    assertThat(first.at("/locations/0/physicalLocation/artifactLocation/uri").asString())
        .endsWith("broken.yaml");
    assertThat(invocation.get("arguments").get(0).asString()).isEqualTo("plumbline");
    assertThat(run(Scans.empty()).at("/invocations/0/executionSuccessful").asBoolean())
        .isTrue();
  }

  @Test
  void fileNamesBecomeUriReferences() {
    assertThat(SarifWriter.uri("k8s/app.yaml")).isEqualTo("k8s/app.yaml");
    assertThat(SarifWriter.uri("-")).isEqualTo("-");
    assertThat(SarifWriter.uri("my app/#1 100%.yaml")).isEqualTo("my%20app/%231%20100%25.yaml");
    assertThat(SarifWriter.uri("C:\\k8s\\app.yaml")).isEqualTo("C%3A/k8s/app.yaml");
    assertThat(SarifWriter.uri("d\u00e9ploiement.yaml")).isEqualTo("d%C3%A9ploiement.yaml");
  }

  @Test
  void commandLineIsQuotedForAShell() {
    assertThat(SarifWriter.commandLine(List.of("plumbline", "scan", "my dir", "it's")))
        .isEqualTo("plumbline scan 'my dir' 'it'\\''s'");
  }
}
