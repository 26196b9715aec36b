package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Library;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The network, namespace and ConfigMap controls together, with every built-in control selected:
 * a well-segmented application passes them all, and an open one gets exactly one finding per
 * problem (the controls that look at the same objects do not report a problem twice).
 */
class NetworkAndNamespaceControlsTest {
  private static final Set<String> CONTROLS = Set.of("allow-all-ingress-policies",
      "allow-all-egress-policies", "cloud-metadata-egress", "missing-default-deny-ingress",
      "missing-default-deny-egress", "unisolated-workloads", "nodeport-services",
      "unrestricted-load-balancers", "service-external-ips", "unencrypted-ingresses",
      "unenforced-pod-security", "privileged-namespaces", "invalid-pod-security-labels",
      "missing-resource-quotas", "missing-limit-ranges", "credentials-in-configmaps");

  private static ScanResult scan(String resource) throws IOException {
    String text;
    try (InputStream in = NetworkAndNamespaceControlsTest.class.getResourceAsStream(resource)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ScanOptions options = ScanOptions.of(
        Selection.resolve(Library.builtIn(), List.of(), List.of(), null, Map.of()));
    return new Scanner(options).scan(new ManifestReader().readString(resource, text));
  }

  private static List<String> ours(ScanResult result) {
    assertThat(result.errors()).isEmpty();
    return result.findings().stream().filter(f -> CONTROLS.contains(f.controlId()))
        .map(f -> f.controlId() + " " + f.resource().display() + " " + f.path())
        .sorted().toList();
  }

  @Test
  void controlsUnderTestAreInTheLibrary() {
    assertThat(Library.builtIn().controls()).extracting(c -> c.id()).containsAll(CONTROLS);
  }

  @Test
  void aWellSegmentedShopPassesEveryNetworkAndNamespaceControl() throws IOException {
    ScanResult result = scan("/network/shop-segmented.yaml");
    assertThat(ours(result)).isEmpty();
    assertThat(result.controls()).filteredOn(c -> CONTROLS.contains(c.control().id()))
        .allSatisfy(c -> assertThat(c.evaluated()).as(c.control().id()).isPositive());
  }

  @Test
  void anOpenShopGetsOneFindingPerProblem() throws IOException {
    assertThat(ours(scan("/network/shop-open.yaml"))).containsExactly(
        "cloud-metadata-egress NetworkPolicy/shop/orders-api spec.egress[0]",
        "credentials-in-configmaps ConfigMap/shop/orders-api data.DB_PASSWORD",
        "missing-default-deny-egress Namespace/shop metadata.name",
        "missing-default-deny-ingress Namespace/shop metadata.name",
        "missing-limit-ranges Namespace/shop metadata.name",
        "missing-resource-quotas Namespace/shop metadata.name",
        "nodeport-services Service/shop/postgres-debug spec.type",
        "service-external-ips Service/shop/payments-proxy spec.externalIPs",
        "unencrypted-ingresses Ingress/shop/storefront spec.tls",
        "unenforced-pod-security Namespace/shop "
            + "metadata.labels['pod-security.kubernetes.io/enforce']",
        "unisolated-workloads StatefulSet/shop/postgres spec.template.metadata.labels");
  }

  @Test
  void anAllowAllEgressRuleIsReportedOnceAsAccessToTheMetadataAddress() throws IOException {
    ScanResult result = scan("/network/shop-open.yaml");
    List<Finding> onRule = result.findings().stream()
        .filter(f -> f.resource().name().equals("orders-api")
            && f.path().toString().equals("spec.egress[0]"))
        .toList();
    assertThat(onRule).extracting(Finding::controlId).containsExactly("cloud-metadata-egress");
    assertThat(result.controls()).filteredOn(c -> c.control().id()
        .equals("allow-all-egress-policies")).singleElement()
        .satisfies(c -> assertThat(c.failed()).as("still failed for scoring").isEqualTo(1));
  }

  @Test
  void findingsNeverCarryTheCredentialItself() throws IOException {
    ScanResult result = scan("/network/shop-open.yaml");
    assertThat(result.findings()).filteredOn(f -> f.controlId()
        .equals("credentials-in-configmaps")).singleElement().satisfies(f -> {
          assertThat(String.valueOf(f.value())).doesNotContain("0rders-Pr0d!");
          assertThat(f.message()).doesNotContain("0rders-Pr0d!");
        });
  }
}
