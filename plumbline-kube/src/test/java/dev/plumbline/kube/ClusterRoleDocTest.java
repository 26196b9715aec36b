package dev.plumbline.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Library;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The least-privilege ClusterRole in docs/cluster-scanning.md grants exactly what a scan with the
 * built-in library reads: no kind missing (a 403 for users who copy it), none extra.
 */
class ClusterRoleDocTest {
  private static final Path DOC = Path.of(System.getProperty("plumbline.repoRoot", ".."),
      "docs", "cluster-scanning.md");

  @Test
  void documentedClusterRoleGrantsExactlyWhatTheBuiltInLibraryReads() throws IOException {
    String doc = Files.readString(DOC);
    int start = doc.indexOf("```yaml\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n");
    assertThat(start).as("a ClusterRole YAML block in " + DOC).isNotNegative();
    String yaml = doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 7));
    ManifestReader.Result read = new ManifestReader().readString("cluster-scanning.md", yaml);
    assertThat(read.errors()).isEmpty();
    Resource role = read.resources().stream().filter(r -> r.kind().equals("ClusterRole"))
        .findFirst().orElseThrow();

    Map<String, Set<String>> granted = new TreeMap<>();
    for (Object rule : (List<?>) role.object().get("rules")) {
      Map<?, ?> r = (Map<?, ?>) rule;
      assertThat(r.get("verbs")).isEqualTo(List.of("get", "list", "watch"));
      for (Object group : (List<?>) r.get("apiGroups")) {
        for (Object resource : (List<?>) r.get("resources")) {
          granted.computeIfAbsent((String) group, g -> new TreeSet<>()).add((String) resource);
        }
      }
    }
    Map<String, Set<String>> needed = new TreeMap<>();
    for (String kind : ClusterReader.kindsFor(Library.builtIn().controls())) {
      ApiKind k = ApiKinds.of(kind);
      assertThat(k).as(kind).isNotNull();
      needed.computeIfAbsent(k.group(), g -> new TreeSet<>()).add(k.plural());
    }
    assertThat(granted).isEqualTo(needed);
    assertThat(needed.get("")).doesNotContain("secrets");
  }

  @Test
  void theDeploymentManifestsGrantTheDocumentedClusterRole() throws IOException {
    String doc = Files.readString(DOC);
    int start = doc.indexOf("```yaml\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n");
    String yaml = doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 7));
    Object documented = clusterRoleRules(new ManifestReader().readString("doc", yaml));
    Path rbac = DOC.getParent().getParent().resolve("deploy/kubernetes/rbac.yaml");
    Object deployed = clusterRoleRules(new ManifestReader().readString(rbac.toString(),
        Files.readString(rbac)));
    assertThat(deployed).isEqualTo(documented);
  }

  private static Object clusterRoleRules(ManifestReader.Result read) {
    assertThat(read.errors()).isEmpty();
    return read.resources().stream().filter(r -> r.kind().equals("ClusterRole"))
        .findFirst().orElseThrow().object().get("rules");
  }
}
