package dev.plumbline.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Severity;
import dev.plumbline.store.FindingQuery;
import dev.plumbline.store.FindingStatus;
import dev.plumbline.store.Store;
import dev.plumbline.store.StoredFinding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo cluster, monitored, shows the example's planted problems and the extra ones. */
class DemoClusterTest {
  @TempDir Path dir;

  @Test
  void theMonitorFindsThePlantedProblems() throws Exception {
    try (DemoCluster demo = DemoCluster.start(); Store store = Store.embedded(dir)) {
      assertThat(demo.client().apps().deployments().inAnyNamespace().list().getItems())
          .extracting(d -> d.getMetadata().getNamespace() + "/" + d.getMetadata().getName())
          .contains("shop/frontend", "shop/api", "shop/redis", "shop-dev/api", "legacy/reporting");
      MonitorSettings settings = new MonitorSettings("demo", Set.of(), Duration.ZERO,
          Duration.ZERO, Severity.HIGH, false, List.of());
      try (Monitor monitor = new Monitor(settings, demo.client(), store, Fixtures.options(),
          new SimpleMeterRegistry(), Clock.systemUTC())) {
        monitor.start();
        List<String> open = store.findings(FindingQuery.all().cluster("demo")
                .statuses(FindingStatus.OPEN).page(0, 1000)).items().stream()
            .map(StoredFinding::controlId)
            .toList();
        assertThat(open).isNotEmpty();
      }
      List<String> found = store.findings(FindingQuery.all().cluster("demo")
              .statuses(FindingStatus.OPEN).page(0, 1000)).items().stream()
          .map(f -> f.controlId() + " " + f.resource().display()).toList();
      assertThat(found).contains(
          "privileged-containers Deployment/shop/api",                 // 1
          "mutable-image-tags CronJob/shop/worker",                    // 2
          "missing-memory-limits CronJob/shop/worker",                 // 3
          "missing-limit-ranges Namespace/shop",
          "missing-liveness-probes Deployment/shop/redis",             // 4
          "run-as-root-allowed StatefulSet/shop/postgres",             // 5
          "container-runtime-sockets DaemonSet/logging/log-collector", // 6
          "hardcoded-credentials Deployment/shop-dev/api",             // 7
          "automounted-service-account-tokens CronJob/shop/worker",    // 8
          "unisolated-workloads Deployment/shop/frontend",             // 9
          "missing-default-deny-ingress Namespace/shop",
          "privileged-containers Deployment/legacy/reporting",         // the extras
          "host-namespaces Deployment/legacy/reporting");
      assertThat(found).noneMatch(f -> f.endsWith("Deployment/shop/frontend")
          && !f.startsWith("unisolated-workloads"));
    }
  }
}
