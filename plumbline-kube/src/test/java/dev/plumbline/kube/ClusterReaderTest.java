package dev.plumbline.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.control.Library;
import dev.plumbline.resource.Resource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClusterReaderTest {
  private MockCluster cluster;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    client = cluster.client();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  static Pod pod(String namespace, String name) {
    return new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("nginx:1.27")
        .addNewPort().withContainerPort(8080).endPort().endContainer().endSpec().build();
  }

  private void createPods(String namespace, int count) {
    for (int i = 0; i < count; i++) {
      client.pods().inNamespace(namespace).resource(pod(namespace, String.format("p%04d", i)))
          .create();
    }
  }

  @Test
  void pagesThroughACollectionLargerThanOnePage() throws Exception {
    createPods("team-a", 1200);
    cluster.clearRequests();

    ClusterReader.Result result = new ClusterReader(client).read(Set.of("Pod"), Set.of());

    assertThat(result.errors()).isEmpty();
    assertThat(result.resources()).hasSize(1200);
    assertThat(result.resources()).extracting(Resource::name).doesNotHaveDuplicates();
    List<String> lists = cluster.listsOf("/api/v1/pods");
    assertThat(lists).hasSize(3);
    assertThat(lists.get(0)).isEqualTo("/api/v1/pods?limit=500");
    assertThat(lists.get(1)).startsWith("/api/v1/pods?limit=500&continue=");
    assertThat(lists.get(2)).startsWith("/api/v1/pods?limit=500&continue=")
        .isNotEqualTo(lists.get(1));
  }

  @Test
  void readsAgainWhenAContinueTokenExpires() throws Exception {
    createPods("team-a", 7);
    cluster.failNextContinue("/api/v1/pods", 410);
    cluster.clearRequests();

    ClusterReader.Result result = new ClusterReader(client, 3).read(Set.of("Pod"), Set.of());

    assertThat(result.errors()).isEmpty();
    assertThat(result.resources()).extracting(Resource::name)
        .containsExactly("p0000", "p0001", "p0002", "p0003", "p0004", "p0005", "p0006");
    // First page, expired second page, then three pages again.
    assertThat(cluster.listsOf("/api/v1/pods")).hasSize(5);
  }

  @Test
  void objectsArePlainJsonLocatedByResourceVersion() throws Exception {
    Pod created = client.pods().inNamespace("team-a").resource(pod("team-a", "api")).create();

    Resource r = new ClusterReader(client).read(Set.of("Pod"), Set.of()).resources().get(0);

    assertThat(r.ref().apiVersion()).isEqualTo("v1");
    assertThat(r.kind()).isEqualTo("Pod");
    assertThat(r.namespace()).isEqualTo("team-a");
    assertThat(r.origin().isFile()).isFalse();
    assertThat(r.origin().resourceVersion())
        .isEqualTo(created.getMetadata().getResourceVersion()).isNotBlank();
    Object port = path(r.object(), "spec", "containers", 0, "ports", 0, "containerPort");
    assertThat(port).isInstanceOf(Long.class).isEqualTo(8080L);
    assertThat(r.object()).isInstanceOf(Map.class);
  }

  @Test
  void stripsManagedFieldsAndTheLastAppliedConfiguration() throws Exception {
    Pod p = pod("team-a", "api");
    p.getMetadata().setAnnotations(Map.of(
        ListPage.LAST_APPLIED, "{\"kind\":\"Pod\",\"spec\":{}}",
        "team", "payments"));
    p.getMetadata().setManagedFields(List.of(
        new io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder().withManager("kubectl")
            .withOperation("Apply").build()));
    client.pods().inNamespace("team-a").resource(p).create();

    Resource r = new ClusterReader(client).read(Set.of("Pod"), Set.of()).resources().get(0);

    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = (Map<String, Object>) r.object().get("metadata");
    assertThat(metadata).doesNotContainKey("managedFields");
    assertThat(metadata.get("annotations")).isEqualTo(Map.of("team", "payments"));
  }

  @Test
  void secretsAreListedAsMetadataOnly() throws Exception {
    client.secrets().inNamespace("team-a").resource(new SecretBuilder().withNewMetadata()
        .withName("db").withNamespace("team-a").addToLabels("app", "db")
        .addToAnnotations(ListPage.LAST_APPLIED,
            "{\"data\":{\"password\":\"aHVudGVyMg==\"}}")
        .endMetadata()
        .withType("Opaque")
        .addToData("password", "aHVudGVyMg==")
        .addToStringData("token", "s3cr3t-token")
        .build()).create();
    // The CRUD mock ignores the Accept header: it sends Secrets whole, data included.
    assertThat(client.secrets().inNamespace("team-a").withName("db").get().getData())
        .containsKey("password");
    cluster.clearRequests();

    ClusterReader.Result result = new ClusterReader(client).read(Set.of("Secret"), Set.of());

    List<io.fabric8.mockwebserver.http.RecordedRequest> requests = cluster.requests();
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).getHeader("Accept")).isEqualTo(
        "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");
    Resource secret = result.resources().get(0);
    assertThat(secret.kind()).isEqualTo("Secret");
    assertThat(secret.name()).isEqualTo("db");
    assertThat(secret.object()).containsOnlyKeys("apiVersion", "kind", "metadata", "type");
    assertThat(path(secret.object(), "metadata", "labels")).isEqualTo(Map.of("app", "db"));
    String everything = result.toString() + secret.object();
    assertThat(everything).doesNotContain("aHVudGVyMg==").doesNotContain("hunter2")
        .doesNotContain("s3cr3t-token").doesNotContain("password");
  }

  @Test
  void readsNodeVersionsNamespaceLabelsAndMirrorPods() throws Exception {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-a")
        .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build())
        .create();
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata()
        .withNewStatus().withNewNodeInfo().withKubeletVersion("v1.29.4")
        .withKernelVersion("6.1.0-21-amd64").withContainerRuntimeVersion("containerd://1.7.15")
        .endNodeInfo().endStatus().build()).create();
    client.pods().inNamespace("kube-system").resource(new PodBuilder().withNewMetadata()
        .withName("kube-apiserver-node-1").withNamespace("kube-system")
        .addToAnnotations("kubernetes.io/config.mirror", "0e3c4a3b")
        .addToLabels("component", "kube-apiserver").addToLabels("tier", "control-plane").endMetadata()
        .withNewSpec().addNewContainer().withName("kube-apiserver")
        .withImage("registry.k8s.io/kube-apiserver:v1.29.4")
        .withCommand("kube-apiserver", "--anonymous-auth=true", "--profiling=true")
        .endContainer().endSpec().build()).create();

    Set<String> kinds = ClusterReader.kindsFor(Library.builtIn().controls());
    assertThat(kinds).contains("Namespace", "Node", "Pod", "Deployment", "ClusterRole",
        "RoleBinding", "NetworkPolicy");
    ClusterReader.Result result = new ClusterReader(client).read(kinds, Set.of());

    assertThat(result.errors()).isEmpty();
    Resource node = find(result, "Node", "node-1");
    assertThat(path(node.object(), "status", "nodeInfo")).isEqualTo(Map.of(
        "kubeletVersion", "v1.29.4", "kernelVersion", "6.1.0-21-amd64",
        "containerRuntimeVersion", "containerd://1.7.15"));
    Resource ns = find(result, "Namespace", "team-a");
    assertThat(path(ns.object(), "metadata", "labels"))
        .isEqualTo(Map.of("pod-security.kubernetes.io/enforce", "restricted"));
    Resource mirror = find(result, "Pod", "kube-apiserver-node-1");
    assertThat(path(mirror.object(), "metadata", "annotations"))
        .isEqualTo(Map.of("kubernetes.io/config.mirror", "0e3c4a3b"));
    assertThat(path(mirror.object(), "spec", "containers", 0, "command", 1))
        .isEqualTo("--anonymous-auth=true");
  }

  @Test
  void namespacesRestrictNamespacedKindsOnly() throws Exception {
    createPods("team-a", 2);
    createPods("team-b", 2);
    createPods("team-c", 2);
    client.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata()
        .withName("reader").endMetadata().build()).create();
    cluster.clearRequests();

    ClusterReader.Result result = new ClusterReader(client)
        .read(Set.of("Pod", "ClusterRole"), Set.of("team-b", "team-a"));

    assertThat(result.resources()).extracting(r -> r.kind() + "/" + r.namespace())
        .containsExactly("Pod/team-a", "Pod/team-a", "Pod/team-b", "Pod/team-b",
            "ClusterRole/");
    assertThat(cluster.listsOf("/api/v1/pods")).isEmpty();
    assertThat(cluster.listsOf("/api/v1/namespaces/team-a/pods")).hasSize(1);
    assertThat(cluster.listsOf("/apis/rbac.authorization.k8s.io/v1/clusterroles")).hasSize(1);
  }

  @Test
  void kindsTheServerDoesNotServeAreNotedAndSkipped() throws Exception {
    createPods("team-a", 1);
    cluster.fail("/apis/gateway.networking.k8s.io/v1/gateways", 404);

    ClusterReader.Result result = new ClusterReader(client)
        .read(Set.of("Pod", "Gateway", "FancyCustomThing"), Set.of());

    assertThat(result.errors()).isEmpty();
    assertThat(result.resources()).extracting(Resource::kind).containsExactly("Pod");
    assertThat(result.notes()).extracting(n -> n.file() + ": " + n.message()).containsExactly(
        "FancyCustomThing: kind FancyCustomThing is not one Plumbline reads from clusters (it "
            + "does not know which API serves it), not read",
        "/apis/gateway.networking.k8s.io/v1/gateways: Gateway (gateway.networking.k8s.io/v1) "
            + "is not served by this cluster, not read");
  }

  @Test
  void aGroupNotServedIsAskedOnceNotPerNamespace() throws Exception {
    cluster.fail("/apis/gateway.networking.k8s.io/v1/namespaces/team-a/gateways", 404);
    cluster.clearRequests();

    ClusterReader.Result result = new ClusterReader(client)
        .read(Set.of("Gateway"), Set.of("team-a", "team-b"));

    assertThat(result.notes()).hasSize(1);
    assertThat(cluster.requests()).hasSize(1);
  }

  @Test
  void aForbiddenKindIsAnErrorNamingThePermissionAndTheRestIsRead() throws Exception {
    createPods("team-a", 1);
    cluster.fail("/api/v1/secrets", 403);

    ClusterReader.Result result = new ClusterReader(client)
        .read(Set.of("Pod", "Secret"), Set.of());

    assertThat(result.resources()).extracting(Resource::kind).containsExactly("Pod");
    assertThat(result.errors()).hasSize(1);
    assertThat(result.errors().get(0).file()).isEqualTo("/api/v1/secrets");
    assertThat(result.errors().get(0).message())
        .startsWith("Secret not read: forbidden: the credentials lack the RBAC verb 'list' on "
            + "resource 'secrets' in API group \"\" in all namespaces")
        .contains("cannot list this resource");
  }

  @Test
  void aServerErrorOnOneKindIsAnError() throws Exception {
    cluster.fail("/apis/apps/v1/deployments", 500);

    ClusterReader.Result result = new ClusterReader(client)
        .read(Set.of("Deployment", "Pod"), Set.of());

    assertThat(result.errors()).singleElement().satisfies(e -> assertThat(e.message())
        .startsWith("Deployment not read: the server answered 500"));
  }

  @Test
  void rejectedCredentialsStopTheRead() {
    cluster.fail("/api/v1/namespaces", 401);

    assertThatThrownBy(() -> new ClusterReader(client).read(Set.of("Namespace"), Set.of()))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("rejected the credentials (401 Unauthorized)");
  }

  @Test
  void anUnreachableServerIsAClusterException() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + port)
        .withRequestRetryBackoffLimit(0).build();
    try (KubernetesClient offline = new KubernetesClientBuilder().withConfig(config).build()) {
      assertThatThrownBy(() -> new ClusterReader(offline).read(Set.of("Pod"), Set.of()))
          .isInstanceOf(ClusterException.class)
          .hasMessageStartingWith("cannot reach the Kubernetes API server at http://127.0.0.1:"
              + port + ": ");
    }
  }

  static Resource find(ClusterReader.Result result, String kind, String name) {
    return result.resources().stream()
        .filter(r -> r.kind().equals(kind) && r.name().equals(name)).findFirst().orElseThrow();
  }

  static Object path(Object value, Object... steps) {
    for (Object step : steps) {
      value = step instanceof Integer i ? ((List<?>) value).get(i) : ((Map<?, ?>) value).get(step);
    }
    return value;
  }
}
