package dev.plumbline.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Library;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Patches for live objects, against fabric8's mock API server. The mock ignores
 * {@code dryRun=All} (it applies a dry run like any patch) and merges strategic merge patches as
 * JSON merge patches, so these tests check the requests and the patches, not what a real API
 * server would make of them.
 */
class ClusterFixerTest {
  private static final List<String> CONTROLS = List.of("privilege-escalation-allowed",
      "privileged-containers", "naked-pods");

  private MockCluster cluster;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    client = cluster.client();
    client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
        .withNewMetadata().withName("web").withNamespace("shop").endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec()
        .addNewContainer().withName("web").withImage("nginx:1.27").withNewSecurityContext()
        .withPrivileged(true).endSecurityContext().endContainer()
        .addNewContainer().withName("sidecar").withImage("envoy:1.31").withNewSecurityContext()
        .withAllowPrivilegeEscalation(false).endSecurityContext().endContainer()
        .addNewContainer().withName("logger").withImage("fluent-bit:3.2").endContainer()
        .endSpec().endTemplate().endSpec().build()).create();
    // a pod whose controller is not among the objects read: it must not be patched
    client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata()
        .withName("worker-abc").withNamespace("shop").addNewOwnerReference()
        .withApiVersion("example.com/v1").withKind("Worker").withName("worker")
        .withUid("u-1").withController(true).endOwnerReference().endMetadata()
        .withNewSpec().addNewContainer().withName("w").withImage("busybox:1.36").endContainer()
        .endSpec().build()).create();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private ClusterFixer.Plan plan(boolean all) throws ClusterException {
    return plan(all, CONTROLS);
  }

  private ClusterFixer.Plan plan(boolean all, List<String> controls) throws ClusterException {
    Selection selection = Selection.resolve(Library.builtIn(), List.of(), controls, null,
        Map.of());
    ClusterReader.Result read = new ClusterReader(client)
        .read(ClusterReader.kindsFor(selection.controls()), Set.of());
    ScanResult result = new Scanner(ScanOptions.of(selection))
        .scan(read.resources(), read.errors(), read.notes(), 0);
    return ClusterFixer.plan(read.resources(), result.findings(), all);
  }

  @Test
  void onePatchPerOwningWorkloadMergingContainersByName() throws Exception {
    ClusterFixer.Plan plan = plan(true);
    assertThat(plan.patches()).hasSize(1);
    ClusterFixer.Patch patch = plan.patches().get(0);
    assertThat(patch.target().display()).isEqualTo("Deployment/shop/web");
    assertThat(patch.body()).isEqualTo(Map.of("spec", Map.of("template", Map.of("spec",
        Map.of("containers", List.of(
            Map.of("name", "web", "securityContext", Map.of("privileged", false)),
            Map.of("name", "logger", "securityContext",
                Map.of("allowPrivilegeEscalation", false))))))));
    assertThat(patch.yaml()).isEqualTo("""
        # Deployment/shop/web: privilege-escalation-allowed, privileged-containers
        spec:
          template:
            spec:
              containers:
                - name: web
                  securityContext:
                    privileged: false
                - name: logger
                  securityContext:
                    allowPrivilegeEscalation: false
        """);
    assertThat(patch.kubectl()).isEqualTo("kubectl patch deployment web -n shop --type "
        + "strategic -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\","
        + "\"securityContext\":{\"privileged\":false}},{\"name\":\"logger\",\"securityContext\":"
        + "{\"allowPrivilegeEscalation\":false}}]}}}}'");
  }

  @Test
  void aPatchThePrivilegedContainerWouldRefuseIsLeftForAPerson() throws Exception {
    // allowPrivilegeEscalation: false next to privileged: true: the API server refuses it, so
    // privilege-escalation-allowed's patch is withheld from that container (decided on the
    // object as read, so also when privileged-containers' patch changes it in the same plan)
    for (boolean all : List.of(false, true)) {
      ClusterFixer.Plan plan = plan(all);
      assertThat(plan.left()).anySatisfy(l -> {
        assertThat(l.finding().controlId()).isEqualTo("privilege-escalation-allowed");
        assertThat(l.finding().path().toString()).isEqualTo(
            "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation");
        assertThat(l.reason()).isEqualTo(dev.plumbline.control.Remediation.WITHHELD);
      });
      assertThat(plan.patches()).singleElement().satisfies(p -> assertThat(p.findings())
          .noneMatch(f -> f.path().toString().contains("containers[0].securityContext.allow")));
    }
  }

  @Test
  void podsOwnedByAControllerAreLeftForTheirOwner() throws Exception {
    ClusterFixer.Plan plan = plan(true);
    assertThat(plan.left()).anySatisfy(l -> {
      assertThat(l.finding().resource().display()).isEqualTo("Pod/shop/worker-abc");
      assertThat(l.reason()).contains("managed by Worker worker");
    });
    assertThat(plan.patches()).noneMatch(p -> p.target().kind().equals("Pod"));
  }

  @Test
  void mirrorPodsAreNotPatchedButAHostedControlPlaneIs() throws Exception {
    // the kubelet's copy of a static pod, with and without its owner reference to the node
    client.pods().inNamespace("kube-system").resource(new PodBuilder().withNewMetadata()
        .withName("kube-apiserver-cp-1").withNamespace("kube-system")
        .addToAnnotations("kubernetes.io/config.mirror", "0e3c4a3b")
        .addNewOwnerReference().withApiVersion("v1").withKind("Node").withName("cp-1")
        .withUid("n-1").withController(true).endOwnerReference().endMetadata()
        .withNewSpec().addNewContainer().withName("kube-apiserver")
        .withImage("registry.k8s.io/kube-apiserver:v1.31.0")
        .withCommand("kube-apiserver", "--secure-port=6443").endContainer()
        .endSpec().build()).create();
    client.pods().inNamespace("kube-system").resource(new PodBuilder().withNewMetadata()
        .withName("kube-apiserver-cp-2").withNamespace("kube-system")
        .addToAnnotations("kubernetes.io/config.mirror", "7f00a1c2").endMetadata()
        .withNewSpec().addNewContainer().withName("kube-apiserver")
        .withImage("registry.k8s.io/kube-apiserver:v1.31.0")
        .withCommand("kube-apiserver", "--profiling=true").endContainer()
        .endSpec().build()).create();
    client.apps().deployments().inNamespace("tenant-a").resource(new DeploymentBuilder()
        .withNewMetadata().withName("kube-apiserver").withNamespace("tenant-a").endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "api").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "api").endMetadata()
        .withNewSpec().addNewContainer().withName("kube-apiserver")
        .withImage("registry.k8s.io/kube-apiserver:v1.31.0")
        .withCommand("kube-apiserver").withArgs("--secure-port=6443").endContainer()
        .endSpec().endTemplate().endSpec().build()).create();

    ClusterFixer.Plan plan = plan(true, List.of("apiserver-profiling-enabled"));

    assertThat(plan.left()).extracting(l -> l.finding().resource().display(),
        ClusterFixer.Left::reason).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("Pod/kube-system/kube-apiserver-cp-1",
                ClusterFixer.MIRROR),
            org.assertj.core.groups.Tuple.tuple("Pod/kube-system/kube-apiserver-cp-2",
                ClusterFixer.MIRROR));
    assertThat(plan.left()).allSatisfy(l -> assertThat(l.finding().patchable()).isFalse());
    assertThat(plan.patches()).singleElement().satisfies(p -> {
      assertThat(p.target().display()).isEqualTo("Deployment/tenant-a/kube-apiserver");
      // args has no merge key: the API server replaces the list with the one sent
      assertThat(p.body()).isEqualTo(Map.of("spec", Map.of("template", Map.of("spec",
          Map.of("containers", List.of(Map.of("name", "kube-apiserver",
              "args", List.of("--secure-port=6443", "--profiling=false"))))))));
    });
  }

  @Test
  void unsafePatchesNeedAll() throws Exception {
    ClusterFixer.Plan plan = plan(false);
    assertThat(plan.patches().get(0).body().toString()).doesNotContain("privileged=")
        .contains("allowPrivilegeEscalation=false");
    assertThat(plan.left()).anySatisfy(l -> {
      assertThat(l.finding().controlId()).isEqualTo("privileged-containers");
      assertThat(l.reason()).contains("--all");
    });
  }

  @Test
  void applySendsADryRunFirstThenThePatch() throws Exception {
    ClusterFixer.Patch patch = plan(true).patches().get(0);
    // the CRUD mock knows no strategic merge patch (it answers 415): answer these two
    String path = "/apis/apps/v1/namespaces/shop/deployments/web";
    Deployment web = client.apps().deployments().inNamespace("shop").withName("web").get();
    cluster.server().expect().patch().withPath(path + "?dryRun=All&fieldManager=plumbline")
        .andReturn(200, web).once();
    cluster.server().expect().patch().withPath(path + "?fieldManager=plumbline")
        .andReturn(200, web).once();
    cluster.clearRequests();
    ClusterFixer.Applied applied = new ClusterFixer(client).apply(patch);
    assertThat(applied.ok()).as(applied.message()).isTrue();
    List<RecordedRequest> patches = cluster.requests().stream()
        .filter(r -> r.getMethod().equals("PATCH")).toList();
    assertThat(patches).extracting(RecordedRequest::getPath).containsExactly(
        path + "?dryRun=All&fieldManager=plumbline", path + "?fieldManager=plumbline");
    for (RecordedRequest r : patches) {
      assertThat(r.getHeader("Content-Type"))
          .startsWith("application/strategic-merge-patch+json");
      assertThat(r.getBody().readUtf8()).isEqualTo(patch.json());
    }
  }

  @Test
  void aServerThatCannotMergeSaysSoAndNothingIsPatched() throws Exception {
    ClusterFixer.Patch patch = plan(true).patches().get(0);
    cluster.clearRequests();
    ClusterFixer.Applied applied = new ClusterFixer(client).apply(patch);
    assertThat(applied.ok()).isFalse();
    assertThat(applied.message()).contains("dry run rejected").contains("415");
    assertThat(cluster.requests()).hasSize(1);
  }

  @Test
  void aRejectedDryRunStopsThePatch() throws Exception {
    ClusterFixer.Patch patch = plan(true).patches().get(0);
    cluster.fail("/apis/apps/v1/namespaces/shop/deployments/web", 403);
    cluster.clearRequests();
    ClusterFixer.Applied applied = new ClusterFixer(client).apply(patch);
    assertThat(applied.ok()).isFalse();
    assertThat(applied.message()).contains("dry run rejected").contains("403")
        .contains("forbidden");
    assertThat(cluster.requests()).hasSize(1);
  }

  @Test
  void removedFieldsAreNullAndListsWithoutAMergeKeyAreReplaced() {
    Map<String, Object> before = Map.of("a", 1L, "drop", List.of("NET_RAW"), "ports",
        List.of(Map.of("containerPort", 80L, "hostPort", 80L)));
    Map<String, Object> after = Map.of("drop", List.of("ALL"), "ports",
        List.of(Map.of("containerPort", 80L)));
    Map<String, Object> patch = ClusterFixer.diff(before, after);
    assertThat(patch).containsEntry("drop", List.of("ALL")).containsEntry("a", null);
    Map<String, Object> port = new java.util.LinkedHashMap<>();
    port.put("containerPort", 80L);
    port.put("hostPort", null);
    assertThat(patch.get("ports")).isEqualTo(List.of(port));
  }
}
