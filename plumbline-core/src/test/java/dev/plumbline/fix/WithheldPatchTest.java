package dev.plumbline.fix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Control;
import dev.plumbline.control.Library;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.fixture.FixtureRunner;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.YamlFile;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remediation's {@code skipWhen} withholds its patch from the targets it names: the finding
 * stays, is not {@link Finding#patchable()}, and the file fixer leaves that target alone.
 */
class WithheldPatchTest {
  private static final String CONTROL = """
      id: escalation
      title: Privilege escalation
      description: Processes may gain privileges.
      severity: medium
      category: pod-security
      target: container
      check: container.?securityContext.?allowPrivilegeEscalation.orValue(null) == false
      path: container.securityContext.allowPrivilegeEscalation
      message: Container "{container.name}" allows privilege escalation.
      remediation:
        text: Set allowPrivilegeEscalation to false.
        patch:
          - op: add
            path: /securityContext/allowPrivilegeEscalation
            value: false
        safe: true
        skipWhen: container.?securityContext.?privileged.orValue(false) == true
      """;

  private static final String MANIFEST = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: node-agent
        namespace: ops
      spec:
        containers:
          - name: agent
            image: agent:1.0
            securityContext:
              privileged: true
          - name: sidecar
            image: sidecar:1.0
      """;

  @TempDir
  Path dir;
  Control control;

  @BeforeEach
  void load() throws IOException {
    Path folder = dir.resolve("controls/escalation");
    Files.createDirectories(folder.resolve("tests"));
    Files.writeString(folder.resolve("control.yaml"), CONTROL);
    control = Library.load(dir).control("escalation");
  }

  private ScanResult scan(String text) {
    ScanOptions options = new ScanOptions(List.of(control), List.of(), PolicyVersion.LATEST,
        Set.of(), ExceptionSet.NONE, Map.of(), Clock.systemUTC());
    return new Scanner(options).scan(new ManifestReader().readString("pod.yaml", text));
  }

  @Test
  void findingOfAPrivilegedContainerStaysButIsNotPatchable() {
    List<Finding> findings = scan(MANIFEST).findings();

    assertThat(findings).extracting(f -> f.path().toString(), Finding::patchable)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "spec.containers[0].securityContext.allowPrivilegeEscalation", false),
            org.assertj.core.groups.Tuple.tuple(
                "spec.containers[1].securityContext.allowPrivilegeEscalation", true));
    assertThat(findings).filteredOn(f -> !f.patchable()).extracting(Finding::patchWithheld)
        .containsExactly(true);
  }

  @Test
  void fixingTheFilePatchesOnlyTheContainerThePatchFits() {
    String fixed = ManifestFixer.fix("pod.yaml", MANIFEST, scan(MANIFEST).findings());

    Object root = YamlFile.parse("pod.yaml", fixed).get(0).root();
    assertThat(FieldPath.parse("spec.containers[0].securityContext").lookup(root))
        .isEqualTo(Map.of("privileged", true));
    assertThat(FieldPath.parse("spec.containers[1].securityContext.allowPrivilegeEscalation")
        .lookup(root)).isEqualTo(false);
    assertThat(scan(fixed).findings()).extracting(Finding::patchable).containsExactly(false);
  }

  @Test
  void fixingAFileWhoseOnlyFindingIsWithheldChangesNothing() {
    String privilegedOnly = MANIFEST.substring(0, MANIFEST.indexOf("  - name: sidecar"));

    List<Finding> findings = scan(privilegedOnly).findings();

    assertThat(findings).hasSize(1);
    assertThat(ManifestFixer.fix("pod.yaml", privilegedOnly, findings)).isEqualTo(privilegedOnly);
  }

  @Test
  void failFixtureMustNameExactlyTheFindingsThePatchIsWithheldFrom() throws IOException {
    Path tests = control.folder().resolve("tests");
    Path named = tests.resolve("fail-named.yaml");
    Files.writeString(named,
        "# no-patch: spec.containers[0].securityContext.allowPrivilegeEscalation\n" + MANIFEST);
    Path unnamed = tests.resolve("fail-unnamed.yaml");
    Files.writeString(unnamed, MANIFEST);
    Path wrong = tests.resolve("fail-wrong.yaml");
    Files.writeString(wrong,
        "# no-patch: spec.containers[1].securityContext.allowPrivilegeEscalation\n" + MANIFEST);

    assertThat(FixtureRunner.runOne(control, named).ok()).isTrue();
    assertThat(FixtureRunner.runOne(control, unnamed).ok()).isFalse();
    assertThat(FixtureRunner.runOne(control, wrong).message())
        .contains("expected the patch withheld from the findings at "
            + "[spec.containers[1].securityContext.allowPrivilegeEscalation]")
        .contains("withheld from those at "
            + "[spec.containers[0].securityContext.allowPrivilegeEscalation]");
  }
}
