package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryLoadingTest {
  @TempDir
  Path dir;

  private static final String GOOD = """
      id: host-network
      title: Host network
      description: Shares the node's network namespace.
      severity: high
      category: pod-security
      target: pod
      check: "!(podSpec.?hostNetwork.orValue(false) == true)"
      path: podSpec.hostNetwork
      message: Pod uses the host network.
      remediation:
        text: Remove hostNetwork.
        patch:
          - op: remove
            path: /hostNetwork
      frameworks:
        demo: [net-1]
      """;

  private static final String FRAMEWORK = """
      id: demo
      title: Demo framework
      requirements:
        - id: net-1
          title: No host network
        - id: doc-1
          title: Keep a runbook
          manual: true
          procedure: Ask the team for the runbook.
      """;

  private Path control(String id, String yaml) throws IOException {
    Path folder = dir.resolve("controls").resolve(id);
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("control.yaml"), yaml);
    return folder;
  }

  private void framework(String yaml) throws IOException {
    Files.createDirectories(dir.resolve("frameworks"));
    Files.writeString(dir.resolve("frameworks/demo.yaml"), yaml);
  }

  @Test
  void loadsControlsAndLinksFrameworkRequirementsToThem() throws IOException {
    control("host-network", GOOD);
    framework(FRAMEWORK);
    Library library = Library.load(dir);
    assertThat(library.controls()).extracting(Control::id).containsExactly("host-network");
    Framework demo = library.framework("demo");
    assertThat(demo.requirement("net-1").controls()).containsExactly("host-network");
    assertThat(demo.requirement("doc-1").manual()).isTrue();
  }

  @Test
  void brokenExpressionStopsTheLoadNamingControlFileAndLine() throws IOException {
    control("host-network", GOOD.replace("podSpec.?hostNetwork", "podSpek.?hostNetwork"));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir))
        .isInstanceOf(LibraryException.class)
        .hasMessageContaining("host-network/control.yaml:7")
        .hasMessageContaining("check: does not compile")
        .hasMessageContaining("podSpek");
  }

  @Test
  void brokenSkipWhenStopsTheLoadNamingControlAndField() throws IOException {
    control("host-network", GOOD.replace("      path: /hostNetwork\n",
        "      path: /hostNetwork\n  skipWhen: podSpek.?hostPID.orValue(false)\n"));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir))
        .isInstanceOf(LibraryException.class)
        .hasMessageContaining("host-network/control.yaml")
        .hasMessageContaining("skipWhen: does not compile")
        .hasMessageContaining("podSpek");
  }

  @Test
  void skipWhenMustBeABool() throws IOException {
    control("host-network", GOOD.replace("      path: /hostNetwork\n",
        "      path: /hostNetwork\n  skipWhen: size(podSpec)\n"));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir)).hasMessageContaining("skipWhen")
        .hasMessageContaining("must be a bool");
  }

  @Test
  void skipWhenNeedsAPatch() throws IOException {
    control("host-network", GOOD.replace(
        "  patch:\n    - op: remove\n      path: /hostNetwork\n",
        "  skipWhen: podSpec.?hostPID.orValue(false)\n"));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir)).hasMessageContaining("only a patch can be skipped");
  }

  @Test
  void skipWhenIsKeptWithTheRemediation() throws IOException {
    control("host-network", GOOD.replace("      path: /hostNetwork\n",
        "      path: /hostNetwork\n  skipWhen: podSpec.?hostPID.orValue(false)\n"));
    framework(FRAMEWORK);
    assertThat(Library.load(dir).control("host-network").remediation().skipWhen().expression())
        .isEqualTo("podSpec.?hostPID.orValue(false)");
  }

  @Test
  void checkMustBeABool() throws IOException {
    control("host-network", GOOD.replace("check: \"!(podSpec.?hostNetwork.orValue(false) == true)\"",
        "check: \"size(podSpec)\""));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir)).hasMessageContaining("must be a bool");
  }

  @Test
  void containerVariableIsUnknownToPodTargets() throws IOException {
    control("host-network", GOOD.replace("podSpec.?hostNetwork", "container.?hostNetwork"));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir)).hasMessageContaining("container");
  }

  @Test
  void unknownFieldIsAnErrorNotIgnored() throws IOException {
    control("host-network", GOOD.replace("severity: high", "severity: high\nseverty: low"));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir))
        .hasMessageContaining("control.yaml:5: severty: unknown field");
  }

  @Test
  void badSeverityNamesTheChoices() throws IOException {
    control("host-network", GOOD.replace("severity: high", "severity: hgih"));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir))
        .hasMessageContaining("control.yaml:4: severity: unknown severity 'hgih'");
  }

  @Test
  void idMustMatchItsFolder() throws IOException {
    control("other", GOOD);
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir)).hasMessageContaining("differs from its folder");
  }

  @Test
  void duplicateIdsAndAliasesAreErrors() throws IOException {
    control("host-network", GOOD);
    control("host-net", GOOD.replace("id: host-network", "id: host-net\naliases: [host-network]"));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir)).hasMessageContaining("already used");
  }

  @Test
  void mappingToAnUnknownRequirementIsAnError() throws IOException {
    control("host-network", GOOD.replace("demo: [net-1]", "demo: [net-9]"));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir)).hasMessageContaining("demo has no requirement 'net-9'");
  }

  @Test
  void automatedRequirementWithoutControlIsAnError() throws IOException {
    control("host-network", GOOD.replace("frameworks:\n  demo: [net-1]\n", ""));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir))
        .hasMessageContaining("requirement 'net-1' has no control");
  }

  @Test
  void mappingToAManualRequirementIsAnError() throws IOException {
    control("host-network", GOOD.replace("demo: [net-1]", "demo: [net-1, doc-1]"));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir)).hasMessageContaining("marked manual");
  }

  @Test
  void unknownMessagePlaceholderIsAnError() throws IOException {
    control("host-network", GOOD.replace("Pod uses the host network.", "Pod {container.name}."));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir)).hasMessageContaining("names no variable");
  }

  @Test
  void pathMustStartWithAVariableOfTheTarget() throws IOException {
    control("host-network", GOOD.replace("path: podSpec.hostNetwork", "path: spec.hostNetwork"));
    framework(FRAMEWORK);
    assertThatThrownBy(() -> Library.load(dir)).hasMessageContaining("must start with one of");
  }

  @Test
  void customControlsJoinTheBaseAndMayMapToItsFrameworks() throws IOException {
    control("host-network", GOOD);
    framework(FRAMEWORK);
    Library base = Library.load(dir);
    Path custom = dir.resolve("custom");
    Files.createDirectories(custom.resolve("my-host-ipc"));
    Files.writeString(custom.resolve("my-host-ipc/control.yaml"), GOOD
        .replace("id: host-network", "id: my-host-ipc")
        .replace("hostNetwork", "hostIPC"));
    Library joined = base.withCustom(custom);
    assertThat(joined.controls()).extracting(Control::id)
        .containsExactly("host-network", "my-host-ipc");
    assertThat(joined.framework("demo").requirement("net-1").controls())
        .containsExactly("host-network", "my-host-ipc");
  }
}
