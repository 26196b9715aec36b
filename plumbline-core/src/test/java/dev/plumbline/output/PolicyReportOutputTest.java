package dev.plumbline.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.scan.ScanResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class PolicyReportOutputTest {
  private static List<Map<String, Object>> reports(ScanResult result) {
    return Schemas.readKubernetesYaml(Scans.render(OutputFormat.POLICYREPORT, result));
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object root, Object... path) {
    Object current = root;
    for (Object step : path) {
      current = step instanceof Integer i ? ((List<Object>) current).get(i)
          : ((Map<String, Object>) current).get(step);
    }
    return (T) current;
  }

  private static List<Map<String, Object>> results(Map<String, Object> report) {
    return at(report, "results");
  }

  private static Map<String, Object> report(List<Map<String, Object>> reports, String kind,
      String namespace) {
    for (Map<String, Object> r : reports) {
      if (r.get("kind").equals(kind) && (namespace == null
          || namespace.equals(at(r, "metadata", "namespace")))) {
        return r;
      }
    }
    throw new AssertionError("no " + kind + " " + namespace);
  }

  @Test
  void reportsAreValidAgainstTheCrdSchemas() {
    assertThat(Schemas.policyReport(Scans.render(OutputFormat.POLICYREPORT, Scans.golden())))
        .isEmpty();
  }

  @Test
  void liveAndEmptyScansAreValidAgainstTheCrdSchemas() {
    assertThat(Schemas.policyReport(
        Scans.render(OutputFormat.POLICYREPORT, Scans.live(LiveObjects.all())))).isEmpty();
    assertThat(Schemas.policyReport(Scans.render(OutputFormat.POLICYREPORT, Scans.empty())))
        .isEmpty();
  }

  @Test
  void strictCrdSchemaCatchesAMisspeltKey() {
    String bad = Scans.render(OutputFormat.POLICYREPORT, Scans.golden())
        .replaceFirst("  scored: true", "  scores: true");
    assertThat(Schemas.policyReport(bad)).isNotEmpty();
  }

  @Test
  void clusterReportFirstThenOneReportPerNamespaceInOrder() {
    List<String> order = new ArrayList<>();
    for (Map<String, Object> r : reports(Scans.golden())) {
      assertThat(r.get("apiVersion")).isEqualTo("wgpolicyk8s.io/v1alpha2");
      assertThat((String) at(r, "metadata", "name")).isEqualTo("plumbline");
      order.add(r.get("kind") + "/" + at(r, "metadata", "namespace"));
    }
    assertThat(order).containsExactly("ClusterPolicyReport/null", "PolicyReport/default",
        "PolicyReport/monitoring", "PolicyReport/shop");
  }

  @Test
  void emptyScanStillWritesTheClusterReport() {
    List<Map<String, Object>> reports = reports(Scans.empty());
    assertThat(reports).hasSize(1);
    assertThat(reports.get(0).get("kind")).isEqualTo("ClusterPolicyReport");
    assertThat((List<?>) reports.get(0).get("results")).isEmpty();
  }

  @Test
  void failingFindingCarriesEvidenceAsStringProperties() {
    Map<String, Object> monitoring = report(reports(Scans.golden()), "PolicyReport", "monitoring");
    Map<String, Object> fail = null;
    for (Map<String, Object> r : results(monitoring)) {
      if (r.get("policy").equals("test-privileged")) {
        fail = r;
      }
    }
    assertThat(fail).isNotNull();
    assertThat(fail).containsEntry("result", "fail").containsEntry("severity", "critical")
        .containsEntry("category", "pod-security").containsEntry("source", "plumbline")
        .containsEntry("scored", true).containsEntry("rule", "test-privileged");
    assertThat((Object) at(fail, "timestamp", "seconds")).isEqualTo(1781519400L);
    assertThat((Object) at(fail, "timestamp", "nanos")).isEqualTo(250000000L);
    assertThat((Map<String, Object>) at(fail, "resources", 0)).containsEntry("kind", "DaemonSet")
        .containsEntry("namespace", "monitoring").containsEntry("name", "node-agent");
    Map<String, Object> properties = at(fail, "properties");
    assertThat(properties).containsEntry("path",
        "spec.template.spec.initContainers[0].securityContext.privileged")
        .containsEntry("value", "true").containsEntry("controlVersion", "2")
        .containsKey("findingId");
    assertThat(properties.values()).allMatch(v -> v instanceof String);
  }

  @Test
  void suppressedFindingIsSkippedWithItsException() {
    Map<String, Object> monitoring = report(reports(Scans.golden()), "PolicyReport", "monitoring");
    Map<String, Object> skip = null;
    for (Map<String, Object> r : results(monitoring)) {
      if (r.get("result").equals("skip")) {
        skip = r;
      }
    }
    assertThat(skip).isNotNull();
    assertThat(skip.get("policy")).isEqualTo("test-host-network");
    assertThat((Map<String, Object>) at(skip, "properties"))
        .containsEntry("owner", "platform-team@example.com")
        .containsEntry("expires", "2027-03-31")
        .containsEntry("reason", "The agent reads node metrics from the host network namespace.");
    assertThat((Map<String, Object>) at(monitoring, "summary")).containsEntry("skip", 1L)
        .containsEntry("fail", 2L).containsEntry("pass", 0L);
  }

  @Test
  void clusterScopedResourcesGoToTheClusterReport() {
    Map<String, Object> cluster = report(reports(Scans.golden()), "ClusterPolicyReport", null);
    List<Map<String, Object>> results = at(cluster, "results");
    assertThat(results).extracting(r -> (String) at(r, "resources", 0, "kind"))
        .containsOnly("Namespace");
    assertThat(results).extracting(r -> (String) r.get("result")).containsExactly("fail", "pass");
    assertThat(cluster.get("metadata")).isEqualTo(Map.of("name", "plumbline",
        "labels", Map.of("app.kubernetes.io/managed-by", "plumbline"),
        "annotations", Map.of("plumbline.dev/version", "0.1.0-test")));
  }

  @Test
  void resourceWithoutNamespaceIsReportedInDefault() {
    Map<String, Object> defaults = report(reports(Scans.golden()), "PolicyReport", "default");
    List<Map<String, Object>> results = at(defaults, "results");
    assertThat(results).extracting(r -> (String) at(r, "resources", 0, "name"))
        .containsOnly("nightly-backup");
  }

  @Test
  void yaml11AndYaml12ReadersSeeTheSameReports() {
    String yaml = Scans.render(OutputFormat.POLICYREPORT, Scans.golden());
    List<Object> yaml12 = new ArrayList<>();
    new Load(LoadSettings.builder().build()).loadAllFromString(yaml).forEach(yaml12::add);
    List<Object> kubernetes = new ArrayList<>(Schemas.readKubernetesYaml(yaml));
    assertThat(JsonNodes.value(yaml12)).isEqualTo(JsonNodes.value(kubernetes));
  }
}
