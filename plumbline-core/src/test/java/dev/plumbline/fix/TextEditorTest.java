package dev.plumbline.fix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.control.Json;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.YamlFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Edits of the text that keep everything else byte for byte. */
@SuppressWarnings("unchecked")
class TextEditorTest {
  /** Applies {@code change} to document {@code doc} and edits the text to match. */
  @SuppressWarnings("unchecked")
  private static String edit(String text, int doc, Consumer<Map<String, Object>> change) {
    List<YamlFile.Document> documents = YamlFile.parse("t.yaml", text);
    Object before = documents.get(doc).root();
    Map<String, Object> after = (Map<String, Object>) Json.deepCopy(before);
    change.accept(after);
    TextEditor editor = new TextEditor(text);
    editor.change(YamlTree.parse(text).get(doc), before, after);
    String result = editor.result();
    assertThat(YamlFile.parse("t.yaml", result).get(doc).root()).isEqualTo(after);
    return result;
  }

  private static String edit(String text, Consumer<Map<String, Object>> change) {
    return edit(text, 0, change);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> at(Map<String, Object> root, String path) {
    return (Map<String, Object>) FieldPath.parse(path).lookup(root);
  }

  @Test
  void addsAKeyAfterTheLastEntryAtItsIndentationKeepingComments() {
    String text = """
        # a comment at the top
        spec:   # trailing comment
           containers:
              - name: app    # the app
                image: "nginx:1.27"   # quoted, and kept so

                # a comment between
           restartPolicy: 'Always'
        """;
    String got = edit(text, o -> at(o, "spec.containers[0]").put("securityContext",
        new LinkedHashMap<>(Map.of("allowPrivilegeEscalation", false))));
    assertThat(got).isEqualTo("""
        # a comment at the top
        spec:   # trailing comment
           containers:
              - name: app    # the app
                image: "nginx:1.27"   # quoted, and kept so
                securityContext:
                   allowPrivilegeEscalation: false

                # a comment between
           restartPolicy: 'Always'
        """);
  }

  @Test
  void addsToAndRemovesFromFlowMappings() {
    String text = "ports:\n  - {name: http, containerPort: 80, hostPort: 80, protocol: TCP}\n"
        + "  - {hostPort: 443, containerPort: 443}\nlabels: {}\n";
    String got = edit(text, o -> {
      List<Map<String, Object>> ports = (List<Map<String, Object>>) (List<?>) o.get("ports");
      ports.forEach(p -> p.remove("hostPort"));
      at(o, "labels").put("team", "a b");
    });
    assertThat(got).isEqualTo("ports:\n  - {name: http, containerPort: 80, protocol: TCP}\n"
        + "  - {containerPort: 443}\nlabels: {team: \"a b\"}\n");
  }

  @Test
  void keepsQuotedKeysAndReplacesScalarsInPlace() {
    String text = "\"spec\":\n  'securityContext':\n    \"privileged\": yes # why\n";
    assertThat(edit(text, o -> at(o, "spec.securityContext").put("privileged", false)))
        .isEqualTo("\"spec\":\n  'securityContext':\n    \"privileged\": false # why\n");
  }

  @Test
  void keepsWindowsLineEndings() {
    String text = "metadata:\r\n  name: a\r\n  # note\r\nspec: {}\r\n";
    String got = edit(text, o -> at(o, "metadata").put("labels",
        new LinkedHashMap<>(Map.of("x", "z"))));
    assertThat(got).isEqualTo("metadata:\r\n  name: a\r\n  labels:\r\n    x: z\r\n"
        + "  # note\r\nspec: {}\r\n");
  }

  @Test
  void keepsAMissingFinalLineBreak() {
    String got = edit("a:\n  b: 1", o -> at(o, "a").put("c", 2L));
    assertThat(got).isEqualTo("a:\n  b: 1\n  c: 2");
    assertThat(edit("a:\n  b: 1\n  c: [x, y]", o -> at(o, "a").remove("c")))
        .isEqualTo("a:\n  b: 1\n");
  }

  @Test
  void removesAKeyOnTheLineOfItsListItem() {
    String text = "items:\n  - hostPort: 80\n    name: x\n  - name: y\n";
    String got = edit(text, o -> ((Map<String, Object>) ((List<?>) o.get("items")).get(0))
        .remove("hostPort"));
    assertThat(got).isEqualTo("items:\n  - name: x\n  - name: y\n");
  }

  @Test
  void removingTheLastKeyLeavesAnEmptyMapping() {
    String text = "securityContext:\n  procMount: Unmasked   # gone\nname: x\n";
    assertThat(edit(text, o -> at(o, "securityContext").remove("procMount")))
        .isEqualTo("securityContext: {}\nname: x\n");
  }

  @Test
  void fillsANullValue() {
    assertThat(edit("a:\n  sc:\n  b: 1\n", o -> o.put("a", new LinkedHashMap<>(Map.of("sc",
        new LinkedHashMap<>(Map.of("x", true)), "b", 1L)))))
        .isEqualTo("a:\n  sc:\n    x: true\n  b: 1\n");
    assertThat(edit("a:\n  sc: ~ # none\n", o -> at(o, "a").put("sc",
        new LinkedHashMap<>(Map.of("x", true)))))
        .isEqualTo("a:\n  sc:  # none\n    x: true\n");
  }

  @Test
  void replacesAListOfAnotherLengthInItsStyle() {
    assertThat(edit("c:\n  drop:\n  - NET_RAW\n  - CHOWN\n  x: 1\n",
        o -> at(o, "c").put("drop", new ArrayList<>(List.of("ALL")))))
        .isEqualTo("c:\n  drop: [ALL]\n  x: 1\n");
    assertThat(edit("c: {drop: [a, b]}\n", o -> at(o, "c").put("drop",
        new ArrayList<>(List.of("ALL"))))).isEqualTo("c: {drop: [ALL]}\n");
  }

  @Test
  void editsOneDocumentOfMany() {
    String text = "a: 1\n---\n# second\nb: 2\n...\n---\nc: 3\n";
    assertThat(edit(text, 1, o -> o.put("b", "yes"))).isEqualTo(
        "a: 1\n---\n# second\nb: \"yes\"\n...\n---\nc: 3\n");
  }

  @Test
  void keepsNonAsciiTextAroundTheEdit() {
    String text = "a: \"😀 café\"\nb:\n  c: 1 # ünïcode\n";
    assertThat(edit(text, o -> at(o, "b").put("c", 2L)))
        .isEqualTo("a: \"😀 café\"\nb:\n  c: 2 # ünïcode\n");
  }

  @Test
  void addsAfterABlockScalarAndKeepsItsText() {
    String text = "c:\n  args: |\n    echo hi\n      indented\n\n  # after\nd: 1\n";
    String got = edit(text, o -> at(o, "c").put("x", "y z"));
    assertThat(YamlFile.parse("t", got).get(0).root().toString()).contains("echo hi");
    assertThat(got).startsWith("c:\n  args: |\n    echo hi\n      indented\n")
        .contains("  x: \"y z\"\n").endsWith("  # after\nd: 1\n");
  }

  @Test
  void writesNewListsOfMappingsInBlockStyle() {
    String got = edit("spec:\n  a: 1\n", o -> at(o, "spec").put("containers",
        new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("name", "c")),
            new LinkedHashMap<>(Map.of("name", "d"))))));
    assertThat(got).isEqualTo("spec:\n  a: 1\n  containers:\n    - name: c\n    - name: d\n");
  }

  @Test
  void removesSeveralKeysIncludingTheFirstOfAListItem() {
    String text = "- hostNetwork: true\n  hostPID: true\n  name: x # kept\n  hostIPC: true\n";
    List<YamlFile.Document> docs = YamlFile.parse("t", text);
    List<Object> before = (List<Object>) docs.get(0).root();
    List<Object> after = (List<Object>) Json.deepCopy(before);
    Map<String, Object> item = (Map<String, Object>) after.get(0);
    item.remove("hostNetwork");
    item.remove("hostPID");
    item.remove("hostIPC");
    TextEditor editor = new TextEditor(text);
    editor.change(YamlTree.parse(text).get(0), before, after);
    assertThat(editor.result()).isEqualTo("- name: x # kept\n");
  }

  @Test
  void anEmptyFlowMappingGetsItsFirstKey() {
    assertThat(edit("a: {}  # none yet\n", o -> at(o, "a").put("b", true)))
        .isEqualTo("a: {b: true}  # none yet\n");
  }

  @Test
  void refusesAnchorsAndAliases() {
    String text = "a: &x {b: 1}\nc: *x\n";
    assertThatThrownBy(() -> edit(text, o -> at(o, "a").put("b", 2L)))
        .isInstanceOf(Uneditable.class).hasMessageContaining("anchors")
        .satisfies(e -> assertThat(((Uneditable) e).line()).isEqualTo(1));
  }

  @Test
  void refusesBlockScalarsItWouldHaveToRewrite() {
    assertThatThrownBy(() -> edit("a: |\n  text\n", o -> o.put("a", "other")))
        .isInstanceOf(Uneditable.class).hasMessageContaining("block scalar");
  }

  @Test
  void quotesStringsYamlWouldReadOtherwise() {
    assertThat(TextEditor.string("baseline")).isEqualTo("baseline");
    assertThat(TextEditor.string("no")).isEqualTo("\"no\"");
    assertThat(TextEditor.string("1.30")).isEqualTo("\"1.30\"");
    assertThat(TextEditor.string("a: b")).isEqualTo("\"a: b\"");
    assertThat(TextEditor.string("")).isEqualTo("\"\"");
    assertThat(TextEditor.string("pod-security.kubernetes.io/enforce"))
        .isEqualTo("pod-security.kubernetes.io/enforce");
  }

  @Test
  void appendsItemsToABlockListAtItsItemsIndentationEvenAtTheEndOfTheFile() {
    String text = "command:\n    -   kube-apiserver   # first\n    - --v=2";
    String got = edit(text, m -> ((List<Object>) m.get("command")).addAll(
        List.of("--profiling=false", "--audit-log-maxage=30")));
    assertThat(got).isEqualTo("command:\n    -   kube-apiserver   # first\n    - --v=2\n"
        + "    - --profiling=false\n    - --audit-log-maxage=30");
  }

  @Test
  void appendsItemsToAFlowListBeforeItsBracket() {
    String text = "args: [--v=2]  # flags\n";
    assertThat(edit(text, m -> ((List<Object>) m.get("args")).add("--profiling=false")))
        .isEqualTo("args: [--v=2, --profiling=false]  # flags\n");
  }

  @Test
  void writesCommandLineFlagsPlain() {
    assertThat(TextEditor.string("--bind-address=127.0.0.1"))
        .isEqualTo("--bind-address=127.0.0.1");
    assertThat(TextEditor.string("--x=a b")).isEqualTo("\"--x=a b\"");
    assertThat(TextEditor.string("-v")).isEqualTo("\"-v\"");
  }
}
