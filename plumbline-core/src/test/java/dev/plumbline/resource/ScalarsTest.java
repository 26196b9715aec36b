package dev.plumbline.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * YAML 1.1 scalars as Kubernetes reads them (go-yaml v2 through sigs.k8s.io/yaml, then JSON):
 * a scanner that reads them otherwise judges a different object from the one the cluster runs.
 */
class ScalarsTest {

  static Stream<Arguments> plainScalars() {
    return Stream.of(
        // booleans: every YAML 1.1 spelling, in the three cases go-yaml knows
        arguments("y", true), arguments("Y", true), arguments("yes", true),
        arguments("Yes", true), arguments("YES", true), arguments("on", true),
        arguments("On", true), arguments("ON", true), arguments("true", true),
        arguments("True", true), arguments("TRUE", true),
        arguments("n", false), arguments("N", false), arguments("no", false),
        arguments("No", false), arguments("NO", false), arguments("off", false),
        arguments("Off", false), arguments("OFF", false), arguments("false", false),
        arguments("False", false), arguments("FALSE", false),
        // ... and nothing else
        arguments("yES", "yES"), arguments("oN", "oN"), arguments("tRUE", "tRUE"),
        arguments("enabled", "enabled"),
        // null
        arguments("~", null), arguments("null", null), arguments("Null", null),
        arguments("NULL", null), arguments("", null), arguments("nULL", "nULL"),
        // integers: decimal, octal (leading 0 and 0o), hex, binary, underscores, signs
        arguments("0", 0L), arguments("00", 0L), arguments("42", 42L), arguments("+42", 42L),
        arguments("-42", -42L), arguments("0777", 511L), arguments("-0777", -511L),
        arguments("0o17", 15L), arguments("0O17", 15L), arguments("0x1F", 31L),
        arguments("0X1f", 31L), arguments("-0x10", -16L), arguments("+0x10", 16L),
        arguments("0b101", 5L), arguments("-0b101", -5L), arguments("1_000", 1000L),
        arguments("1__0", 10L), arguments("08", 8L), arguments("9223372036854775807",
            Long.MAX_VALUE),
        // floats: integral ones arrive as integers once the object is JSON
        arguments("1e3", 1000L), arguments("1E3", 1000L), arguments("1.5e3", 1500L),
        arguments("0.0", 0L), arguments("-0.0", 0L), arguments("1.", 1L), arguments("1.5", 1.5),
        arguments(".5", 0.5), arguments("-.5", -0.5), arguments("6.02e23", 6.02e23),
        arguments(".inf", Double.POSITIVE_INFINITY), arguments(".Inf", Double.POSITIVE_INFINITY),
        arguments("+.INF", Double.POSITIVE_INFINITY),
        arguments("-.inf", Double.NEGATIVE_INFINITY), arguments(".nan", Double.NaN),
        arguments(".NaN", Double.NaN), arguments(".NAN", Double.NaN),
        // strings that look almost like something else
        arguments("0x", "0x"), arguments("0b2", "0b2"), arguments("0o8", "0o8"),
        arguments("1.2.3", "1.2.3"), arguments("v1", "v1"), arguments("-1-", "-1-"),
        arguments(".", "."), arguments("_1", "_1"), arguments("+.nan", "+.nan"),
        // timestamps and sexagesimal numbers stay strings in go-yaml v2
        arguments("2024-01-31", "2024-01-31"), arguments("12:30:00", "12:30:00"),
        arguments("1:20", "1:20"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("plainScalars")
  void resolvesPlainScalarsLikeKubernetes(String text, Object expected) {
    assertThat(Scalars.resolvePlain(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("plainScalars")
  void readsPlainValuesInManifestsLikeKubernetes(String text, Object expected) {
    assertThat(valueOf("v: " + text)).isEqualTo(expected);
  }

  static Stream<Arguments> styledScalars() {
    return Stream.of(
        arguments("\"yes\"", "yes"), arguments("'yes'", "yes"), arguments("\"0777\"", "0777"),
        arguments("'1e3'", "1e3"), arguments("\"\"", ""), arguments("\"~\"", "~"),
        arguments("!!str 123", "123"), arguments("!!str yes", "yes"),
        arguments("!!str", ""), arguments("! 123", "123"),
        arguments("!!int \"12\"", 12L), arguments("!!float 1", 1L),
        arguments("!!float \"2.5\"", 2.5), arguments("!!bool \"on\"", true),
        arguments("!!null \"\"", null),
        // local tags do not change how Kubernetes reads the value
        arguments("!custom yes", true),
        arguments("|\n  yes\n", "yes\n"), arguments(">-\n  on\n", "on"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("styledScalars")
  void quotedAndTaggedScalarsKeepTheirMeaning(String text, Object expected) {
    assertThat(valueOf("v: " + text)).isEqualTo(expected);
  }

  @Test
  void privilegedYesIsTrue() {
    ManifestReader.Result result = new ManifestReader().readString("pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              image: app:1
              securityContext:
                privileged: yes
                runAsUser: 0o0
        """);
    Object context = FieldPath.parse("spec.containers[0].securityContext")
        .lookup(result.resources().get(0).object());
    assertThat(context).isEqualTo(Map.of("privileged", true, "runAsUser", 0L));
  }

  static Stream<Arguments> keys() {
    return Stream.of(
        arguments("on", "true"), arguments("yes", "true"), arguments("off", "false"),
        arguments("y", "true"), arguments("~", "null"), arguments("null", "null"),
        arguments("1", "1"), arguments("0x10", "16"), arguments("0777", "511"),
        arguments("1.5", "1.5"), arguments("1e3", "1000"), arguments("\"on\"", "on"),
        arguments("'yes'", "yes"), arguments("!!str 1e3", "1e3"),
        arguments("app.kubernetes.io/name", "app.kubernetes.io/name"));
  }

  @ParameterizedTest(name = "{0} -> \"{1}\"")
  @MethodSource("keys")
  void keysBecomeTheStringsJsonWouldCarry(String key, String expected) {
    Map<String, Object> map = mapOf(key + ": x");
    assertThat(map).containsOnlyKeys(expected);
  }

  @Test
  void githubWorkflowOnKeyBecomesTrue() {
    // the well-known surprise: GitHub reads this as YAML 1.2, Kubernetes tooling as YAML 1.1
    Map<String, Object> map = mapOf("on:\n  push:\n    branches: [main]\n");
    assertThat(map).containsOnlyKeys("true");
  }

  @Test
  void mergeKeyCopiesEntriesAndExplicitKeysWin() {
    Map<String, Object> map = mapOf("""
        base: &base {cpu: 100m, memory: 64Mi}
        v:
          <<: *base
          memory: 128Mi
        """);
    assertThat(map.get("v")).isEqualTo(Map.of("cpu", "100m", "memory", "128Mi"));
  }

  @Test
  void mergeKeyWithListTakesEarlierMappingsFirst() {
    Map<String, Object> map = mapOf("""
        a: &a {p: 1, q: 1}
        b: &b {q: 2, r: 2}
        v:
          <<: [*a, *b]
          r: 3
        """);
    assertThat(map.get("v")).isEqualTo(Map.of("p", 1L, "q", 1L, "r", 3L));
  }

  @Test
  void mergeKeyWorksInsideManifests() {
    ManifestReader.Result result = new ManifestReader().readString("d.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - &app
              name: app
              image: app:1
              securityContext: {privileged: false}
            - <<: *app
              name: debug
              securityContext: {privileged: on}
        """);
    assertThat(result.errors()).isEmpty();
    Object debug = FieldPath.parse("spec.containers[1]").lookup(
        result.resources().get(0).object());
    assertThat(debug).isEqualTo(Map.of("name", "debug", "image", "app:1",
        "securityContext", Map.of("privileged", true)));
  }

  @Test
  void quotedMergeKeyIsAnOrdinaryKey() {
    Map<String, Object> map = mapOf("a: &a {x: 1}\nv: {\"<<\": *a}\n");
    assertThat(map.get("v")).isEqualTo(Map.of("<<", Map.of("x", 1L)));
  }

  @Test
  void mergeKeyOfAScalarIsAnError() {
    ManifestReader.Result result = new ManifestReader().readString("m.yaml",
        "apiVersion: v1\nkind: ConfigMap\na: &a 1\ndata:\n  <<: *a\n");
    assertThat(result.resources()).isEmpty();
    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(5);
      assertThat(e.message()).contains("merge key '<<' needs a mapping");
    });
  }

  private static Object valueOf(String yaml) {
    return mapOf(yaml).get("v");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapOf(String yaml) {
    List<YamlFile.Document> documents = YamlFile.parse("t.yaml", yaml);
    assertThat(documents).hasSize(1);
    return (Map<String, Object>) documents.get(0).root();
  }
}
