package dev.plumbline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar, run as a user runs it, scans a cluster: fabric8 finds its HTTP client and model
 * classes through service files, which only survive shading with the services transformer.
 */
class ShadedJarIT {
  /** The mock server logs every request at INFO through java.util.logging. */
  private static final Logger QUIET = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    QUIET.setLevel(Level.WARNING);
  }

  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  private static Run java(Path dir, String... args) throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("plumbline.jar"));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void scansAClusterFromTheShadedJar() throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(
        new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
        new KubernetesMixedDispatcher(new HashMap<>()), false);
    server.init();
    try (KubernetesClient client = server.createClient()) {
      client.pods().inNamespace("tools").resource(new PodBuilder().withNewMetadata()
          .withName("debug").withNamespace("tools").endMetadata().withNewSpec()
          .addNewContainer().withName("shell").withImage("busybox:1.36")
          .withNewSecurityContext().withPrivileged(true).endSecurityContext().endContainer()
          .endSpec().build()).create();
      client.secrets().inNamespace("tools").resource(new SecretBuilder().withNewMetadata()
          .withName("db").withNamespace("tools").endMetadata()
          .addToData("password", "aHVudGVyMg==").build()).create();
      Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
          apiVersion: v1
          kind: Config
          clusters: [{name: mock, cluster: {server: "http://localhost:%d"}}]
          users: [{name: scanner, user: {token: not-a-real-token}}]
          contexts: [{name: mock, context: {cluster: mock, user: scanner}}]
          current-context: mock
          """.formatted(server.getPort()));

      Run r = java(dir, "scan", "--cluster", "--kubeconfig", kubeconfig.toString(),
          "--fail-on", "critical");

      assertThat(r.err()).isEmpty();
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.out()).contains("Pod/tools/debug  (resourceVersion ")
          .contains("privileged-containers")
          .doesNotContain("aHVudGVyMg==");
    } finally {
      server.destroy();
    }
  }
}
