package dev.plumbline.fix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.control.Control;
import dev.plumbline.control.Library;
import dev.plumbline.control.LibraryException;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.Resource;
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
 * The {@code flag} patch operation: it sets a component's flag where the flag controls find it
 * (the argument that sets it last, in command or args, or an etcd variable), appends it when
 * nothing sets it, and does not fit a program started by a shell, nor any mirror pod.
 */
class FlagPatchTest {
  private static final String CONTROL = """
      id: profiling
      title: Profiling
      description: Profiling is on.
      severity: low
      category: control-plane
      target: container
      when: component(container) in ['kube-apiserver', 'etcd']
      violations: |
        !(componentFlags(container)[?'profiling'].orValue('true') in ['false', '0'])
        ? [flagViolation(container, 'profiling')] : []
      message: Profiling is on.
      remediation:
        text: Set --profiling=false.
        patch:
          - op: flag
            value: --profiling=false
        safe: true
      """;

  @TempDir
  Path dir;
  Control control;

  @BeforeEach
  void load() throws IOException {
    control = load(CONTROL);
  }

  private Control load(String yaml) throws IOException {
    Path folder = dir.resolve("controls/profiling");
    Files.createDirectories(folder.resolve("tests"));
    Files.writeString(folder.resolve("control.yaml"), yaml);
    return Library.load(dir).control("profiling");
  }

  private ScanResult scan(String text) {
    ScanOptions options = new ScanOptions(List.of(control), List.of(), PolicyVersion.LATEST,
        Set.of(), ExceptionSet.NONE, Map.of(), Clock.systemUTC());
    return new Scanner(options).scan(new ManifestReader().readString("pod.yaml", text));
  }

  private String fix(String text) {
    return ManifestFixer.fix("pod.yaml", text, scan(text).findings());
  }

  private static String pod(String container) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: kube-apiserver
          namespace: kube-system
        spec:
          containers:
          - name: kube-apiserver
            image: registry.k8s.io/kube-apiserver:v1.31.0
        """ + container.indent(4);
  }

  @Test
  void appendsAMissingFlagToTheCommandInItsStyle() {
    String text = pod("""
        command:
        - kube-apiserver
        - --advertise-address=10.0.0.1   # the node
        - --secure-port=6443
        """);
    assertThat(fix(text)).isEqualTo(pod("""
        command:
        - kube-apiserver
        - --advertise-address=10.0.0.1   # the node
        - --secure-port=6443
        - --profiling=false
        """));
  }

  @Test
  void appendsToArgsWhenThereAreAny() {
    String text = pod("""
        command: [kube-apiserver]
        args: [--secure-port=6443]
        """);
    assertThat(fix(text)).isEqualTo(pod("""
        command: [kube-apiserver]
        args: [--secure-port=6443, --profiling=false]
        """));
  }

  @Test
  void replacesTheArgumentThatSetsTheFlagLast() {
    String text = pod("""
        command:
        - kube-apiserver
        - --profiling=false
        args:
          - --profiling
          - --secure-port=6443
        """);
    assertThat(fix(text)).isEqualTo(pod("""
        command:
        - kube-apiserver
        - --profiling=false
        args:
          - --profiling=false
          - --secure-port=6443
        """));
  }

  @Test
  void replacesOnlyTheValueOfASeparateValueArgument() {
    String text = pod("""
        command:
        - kube-apiserver
        - --profiling
        - "true"
        - --secure-port=6443
        """);
    assertThat(fix(text)).isEqualTo(pod("""
        command:
        - kube-apiserver
        - --profiling
        - "false"
        - --secure-port=6443
        """));
  }

  @Test
  void setsTheEtcdVariableThatSetsTheFlag() {
    String text = pod("""
        command: [etcd, --name=node-1]
        env:
        - name: ETCD_PROFILING
          value: "true"
        """).replace("kube-apiserver", "etcd");
    assertThat(fix(text)).isEqualTo(pod("""
        command: [etcd, --name=node-1]
        env:
        - name: ETCD_PROFILING
          value: "false"
        """).replace("kube-apiserver", "etcd"));
  }

  @Test
  void absoluteFormIsAReplaceOrAnAppendOfOneItem() {
    ScanResult result = scan(pod("command: [kube-apiserver, --profiling=true, --v=2]\n"));
    Finding f = result.findings().get(0);
    Resource r = new ManifestReader().readString("pod.yaml",
        pod("command: [kube-apiserver, --profiling=true, --v=2]\n")).resources().get(0);
    assertThat(control.remediation().absolute(r.object(), f.targetPath())).containsExactly(
        Map.of("op", "replace", "path", "/spec/containers/0/command/1",
            "value", "--profiling=false"));

    Resource missing = new ManifestReader().readString("pod.yaml",
        pod("command: [kube-apiserver, --v=2]\n")).resources().get(0);
    assertThat(control.remediation().absolute(missing.object(), f.targetPath())).containsExactly(
        Map.of("op", "add", "path", "/spec/containers/0/command/2",
            "value", "--profiling=false"));
  }

  @Test
  void isWithheldFromAProgramStartedByAShell() {
    String text = pod("""
        command: [/bin/sh, -c, "exec kube-apiserver --secure-port=6443"]
        """);
    List<Finding> findings = scan(text).findings();
    assertThat(findings).singleElement().satisfies(f -> {
      assertThat(f.patchWithheld()).isTrue();
      assertThat(f.patchable()).isFalse();
    });
    assertThat(ManifestFixer.fix("pod.yaml", text, findings)).isEqualTo(text);
  }

  @Test
  void isWithheldFromAMirrorPod() {
    String text = pod("command: [kube-apiserver, --secure-port=6443]\n").replace(
        "  namespace: kube-system\n", """
          namespace: kube-system
          annotations:
            kubernetes.io/config.mirror: 0e3c4a3b
        """);
    List<Finding> findings = scan(text).findings();
    assertThat(findings).singleElement().satisfies(f -> assertThat(f.patchable()).isFalse());
    assertThat(ManifestFixer.fix("pod.yaml", text, findings)).isEqualTo(text);
  }

  @Test
  void theLoaderRefusesAFlagOpWithAPathOrWithoutAnArgument() {
    assertThatThrownBy(() -> load(CONTROL.replace("value: --profiling=false",
        "path: /command\n      value: --profiling=false")))
        .isInstanceOf(LibraryException.class).hasMessageContaining("not used with flag");
    assertThatThrownBy(() -> load(CONTROL.replace("value: --profiling=false",
        "value: profiling")))
        .isInstanceOf(LibraryException.class).hasMessageContaining("--name=value");
    assertThatThrownBy(() -> load(CONTROL.replace("target: container", "target: pod")
        .replace("when: component(container) in ['kube-apiserver', 'etcd']",
            "when: 'true'").replace("flagViolation(container, 'profiling')",
            "{'path': 'podSpec', 'value': null}").replace("componentFlags(container)",
            "{}")))
        .isInstanceOf(LibraryException.class).hasMessageContaining("target must be container");
  }
}
