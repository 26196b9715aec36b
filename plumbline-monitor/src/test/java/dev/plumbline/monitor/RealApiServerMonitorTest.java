package dev.plumbline.monitor;

import static dev.plumbline.monitor.Fixtures.await;
import static dev.plumbline.monitor.Fixtures.deployment;
import static dev.plumbline.monitor.Fixtures.namespace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Severity;
import dev.plumbline.store.Alert;
import dev.plumbline.store.FindingEvent;
import dev.plumbline.store.FindingQuery;
import dev.plumbline.store.FindingStatus;
import dev.plumbline.store.Store;
import dev.plumbline.store.StoredFinding;
import dev.plumbline.store.Transition;
import dev.plumbline.testkube.KubeApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous monitoring against a real kube-apiserver (built from source by
 * {@code .ci/kube-apiserver.sh}): the informers, the store's lifecycle and the alert outbox
 * across real watch events, a crash of the API server and a compaction of etcd. Each test works
 * in its own namespace of one server and its own store.
 */
class RealApiServerMonitorTest {
  private static final String CLUSTER = "real";
  private static final String PRIVILEGED = "privileged-containers";

  @RegisterExtension
  static final KubeApiServer KUBE = KubeApiServer.builder().build();

  @TempDir Path dir;
  private Store store;
  private KubernetesClient client;
  private Monitor monitor;

  @AfterEach
  void tearDown() {
    if (monitor != null) {
      monitor.close();
    }
    if (client != null) {
      client.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private Monitor start() throws Exception {
    store = store == null ? Store.embedded(dir) : store;
    client = client == null ? KUBE.newClient() : client;
    MonitorSettings settings = new MonitorSettings(CLUSTER, Set.of(), Duration.ZERO,
        Duration.ZERO, Severity.HIGH, true, List.of(SinkSettings.log("log")),
        Duration.ofMillis(50));
    Monitor m = new Monitor(settings, client, store, Fixtures.options(),
        new SimpleMeterRegistry(), Clock.systemUTC());
    m.start();
    return m;
  }

  private Optional<StoredFinding> finding(String control, String resource) {
    return store.findings(FindingQuery.all().cluster(CLUSTER).page(0, 1000)).items().stream()
        .filter(f -> f.controlId().equals(control) && f.resource().display().equals(resource))
        .findFirst();
  }

  private FindingStatus status(String control, String resource) {
    return finding(control, resource).map(StoredFinding::status).orElse(null);
  }

  private List<Alert> alerts(String findingId) {
    return store.alerts("log", null, 100_000).stream()
        .filter(a -> a.event().findingId().equals(findingId))
        .sorted(Comparator.comparingLong(Alert::id)).toList();
  }

  private List<FindingEvent> events(String findingId) {
    return store.events(CLUSTER, Instant.EPOCH, Instant.now().plusSeconds(60), 100_000).stream()
        .filter(e -> e.findingId().equals(findingId))
        .sorted(Comparator.comparing(FindingEvent::at)).toList();
  }

  @Test
  void findingsOpenResolveAndReopenAsTheClusterChanges() throws Exception {
    KubernetesClient admin = KUBE.client();
    namespace(admin, "shop");
    admin.apps().deployments().inNamespace("shop").resource(deployment("shop", "web", true))
        .create();
    monitor = start();
    String web = "Deployment/shop/web";
    assertThat(status(PRIVILEGED, web)).isEqualTo(FindingStatus.OPEN);
    String id = finding(PRIVILEGED, web).orElseThrow().id();

    admin.apps().deployments().inNamespace("shop").resource(deployment("shop", "web", false))
        .update();
    await(() -> status(PRIVILEGED, web) == FindingStatus.RESOLVED, Duration.ofSeconds(20));

    admin.apps().deployments().inNamespace("shop").resource(deployment("shop", "web", true))
        .update();
    await(() -> status(PRIVILEGED, web) == FindingStatus.OPEN, Duration.ofSeconds(20));

    admin.apps().deployments().inNamespace("shop").resource(deployment("shop", "api", true))
        .create();
    await(() -> status(PRIVILEGED, "Deployment/shop/api") == FindingStatus.OPEN,
        Duration.ofSeconds(20));

    assertThat(finding(PRIVILEGED, web).orElseThrow().reopenCount()).isEqualTo(1);
    await(() -> alerts(id).size() == 3, Duration.ofSeconds(20));
    assertThat(alerts(id)).extracting(a -> a.event().transition())
        .containsExactly(Transition.NEW, Transition.RESOLVED, Transition.REOPENED);
  }

  @Test
  void aCrashedApiServerAndACompactedEtcdLoseAndRepeatNothing() throws Exception {
    KubernetesClient admin = KUBE.client();
    namespace(admin, "crash");
    admin.apps().deployments().inNamespace("crash").resource(deployment("crash", "web", true))
        .create();
    admin.apps().deployments().inNamespace("crash").resource(deployment("crash", "db", true))
        .create();
    monitor = start();
    String web = finding(PRIVILEGED, "Deployment/crash/web").orElseThrow().id();
    String db = finding(PRIVILEGED, "Deployment/crash/db").orElseThrow().id();
    int findings = store.findings(FindingQuery.all().cluster(CLUSTER).page(0, 1000)).items()
        .size();

    // The API server dies; its watch cache is gone when it comes back, and etcd compacts the
    // history the informers would resume from: their watches are answered 410 Gone and they
    // list again. Changes made after the restart must each be seen once.
    KUBE.killApiServer();
    KUBE.startApiServer();
    KUBE.compactEtcd();
    admin.apps().deployments().inNamespace("crash").resource(deployment("crash", "web", false))
        .update();
    admin.apps().deployments().inNamespace("crash").resource(deployment("crash", "cache", true))
        .create();

    await(() -> status(PRIVILEGED, "Deployment/crash/web") == FindingStatus.RESOLVED,
        Duration.ofSeconds(60));
    await(() -> status(PRIVILEGED, "Deployment/crash/cache") == FindingStatus.OPEN,
        Duration.ofSeconds(60));
    Thread.sleep(2000); // a duplicate would arrive now

    assertThat(status(PRIVILEGED, "Deployment/crash/db")).isEqualTo(FindingStatus.OPEN);
    assertThat(events(db)).extracting(FindingEvent::transition).containsExactly(Transition.NEW);
    assertThat(alerts(db)).hasSize(1);
    assertThat(events(web)).extracting(FindingEvent::transition)
        .containsExactly(Transition.NEW, Transition.RESOLVED);
    assertThat(alerts(web)).hasSize(2);
    String cache = finding(PRIVILEGED, "Deployment/crash/cache").orElseThrow().id();
    assertThat(alerts(cache)).hasSize(1);
    assertThat(store.findings(FindingQuery.all().cluster(CLUSTER).page(0, 1000)).items())
        .as("the new Deployment's findings, nothing twice").hasSizeGreaterThan(findings)
        .extracting(StoredFinding::id).doesNotHaveDuplicates();
  }
}
