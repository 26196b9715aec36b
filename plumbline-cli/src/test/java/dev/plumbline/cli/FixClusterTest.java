package dev.plumbline.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plumbline fix --cluster} end to end against fabric8's mock API server in CRUD mode,
 * reached through a kubeconfig. The mock ignores {@code dryRun} and knows no strategic merge
 * patch (it answers 415), so accepted patches are answered by expectations.
 */
class FixClusterTest {
  @TempDir
  Path dir;

  private KubernetesMockServer server;
  private KubernetesClient client;
  private Path kubeconfig;
  private Pod pod;

  @BeforeEach
  void start() throws IOException {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
        new MockWebServer(), expectations, new KubernetesMixedDispatcher(expectations), false);
    server.init();
    client = server.createClient();
    kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mock
            cluster: {server: "http://localhost:%d"}
        users:
          - name: fixer
            user: {token: not-a-real-token}
        contexts:
          - name: mock
            context: {cluster: mock, user: fixer}
        current-context: mock
        """.formatted(server.getPort()));
    pod = client.pods().inNamespace("tools").resource(new PodBuilder().withNewMetadata()
        .withName("debug").withNamespace("tools").endMetadata().withNewSpec()
        .addNewContainer().withName("shell").withImage("busybox:1.36").endContainer()
        .endSpec().build()).create();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void printsOnePatchWithItsKubectlCommand() {
    CliTest.Run r = CliTest.run("fix", "--cluster", "--kubeconfig", kubeconfig.toString(),
        "--control", "privilege-escalation-allowed");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("""
        # Pod/tools/debug: privilege-escalation-allowed
        spec:
          containers:
            - name: shell
              securityContext:
                allowPrivilegeEscalation: false
        kubectl patch pod debug -n tools --type strategic -p '{"spec":{"containers":[{"name":\
        "shell","securityContext":{"allowPrivilegeEscalation":false}}]}}'

        1 patch(es) for context mock; 0 finding(s) left for a person
        """);
  }

  @Test
  void appliesAfterTheDryRunAndReportsEachResult() {
    String path = "/api/v1/namespaces/tools/pods/debug";
    server.expect().patch().withPath(path + "?dryRun=All&fieldManager=plumbline")
        .andReturn(200, pod).once();
    server.expect().patch().withPath(path + "?fieldManager=plumbline").andReturn(200, pod)
        .once();
    CliTest.Run r = CliTest.run("fix", "--cluster", "--apply", "--kubeconfig",
        kubeconfig.toString(), "--control", "privilege-escalation-allowed");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("applied: Pod/tools/debug: patched")
        .contains("1 patch(es) for context mock: 1 applied, 0 not applied");
  }

  @Test
  void aRejectedPatchIsReportedAndExitsOne() {
    CliTest.Run r = CliTest.run("fix", "--cluster", "--apply", "--kubeconfig",
        kubeconfig.toString(), "--control", "privilege-escalation-allowed");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("not applied: Pod/tools/debug: the server's dry run rejected "
        + "the patch, not applied: 415");
  }

  @Test
  void unsafePatchesAreLeftWithoutAll() {
    CliTest.Run r = CliTest.run("fix", "--cluster", "--kubeconfig", kubeconfig.toString(),
        "--control", "writable-root-filesystems");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("left for a person:").contains("run with --all")
        .contains("0 patch(es)");
  }

  @Test
  void clusterFlagsNeedCluster() {
    assertThat(CliTest.run("fix", "--apply", "x.yaml").code()).isEqualTo(2);
    assertThat(CliTest.run("fix", "--cluster", "x.yaml").code()).isEqualTo(2);
    assertThat(CliTest.run("fix", "--cluster", "--dry-run").code()).isEqualTo(2);
    assertThat(CliTest.run("fix", "--cluster", "--kubeconfig",
        dir.resolve("missing").toString()).code()).isEqualTo(2);
  }
}
