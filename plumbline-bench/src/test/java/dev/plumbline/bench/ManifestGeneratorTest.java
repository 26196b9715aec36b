package dev.plumbline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestGeneratorTest {
  @TempDir
  Path dir;

  @Test
  void generatesValidManifestsWithTheUsualMixOfKinds() throws IOException {
    int written = ManifestGenerator.generate(3000, dir, 7);
    ManifestReader.Result result = new ManifestReader().read(List.of(dir.toString()), null);
    assertThat(result.errors()).isEmpty();
    assertThat(result.notes()).isEmpty();
    assertThat(result.resources()).hasSize(written);
    assertThat(written).isBetween(3000, 3200);
    Map<String, Integer> kinds = new TreeMap<>();
    for (Resource r : result.resources()) {
      kinds.merge(r.kind(), 1, Integer::sum);
    }
    assertThat(kinds).containsKeys("Namespace", "Deployment", "ReplicaSet", "Pod", "Service",
        "ConfigMap", "Secret", "ServiceAccount", "Role", "RoleBinding", "NetworkPolicy",
        "CronJob", "ClusterRole", "ClusterRoleBinding");
    assertThat(kinds.get("Pod")).isGreaterThan(written / 5);
  }

  @Test
  void outputIsDeterministicForASeed() throws IOException {
    ManifestGenerator.generate(500, dir.resolve("a"), 3);
    ManifestGenerator.generate(500, dir.resolve("b"), 3);
    try (var files = Files.list(dir.resolve("a"))) {
      for (Path a : files.toList()) {
        assertThat(Files.readString(a))
            .isEqualTo(Files.readString(dir.resolve("b").resolve(a.getFileName())));
      }
    }
  }
}
