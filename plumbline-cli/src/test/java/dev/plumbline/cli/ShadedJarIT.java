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
import java.util.Map;
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
    return java(dir, Map.of(), List.of(), args);
  }

  /** Runs the jar with extra environment variables and JVM options. */
  private static Run java(Path dir, Map<String, String> env, List<String> jvm, String... args)
      throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("plumbline.jar"));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvm);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(err.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /**
   * In the jar the built-in library is read through its index (no jar file system at start-up);
   * a control's folder, with its fixtures, is still there when asked for.
   */
  @Test
  void loadsTheBuiltInLibraryFromTheJarsIndex() throws Exception {
    Run list = java(dir, "controls", "list");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("privileged-containers", "wildcard-permissions");
    Path custom = dir.resolve("custom/team-label");
    Files.createDirectories(custom.resolve("tests"));
    Files.writeString(custom.resolve("control.yaml"), """
        id: team-label
        title: Workloads carry a team label
        description: Every workload names its owning team.
        severity: low
        category: workload
        target: pod
        check: has(podMetadata.labels) && 'team' in podMetadata.labels
        path: podMetadata.labels
        message: The workload has no team label.
        remediation:
          text: Add a team label.
        """);
    Files.writeString(custom.resolve("tests/pass-labelled.yaml"), """
        apiVersion: v1
        kind: Pod
        metadata: {name: a, labels: {team: shop}}
        spec: {containers: [{name: a, image: nginx}]}
        """);
    Files.writeString(custom.resolve("tests/fail-unlabelled.yaml"), """
        apiVersion: v1
        kind: Pod
        metadata: {name: a}
        spec: {containers: [{name: a, image: nginx}]}
        """);
    Run test = java(dir, "controls", "test", dir.resolve("custom").toString());
    assertThat(test.code()).as(test.out() + test.err()).isZero();
    assertThat(test.out()).contains("PASS  team-label  pass-labelled.yaml",
        "PASS  team-label  fail-unlabelled.yaml");
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

  /**
   * Inside a pod there is no kubeconfig: fabric8 takes the API server from
   * KUBERNETES_SERVICE_HOST/PORT and the service account's token from its mounted file. The token
   * file's place is moved with fabric8's system property, and the CA (which the test cannot
   * mount at /var/run/secrets) is replaced by trusting the mock server's self-signed certificate.
   */
  @Test
  void scansFromInsideAPodWithTheServiceAccountToken() throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(
        new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
        new KubernetesMixedDispatcher(new HashMap<>()), true);
    server.init();
    try (KubernetesClient client = server.createClient()) {
      client.pods().inNamespace("tools").resource(new PodBuilder().withNewMetadata()
          .withName("debug").withNamespace("tools").endMetadata().withNewSpec()
          .addNewContainer().withName("shell").withImage("busybox:1.36")
          .withNewSecurityContext().withPrivileged(true).endSecurityContext().endContainer()
          .endSpec().build()).create();
      Path token = Files.writeString(dir.resolve("token"), "in-cluster-token");
      Path home = Files.createDirectories(dir.resolve("home")); // no ~/.kube/config

      Run r = java(dir,
          Map.of("KUBERNETES_SERVICE_HOST", "localhost",
              "KUBERNETES_SERVICE_PORT", Integer.toString(server.getPort()),
              "HOME", home.toString(), "KUBECONFIG", home.resolve("none").toString()),
          List.of("-Duser.home=" + home, "-Dkubernetes.auth.serviceAccount.token=" + token,
              "-Dkubernetes.trust.certificates=true",
              "-Djdk.internal.httpclient.disableHostnameVerification=true"),
          "scan", "--cluster", "-o", "json", "--control", "privileged-containers");

      assertThat(r.err()).isEmpty();
      assertThat(r.code()).isZero();
      assertThat(r.out()).contains("\"controlId\": \"privileged-containers\"")
          .contains("\"inputs\": [\n      \"https://localhost:" + server.getPort());
      boolean authenticated = false;
      for (int i = server.getRequestCount(); i > 0; i--) {
        var request = server.takeRequest(1, TimeUnit.SECONDS);
        if (request != null && request.getPath().startsWith("/api/v1/pods?limit=500")) {
          authenticated = "Bearer in-cluster-token".equals(request.getHeader("Authorization"));
        }
      }
      assertThat(authenticated).as("the pods were listed with the service-account token")
          .isTrue();
    } finally {
      server.destroy();
    }
  }
}
