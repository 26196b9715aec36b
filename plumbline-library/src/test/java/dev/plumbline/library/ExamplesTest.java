package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Library;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.exceptions.PolicyException;
import dev.plumbline.resource.InputNote;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.Resource;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import dev.plumbline.scan.Suppressed;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The example application in {@code examples/} says in its README which problems are planted and
 * where. This holds it to that: every planted problem is found by each of its controls that the
 * library has, on exactly the resources and lines the README names, and nowhere else.
 */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of(System.getProperty("plumbline.repoRoot", ".."))
      .resolve("examples");

  /** Control id, then resource (Kind/namespace/name) to the line of the finding, 0 for any. */
  private static final Map<String, Map<String, Integer>> PLANTED = Map.ofEntries(
      // 1 the privileged debug sidecar, and what comes with it
      Map.entry("privileged-containers", Map.of("Deployment/shop/api", 197)),
      Map.entry("capabilities-not-dropped", Map.of("Deployment/shop/api", 0)),
      Map.entry("net-raw-capability", Map.of("Deployment/shop/api", 0)),
      Map.entry("privilege-escalation-allowed", Map.of("Deployment/shop/api", 0)),
      Map.entry("writable-root-filesystems", Map.of("Deployment/shop/api", 0)),
      Map.entry("root-user-id", Map.of("Deployment/shop/api", 0,
          "DaemonSet/logging/log-collector", 0)),
      // 2 :latest
      Map.entry("mutable-image-tags", Map.of("CronJob/shop/worker", 46)),
      Map.entry("unpinned-images", Map.of("CronJob/shop/worker", 46)),
      // 3 no limits
      Map.entry("missing-memory-limits", Map.of("CronJob/shop/worker", 51)),
      Map.entry("missing-cpu-limits", Map.of("CronJob/shop/worker", 51)),
      Map.entry("missing-limit-ranges", Map.of("Namespace/shop", 7)),
      // 4 no probes (and the debug sidecar)
      Map.entry("missing-liveness-probes", Map.of("Deployment/shop/redis", 46,
          "Deployment/shop/api", 0)),
      Map.entry("missing-readiness-probes", Map.of("Deployment/shop/redis", 46,
          "Deployment/shop/api", 0)),
      // 5 runAsNonRoot missing (and the debug sidecar, and the log collector)
      Map.entry("run-as-root-allowed", Map.of("StatefulSet/shop/postgres", 91,
          "Deployment/shop/api", 0, "DaemonSet/logging/log-collector", 0)),
      // 6 the Docker socket, accepted in exceptions.yaml
      Map.entry("container-runtime-sockets", Map.of("DaemonSet/logging/log-collector", 123)),
      Map.entry("restricted-volume-types", Map.of("DaemonSet/logging/log-collector", 122)),
      Map.entry("privileged-namespaces", Map.of("Namespace/logging", 9)),
      // 7 a literal password
      Map.entry("hardcoded-credentials", Map.of("Deployment/shop-dev/api", 58)),
      // 8 an automounted token
      Map.entry("automounted-service-account-tokens", Map.of("CronJob/shop/worker", 35)),
      // 9 network policies for some applications only
      Map.entry("unisolated-workloads", Map.of("Deployment/shop/frontend", 0)),
      Map.entry("missing-default-deny-ingress", Map.of("Namespace/shop", 7)),
      Map.entry("missing-default-deny-egress", Map.of("Namespace/shop", 7)));

  @Test
  void examplesAreReadWithoutErrors() {
    ManifestReader.Result input = read();

    assertThat(input.errors()).isEmpty();
    assertThat(input.notes()).extracting(InputNote::file)
        .containsExactly(EXAMPLES.resolve("exceptions.yaml").toString());
    assertThat(input.resources()).extracting(Resource::kind).contains("Namespace", "Deployment",
        "StatefulSet", "CronJob", "DaemonSet", "Service", "Ingress", "NetworkPolicy", "Role",
        "RoleBinding", "ServiceAccount", "ConfigMap");
    assertThat(input.resources()).extracting(r -> r.origin().file())
        .contains(EXAMPLES.resolve("shop/data/postgres.json").toString(),
            EXAMPLES.resolve("shop/data/redis.yaml").toString());
    assertThat(input.resources()).allSatisfy(r -> assertThat(r.namespace())
        .isIn("shop", "shop-dev", "logging", ""));
  }

  @TestFactory
  Stream<DynamicTest> plantedProblemsAreFoundWhereTheReadmeSaysAndNowhereElse() {
    Library library = Library.builtIn();
    ScanResult result = new Scanner(ScanOptions.of(
        Selection.resolve(library, List.of(), List.of(), null, Map.of()))).scan(read());
    List<Finding> all = Stream.concat(result.findings().stream(),
        result.suppressed().stream().map(Suppressed::finding)).toList();
    return PLANTED.entrySet().stream()
        .filter(e -> library.control(e.getKey()) != null)
        .sorted(Map.Entry.comparingByKey())
        .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
          List<Finding> found = all.stream().filter(f -> f.reports(e.getKey()))
              .toList();
          Set<String> resources = found.stream().map(f -> f.resource().display())
              .collect(Collectors.toCollection(TreeSet::new));
          assertThat(resources).as("resources with %s findings", e.getKey())
              .containsExactlyInAnyOrderElementsOf(e.getValue().keySet());
          e.getValue().forEach((resource, line) -> {
            if (line > 0) {
              assertThat(found).filteredOn(f -> f.resource().display().equals(resource))
                  .extracting(Finding::line).as("line of %s on %s", e.getKey(), resource)
                  .contains(line);
            }
          });
        }));
  }

  @Test
  void theExceptionCoversTheLogCollectorUntil2027() {
    // controls are checked by the CLI against the library; here only that the file is sound
    ExceptionSet exceptions = ExceptionSet.load(EXAMPLES.resolve("exceptions.yaml"),
        id -> id.matches("[a-z0-9]+(-[a-z0-9]+)*"));

    assertThat(exceptions.all()).singleElement().satisfies(e -> {
      assertThat(e.expires()).isEqualTo(LocalDate.of(2027, 3, 31));
      assertThat(e.owner()).isNotBlank();
      assertThat(e.reason()).contains("Docker socket");
      assertThat(e.controls()).contains("container-runtime-sockets");
    });
    ResourceRef collector = new ResourceRef("apps/v1", "DaemonSet", "logging", "log-collector");
    ResourceRef other = new ResourceRef("apps/v1", "Deployment", "shop", "api");
    LocalDate day = LocalDate.of(2026, 6, 1);
    PolicyException e = exceptions.match("container-runtime-sockets", List.of(), collector,
        Map.of(), day);
    assertThat(e).isNotNull();
    assertThat(exceptions.match("container-runtime-sockets", List.of(), other, Map.of(), day))
        .isNull();
    assertThat(exceptions.match("container-runtime-sockets", List.of(), collector, Map.of(),
        LocalDate.of(2027, 4, 1))).isNull();
  }

  private static ManifestReader.Result read() {
    return new ManifestReader().read(List.of(EXAMPLES.toString()), InputStream.nullInputStream());
  }
}
