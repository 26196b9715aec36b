package dev.plumbline.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Library;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.resource.ManifestReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A control that overrides another reports the shared field once; in a requirement that names
 * both, a Pod Security check replaces the one it overrides.
 */
class OverridesTest {
  private static final Library LIBRARY = load();

  private static Library load() {
    try {
      return Library.load(Path.of(OverridesTest.class.getResource("/override-library").toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ScanResult scan(String text) {
    ScanOptions options = ScanOptions.of(
        Selection.resolve(LIBRARY, List.of(), List.of(), null, Map.of()));
    return new Scanner(options).scan(new ManifestReader().readString("pod.yaml", text));
  }

  @Test
  void theSameFieldIsReportedOnceByTheOverridingControl() {
    ScanResult result = scan("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostNetwork: true
          hostPID: true
          containers: [{name: c, image: "i@sha256:0000000000000000000000000000000000000000000000000000000000000000"}]
        """);
    assertThat(result.findings()).extracting(f -> f.controlId() + " " + f.path() + " " + f.also())
        .containsExactly("host-access spec.hostNetwork [host-network]",
            "host-access spec.hostPID []");
    assertThat(result.findings().get(0).reports("host-network")).isTrue();
    ControlResult overridden = result.controls().stream()
        .filter(c -> c.control().id().equals("host-network")).findFirst().orElseThrow();
    assertThat(overridden.failed()).as("still failed for scoring").isEqualTo(1);
  }

  @Test
  void frameworksCountTheOverridingControlOnly() {
    assertThat(LIBRARY.frameworkControls(LIBRARY.framework("strict"), PolicyVersion.LATEST))
        .containsExactly("host-access");
    assertThat(LIBRARY.frameworkControls(LIBRARY.framework("loose"), PolicyVersion.LATEST))
        .containsExactly("host-network");
  }

  @Test
  void anOverrideCountsOnlyWithinARequirement() {
    // host-access verifies one requirement and host-network another: each still counts for its
    // own, so a pod on the host network fails both, and one that only shares the host PID
    // namespace leaves the network requirement passing.
    assertThat(LIBRARY.frameworkControls(LIBRARY.framework("split"), PolicyVersion.LATEST))
        .containsExactly("host-access", "host-network");
    ScanResult network = scan("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostNetwork: true
          containers: [{name: c, image: "i@sha256:0000000000000000000000000000000000000000000000000000000000000000"}]
        """);
    assertThat(network.findings()).extracting(f -> f.controlId() + " " + f.also())
        .containsExactly("host-access [host-network]");
    assertThat(statuses(network, "split")).containsExactly(
        "network FAIL [host-network]", "namespaces FAIL [host-access]");
    ScanResult pid = scan("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostPID: true
          containers: [{name: c, image: "i@sha256:0000000000000000000000000000000000000000000000000000000000000000"}]
        """);
    assertThat(statuses(pid, "split")).containsExactly(
        "network PASS [host-network]", "namespaces FAIL [host-access]");
    assertThat(statuses(pid, "strict")).containsExactly("host FAIL [host-access]");
  }

  @Test
  void anOverrideOutsidePodSecurityMergesFindingsButBothControlsCount() {
    // latest-tag overrides no-digest on the image field, but it flags fewer images: a version
    // tag without a digest must still fail the requirement that names both.
    assertThat(LIBRARY.frameworkControls(LIBRARY.framework("images"), PolicyVersion.LATEST))
        .containsExactly("latest-tag", "no-digest");
    ScanResult versionTag = scan("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: c, image: "registry.example.com/app:1.2"}]
        """);
    assertThat(statuses(versionTag, "images"))
        .containsExactly("pinned FAIL [latest-tag, no-digest]");
    ScanResult latest = scan("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: c, image: "registry.example.com/app:latest"}]
        """);
    assertThat(latest.findings()).extracting(f -> f.controlId() + " " + f.also())
        .containsExactly("latest-tag [no-digest]");
    assertThat(statuses(latest, "images"))
        .containsExactly("pinned FAIL [latest-tag, no-digest]");
  }

  private static List<String> statuses(ScanResult result, String framework) {
    return result.frameworks().stream().filter(f -> f.framework().id().equals(framework))
        .findFirst().orElseThrow().requirements().stream()
        .map(r -> r.requirement().id() + " " + r.status() + " "
            + r.controls().stream().map(c -> c.control().id()).toList())
        .toList();
  }
}
