package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Framework;
import dev.plumbline.control.Library;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The policy version ({@code --pss-version}) at the engine level, and the upstream behaviour the
 * conformance fixtures do not reach (Windows exemptions, user namespaces, image volumes, version
 * boundaries of later additions), taken from the Pod Security Admission sources.
 */
class PssVersionTest {
  private static final Library LIBRARY = Library.builtIn();

  /** The controls of {@code pss-<level>} that count at this version and fail the pod. */
  private static Set<String> denied(String level, String version, String yaml) {
    ScanResult result = scan(version, yaml);
    assertThat(result.errors()).isEmpty();
    Framework framework = LIBRARY.framework("pss-" + level);
    Set<String> counted = LIBRARY.frameworkControls(framework, PolicyVersion.parse(version));
    Set<String> failed = new TreeSet<>();
    result.controls().stream().filter(c -> c.failed() > 0)
        .forEach(c -> failed.add(c.control().id()));
    failed.retainAll(counted);
    return failed;
  }

  private static ScanResult scan(String version, String yaml) {
    // The Pod Security Standards controls only: other controls may report the same fields.
    ScanOptions options = ScanOptions.of(
        Selection.resolve(LIBRARY, List.of("pss-baseline", "pss-restricted"), List.of(), null,
            Map.of()))
        .withPssVersion(PolicyVersion.parse(version));
    return new Scanner(options).scan(new ManifestReader().readString("pod.yaml", yaml));
  }

  /** The lines that make the last container of a pod below compliant with Restricted. */
  private static final String RESTRICTED_CONTAINER = """
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
      """;

  @Test
  void seccompAnnotationsCountUpTo118AndFieldsFrom119() {
    String annotation = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}
        spec:
          containers: [{name: c, image: i}]
        """;
    assertThat(denied("baseline", "v1.18", annotation)).containsExactly("unconfined-seccomp");
    assertThat(denied("baseline", "v1.19", annotation)).isEmpty();
    String field = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {seccompProfile: {type: Unconfined}}
          containers: [{name: c, image: i}]
        """;
    assertThat(denied("baseline", "v1.18", field)).isEmpty();
    assertThat(denied("baseline", "v1.19", field)).containsExactly("unconfined-seccomp");
  }

  @Test
  void seccompAnnotationForAMissingContainerIsIgnored() {
    assertThat(denied("baseline", "v1.18", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          annotations: {container.seccomp.security.alpha.kubernetes.io/nosuch: unconfined}
        spec:
          containers: [{name: c, image: i}]
        """)).isEmpty();
  }

  @Test
  void rootUserIdIsCheckedFrom123() {
    String pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            runAsNonRoot: true
            runAsUser: 0
            seccompProfile: {type: RuntimeDefault}
          containers:
          - name: c
            image: i
        """ + RESTRICTED_CONTAINER;
    assertThat(denied("restricted", "v1.22", pod)).isEmpty();
    assertThat(denied("restricted", "v1.23", pod)).containsExactly("root-user-id");
    assertThat(denied("baseline", "v1.37", pod)).isEmpty();
  }

  @Test
  void restrictedRequirementsGrowWithTheVersion() {
    String pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {runAsNonRoot: true}
          containers: [{name: c, image: i}]
        """;
    assertThat(denied("restricted", "v1.7", pod)).isEmpty();
    assertThat(denied("restricted", "v1.8", pod)).containsExactly("privilege-escalation-allowed");
    assertThat(denied("restricted", "v1.19", pod))
        .containsExactly("missing-seccomp-profile", "privilege-escalation-allowed");
    assertThat(denied("restricted", "v1.22", pod)).containsExactly("capabilities-not-dropped",
        "missing-seccomp-profile", "privilege-escalation-allowed");
  }

  @Test
  void windowsPodsAreExemptFromLinuxOnlyRestrictedChecksFrom125() {
    String pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          os: {name: windows}
          securityContext: {runAsNonRoot: true}
          containers: [{name: c, image: i}]
        """;
    assertThat(denied("restricted", "v1.25", pod)).isEmpty();
    assertThat(denied("restricted", "v1.24", pod)).containsExactly("capabilities-not-dropped",
        "missing-seccomp-profile", "privilege-escalation-allowed");
  }

  @Test
  void theWindowsExemptionAlsoSwitchesOffTheBaselineCheckItOverrides() {
    String netRaw = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          os: {name: windows}
          securityContext: {runAsNonRoot: true}
          containers:
          - name: c
            image: i
            securityContext: {capabilities: {add: [NET_RAW]}}
        """;
    assertThat(denied("baseline", "v1.37", netRaw)).containsExactly("non-default-capabilities");
    assertThat(denied("restricted", "v1.37", netRaw)).isEmpty();
    assertThat(denied("restricted", "v1.24", netRaw)).contains("capabilities-not-dropped");
    assertThat(scan("v1.37", netRaw).findings()).extracting(f -> f.controlId() + " " + f.path())
        .as("the Baseline finding stays: the Restricted control reported nothing on that field")
        .containsExactly("non-default-capabilities spec.containers[0].securityContext.capabilities.add[0]");
    String unconfined = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          os: {name: windows}
          securityContext:
            runAsNonRoot: true
            seccompProfile: {type: Unconfined}
          containers: [{name: c, image: i}]
        """;
    assertThat(denied("baseline", "v1.37", unconfined)).containsExactly("unconfined-seccomp");
    assertThat(denied("restricted", "v1.37", unconfined)).isEmpty();
  }

  @Test
  void userNamespacesRelaxRootChecksFrom135Only() {
    String pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostUsers: false
          securityContext:
            runAsUser: 0
            seccompProfile: {type: RuntimeDefault}
          containers:
          - name: c
            image: i
        """ + RESTRICTED_CONTAINER;
    assertThat(denied("restricted", "v1.35", pod)).isEmpty();
    assertThat(denied("restricted", "v1.34", pod))
        .containsExactly("root-user-id", "run-as-root-allowed");
    assertThat(denied("baseline", "v1.37", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostUsers: false
          containers:
          - name: c
            image: i
            securityContext: {capabilities: {add: [SYS_ADMIN]}}
        """)).as("capabilities are not relaxed").containsExactly("non-default-capabilities");
  }

  @Test
  void userNamespacesRelaxProcMountForBaselineOnly() {
    String pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostUsers: false
          securityContext:
            runAsNonRoot: true
            seccompProfile: {type: RuntimeDefault}
          containers:
          - name: c
            image: i
            securityContext:
              procMount: Unmasked
              allowPrivilegeEscalation: false
              capabilities: {drop: [ALL]}
        """;
    assertThat(denied("baseline", "v1.34", pod)).containsExactly("unmasked-proc-mount");
    assertThat(denied("baseline", "v1.35", pod)).isEmpty();
    assertThat(denied("restricted", "v1.34", pod)).containsExactly("unmasked-proc-mount");
    assertThat(denied("restricted", "v1.35", pod)).containsExactly("unmasked-proc-mount-restricted");
  }

  @Test
  void imageVolumesAreAllowedAtEveryVersion() {
    String pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {runAsNonRoot: true}
          containers: [{name: c, image: i}]
          volumes:
          - name: models
            image: {reference: registry.example.com/models:1}
        """;
    assertThat(denied("restricted", "v1.0", pod)).isEmpty();
  }

  @Test
  void laterAdditionsApplyFromTheirVersion() {
    String engine = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {seLinuxOptions: {type: container_engine_t}}
          containers: [{name: c, image: i}]
        """;
    assertThat(denied("baseline", "v1.30", engine)).containsExactly("selinux-options");
    assertThat(denied("baseline", "v1.31", engine)).isEmpty();
    String sysctl = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {sysctls: [{name: net.ipv4.tcp_rmem, value: "4096 87380 6291456"}]}
          containers: [{name: c, image: i}]
        """;
    assertThat(denied("baseline", "v1.31", sysctl)).containsExactly("unsafe-sysctls");
    assertThat(denied("baseline", "v1.32", sysctl)).isEmpty();
    String probe = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
          - name: c
            image: i
            livenessProbe: {httpGet: {host: 10.0.0.1, port: 80}}
        """;
    assertThat(denied("baseline", "v1.33", probe)).isEmpty();
    assertThat(denied("baseline", "v1.34", probe)).containsExactly("host-probes");
  }

  @Test
  void everyContainerTypeIsVisited() {
    assertThat(denied("baseline", "v1.0", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: c, image: i}]
          ephemeralContainers:
          - name: e
            image: i
            securityContext: {privileged: true}
        """)).containsExactly("privileged-containers");
  }

  @Test
  void appArmorFieldsCountAtEveryVersionAndAnnotationsForAnyName() {
    assertThat(denied("baseline", "v1.0", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {appArmorProfile: {type: Unconfined}}
          containers: [{name: c, image: i}]
        """)).containsExactly("apparmor-profile-overridden");
    assertThat(denied("baseline", "v1.0", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          annotations: {container.apparmor.security.beta.kubernetes.io/nosuch: unconfined}
        spec:
          containers: [{name: c, image: i}]
        """)).containsExactly("apparmor-profile-overridden");
  }

  @Test
  void aPodLevelRunAsNonRootFalseIsDeniedEvenIfEveryContainerSetsTrue() {
    assertThat(denied("restricted", "v1.37", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            runAsNonRoot: false
            seccompProfile: {type: RuntimeDefault}
          containers:
          - name: c
            image: i
            securityContext:
              runAsNonRoot: true
              allowPrivilegeEscalation: false
              capabilities: {drop: [ALL]}
        """)).containsExactly("run-as-root-allowed");
  }

  @Test
  void restrictedControlsReplaceTheirBaselineCounterpartsPerVersion() {
    Framework restricted = LIBRARY.framework("pss-restricted");
    assertThat(LIBRARY.frameworkControls(restricted, PolicyVersion.parse("v1.18")))
        .contains("unconfined-seccomp", "non-default-capabilities", "unmasked-proc-mount")
        .doesNotContain("missing-seccomp-profile", "host-path-volumes");
    assertThat(LIBRARY.frameworkControls(restricted, PolicyVersion.parse("v1.22")))
        .contains("missing-seccomp-profile", "capabilities-not-dropped")
        .doesNotContain("unconfined-seccomp", "non-default-capabilities");
    assertThat(LIBRARY.frameworkControls(restricted, PolicyVersion.LATEST))
        .contains("unmasked-proc-mount-restricted", "restricted-volume-types")
        .doesNotContain("unmasked-proc-mount", "host-path-volumes");
    assertThat(LIBRARY.frameworkControls(LIBRARY.framework("pss-baseline"), PolicyVersion.LATEST))
        .hasSize(12).doesNotContain("missing-seccomp-profile", "restricted-volume-types");
  }

  @Test
  void aFieldBothLevelsFlagIsReportedOnceButFailsBothFrameworks() {
    String pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            runAsNonRoot: true
            seccompProfile: {type: Unconfined}
          containers:
          - name: c
            image: i
            securityContext:
              allowPrivilegeEscalation: false
              capabilities: {drop: [ALL], add: [SYS_ADMIN]}
          volumes:
          - name: root
            hostPath: {path: /}
        """;
    assertThat(scan("v1.37", pod).findings())
        .extracting(f -> f.controlId() + " " + f.path() + " = " + f.value())
        .containsExactly(
            "capabilities-not-dropped spec.containers[0].securityContext.capabilities.add[0] = SYS_ADMIN",
            "missing-seccomp-profile spec.containers[0].securityContext.seccompProfile = null",
            "missing-seccomp-profile spec.securityContext.seccompProfile.type = Unconfined",
            "restricted-volume-types spec.volumes[0].hostPath = {path=/}");
    assertThat(denied("baseline", "v1.37", pod))
        .containsExactly("host-path-volumes", "non-default-capabilities", "unconfined-seccomp");
    assertThat(denied("restricted", "v1.37", pod)).containsExactly("capabilities-not-dropped",
        "missing-seccomp-profile", "restricted-volume-types");
  }

  @Test
  void findingsNameTheFieldTheValueAndTheProblem() {
    ScanResult result = scan("v1.37", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          template:
            metadata:
              annotations: {container.apparmor.security.beta.kubernetes.io/web: unconfined}
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports: [{containerPort: 80, hostPort: 8080}]
        """);
    assertThat(result.findings()).filteredOn(f -> f.controlId().equals("apparmor-profile-overridden"))
        .singleElement().satisfies(f -> {
          assertThat(f.path().toString()).isEqualTo(
              "spec.template.metadata.annotations['container.apparmor.security.beta.kubernetes.io/web']");
          assertThat(f.value()).isEqualTo("unconfined");
          assertThat(f.message()).contains("unconfined").contains("runtime/default");
        });
    assertThat(result.findings()).filteredOn(f -> f.controlId().equals("run-as-root-allowed"))
        .singleElement().satisfies(f -> {
          assertThat(f.path().toString())
              .isEqualTo("spec.template.spec.containers[0].securityContext.runAsNonRoot");
          assertThat(f.value()).isNull();
          assertThat(f.message()).startsWith("Container \"web\" does not set runAsNonRoot: true");
        });
    assertThat(result.findings()).filteredOn(f -> f.controlId().equals("host-ports"))
        .singleElement().satisfies(f -> {
          assertThat(f.path().toString())
              .isEqualTo("spec.template.spec.containers[0].ports[0].hostPort");
          assertThat(f.value()).isEqualTo(8080L);
          assertThat(f.message()).isEqualTo("Container \"web\" binds port 8080 on the node (hostPort).");
        });
  }

  @Test
  void latestIsTheNewestPolicyVersion() {
    assertThat(PolicyVersion.parse("latest")).isEqualTo(PolicyVersion.parse("v1.37"));
    assertThat(LIBRARY.controls()).filteredOn(c -> c.pss() != null)
        .allSatisfy(c -> assertThat(c.since()).isLessThanOrEqualTo(PolicyVersion.LATEST));
  }
}
