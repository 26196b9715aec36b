package dev.plumbline.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A finding's field path leads to the line a user has to edit. */
class LineNumbersTest {
  // line numbers are in the comments; the file has two documents
  private static final String MANIFESTS = """
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: web
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels: {app: web, tier: front}
      spec:
        replicas: 2
        template:
          metadata:
            labels:
              app: web
          spec:
            serviceAccountName: web
            initContainers:
              - name: migrate
                image: shop/migrate:1.0
            containers:
              - name: app
                image: shop/web:1.2.0
                securityContext:
                  runAsNonRoot: true
                  allowPrivilegeEscalation: false
              - name: debug
                image: busybox
                command: ["sh", "-c",
                  "sleep infinity"]
                securityContext:
                  privileged:
                    true
            volumes:
              - name: tmp
                emptyDir: {}
      """;

  static Stream<Arguments> paths() {
    return Stream.of(
        arguments("", 6),
        arguments("metadata.name", 9),
        arguments("metadata.labels.tier", 10),
        arguments("spec.template.spec.containers[1].securityContext.privileged", 33),
        arguments("spec.template.spec.containers[1]", 28),
        arguments("spec.template.spec.containers[1].image", 29),
        arguments("spec.template.spec.containers[1].command[2]", 31),
        arguments("spec.template.spec.containers[0].securityContext.runAsNonRoot", 26),
        arguments("spec.template.spec.initContainers[0].image", 21),
        arguments("spec.template.spec.volumes[0].emptyDir", 37),
        // missing fields: the nearest ancestor that is there
        arguments("spec.template.spec.containers[1].securityContext.runAsNonRoot", 32),
        arguments("spec.template.spec.containers[1].resources.limits.memory", 28),
        arguments("spec.template.spec.initContainers[0].securityContext", 20),
        arguments("spec.template.spec.containers[5].image", 22),
        arguments("spec.template.spec.hostNetwork", 17),
        arguments("spec.template.metadata.labels.app.extra", 16));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("paths")
  void mapsFieldPathsToLinesInAMultiDocumentFile(String path, int line) {
    ManifestReader.Result result = new ManifestReader().readString("app.yaml", MANIFESTS);
    Resource deployment = result.resources().get(1);
    assertThat(deployment.origin()).isEqualTo(Origin.file("app.yaml", 1, 6));
    assertThat(deployment.lineOf(FieldPath.parse(path))).isEqualTo(line);
  }

  @Test
  void mapsFieldPathsInsideListItems() {
    ManifestReader.Result result = new ManifestReader().readString("list.yaml", """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: ServiceAccount
            metadata: {name: web}
          - apiVersion: v1
            kind: Pod
            metadata:
              name: debug
            spec:
              containers:
                - name: a
                  image: a:1
                - name: b
                  image: b:1
                  securityContext:
                    privileged: true
        """);
    Resource pod = result.resources().get(1);
    assertThat(pod.origin().line()).isEqualTo(7);
    assertThat(pod.lineOf(FieldPath.ROOT)).isEqualTo(7);
    assertThat(pod.lineOf(FieldPath.parse("spec.containers[1].securityContext.privileged")))
        .isEqualTo(18);
    assertThat(pod.lineOf(FieldPath.parse("spec.containers[0].securityContext"))).isEqualTo(13);
  }

  @Test
  void aliasedValuesPointAtTheAlias() {
    ManifestReader.Result result = new ManifestReader().readString("alias.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: a
              securityContext: &privileged
                privileged: true
            - name: b
              securityContext: *privileged
        """);
    Resource pod = result.resources().get(0);
    assertThat(pod.lineOf(FieldPath.parse("spec.containers[0].securityContext.privileged")))
        .isEqualTo(8);
    assertThat(pod.lineOf(FieldPath.parse("spec.containers[1].securityContext.privileged")))
        .isEqualTo(10);
  }

  @Test
  void mergedValuesPointAtTheMappingThatMergesThem() {
    ManifestReader.Result result = new ManifestReader().readString("merge.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - &base
              name: a
              image: a:1
            - <<: *base
              name: b
        """);
    Resource pod = result.resources().get(0);
    assertThat(pod.lineOf(FieldPath.parse("spec.containers[1].name"))).isEqualTo(10);
    assertThat(pod.lineOf(FieldPath.parse("spec.containers[1].image"))).isEqualTo(9);
  }

  @Test
  void aDuplicateKeyPointsAtTheValueThatIsScanned() {
    ManifestReader.Result result = new ManifestReader().readString("dup.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostPID: false
          hostNetwork: false
          hostPID: true
        """);
    Resource pod = result.resources().get(0);
    assertThat(pod.lineOf(FieldPath.parse("spec.hostPID"))).isEqualTo(7);
    assertThat(pod.lineOf(FieldPath.parse("spec.hostNetwork"))).isEqualTo(6);
  }

  @Test
  void liveObjectsHaveNoLines() {
    Resource live = Resource.of(new java.util.LinkedHashMap<>(java.util.Map.of("kind", "Pod")),
        Origin.live("42"));
    assertThat(live.lineOf(FieldPath.parse("spec.containers[0]"))).isZero();
  }
}
