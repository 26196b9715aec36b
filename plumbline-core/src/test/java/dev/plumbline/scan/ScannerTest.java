package dev.plumbline.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.control.Library;
import dev.plumbline.control.Severity;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.resource.ManifestReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScannerTest {
  static final Library LIBRARY = load();
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T10:00:00Z"), ZoneOffset.UTC);

  private static Library load() {
    try {
      return Library.load(Path.of(ScannerTest.class.getResource("/scan-library").toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static final String MANIFESTS = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: edge
        namespace: net
        labels: {app: edge}
      spec:
        template:
          metadata:
            labels: {app: edge}
          spec:
            hostNetwork: true
            containers:
              - name: proxy
                image: envoy:1.30
                resources:
                  limits: {memory: 128Mi}
              - name: logger
                image: fluent-bit:3.0
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: edge
        namespace: net
      spec:
        type: NodePort
        selector: {app: edge}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: quiet
        namespace: apps
      spec:
        containers:
          - name: app
            image: app:1.0
            resources:
              limits: {memory: 64Mi}
      ---
      apiVersion: example.com/v1
      kind: Widget
      metadata:
        name: w
      """;

  private static ScanResult scan(ScanOptions options, String text) {
    return new Scanner(options.withClock(CLOCK))
        .scan(new ManifestReader().readString("app.yaml", text));
  }

  private static ScanOptions all() {
    return ScanOptions.of(Selection.resolve(LIBRARY, List.of(), List.of(), null, Map.of()));
  }

  @Test
  void findsProblemsWithEvidenceFromEveryTarget() {
    ScanResult result = scan(all(), MANIFESTS);
    assertThat(result.findings()).extracting(f -> f.controlId() + " " + f.resource().display()
            + " " + f.path() + " line " + f.line())
        .containsExactly(
            "host-network Deployment/net/edge spec.template.spec.hostNetwork line 12",
            "no-limits Deployment/net/edge spec.template.spec.containers[1].resources.limits.memory line 18",
            "exposed-service Service/net/edge spec.type line 27");
    Finding f = result.findings().get(1);
    assertThat(f.message()).isEqualTo("Container \"logger\" has no memory limit.");
    assertThat(f.value()).isNull();
    assertThat(f.targetPath().toString()).isEqualTo("spec.template.spec.containers[1]");
    assertThat(result.findings().get(2).value()).isEqualTo("NodePort");
  }

  @Test
  void explicitNullsAreUnsetNotEvaluationErrors() {
    ScanResult result = scan(all(), """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: apps}
        spec:
          hostNetwork: null
          containers:
            - name: app
              image: app:1.0
              resources: {limits: {memory: null}}
        """);
    assertThat(result.errors()).isEmpty();
    assertThat(result.findings()).extracting(f -> f.controlId() + " " + f.path())
        .containsExactly("no-limits spec.containers[0].resources.limits.memory");
  }

  @Test
  void kindsNoControlJudgesAreListedAsNotScanned() {
    ScanResult result = scan(all(), MANIFESTS);
    assertThat(result.notScanned()).containsExactly(Map.entry("Widget", 1));
    assertThat(result.judged()).hasSize(3);
  }

  @Test
  void objectsOwnedByAScannedWorkloadAreJudgedThroughIt() {
    String owned = """
        ---
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: edge-5d8f
          namespace: net
          ownerReferences:
            - {apiVersion: apps/v1, kind: Deployment, name: edge, uid: u1, controller: true}
        spec:
          template:
            spec:
              hostNetwork: true
              containers: [{name: proxy, image: envoy:1.30}]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: edge-5d8f-x1
          namespace: net
          ownerReferences:
            - {apiVersion: apps/v1, kind: ReplicaSet, name: edge-5d8f, uid: u2, controller: true}
        spec:
          hostNetwork: true
          containers: [{name: proxy, image: envoy:1.30}]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: orphan
          namespace: net
          ownerReferences:
            - {apiVersion: apps/v1, kind: ReplicaSet, name: gone, uid: u3, controller: true}
        spec:
          hostNetwork: true
          containers: [{name: app, image: app:1.0, resources: {limits: {memory: 1Gi}}}]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: watched
          namespace: net
          ownerReferences:
            - {apiVersion: apps/v1, kind: Deployment, name: edge, uid: u1, controller: false}
        spec:
          containers: [{name: app, image: app:1.0, resources: {limits: {memory: 1Gi}}}]
        """;
    ScanResult result = scan(all(), MANIFESTS + owned);
    // the ReplicaSet and its Pod repeat the Deployment's template: not judged again
    assertThat(result.throughController()).containsExactly(Map.entry("Pod", 1),
        Map.entry("ReplicaSet", 1));
    assertThat(result.findings()).extracting(f -> f.controlId() + " " + f.resource().display())
        .filteredOn(s -> s.startsWith("host-network"))
        .containsExactly("host-network Deployment/net/edge", "host-network Pod/net/orphan");
    // an owner that is not the controller, or a controller not in the scan, does not count
    assertThat(result.judged()).extracting(j -> j.resource().name())
        .contains("orphan", "watched").doesNotContain("edge-5d8f", "edge-5d8f-x1");
  }

  @Test
  void findingIdsAreStableAcrossScansAndApiVersions() {
    String first = scan(all(), MANIFESTS).findings().get(0).id();
    String again = scan(all(), MANIFESTS.replace("apps/v1", "apps/v1beta2")).findings().get(0).id();
    assertThat(first).hasSize(16).isEqualTo(again);
  }

  @Test
  void namespaceFilterJudgesOnlyThoseNamespaces() {
    ScanResult result = scan(all().withNamespaces(Set.of("apps")), MANIFESTS);
    assertThat(result.findings()).isEmpty();
    assertThat(result.judged()).extracting(j -> j.resource().name()).containsExactly("quiet");
  }

  @Test
  void exceptionsSuppressButKeepFindingsAndExpire() {
    ExceptionSet exceptions = ExceptionSet.parse("exceptions.yaml", """
        exceptions:
          - controls: [missing-limits]
            namespaces: ["n*"]
            reason: the logger is capped by its runtime
            owner: sre@example.com
            expires: 2026-12-31
          - controls: [host-network]
            names: [edge]
            reason: old
            owner: sre@example.com
            expires: 2026-01-01
        """, id -> LIBRARY.control(id) != null);
    ScanResult result = scan(all().withExceptions(exceptions), MANIFESTS);
    assertThat(result.findings()).extracting(Finding::controlId)
        .containsExactly("host-network", "exposed-service");
    assertThat(result.suppressed()).singleElement().satisfies(s -> {
      assertThat(s.finding().controlId()).isEqualTo("no-limits");
      assertThat(s.exception().owner()).isEqualTo("sre@example.com");
    });
    assertThat(result.expiredExceptions()).extracting(e -> e.line()).containsExactly(7);
    ControlResult limits = result.controls().stream()
        .filter(c -> c.control().id().equals("no-limits")).findFirst().orElseThrow();
    assertThat(limits.evaluated()).isEqualTo(2);
    assertThat(limits.failed()).isZero();
    assertThat(limits.suppressed()).isEqualTo(1);
  }

  @Test
  void exceptionNamingAnUnknownControlIsAnErrorWithItsLine() {
    assertThatThrownBy(() -> ExceptionSet.parse("ex.yaml", """
        exceptions:
          - controls: [no-limits, nope]
            reason: r
            owner: o
            expires: 2027-01-01
        """, id -> LIBRARY.control(id) != null))
        .hasMessage("ex.yaml:2: exceptions[0].controls[1]: unknown control 'nope'");
  }

  @Test
  void anExpressionThatFailsIsAnInputErrorNotAFindingNorAPass() {
    // exposed-service reads object.metadata.namespace strictly: a Service without one fails it.
    ScanResult result = scan(all(), """
        apiVersion: v1
        kind: Service
        metadata: {name: odd}
        spec: {type: NodePort}
        """);
    assertThat(result.findings()).isEmpty();
    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo("app.yaml");
      assertThat(e.line()).isEqualTo(1);
      assertThat(e.message()).contains("Service/odd: control exposed-service could not be "
          + "evaluated");
    });
    assertThat(result.controls()).filteredOn(c -> c.control().id().equals("exposed-service"))
        .singleElement().satisfies(c -> assertThat(c.evaluated()).isZero());
  }

  @Test
  void scoresRequirementsFrameworksAndPosture() {
    ScanResult result = scan(all(), MANIFESTS);
    FrameworkScore demo = result.frameworks().get(0);
    // net-1: host-network passes 1 of 2 (Deployment fails, Pod passes), exposed-service 0 of 1
    // -> (50 + 0) / 2; res-1: no-limits passes 1 of 2 -> 50
    assertThat(demo.requirements()).extracting(r -> r.requirement().id() + " " + r.status()
        + " " + r.score()).containsExactly("net-1 FAIL 25.0", "res-1 FAIL 50.0",
        "doc-1 MANUAL NaN");
    assertThat(demo.score()).isEqualTo(37.5);
    // weights: host-network critical 10 x (0/2: Deployment and Pod), exposed-service high 6 x 0/1,
    // no-limits low 1 x 1/2
    assertThat(result.postureScore()).isCloseTo(100.0 * (10 * 1 + 0 + 1) / (10 * 2 + 6 + 2),
        org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void severityFilterAndOverridesApply() {
    Selection selection = Selection.resolve(LIBRARY, List.of(), List.of(), Severity.HIGH,
        Map.of("missing-limits", Severity.CRITICAL));
    assertThat(selection.controls()).extracting(c -> c.id())
        .containsExactly("exposed-service", "host-network", "no-limits");
    ScanResult result = scan(ScanOptions.of(selection), MANIFESTS);
    assertThat(result.findings().get(1).severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void unknownIdsAreErrorsWithASuggestion() {
    assertThatThrownBy(() -> Selection.resolve(LIBRARY, List.of(), List.of("host-netwrk"), null,
        Map.of())).hasMessageContaining("unknown control 'host-netwrk' (did you mean 'host-network'?)");
    assertThatThrownBy(() -> Selection.resolve(LIBRARY, List.of("cis"), List.of(), null,
        Map.of())).hasMessageContaining("unknown framework 'cis' (known: demo)");
  }
}
