package dev.plumbline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.testkube.KubeApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code plumbline scan --cluster} end to end against a real kube-apiserver (built from source by
 * {@code .ci/kube-apiserver.sh}), reached over TLS through the kubeconfig it writes.
 */
class RealClusterScanTest {
  @RegisterExtension
  static final KubeApiServer KUBE = KubeApiServer.builder().build();

  private static String resourceVersion;

  @BeforeAll
  static void seed() {
    KubernetesClient client = KUBE.client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("tools")
        .addToLabels("pod-security.kubernetes.io/warn", "restricted").endMetadata().build())
        .create();
    Pod pod = client.pods().inNamespace("tools").resource(new PodBuilder().withNewMetadata()
        .withName("debug").withNamespace("tools").endMetadata().withNewSpec()
        .addNewContainer().withName("shell").withImage("busybox:1.36").withNewSecurityContext()
        .withPrivileged(true).endSecurityContext().endContainer().endSpec().build()).create();
    resourceVersion = pod.getMetadata().getResourceVersion();
  }

  private static JsonNode json(String text) {
    return JsonMapper.builder().build().readTree(text);
  }

  @Test
  void aPrivilegedPodIsFoundAndLocatedByItsResourceVersion() {
    CliTest.Run r = CliTest.run("scan", "--cluster", "--kubeconfig", KUBE.kubeconfig().toString(),
        "-n", "tools", "-o", "json");

    assertThat(r.err()).isEmpty();
    JsonNode out = json(r.out());
    JsonNode privileged = out.get("findings").valueStream()
        .filter(f -> f.get("controlId").asString().equals("privileged-containers"))
        .findFirst().orElseThrow();
    assertThat(privileged.at("/resource/name").asString()).isEqualTo("debug");
    assertThat(privileged.at("/location/resourceVersion").asString()).isEqualTo(resourceVersion);
    // Only what the namespace holds is judged; a real server defaults fields the mock does not.
    assertThat(out.get("findings").valueStream().map(f -> f.at("/resource/namespace").asString())
        .filter(ns -> !ns.isEmpty()).distinct()).containsExactly("tools");
    assertThat(r.code()).isZero();
  }

  @Test
  void aWholeFreshClusterIsScannedWithoutErrors() {
    CliTest.Run r = CliTest.run("scan", "--cluster", "--kubeconfig", KUBE.kubeconfig().toString(),
        "-o", "json", "--fail-on", "critical");

    assertThat(r.err()).isEmpty();
    JsonNode out = json(r.out());
    assertThat(out.at("/summary/errors").asInt()).isZero();
    // The API server's own bootstrap objects (some 60 ClusterRoles and 50 bindings) are judged.
    assertThat(out.at("/summary/resourcesJudged").asInt()).isGreaterThan(100);
    assertThat(out.get("findings").valueStream()
        .map(f -> f.get("controlId").asString() + " " + f.at("/resource/kind").asString() + "/"
            + f.at("/resource/name").asString()))
        .contains("privileged-containers Pod/debug");
    assertThat(r.code()).as("a privileged pod is critical").isEqualTo(1);
  }
}
