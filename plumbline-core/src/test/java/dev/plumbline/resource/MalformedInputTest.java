package dev.plumbline.resource;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Input that is broken rather than hostile: syntax errors, duplicate keys, binary files and
 * encodings. Each problem names the file and line, and never stops the other files.
 */
class MalformedInputTest {
  @TempDir
  Path dir;

  private static final String CONFIG_MAP = """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: %s
      data:
        key: value
      """;

  @Test
  void reportsSyntaxErrorWithFileAndLineAndReadsEverythingElse() throws IOException {
    write("a-good.yaml", CONFIG_MAP.formatted("before"));
    write("b-broken.yaml", CONFIG_MAP.formatted("first") + """
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: second
          labels: [unclosed
        data:
          key: value
        """);
    write("c-good.yaml", CONFIG_MAP.formatted("after"));

    ManifestReader.Result result = readDir();

    assertThat(names(result)).containsExactly("before", "first", "after");
    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo(dir + "/b-broken.yaml");
      assertThat(e.line()).isEqualTo(13);
      assertThat(e.message()).startsWith("YAML syntax error");
    });
    assertThat(result.files()).isEqualTo(3);
  }

  static Stream<Arguments> syntaxErrors() {
    return Stream.of(
        arguments("bad indentation", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n"
            + "   labels: x\n", 5),
        arguments("tab indentation", "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: a\n", 4),
        arguments("unclosed quote", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"a\n", 5),
        arguments("unclosed flow mapping", "apiVersion: v1\nkind: Pod\nmetadata: {name: a\n",
            4),
        arguments("key without value in flow", "apiVersion: v1\nkind: Pod\nspec: {a: [}\n", 3),
        arguments("undefined tag handle", "apiVersion: v1\nkind: Pod\nspec: !x!y z\n", 3),
        arguments("a block scalar that ends badly", "a: |\n  b\n c: d\n- e\n", 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("syntaxErrors")
  void namesTheLineOfASyntaxError(String what, String text, int line) {
    ManifestReader.Result result = new ManifestReader().readString("bad.yaml", text);
    assertThat(result.resources()).isEmpty();
    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo("bad.yaml");
      assertThat(e.line()).isEqualTo(line);
      assertThat(e.toString()).startsWith("bad.yaml:" + line + ": ");
    });
  }

  @Test
  void reportsDuplicateKeyWithBothLinesAndKeepsTheLastValue() {
    ManifestReader.Result result = new ManifestReader().readString("dup.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: first
          labels: {app: a}
          name: second
        spec:
          containers:
            - name: app
              image: app:1
              securityContext: {privileged: false, privileged: true}
        """);

    assertThat(result.resources()).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("second");
      assertThat(FieldPath.parse("spec.containers[0].securityContext.privileged")
          .lookup(r.object())).isEqualTo(true);
      assertThat(r.lineOf(FieldPath.parse("metadata.name"))).isEqualTo(6);
    });
    assertThat(result.errors()).extracting(InputError::line).containsExactly(6, 11);
    assertThat(result.errors().get(0).message())
        .contains("duplicate key 'name'").contains("first defined at line 4");
    assertThat(result.errors().get(1).message())
        .contains("duplicate key 'privileged'").contains("first defined at line 11");
  }

  @Test
  void keysThatMeanTheSameToKubernetesAreDuplicates() {
    // on and yes are both the boolean true in YAML 1.1, so both keys are "true"
    ManifestReader.Result result = new ManifestReader().readString("dup.yaml",
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  on: a\n  yes: b\n");
    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(5);
      assertThat(e.message()).contains("duplicate key 'true'").contains("line 4");
    });
    assertThat(FieldPath.parse("data")
        .lookup(result.resources().get(0).object())).isEqualTo(java.util.Map.of("true", "b"));
  }

  static Stream<Arguments> binaryFiles() {
    byte[] random = new byte[4096];
    new Random(42).nextBytes(random);
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H',
        'D', 'R', 0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0};
    byte[] nul = "apiVersion: v1\nkind: ConfigMap\u0000\n".getBytes(UTF_8);
    byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    return Stream.of(
        arguments("random bytes", random, 0, "binary file"),
        arguments("a PNG image", png, 0, "binary file"),
        arguments("a NUL byte", nul, 0, "binary file"),
        arguments("a gzip header", gzip, 0, "binary file"),
        arguments("Latin-1, not UTF-8", "apiVersion: v1\nkind: ConfigMap\n# caf\u00e9\n"
            .getBytes(StandardCharsets.ISO_8859_1), 3, "not valid UTF-8 text"),
        arguments("a truncated UTF-8 sequence", concat(CONFIG_MAP.formatted("x").getBytes(UTF_8),
            new byte[] {'#', ' ', (byte) 0xe2, (byte) 0x82}), 7, "not valid UTF-8 text"),
        arguments("a control character",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\u0007}\n".getBytes(UTF_8), 3,
            "control character U+0007"),
        arguments("a C1 control character, which only YAML forbids",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\u0090}\n".getBytes(UTF_8), 0,
            "character U+0090 is not allowed in YAML"),
        arguments("a NUL byte after the first 8 KB",
            ("apiVersion: v1\nkind: ConfigMap\ndata:\n  k: " + "x".repeat(9000) + "\n  z: \u0000\n")
                .getBytes(UTF_8), 5, "control character U+0000"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaryFiles")
  void refusesBinaryFilesWithAClearErrorAndReadsTheOthers(String what, byte[] content, int line,
      String message) throws IOException {
    Files.write(dir.resolve("a-binary.yaml"), content);
    write("b-good.yaml", CONFIG_MAP.formatted("good"));

    ManifestReader.Result result = readDir();

    assertThat(names(result)).containsExactly("good");
    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo(dir + "/a-binary.yaml");
      assertThat(e.line()).isEqualTo(line);
      assertThat(e.message()).contains(message).endsWith("not a manifest");
    });
  }

  @Test
  void refusesBinaryStandardInput() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    ManifestReader.Result result = new ManifestReader()
        .read(List.of("-"), new java.io.ByteArrayInputStream(png));
    assertThat(result.errors()).singleElement()
        .satisfies(e -> assertThat(e.toString()).startsWith("-: binary file"));
  }

  static Stream<Arguments> encodings() {
    String text = CONFIG_MAP.formatted("caf\u00e9") + "---\n" + CONFIG_MAP.formatted("second");
    return Stream.of(
        arguments("UTF-8", text.getBytes(UTF_8)),
        arguments("UTF-8 with BOM", concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
            text.getBytes(UTF_8))),
        arguments("UTF-16LE with BOM", ("\uFEFF" + text).getBytes(StandardCharsets.UTF_16LE)),
        arguments("UTF-16BE with BOM", ("\uFEFF" + text).getBytes(StandardCharsets.UTF_16BE)),
        arguments("CRLF line endings", text.replace("\n", "\r\n").getBytes(UTF_8)),
        arguments("CR line endings", text.replace("\n", "\r").getBytes(UTF_8)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encodings")
  void readsEncodingsAndLineEndingsWithTheRightLines(String what, byte[] content)
      throws IOException {
    Files.write(dir.resolve("m.yaml"), content);

    ManifestReader.Result result = readDir();

    assertThat(result.errors()).isEmpty();
    assertThat(names(result)).containsExactly("caf\u00e9", "second");
    Resource second = result.resources().get(1);
    assertThat(second.origin().line()).isEqualTo(8);
    assertThat(second.lineOf(FieldPath.parse("metadata.name"))).isEqualTo(11);
    assertThat(second.lineOf(FieldPath.parse("data.key"))).isEqualTo(13);
  }

  @Test
  void readsADocumentThatStartsWithAByteOrderMarkAfterConcatenation() throws IOException {
    // cat a.yaml b.yaml, where both were saved with a BOM: kubectl applies both objects
    byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bom);
    out.write(CONFIG_MAP.formatted("a").getBytes(UTF_8));
    out.write("---\n".getBytes(UTF_8));
    out.write(bom);
    out.write("""
        apiVersion: v1
        kind: Pod
        metadata: {name: hidden}
        spec:
          containers:
            - {name: x, image: x:1, securityContext: {privileged: true}}
        """.getBytes(UTF_8));
    out.write(bom);
    out.write("---\n".getBytes(UTF_8));
    out.write(CONFIG_MAP.formatted("c").getBytes(UTF_8));

    ManifestReader.Result result = new ManifestReader()
        .read(List.of("-"), new java.io.ByteArrayInputStream(out.toByteArray()));

    assertThat(result.errors()).isEmpty();
    assertThat(result.notes()).isEmpty();
    assertThat(result.resources()).extracting(r -> r.ref().display())
        .containsExactly("ConfigMap/a", "Pod/hidden", "ConfigMap/c");
    assertThat(result.resources().get(1).lineOf(
        FieldPath.parse("spec.containers[0].securityContext.privileged"))).isEqualTo(13);
  }

  private ManifestReader.Result readDir() {
    return new ManifestReader().read(List.of(dir.toString()), InputStream.nullInputStream());
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  static List<String> names(ManifestReader.Result result) {
    return result.resources().stream().map(Resource::name).toList();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
