package dev.plumbline.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Input made to hurt the reader: alias bombs and deep nesting. Each is refused with a clear error,
 * without a StackOverflowError and within bounded memory; the timeouts only guard against hangs.
 */
class HostileInputTest {
  private static final String CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\n";

  /** The classic: nine levels of nine aliases, a billion strings once expanded. */
  static String billionLaughs() {
    StringBuilder sb = new StringBuilder(CONFIG_MAP.formatted("lol"));
    sb.append("data:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    String previous = "a";
    for (char c = 'b'; c <= 'i'; c++) {
      String ref = "*" + previous;
      sb.append("  ").append(c).append(": &").append(c).append(" [")
          .append(String.join(",", java.util.Collections.nCopies(9, ref))).append("]\n");
      previous = String.valueOf(c);
    }
    return sb.toString();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void refusesBillionLaughsWithinBoundedMemory() {
    // fully expanded this is ~387 million nodes: far more than the test JVM's heap
    ManifestReader.Result result = new ManifestReader().readString("lol.yaml",
        billionLaughs() + "---\n" + CONFIG_MAP.formatted("after"));

    assertThat(result.resources()).extracting(Resource::name).containsExactly("after");
    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo("lol.yaml");
      assertThat(e.line()).isBetween(5, 12);
      assertThat(e.message()).contains("billion laughs").contains("document not scanned");
    });
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void refusesAMappingBombToo() {
    StringBuilder sb = new StringBuilder(CONFIG_MAP.formatted("maps"));
    sb.append("x0: &x0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}\n");
    for (int i = 1; i < 10; i++) {
      sb.append("x").append(i).append(": &x").append(i).append(" {");
      for (char k = 'a'; k <= 'h'; k++) {
        sb.append(k).append(": *x").append(i - 1).append(k < 'h' ? ", " : "}\n");
      }
    }
    ManifestReader.Result result = new ManifestReader().readString("maps.yaml", sb.toString());
    assertThat(result.resources()).isEmpty();
    assertThat(result.errors()).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("billion laughs"));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void refusesTooManyAliases() {
    StringBuilder sb = new StringBuilder(CONFIG_MAP.formatted("aliases"));
    sb.append("data:\n  a: &a x\n  b: [");
    sb.append(String.join(",", java.util.Collections.nCopies(20_000, "*a"))).append("]\n");
    ManifestReader.Result result = new ManifestReader().readString("aliases.yaml", sb.toString());
    assertThat(result.resources()).isEmpty();
    assertThat(result.errors()).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("aliases in one document"));
  }

  @Test
  void keepsOrdinaryAnchorsAndAliases() {
    ManifestReader.Result result = new ManifestReader().readString("ok.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, labels: &labels {app: web}}
        spec:
          nodeSelector: *labels
          containers:
            - {name: a, image: a:1, securityContext: &restricted {runAsNonRoot: true}}
            - {name: b, image: b:1, securityContext: *restricted}
        """);
    assertThat(result.errors()).isEmpty();
    assertThat(FieldPath.parse("spec.containers[1].securityContext.runAsNonRoot")
        .lookup(result.resources().get(0).object())).isEqualTo(true);
  }

  static Stream<Arguments> deepDocuments() {
    int levels = 10_000;
    StringBuilder blockMap = new StringBuilder();
    for (int i = 0; i < levels; i++) {
      blockMap.append(" ".repeat(i)).append("a:\n");
    }
    StringBuilder flowMap = new StringBuilder();
    flowMap.append("{a: ".repeat(levels)).append('1').append("}".repeat(levels));
    return Stream.of(
        arguments("block mappings", blockMap.toString(), 513),
        arguments("block sequences", "- ".repeat(levels) + "x\n", 1),
        arguments("flow sequences", "[".repeat(levels) + "]".repeat(levels) + "\n", 1),
        arguments("flow mappings", flowMap.toString(), 1),
        arguments("unclosed flow sequences", "[".repeat(levels), 1),
        arguments("a million unclosed flow sequences", "[".repeat(1_000_000), 1),
        arguments("flow sequences inside a manifest", "apiVersion: v1\nkind: ConfigMap\n"
            + "data:\n  x: " + "[".repeat(levels) + "]".repeat(levels) + "\n", 4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deepDocuments")
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void refusesDeepNestingWithoutStackOverflow(String what, String text, int line) {
    ManifestReader.Result result = new ManifestReader()
        .readString("deep.yaml", CONFIG_MAP.formatted("before") + "---\n" + text);

    assertThat(result.resources()).extracting(Resource::name).containsExactly("before");
    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(line + 4);
      assertThat(e.message()).isEqualTo("nesting deeper than 512 levels; rest of the file not read");
    });
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void refusesDeeplyNestedJsonWithoutStackOverflow() {
    String json = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}}\n"
        + "{\"x\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}\n";
    ManifestReader.Result result = new ManifestReader()
        .read(List.of("-"), new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));

    assertThat(result.resources()).extracting(Resource::name).containsExactly("a");
    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(2);
      assertThat(e.message()).contains("nesting deeper than 512 levels");
    });
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void refusesAliasesThatNestDeeperThanTheLimit() {
    // each anchor wraps the previous one in 500 levels: 20 KB that used to expand into a
    // 10,000-level structure and overflow the stack when copied
    StringBuilder sb = new StringBuilder(CONFIG_MAP.formatted("nested"));
    sb.append("data:\n  a0: &a0 ").append("[".repeat(500)).append("]".repeat(500)).append('\n');
    for (int i = 1; i <= 20; i++) {
      sb.append("  a").append(i).append(": &a").append(i).append(" ").append("[".repeat(500))
          .append("*a").append(i - 1).append("]".repeat(500)).append('\n');
    }
    sb.append("---\n").append(CONFIG_MAP.formatted("after"));

    ManifestReader.Result result = new ManifestReader().readString("nested.yaml", sb.toString());

    assertThat(result.resources()).extracting(Resource::name).containsExactly("after");
    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(6);
      assertThat(e.message()).isEqualTo("alias *a0 nests deeper than 512 levels; "
          + "document not scanned");
    });
  }

  @Test
  void acceptsNestingUpToTheLimit() {
    // 512 levels in all: the document mapping, data, and 510 sequences
    String text = CONFIG_MAP.formatted("deep") + "data:\n  x: " + "[".repeat(510) + "1"
        + "]".repeat(510) + "\n";
    ManifestReader.Result result = new ManifestReader().readString("ok.yaml", text);
    assertThat(result.errors()).isEmpty();
    assertThat(result.resources()).hasSize(1);
  }
}
