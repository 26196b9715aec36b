package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Library;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.scan.FrameworkScore;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the built-in frameworks score a scan: shared controls, manual requirements, overrides. */
class FrameworkScoresTest {
  private static final Library LIBRARY = Library.builtIn();

  private static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: debug-shell
        namespace: payments
      spec:
        hostNetwork: true
        automountServiceAccountToken: false
        securityContext:
          runAsNonRoot: true
          seccompProfile: {type: RuntimeDefault}
        containers:
          - name: shell
            image: registry.example.com/tools/netshoot@sha256:4f1e8e1b0d5d7d5b2c3f2b8a9a1c6e7d8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c
            securityContext:
              allowPrivilegeEscalation: false
              readOnlyRootFilesystem: true
              capabilities:
                drop: [NET_RAW]
            resources:
              requests: {cpu: 100m, memory: 64Mi}
              limits: {cpu: 200m, memory: 64Mi}
      """;

  private static FrameworkScore score(String framework, String yaml) {
    ScanResult result = new Scanner(ScanOptions.of(
        Selection.resolve(LIBRARY, List.of(), List.of(), null, Map.of())))
        .scan(new ManifestReader().readString("pod.yaml", yaml));
    return result.frameworks().stream().filter(f -> f.framework().id().equals(framework))
        .findFirst().orElseThrow();
  }

  private static FrameworkScore.RequirementResult requirement(FrameworkScore score, String id) {
    return score.requirements().stream().filter(r -> r.requirement().id().equals(id))
        .findFirst().orElseThrow();
  }

  @Test
  void aControlOverriddenInAnotherRequirementStillVerifiesItsOwn() {
    // capabilities-not-dropped (5.2.9) overrides net-raw-capability (5.2.8): a container that
    // drops NET_RAW but not ALL passes 5.2.8 and fails 5.2.9.
    FrameworkScore cis = score("cis", POD);
    assertThat(requirement(cis, "5.2.8").status()).isEqualTo(FrameworkScore.Status.PASS);
    assertThat(requirement(cis, "5.2.8").controls()).extracting(c -> c.control().id())
        .containsExactly("net-raw-capability");
    assertThat(requirement(cis, "5.2.9").status()).isEqualTo(FrameworkScore.Status.FAIL);
  }

  @Test
  void oneControlFailsEveryRequirementItVerifies() {
    // host-namespaces verifies 5.2.3, 5.2.4 and 5.2.5: it judges the pod as a whole.
    FrameworkScore cis = score("cis", POD);
    assertThat(List.of("5.2.3", "5.2.4", "5.2.5")).allMatch(
        id -> requirement(cis, id).status() == FrameworkScore.Status.FAIL);
    assertThat(requirement(cis, "5.2.2").status()).isEqualTo(FrameworkScore.Status.PASS);
    assertThat(requirement(score("mitre", POD), "T1611").status())
        .isEqualTo(FrameworkScore.Status.FAIL);
    assertThat(requirement(score("nsa-cisa", POD), "pod-security.host-namespaces").status())
        .isEqualTo(FrameworkScore.Status.FAIL);
  }

  @Test
  void manualRequirementsAreListedButNotScored() {
    FrameworkScore cis = score("cis", POD);
    FrameworkScore.RequirementResult masters = requirement(cis, "5.1.7");
    assertThat(masters.status()).isEqualTo(FrameworkScore.Status.MANUAL);
    assertThat(masters.score()).isNaN();
    double sum = 0;
    int applicable = 0;
    for (FrameworkScore.RequirementResult r : cis.requirements()) {
      if (r.status() == FrameworkScore.Status.PASS || r.status() == FrameworkScore.Status.FAIL) {
        sum += r.score();
        applicable++;
      }
    }
    assertThat(applicable).isPositive();
    assertThat(cis.score()).isCloseTo(sum / applicable, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(cis.count(FrameworkScore.Status.MANUAL)).isEqualTo(58);
  }
}
