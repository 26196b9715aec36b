package dev.plumbline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code plumbline scan --cluster} end to end, in process, against fabric8's mock API server in
 * CRUD mode (with expectations for the error cases), reached through a kubeconfig file.
 */
class ClusterScanTest {
  @TempDir
  Path dir;

  private KubernetesMockServer server;
  private KubernetesClient client;
  private Path kubeconfig;
  private String resourceVersion;

  @BeforeEach
  void start() throws IOException {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
        new MockWebServer(), expectations, new KubernetesMixedDispatcher(expectations), false);
    server.init();
    client = server.createClient();
    kubeconfig = kubeconfig("http://localhost:" + server.getPort());
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("tools")
        .endMetadata().build()).create();
    Pod pod = client.pods().inNamespace("tools").resource(new PodBuilder().withNewMetadata()
        .withName("debug").withNamespace("tools").endMetadata().withNewSpec()
        .addNewContainer().withName("shell").withImage("busybox:1.36").withNewSecurityContext()
        .withPrivileged(true).endSecurityContext().endContainer().endSpec().build()).create();
    resourceVersion = pod.getMetadata().getResourceVersion();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  private Path kubeconfig(String url) throws IOException {
    return Files.writeString(dir.resolve("kubeconfig-" + url.hashCode()), """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mock
            cluster: {server: "%s"}
        users:
          - name: scanner
            user: {token: not-a-real-token}
        contexts:
          - name: mock
            context: {cluster: mock, user: scanner}
          - name: elsewhere
            context: {cluster: mock, user: scanner, namespace: other}
        current-context: mock
        """.formatted(url));
  }

  private static JsonNode json(String text) {
    return JsonMapper.builder().build().readTree(text);
  }

  @Test
  void findsAPrivilegedPodLocatedByItsResourceVersion() {
    CliTest.Run r = CliTest.run("scan", "--cluster", "--kubeconfig", kubeconfig.toString(),
        "-o", "json", "--control", "privileged-containers");

    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    JsonNode out = json(r.out());
    assertThat(out.get("findings")).hasSize(1);
    JsonNode f = out.get("findings").get(0);
    assertThat(f.at("/resource/kind").asString()).isEqualTo("Pod");
    assertThat(f.at("/resource/namespace").asString()).isEqualTo("tools");
    assertThat(f.get("path").asString()).isEqualTo("spec.containers[0].securityContext.privileged");
    assertThat(f.get("location").propertyNames()).containsExactly("resourceVersion");
    assertThat(f.at("/location/resourceVersion").asString()).isEqualTo(resourceVersion);
    assertThat(out.at("/summary/inputs/0").asString()).isEqualTo("context mock");
    assertThat(out.at("/summary/filesRead").asInt()).isZero();
  }

  @Test
  void failOnAndTheTableWorkAsForManifests() {
    CliTest.Run r = CliTest.run("scan", "--cluster", "--kubeconfig", kubeconfig.toString(),
        "--fail-on", "high", "--control", "privileged-containers");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("Pod/tools/debug  (resourceVersion " + resourceVersion + ")\n")
        .contains("privileged-containers")
        .contains("1 judged in the cluster");
  }

  @Test
  void sarifLocatesALiveObjectLogically() {
    CliTest.Run r = CliTest.run("scan", "--cluster", "--kubeconfig", kubeconfig.toString(),
        "-o", "sarif", "--control", "privileged-containers");

    JsonNode result = json(r.out()).at("/runs/0/results/0");
    assertThat(result.at("/locations/0").has("physicalLocation")).isFalse();
    assertThat(result.at("/locations/0/logicalLocations/0/fullyQualifiedName").asString())
        .isEqualTo("Pod/tools/debug");
    assertThat(result.at("/properties/resourceVersion").asString()).isEqualTo(resourceVersion);
  }

  @Test
  void namespacesLimitWhatIsReadAndJudged() {
    CliTest.Run r = CliTest.run("scan", "--cluster", "--kubeconfig", kubeconfig.toString(),
        "-o", "json", "--control", "privileged-containers", "-n", "elsewhere");

    assertThat(r.code()).isZero();
    assertThat(json(r.out()).get("findings")).isEmpty();
  }

  @Test
  void aContextCanBeChosenAndAnUnknownOneIsAnError() {
    assertThat(CliTest.run("scan", "--cluster", "--kubeconfig", kubeconfig.toString(),
        "--context", "elsewhere", "--control", "privileged-containers").code()).isZero();

    CliTest.Run r = CliTest.run("scan", "--cluster", "--kubeconfig", kubeconfig.toString(),
        "--context", "nowhere");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("error: context 'nowhere' is not in the kubeconfig (it has: "
        + "elsewhere, mock)");
  }

  @Test
  void aForbiddenKindIsAnInputErrorAndTheRestIsScanned() {
    server.expect().get().withPath("/apis/rbac.authorization.k8s.io/v1/clusterroles?limit=500")
        .andReturn(403, Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure",
            "reason", "Forbidden", "code", 403, "message", "clusterroles.rbac.authorization.k8s.io"
                + " is forbidden: User \"scanner\" cannot list resource \"clusterroles\""))
        .always();

    CliTest.Run r = CliTest.run("scan", "--cluster", "--kubeconfig", kubeconfig.toString(),
        "-o", "json");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("error: /apis/rbac.authorization.k8s.io/v1/clusterroles: "
        + "ClusterRole not read: forbidden: the credentials lack the RBAC verb 'list' on "
        + "resource 'clusterroles' in API group \"rbac.authorization.k8s.io\"");
    JsonNode out = json(r.out());
    assertThat(out.at("/summary/errors").asInt()).isEqualTo(1);
    assertThat(out.get("findings").valueStream()
        .anyMatch(f -> f.get("controlId").asString().equals("privileged-containers"))).isTrue();
  }

  @Test
  void anUnreachableClusterIsAClearErrorWithExitTwo() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CliTest.Run r = CliTest.run("scan", "--cluster", "--kubeconfig",
        kubeconfig("http://127.0.0.1:" + port).toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("error: cannot reach the Kubernetes API server at "
        + "http://127.0.0.1:" + port + ": ");
  }

  @Test
  void aMissingKubeconfigIsAnError() {
    CliTest.Run r = CliTest.run("scan", "--cluster", "--kubeconfig",
        dir.resolve("absent").toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("error: kubeconfig " + dir.resolve("absent") + ": no such file");
  }

  @Test
  void clusterAndPathsAreMutuallyExclusive() {
    CliTest.Run r = CliTest.run("scan", "--cluster", "k8s/");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("error: --cluster scans a cluster, PATH arguments scan "
        + "manifests: give one or the other, not both");
  }

  @Test
  void kubeconfigWithoutClusterIsAUsageError() {
    CliTest.Run r = CliTest.run("scan", "--kubeconfig", kubeconfig.toString(), "k8s/");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("error: --kubeconfig needs --cluster");
  }
}
