package dev.plumbline.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class YamlEmitterTest {
  private static String emit(ObjectNode node) throws IOException {
    StringWriter out = new StringWriter();
    new YamlEmitter(out).document(node);
    return out.toString();
  }

  @Test
  void writesBlockMappingsAndKubectlStyleSequences() throws IOException {
    ObjectNode root = JsonNodes.object();
    root.put("kind", "PolicyReport");
    root.putObject("metadata").put("name", "plumbline");
    ObjectNode item = root.putArray("results").addObject();
    item.put("policy", "x");
    item.putArray("resources").addObject().put("kind", "Pod");
    root.putArray("empty");
    root.putObject("none");
    root.put("count", 3);
    root.put("scored", true);
    root.putNull("nothing");
    assertThat(emit(root)).isEqualTo("""
        ---
        kind: PolicyReport
        metadata:
          name: plumbline
        results:
        - policy: x
          resources:
          - kind: Pod
        empty: []
        none: {}
        count: 3
        scored: true
        nothing: null
        """);
  }

  @Test
  void quotesStringsThatYaml11WouldReadAsSomethingElse() {
    for (String s : List.of("yes", "No", "ON", "off", "y", "N", "true", "Null", "~", "", "0777",
        "1e3", "0x1F", ".inf", "-1", "12:30", "1.0", "2026-01-01")) {
      assertThat(YamlEmitter.string(s)).as(s).startsWith("\"");
    }
    for (String s : List.of("plumbline", "wgpolicyk8s.io/v1alpha2", "test-privileged",
        "app.kubernetes.io/managed-by", "fail", "yesterday")) {
      assertThat(YamlEmitter.string(s)).as(s).isEqualTo(s);
    }
  }

  @Test
  void escapesWhatYamlCannotHoldAsIs() {
    assertThat(YamlEmitter.string("a\"b\\c\nd\te\u001bf\u0085g\u2028h\ufeffi\ud800j"))
        .isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u001Bf\\u0085g\\u2028h\\uFEFFi\\uFFFDj\"");
    assertThat(YamlEmitter.string("caf\u00e9 \ud83d\ude00"))
        .isEqualTo("\"caf\u00e9 \ud83d\ude00\"");
  }

  @Test
  void readsBackToTheSameTree() throws IOException {
    ObjectNode root = JsonNodes.object();
    root.set("data", JsonNodes.value(Map.of("on", "yes", "list", List.of("a", List.of(1L, 2L)),
        "text", "multi\nline: # not a comment")));
    String yaml = emit(root);
    assertThat(JsonNodes.value(Schemas.readKubernetesYaml(yaml + "apiVersion: v1\nkind: X\n")
        .get(0).get("data"))).isEqualTo(root.get("data"));
  }
}
