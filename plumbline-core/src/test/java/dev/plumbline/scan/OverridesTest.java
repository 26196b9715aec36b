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

/** A control that overrides another reports the shared field once and replaces it in frameworks. */
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
          containers: [{name: c, image: i:1}]
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
}
