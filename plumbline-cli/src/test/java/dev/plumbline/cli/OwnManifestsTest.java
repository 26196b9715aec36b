package dev.plumbline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plumbline's own Kubernetes manifests ({@code deploy/kubernetes}) must pass its own controls:
 * a security tool that asks for more than it recommends is not believable. The one accepted
 * exception is in the folder, with its reason.
 */
class OwnManifestsTest {
  private static final Path DEPLOY = Path.of(System.getProperty("plumbline.repoRoot", ".."))
      .resolve("deploy/kubernetes");

  @Test
  void plumblinesOwnManifestsPassEveryControl() throws Exception {
    CliTest.Run run = CliTest.run("scan", "-o", "json", "--fail-on", "low",
        "--exceptions", DEPLOY.resolve("exceptions.yaml").toString(), DEPLOY.toString());
    JsonNode json = JsonMapper.builder().build().readTree(run.out());
    assertThat(json.get("findings")).as(run.out()).isEmpty();
    assertThat(json.get("errors")).isEmpty();
    assertThat(json.get("suppressed")).hasSize(1);
    assertThat(json.get("suppressed").get(0).get("finding").get("controlId").asString())
        .isEqualTo("unpinned-images");
    assertThat(run.code()).isZero();
    // the workload, its RBAC, network policies and namespace were judged, not skipped
    assertThat(json.get("summary").get("resourcesJudged").asInt()).isGreaterThanOrEqualTo(9);
  }
}
