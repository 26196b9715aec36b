package dev.plumbline.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON manifests, read the way kubectl reads them, with the line of every field. */
class JsonInputTest {
  @TempDir
  Path dir;

  private static final String POD = """
      {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
          "name": "web",
          "namespace": "shop"
        },
        "spec": {
          "containers": [
            {
              "name": "app",
              "image": "shop/web:1.2.0"
            },
            {
              "name": "debug",
              "image": "busybox:1.36",
              "securityContext": {
                "privileged": true
              }
            }
          ]
        }
      }
      """;

  @Test
  void readsPrettyPrintedJsonWithTheLineOfEveryField() throws IOException {
    Resource pod = readOne("pod.json", POD);

    assertThat(pod.ref().display()).isEqualTo("Pod/shop/web");
    assertThat(pod.origin().line()).isEqualTo(1);
    assertThat(pod.lineOf(FieldPath.parse("metadata.name"))).isEqualTo(5);
    assertThat(pod.lineOf(FieldPath.parse("spec.containers[1]"))).isEqualTo(14);
    assertThat(pod.lineOf(FieldPath.parse("spec.containers[1].securityContext.privileged")))
        .isEqualTo(18);
    // a missing field points at its nearest ancestor
    assertThat(pod.lineOf(FieldPath.parse("spec.containers[0].securityContext.privileged")))
        .isEqualTo(10);
  }

  @Test
  void readsMinifiedJson() throws IOException {
    String minified = POD.replaceAll("\\s+", "");
    Resource pod = readOne("pod.json", minified);
    assertThat(FieldPath.parse("spec.containers[1].securityContext.privileged")
        .lookup(pod.object())).isEqualTo(true);
    assertThat(pod.lineOf(FieldPath.parse("spec.containers[1].image"))).isEqualTo(1);
  }

  @Test
  void readsJsonIndentedWithTabs() throws IOException {
    String tabs = POD.replace("  ", "\t");
    Resource pod = readOne("tabs.json", tabs);
    assertThat(pod.ref().display()).isEqualTo("Pod/shop/web");
    assertThat(pod.lineOf(FieldPath.parse("spec.containers[1].securityContext.privileged")))
        .isEqualTo(18);
    // a tab before the first brace is JSON whitespace, but YAML refuses tabs as indentation
    Resource indented = readOne("indented.json", "\t" + tabs.replace("\n", "\n\t"));
    assertThat(indented.lineOf(FieldPath.parse("spec.containers[1].securityContext.privileged")))
        .isEqualTo(18);
  }

  @Test
  void readsJsonWithCrlfLineEndings() throws IOException {
    Resource pod = readOne("crlf.json", POD.replace("\n", "\r\n"));
    assertThat(pod.lineOf(FieldPath.parse("spec.containers[1].securityContext.privileged")))
        .isEqualTo(18);
  }

  @Test
  void readsJsonThatYamlWouldRefuse() throws IOException {
    // legal JSON, but not YAML: a key longer than 1024 characters, a colon on the next line
    String json = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"data\": {\n\"" + "k".repeat(1100)
        + "\": \"v\", \"next\"\n: \"line\"}}";
    Resource map = readOne("odd.json", json);
    assertThat(map.object().get("data")).isEqualTo(Map.of("k".repeat(1100), "v", "next", "line"));
  }

  @Test
  void readsAStreamOfJsonObjectsLikeKubectl() {
    // what `kubectl get pods -o json | jq '.items[]'` prints
    String stream = """
        {
          "apiVersion": "v1",
          "kind": "ConfigMap",
          "metadata": {"name": "one"}
        }
        {
          "apiVersion": "v1",
          "kind": "ConfigMap",
          "metadata": {"name": "two"}
        }
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "three"}}
        """;
    ManifestReader.Result result = readStdin(stream);

    assertThat(result.errors()).isEmpty();
    assertThat(result.resources()).extracting(Resource::name).containsExactly("one", "two",
        "three");
    assertThat(result.resources()).extracting(r -> r.origin().document()).containsExactly(0, 1,
        2);
    assertThat(result.resources()).extracting(r -> r.origin().line()).containsExactly(1, 6, 11);
    assertThat(result.resources().get(1).lineOf(FieldPath.parse("metadata.name")))
        .isEqualTo(9);
  }

  @Test
  void readsJsonFromStandardInput() {
    ManifestReader.Result result = readStdin("\n  " + POD);
    assertThat(result.errors()).isEmpty();
    assertThat(result.resources()).singleElement().satisfies(pod -> {
      assertThat(pod.origin().file()).isEqualTo("-");
      assertThat(pod.lineOf(FieldPath.parse("spec.containers[1].securityContext.privileged")))
          .isEqualTo(19);
    });
  }

  @Test
  void reportsJsonSyntaxErrorsWithTheLineAndKeepsEarlierObjects() {
    ManifestReader.Result result = readStdin("""
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ok"}}
        {
          "apiVersion": "v1",
          "kind": "ConfigMap",
          "metadata": {"name": "broken",}
        }
        """);
    assertThat(result.resources()).extracting(Resource::name).containsExactly("ok");
    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo("-");
      assertThat(e.line()).isEqualTo(5);
      assertThat(e.message()).startsWith("JSON syntax error");
    });
  }

  @Test
  void reportsBytesThatAreNotTextInJsonWithTheirLine() throws IOException {
    byte[] head = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n\"data\": {\"k\": \""
        .getBytes(StandardCharsets.UTF_8);
    byte[] latin1 = "caf\u00e9\"}}\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] content = java.util.Arrays.copyOf(head, head.length + latin1.length);
    System.arraycopy(latin1, 0, content, head.length, latin1.length);
    Files.write(dir.resolve("latin1.json"), content);

    ManifestReader.Result result = readDir();

    assertThat(result.resources()).isEmpty();
    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(2);
      assertThat(e.message()).isEqualTo("not valid UTF-8 text (binary file?), not a manifest");
    });
  }

  @Test
  void reportsDuplicateKeysInJson() throws IOException {
    Files.writeString(dir.resolve("dup.json"), """
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": {"name": "p"},
          "spec": {"hostNetwork": false,
                   "hostNetwork": true}
        }
        """);
    ManifestReader.Result result = readDir();
    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(6);
      assertThat(e.message()).contains("duplicate key 'hostNetwork'").contains("line 5");
    });
    assertThat(FieldPath.parse("spec.hostNetwork").lookup(result.resources().get(0).object()))
        .isEqualTo(true);
  }

  @Test
  void readsJsonValuesLikeYaml() throws IOException {
    Resource map = readOne("values.json", """
        {"apiVersion": "v1", "kind": "ConfigMap",
         "data": {"int": 3, "integral": 1.0, "exp": 1e3, "float": 0.5, "negative": -0,
                  "yes": "yes", "t": true, "f": false, "n": null, "big": 12345678901234}}
        """);
    Map<String, Object> expected = new java.util.LinkedHashMap<>();
    expected.put("int", 3L);
    expected.put("integral", 1L);
    expected.put("exp", 1000L);
    expected.put("float", 0.5);
    expected.put("negative", 0L);
    expected.put("yes", "yes");
    expected.put("t", true);
    expected.put("f", false);
    expected.put("n", null);
    expected.put("big", 12345678901234L);
    assertThat(map.object().get("data")).isEqualTo(expected);
  }

  @Test
  void unwrapsKindListAndPodListInJson() throws IOException {
    ManifestReader.Result result = readFile("lists.json", """
        {
          "apiVersion": "v1",
          "kind": "List",
          "items": [
            {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "web"}},
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}
          ]
        }
        {
          "apiVersion": "v1",
          "kind": "PodList",
          "items": [
            {"metadata": {"name": "a"}},
            {
              "metadata": {"name": "b"},
              "spec": {"containers": [{"name": "c", "securityContext": {"privileged": true}}]}
            }
          ]
        }
        """);
    assertThat(result.errors()).isEmpty();
    assertThat(result.resources()).extracting(r -> r.ref().display())
        .containsExactly("ServiceAccount/web", "Deployment/web", "Pod/a", "Pod/b");
    Resource b = result.resources().get(3);
    assertThat(b.object()).containsEntry("apiVersion", "v1");
    assertThat(b.origin().line()).isEqualTo(14);
    assertThat(b.lineOf(FieldPath.parse("spec.containers[0].securityContext.privileged")))
        .isEqualTo(16);
  }

  @Test
  void readsJsonInAYamlFileAsYaml() throws IOException {
    // JSON is (nearly) YAML: a .yaml file holding one JSON object keeps working
    Resource pod = readOne("pod.yaml", POD);
    assertThat(pod.lineOf(FieldPath.parse("spec.containers[1].securityContext.privileged")))
        .isEqualTo(18);
  }

  private Resource readOne(String name, String text) throws IOException {
    ManifestReader.Result result = readFile(name, text);
    assertThat(result.errors()).isEmpty();
    assertThat(result.notes()).isEmpty();
    assertThat(result.resources()).hasSize(1);
    return result.resources().get(0);
  }

  private ManifestReader.Result readFile(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return new ManifestReader().read(List.of(file.toString()), InputStream.nullInputStream());
  }

  private ManifestReader.Result readDir() {
    return new ManifestReader().read(List.of(dir.toString()), InputStream.nullInputStream());
  }

  private static ManifestReader.Result readStdin(String text) {
    return new ManifestReader().read(List.of("-"),
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }
}
