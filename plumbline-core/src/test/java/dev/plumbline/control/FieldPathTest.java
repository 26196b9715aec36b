package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.resource.FieldPath;
import org.junit.jupiter.api.Test;

class FieldPathTest {
  @Test
  void parsesAndPrintsKubernetesStylePaths() {
    String[] paths = {
        "spec.containers[0].securityContext.privileged",
        "metadata.annotations['container.apparmor.security.beta.kubernetes.io/app']",
        "items[3]",
        "a['it\\'s']",
    };
    for (String p : paths) {
      assertThat(FieldPath.parse(p).toString()).isEqualTo(p);
    }
    assertThat(FieldPath.parse("a[\"x.y\"]").segments()).containsExactly("a", "x.y");
  }

  @Test
  void rejectsMalformedPaths() {
    assertThatThrownBy(() -> FieldPath.parse("a..b")).hasMessageContaining("empty key");
    assertThatThrownBy(() -> FieldPath.parse("a[x]")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> FieldPath.parse("a[0")).hasMessageContaining("missing ]");
    assertThatThrownBy(() -> FieldPath.parse("a.")).hasMessageContaining("ends with");
  }

  @Test
  void ordersIndexesNumerically() {
    assertThat(FieldPath.parse("c[2]").compareTo(FieldPath.parse("c[10]"))).isNegative();
  }
}
