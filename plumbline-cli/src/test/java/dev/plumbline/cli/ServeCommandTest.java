package dev.plumbline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.resource.ManifestReader;
import dev.plumbline.server.ServeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code plumbline serve}: the command wires the monitor, the store and the API together. */
class ServeCommandTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path dir;

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static ServeCommand parse(String... args) {
    ServeCommand command = new ServeCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void demoModeServesTheDemoClustersFindingsWithoutATokenForReading() throws Exception {
    ServeCommand command = parse("--demo", "--port", "0");
    StringWriter out = new StringWriter();
    try (ServeCommand.Running running = command.start(new PrintWriter(out))) {
      int port = running.port();
      assertThat(out.toString()).contains("Plumbline is serving on http://localhost:" + port)
          .contains("First scan of \"demo\" stored");
      assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);

      HttpResponse<String> findings = get(port, "/api/v1/findings?severity=critical&limit=50");
      assertThat(findings.statusCode()).isEqualTo(200);
      JsonNode items = JSON.readTree(findings.body()).get("items");
      assertThat(items).isNotEmpty();
      assertThat(items.findValuesAsString("control")).contains("privileged-containers");
      assertThat(items.findValuesAsString("cluster")).containsOnly("demo");

      // reading needs no token in demo mode, writing still does
      HttpResponse<String> write = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/api/v1/exceptions"))
          .POST(HttpRequest.BodyPublishers.ofString("{}"))
          .header("Content-Type", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(write.statusCode()).isEqualTo(401);

      String metrics = get(port, "/metrics").body();
      assertThat(metrics).contains("plumbline_findings{severity=\"critical\",status=\"open\"}")
          .contains("plumbline_scan_seconds_count");
    }
  }

  @Test
  void admissionControlJudgesWithTheMonitorsInventory() throws Exception {
    ServeCommand command = parse("--demo", "--port", "0", "--set", "admission.enabled=true",
        "--set", "admission.action=enforce");
    StringWriter out = new StringWriter();
    try (ServeCommand.Running running = command.start(new PrintWriter(out))) {
      int port = running.port();
      assertThat(out.toString()).contains("Admission control on http://localhost:" + port
          + "/admission/validate");
      String review = """
          {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
           "request": {"uid": "u-1", "operation": "CREATE", "namespace": "shop",
            "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
             "spec": {"containers": [{"name": "c", "image": "nginx",
              "securityContext": {"privileged": true}}]}}}}
          """;
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/admission/validate"))
          .POST(HttpRequest.BodyPublishers.ofString(review))
          .header("Content-Type", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode response = JSON.readTree(r.body()).get("response");
      assertThat(response.get("allowed").asBoolean()).isFalse();
      assertThat(response.get("status").get("message").asString())
          .contains("privileged-containers");
      // cross-object controls are judged with what the monitor knows, and only warn
      assertThat(response.get("warnings").toString()).contains("unisolated-workloads");
      assertThat(get(port, "/metrics").body())
          .contains("plumbline_admission_reviews_total{decision=\"denied\"");
    }
  }

  @Test
  void demoModeTellsItsStoryOneLineAStep() throws Exception {
    ServeCommand command = parse("--demo", "--port", "0");
    command.demoStep = java.time.Duration.ofSeconds(1);
    StringWriter out = new StringWriter();
    try (ServeCommand.Running running = command.start(new PrintWriter(out))) {
      int port = running.port();
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
      while (!out.toString().contains("demo: an exception for")
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(out.toString())
          .contains("demo: a risky deployment shop/legacy-admin appeared")
          .contains("demo: a fix landed: shop/legacy-admin")
          .contains("demo: an exception for privileged-containers on "
              + "Deployment/legacy/reporting");
      JsonNode resolved = JSON.readTree(get(port,
          "/api/v1/findings?status=resolved&namespace=shop&limit=200").body()).get("items");
      assertThat(resolved.toString()).contains("legacy-admin");
    }
  }

  @Test
  void theConfigurationsDefaultDebounceIsTheMonitors() {
    // plumbline-server does not depend on the monitor: its default is a copy, kept in step here
    assertThat(ServeConfig.DEFAULT_DEBOUNCE)
        .isEqualTo(dev.plumbline.monitor.MonitorSettings.DEFAULT_DEBOUNCE);
  }

  @Test
  void withoutATokenOutsideDemoModeTheCommandRefusesToStart() {
    ServeCommand command = parse("--port", "0", "--set", "database.dataDir=" + dir);
    command.spec = new CommandLine(command).getCommandSpec();
    assertThatThrownBy(() -> command.start(new PrintWriter(new StringWriter())))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("token");
  }

  @Test
  void theInClusterConfigurationLoads() throws Exception {
    Path deploy = Path.of(System.getProperty("plumbline.repoRoot", ".."))
        .resolve("deploy/kubernetes/config.yaml");
    ManifestReader.Result read = new ManifestReader().readString(deploy.toString(),
        Files.readString(deploy));
    Object serveYaml = ((Map<?, ?>) read.resources().get(0).object().get("data"))
        .get("serve.yaml");
    Path file = dir.resolve("serve.yaml");
    Files.writeString(file, (String) serveYaml);
    Files.createDirectories(dir.resolve("tokens"));
    String text = Files.readString(file).replace("/etc/plumbline/tokens", dir.resolve("tokens")
        .toString());
    Files.writeString(file, text);
    Files.writeString(dir.resolve("tokens/admin"), "a".repeat(32));
    Files.writeString(dir.resolve("tokens/viewer"), "v".repeat(32));
    ServeConfig config = ServeConfig.load(file, Map.of(), Map.of());
    assertThat(config.cluster().name()).isEqualTo("production");
    assertThat(config.server().tokens()).hasSize(2);
    assertThat(config.alerts().sinks()).extracting(s -> s.type().name()).isEqualTo(List.of("LOG"));
  }
}
