package dev.plumbline.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Which files a scan reads, in which order, and what it says about those it skips. */
class DirectoryWalkTest {
  @TempDir
  Path dir;

  @Test
  void walksNestedFoldersInSortedOrder() throws IOException {
    manifest("b/z.yaml", "bz");
    manifest("b/a/deep/x.yml", "bax");
    manifest("a.yaml", "a");
    manifest("c/m.json", "cm");
    manifest("b/m.YAML", "bm");

    ManifestReader.Result result = read(dir.toString());

    assertThat(result.errors()).isEmpty();
    assertThat(result.resources()).extracting(r -> r.origin().file()).containsExactly(
        dir + "/a.yaml", dir + "/b/a/deep/x.yml", dir + "/b/m.YAML", dir + "/b/z.yaml",
        dir + "/c/m.json");
    assertThat(result.files()).isEqualTo(5);
  }

  @Test
  void namesFilesRelativeToTheFolderAsTheUserWroteIt() throws IOException {
    manifest("shop/web.yaml", "web");
    ManifestReader.Result result = read(dir + "/shop/");
    assertThat(result.resources()).extracting(r -> r.origin().file())
        .containsExactly(dir + "/shop/web.yaml");
  }

  @Test
  void ignoresFilesThatAreNotManifests() throws IOException {
    manifest("app.yaml", "app");
    write("README.md", "# apiVersion: v1");
    write("notes.txt", "kind: Pod");
    write("kustomize/patch.yaml.orig", "kind: Pod");
    write("chart.tgz", "\u0000\u0001");
    write("Makefile", "all:");

    ManifestReader.Result result = read(dir.toString());

    assertThat(result.resources()).extracting(Resource::name).containsExactly("app");
    assertThat(result.errors()).isEmpty();
    assertThat(result.notes()).isEmpty();
    assertThat(result.files()).isEqualTo(1);
  }

  @Test
  void ignoresTheGitFolder() throws IOException {
    manifest("app.yaml", "app");
    manifest(".git/refs/stash.yaml", "in-git");
    write(".git/config.json", "not json at all");

    ManifestReader.Result result = read(dir.toString());

    assertThat(result.resources()).extracting(Resource::name).containsExactly("app");
    assertThat(result.errors()).isEmpty();
  }

  @Test
  void readsFilesNamedExplicitlyWhateverTheirExtension() throws IOException {
    manifest("rendered.txt", "rendered");
    ManifestReader.Result result = read(dir.resolve("rendered.txt").toString());
    assertThat(result.resources()).extracting(Resource::name).containsExactly("rendered");
  }

  @Test
  void skipsHelmTemplatesWithANote() throws IOException {
    write("charts/shop/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n");
    write("charts/shop/values.yaml", "replicaCount: 1\n");
    write("charts/shop/templates/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n");
    write("charts/shop/templates/tests/test-connection.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-test\n");
    write("charts/shop/templates/_helpers.tpl", "{{- define \"x\" -}}{{- end -}}");
    manifest("charts/shop/crds/widget.yaml", "widgets.example.com");

    ManifestReader.Result result = read(dir.toString());

    assertThat(result.errors()).isEmpty();
    assertThat(result.resources()).extracting(Resource::name)
        .containsExactly("widgets.example.com");
    assertThat(result.notes()).filteredOn(n -> n.message().startsWith("Helm template"))
        .extracting(InputNote::file).containsExactly(
            dir + "/charts/shop/templates/deployment.yaml",
            dir + "/charts/shop/templates/tests/test-connection.yaml");
    assertThat(result.notes().get(0).message())
        .isEqualTo("Helm template, not scanned: render the chart with 'helm template "
            + dir + "/charts/shop | plumbline scan -'");
  }

  @Test
  void skipsHelmTemplatesWhenTheTemplatesFolderIsNamed() throws IOException {
    write("shop/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n");
    write("shop/templates/service.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n");

    ManifestReader.Result result = read(dir + "/shop/templates");

    assertThat(result.errors()).isEmpty();
    assertThat(result.notes()).singleElement().satisfies(n -> assertThat(n.message())
        .isEqualTo("Helm template, not scanned: render the chart with 'helm template "
            + dir + "/shop | plumbline scan -'"));
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void doesNotFollowSymbolicLinkLoops() throws IOException {
    manifest("app/app.yaml", "app");
    Files.createSymbolicLink(dir.resolve("app/loop"), dir.resolve("app"));
    Files.createSymbolicLink(dir.resolve("app/up"), Path.of(".."));

    ManifestReader.Result result = read(dir.toString());

    assertThat(result.resources()).extracting(Resource::name).containsExactly("app");
    assertThat(result.errors()).isEmpty();
    assertThat(result.notes()).extracting(InputNote::toString).containsExactly(
        dir + "/app/loop: symbolic link to a directory, not followed: name it to scan it",
        dir + "/app/up: symbolic link to a directory, not followed: name it to scan it");
  }

  @Test
  void walksAFolderNamedThroughASymbolicLink() throws IOException {
    manifest("real/app.yaml", "app");
    manifest("real/sub/db.yaml", "db");
    Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));

    ManifestReader.Result result = read(link.toString());

    assertThat(result.resources()).extracting(r -> r.origin().file())
        .containsExactly(link + "/app.yaml", link + "/sub/db.yaml");
  }

  @Test
  void readsLinkedFiles() throws IOException {
    manifest("shared/base.yaml", "base");
    Files.createDirectories(dir.resolve("app"));
    Files.createSymbolicLink(dir.resolve("app/base.yaml"), dir.resolve("shared/base.yaml"));

    ManifestReader.Result result = read(dir + "/app");

    assertThat(result.resources()).extracting(r -> r.origin().file())
        .containsExactly(dir + "/app/base.yaml");
  }

  @Test
  void reportsAMissingInputAndReadsTheOthers() throws IOException {
    manifest("app.yaml", "app");
    ManifestReader.Result result = read(dir + "/missing.yaml", dir.toString());
    assertThat(result.resources()).extracting(Resource::name).containsExactly("app");
    assertThat(result.errors()).extracting(InputError::toString)
        .containsExactly(dir + "/missing.yaml: no such file or directory");
  }

  @Test
  void readsStandardInputInItsPlaceAmongTheInputs() throws IOException {
    manifest("a.yaml", "from-file-a");
    manifest("b.yaml", "from-file-b");
    String stdin = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: from-stdin}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: also-from-stdin}
        """;

    ManifestReader.Result result = new ManifestReader().read(
        List.of(dir + "/a.yaml", "-", dir + "/b.yaml"),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));

    assertThat(result.resources()).extracting(Resource::name)
        .containsExactly("from-file-a", "from-stdin", "also-from-stdin", "from-file-b");
    assertThat(result.resources().get(2).origin()).isEqualTo(Origin.file("-", 1, 5));
    assertThat(result.files()).isEqualTo(3);
  }

  @Test
  void readsEmptyStandardInput() {
    ManifestReader.Result result = new ManifestReader().read(List.of("-"),
        InputStream.nullInputStream());
    assertThat(result.resources()).isEmpty();
    assertThat(result.errors()).isEmpty();
  }

  @Test
  void reportsBrokenStandardInputByName() {
    ManifestReader.Result result = new ManifestReader().read(List.of("-"),
        new ByteArrayInputStream("apiVersion: v1\nkind: [\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(result.errors()).singleElement()
        .satisfies(e -> assertThat(e.toString()).startsWith("-:3: YAML syntax error"));
  }

  private ManifestReader.Result read(String... inputs) {
    return new ManifestReader().read(List.of(inputs), InputStream.nullInputStream());
  }

  private void manifest(String path, String name) throws IOException {
    write(path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n");
  }

  private void write(String path, String text) throws IOException {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
