package dev.plumbline.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Library;
import dev.plumbline.output.OutputContext;
import dev.plumbline.output.OutputFormat;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole path: a cluster read by {@link ClusterReader}, judged by the engine, written out. */
class LiveScanTest {
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

  private ScanResult scan(Library library) throws ClusterException {
    Selection selection = Selection.resolve(library, List.of(), List.of(), null, Map.of());
    ClusterReader.Result read = new ClusterReader(client)
        .read(ClusterReader.kindsFor(selection.controls()), Set.of());
    return new Scanner(ScanOptions.of(selection))
        .scan(read.resources(), read.errors(), read.notes(), 0);
  }

  private static Finding finding(ScanResult result, String controlId, String resource) {
    return result.findings().stream()
        .filter(f -> f.controlId().equals(controlId) && f.resource().display().equals(resource))
        .findFirst().orElseThrow(() -> new AssertionError(controlId + " on " + resource
            + " not among " + result.findings().stream()
                .map(f -> f.controlId() + " " + f.resource().display()).toList()));
  }

  @Test
  void controlPlaneMirrorPodsAndNamespacesAreJudgedWithTheirResourceVersion() throws Exception {
    Namespace ns = client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
        .withName("team-a").endMetadata().build()).create();
    Pod apiserver = client.pods().inNamespace("kube-system").resource(new PodBuilder()
        .withNewMetadata().withName("kube-apiserver-node-1").withNamespace("kube-system")
        .addToAnnotations("kubernetes.io/config.mirror", "0e3c4a3b")
        .addToLabels("component", "kube-apiserver").endMetadata()
        .withNewSpec().addNewContainer().withName("kube-apiserver")
        .withImage("registry.k8s.io/kube-apiserver:v1.33.1")
        .withCommand("kube-apiserver", "--anonymous-auth=true", "--authorization-mode=Node,RBAC")
        .endContainer().endSpec().build()).create();
    client.secrets().inNamespace("team-a").resource(new SecretBuilder().withNewMetadata()
        .withName("db").withNamespace("team-a").endMetadata()
        .addToData("password", "aHVudGVyMg==").build()).create();

    ScanResult result = scan(Library.builtIn());

    assertThat(result.errors()).isEmpty();
    Finding anonymous = finding(result, "apiserver-anonymous-auth",
        "Pod/kube-system/kube-apiserver-node-1");
    assertThat(anonymous.origin().resourceVersion())
        .isEqualTo(apiserver.getMetadata().getResourceVersion());
    assertThat(anonymous.line()).isZero();
    Finding unenforced = finding(result, "unenforced-pod-security", "Namespace/team-a");
    assertThat(unenforced.origin().resourceVersion())
        .isEqualTo(ns.getMetadata().getResourceVersion());

    StringWriter json = new StringWriter();
    OutputFormat.JSON.write(result, new OutputContext("test", false, List.of(),
        List.of("context mock")), json);
    assertThat(json.toString())
        .contains("\"resourceVersion\": \"" + apiserver.getMetadata().getResourceVersion() + "\"")
        .doesNotContain("\"file\"")
        .doesNotContain("aHVudGVyMg==");
  }
}
