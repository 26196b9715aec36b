package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Control;
import dev.plumbline.control.Library;
import dev.plumbline.fix.ManifestFixer;
import org.junit.jupiter.api.Test;

/**
 * The built-in patches applied by the text-preserving fixer to manifests written in every style
 * a person writes them: whatever the patch does not change survives byte for byte.
 */
class FixFormattingTest {
  private static final Library LIBRARY = Library.builtIn();

  private static String fix(String controlId, String text) {
    Control control = LIBRARY.control(controlId);
    String got = ManifestFixer.fix("m.yaml", text,
        FixedFixturesTest.findings(control, "m.yaml", text));
    assertThat(FixedFixturesTest.findings(control, "m.yaml", got)).isEmpty();
    return got;
  }

  @Test
  void windowsLineEndingsNoFinalBreakAndFourSpaceIndentation() {
    String text = "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n    name: p   # the pod\r\n"
        + "spec:\r\n    containers:\r\n    -   name: c\r\n        image: busybox:1.36";
    assertThat(fix("writable-root-filesystems", text)).isEqualTo(text
        + "\r\n        securityContext:\r\n            readOnlyRootFilesystem: true");
  }

  @Test
  void quotedKeysFlowStyleAndCommentsSurvive() {
    String text = """
        # header comment
        "apiVersion": 'v1'
        "kind": "Pod"
        metadata: {name: p, namespace: "ns"}   # flow
        spec:
          # the containers
          'containers':
          - {"name": "c", image: 'busybox:1.36', securityContext: {privileged: true}}  # one
          initContainers:
          - name: i   # init
            image: busybox:1.36
            securityContext:
                capabilities: {add: [NET_BIND_SERVICE]}

              # a comment deeper than the key after it
          hostNetwork: false
        """;
    String got = fix("capabilities-not-dropped", text);
    assertThat(got).isEqualTo(text
        .replace("securityContext: {privileged: true}}",
            "securityContext: {privileged: true, capabilities: {drop: [ALL]}}}")
        .replace("capabilities: {add: [NET_BIND_SERVICE]}",
            "capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}"));
  }

  @Test
  void replacesAYaml11BooleanWhereItStands() {
    String text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: c
              image: busybox:1.36
              securityContext:
                allowPrivilegeEscalation: Yes   # "Yes" is true in YAML 1.1
        """;
    assertThat(fix("privilege-escalation-allowed", text)).isEqualTo(
        text.replace("allowPrivilegeEscalation: Yes", "allowPrivilegeEscalation: false"));
  }

  @Test
  void addsALabelToANamespaceWithQuotedLabels() {
    String text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n"
        + "    \"team\": 'data'\n";
    assertThat(fix("unenforced-pod-security", text)).isEqualTo(text
        + "    pod-security.kubernetes.io/enforce: baseline\n");
  }
}
