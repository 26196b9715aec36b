package dev.plumbline.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Library;
import dev.plumbline.resource.Resource;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import dev.plumbline.testkube.KubeApiServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster reader and watcher against a real kube-apiserver (built from source by
 * {@code .ci/kube-apiserver.sh}): real paging with continue tokens, real RBAC with the ClusterRole
 * Plumbline ships, real metadata-only lists, and real restarts of the API server.
 */
class RealApiServerTest {
  private static final String USER = "plumbline";
  private static final Library LIBRARY = Library.builtIn();

  @RegisterExtension
  static final KubeApiServer KUBE = KubeApiServer.builder().user(USER).user("nobody").build();

  private static KubernetesClient admin;

  @BeforeAll
  static void grantTheShippedClusterRole() throws Exception {
    admin = KUBE.client();
    // deploy/kubernetes/rbac.yaml, as a user would apply it; bound to the test's user rather
    // than to the in-cluster service account.
    Path rbac = Path.of("..", "deploy", "kubernetes", "rbac.yaml");
    try (InputStream in = Files.newInputStream(rbac)) {
      for (HasMetadata object : admin.load(in).items()) {
        if (object.getKind().equals("ClusterRole")) {
          admin.resource(object).create();
        }
      }
    }
    admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
        .withName("plumbline-reader-test").endMetadata().withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
        .withName("plumbline-reader").endRoleRef().addNewSubject().withKind("User")
        .withApiGroup("rbac.authorization.k8s.io").withName(USER).endSubject().build()).create();
  }

  private static void namespace(String name) {
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .endMetadata().build()).create();
  }

  private static Deployment deployment(String ns, String name, boolean privileged) {
    return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .endMetadata().withNewSpec().withReplicas(1).withNewSelector()
        .addToMatchLabels("app", name).endSelector().withNewTemplate().withNewMetadata()
        .addToLabels("app", name).endMetadata().withNewSpec().addNewContainer().withName(name)
        .withImage("registry.example.com/" + name + ":1.0").withNewSecurityContext()
        .withPrivileged(privileged).endSecurityContext().endContainer().endSpec().endTemplate()
        .endSpec().build();
  }

  @Test
  void theShippedClusterRoleReadsEveryKindTheLibraryNeedsInPages() throws Exception {
    namespace("paged");
    for (int i = 0; i < 23; i++) {
      admin.configMaps().inNamespace("paged").resource(new ConfigMapBuilder().withNewMetadata()
          .withName(String.format("cm-%02d", i)).endMetadata().addToData("k", "v").build())
          .create();
    }
    Deployment web = admin.apps().deployments().inNamespace("paged")
        .resource(deployment("paged", "web", true)).create();
    Selection selection = Selection.resolve(LIBRARY, List.of(), List.of(), null, Map.of());

    ClusterReader.Result read;
    try (KubernetesClient reader = KUBE.newClient(USER)) {
      // Pages of 5: the 23 ConfigMaps need five pages and four continue tokens.
      read = new ClusterReader(reader, 5).read(ClusterReader.kindsFor(selection.controls()),
          Set.of());
    }

    assertThat(read.errors()).as("no kind is forbidden to the shipped ClusterRole").isEmpty();
    assertThat(read.resources()).filteredOn(r -> r.kind().equals("ConfigMap")
        && "paged".equals(r.namespace())).hasSize(23);
    ScanResult result = new Scanner(ScanOptions.of(selection))
        .scan(read.resources(), read.errors(), read.notes(), 0);
    Finding privileged = result.findings().stream()
        .filter(f -> f.controlId().equals("privileged-containers")
            && f.resource().display().equals("Deployment/paged/web"))
        .findFirst().orElseThrow();
    assertThat(privileged.origin().resourceVersion())
        .isEqualTo(web.getMetadata().getResourceVersion());
  }

  @Test
  void withoutTheClusterRoleEveryKindIsForbiddenAndNamed() throws Exception {
    try (KubernetesClient nobody = KUBE.newClient("nobody")) {
      ClusterReader.Result read = new ClusterReader(nobody).read(Set.of("Pod", "ClusterRole"),
          Set.of());
      assertThat(read.errors()).extracting(e -> e.file()).containsExactly(
          "/api/v1/pods", "/apis/rbac.authorization.k8s.io/v1/clusterroles");
      assertThat(read.errors()).allSatisfy(e -> assertThat(e.message())
          .contains("forbidden").contains("'list'"));
    }
  }

  @Test
  void secretsComeBackAsMetadataOnly() throws Exception {
    namespace("secrets");
    admin.secrets().inNamespace("secrets").resource(new SecretBuilder().withNewMetadata()
        .withName("db").withNamespace("secrets").addToLabels("app", "db").endMetadata()
        .withType("Opaque").addToStringData("password", "hunter2-real").build()).create();
    // The real server stores and returns the value to a client that asks for it...
    assertThat(admin.secrets().inNamespace("secrets").withName("db").get().getData())
        .containsKey("password");

    ClusterReader.Result read = new ClusterReader(admin).read(Set.of("Secret"),
        Set.of("secrets"));

    // ...and does not send it to the reader, which asks for PartialObjectMetadata.
    Resource secret = read.resources().stream().filter(r -> r.name().equals("db"))
        .findFirst().orElseThrow();
    assertThat(secret.object()).doesNotContainKeys("data", "stringData");
    assertThat(ClusterReaderTest.path(secret.object(), "metadata", "labels"))
        .isEqualTo(Map.of("app", "db"));
    assertThat(read.toString() + secret.object()).doesNotContain("hunter2-real")
        .doesNotContain(Base64.getEncoder().encodeToString("hunter2-real".getBytes()));
  }

  @Test
  void theWatcherLosesAndRepeatsNothingAcrossAnApiServerRestart() throws Exception {
    namespace("restart");
    Pod a = admin.pods().inNamespace("restart")
        .resource(ClusterReaderTest.pod("restart", "a")).create();
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    ClusterWatcher.Listener listener = new ClusterWatcher.Listener() {
      @Override
      public void added(Resource r) {
        record("added", r);
      }

      @Override
      public void updated(Resource r) {
        record("updated", r);
      }

      @Override
      public void deleted(Resource r) {
        record("deleted", r);
      }

      private void record(String what, Resource r) {
        if ("restart".equals(r.namespace())) {
          events.add(what + " " + r.ref().display() + "@" + r.origin().resourceVersion());
        }
      }
    };
    try (KubernetesClient client = KUBE.newClient(USER);
        ClusterWatcher watcher = new ClusterWatcher(client, listener, Duration.ZERO)) {
      watcher.start(Set.of("Pod"), Set.of(), Duration.ofSeconds(30));
      assertThat(events.poll(20, TimeUnit.SECONDS))
          .isEqualTo("added Pod/restart/a@" + a.getMetadata().getResourceVersion());

      // A crash: the watch connection drops; the server comes back with an empty watch cache,
      // so the informer's next watch from its last resourceVersion may be answered 410 Gone and
      // it must list again. Changes made meanwhile by others arrive exactly once.
      KUBE.killApiServer();
      KUBE.startApiServer();
      KUBE.compactEtcd();
      Pod b = admin.pods().inNamespace("restart")
          .resource(ClusterReaderTest.pod("restart", "b")).create();
      admin.pods().inNamespace("restart").withName("a").delete();

      List<String> seen = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline
          && !(seen.stream().anyMatch(e -> e.startsWith("added Pod/restart/b@"))
              && seen.stream().anyMatch(e -> e.startsWith("deleted Pod/restart/a@")))) {
        String e = events.poll(1, TimeUnit.SECONDS);
        if (e != null) {
          seen.add(e);
        }
      }
      Thread.sleep(2000); // anything repeated would arrive now
      events.drainTo(seen);
      assertThat(seen).filteredOn(e -> e.startsWith("added Pod/restart/b@"))
          .containsExactly("added Pod/restart/b@" + b.getMetadata().getResourceVersion());
      assertThat(seen).filteredOn(e -> e.startsWith("deleted Pod/restart/a@")).hasSize(1);
      assertThat(seen).filteredOn(e -> e.startsWith("added Pod/restart/a@")).isEmpty();
      assertThat(watcher.errors()).isEmpty();
    }
  }

  private static ScanResult scanNamespace(String ns) throws ClusterException {
    Selection selection = Selection.resolve(LIBRARY, List.of(), List.of(), null, Map.of());
    ClusterReader.Result read = new ClusterReader(admin)
        .read(ClusterReader.kindsFor(selection.controls()), Set.of(ns));
    return new Scanner(ScanOptions.of(selection).withNamespaces(Set.of(ns)))
        .scan(read.resources(), read.errors(), read.notes(), 0);
  }

  @Test
  void strategicMergePatchesAreDryRunThenAppliedAndResolveTheirFindings() throws Exception {
    namespace("fixing");
    admin.apps().deployments().inNamespace("fixing").resource(deployment("fixing", "web", true))
        .create();
    Selection selection = Selection.resolve(LIBRARY, List.of(), List.of(), null, Map.of());
    ClusterReader.Result read = new ClusterReader(admin)
        .read(ClusterReader.kindsFor(selection.controls()), Set.of("fixing"));
    ScanResult before = scanNamespace("fixing");
    ClusterFixer.Plan plan = ClusterFixer.plan(read.resources(), before.findings(), true);
    assertThat(plan.patches()).extracting(p -> p.target().display())
        .containsExactlyInAnyOrder("Namespace/fixing", "Deployment/fixing/web");

    // The real server merges the containers by name, validates, and the findings resolve.
    Set<String> fixed = new java.util.HashSet<>();
    for (ClusterFixer.Patch p : plan.patches()) {
      ClusterFixer.Applied applied = new ClusterFixer(admin).apply(p);
      assertThat(applied.ok()).as(applied.message()).isTrue();
      p.findings().forEach(f -> fixed.add(f.id()));
    }
    ScanResult after = scanNamespace("fixing");
    assertThat(after.findings()).extracting(Finding::id).doesNotContainAnyElementsOf(fixed);
    assertThat(after.findings().size()).isLessThan(before.findings().size());
    assertThat(admin.apps().deployments().inNamespace("fixing").withName("web").get().getSpec()
        .getTemplate().getSpec().getContainers()).hasSize(1);

    // A patch the server refuses is refused by the dry run, and nothing is changed.
    String version = admin.apps().deployments().inNamespace("fixing").withName("web").get()
        .getMetadata().getResourceVersion();
    ClusterFixer.Patch invalid = new ClusterFixer.Patch(
        new dev.plumbline.resource.ResourceRef("apps/v1", "Deployment", "fixing", "web"),
        Map.of("spec", Map.of("replicas", -1)), List.of());
    ClusterFixer.Applied refused = new ClusterFixer(admin).apply(invalid);
    assertThat(refused.ok()).isFalse();
    assertThat(refused.message()).contains("replicas");
    assertThat(admin.apps().deployments().inNamespace("fixing").withName("web").get()
        .getMetadata().getResourceVersion()).isEqualTo(version);
  }
}
