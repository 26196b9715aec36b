package dev.plumbline.monitor;

import static dev.plumbline.monitor.Fixtures.await;
import static dev.plumbline.monitor.Fixtures.denyAll;
import static dev.plumbline.monitor.Fixtures.deployment;
import static dev.plumbline.monitor.Fixtures.namespace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Severity;
import dev.plumbline.store.Alert;
import dev.plumbline.store.ExceptionSpec;
import dev.plumbline.store.FindingEvent;
import dev.plumbline.store.FindingQuery;
import dev.plumbline.store.FindingStatus;
import dev.plumbline.store.Store;
import dev.plumbline.store.StoredFinding;
import dev.plumbline.store.Transition;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor against the mock API server in CRUD mode, with an embedded store. */
class MonitorTest {
  private static final String CLUSTER = "test";
  private static final String PRIVILEGED = "privileged-containers";

  @TempDir Path dir;
  private MockApi api;
  private KubernetesClient client;
  private Store store;
  private SimpleMeterRegistry metrics;
  private Monitor monitor;

  @BeforeEach
  void setUp() {
    api = new MockApi();
    client = api.client;
    store = Store.embedded(dir);
    metrics = new SimpleMeterRegistry();
    namespace(client, "team");
    client.apps().deployments().inNamespace("team").resource(deployment("team", "web", true))
        .create();
  }

  @AfterEach
  void tearDown() {
    api.close(); // before the monitor's watches: see ClusterWatcherTest.stop
    if (monitor != null) {
      monitor.close();
    }
    store.close();
  }

  private Monitor start(boolean alertOnResolve) throws Exception {
    MonitorSettings settings = new MonitorSettings(CLUSTER, Set.of(), Duration.ZERO,
        Duration.ZERO, Severity.HIGH, alertOnResolve, List.of(SinkSettings.log("log")),
        Duration.ofMillis(50));
    Monitor m = new Monitor(settings, client, store, Fixtures.options(), metrics,
        Clock.systemUTC());
    m.exceptionCheck = Duration.ofMillis(100);
    m.start();
    return m;
  }

  private List<StoredFinding> findings() {
    return store.findings(FindingQuery.all().cluster(CLUSTER).page(0, 1000)).items();
  }

  private Optional<StoredFinding> finding(String control, String resource) {
    return findings().stream().filter(f -> f.controlId().equals(control)
        && f.resource().display().equals(resource)).findFirst();
  }

  private FindingStatus status(String control, String resource) {
    return finding(control, resource).map(StoredFinding::status).orElse(null);
  }

  private List<Alert> alerts() {
    return store.alerts("log", null, 10_000);
  }

  private List<FindingEvent> events() {
    return store.events(CLUSTER, Instant.EPOCH, Instant.now().plusSeconds(60), 100_000);
  }

  @Test
  void theFirstScanStoresFindingsAndQueuesAlertsAtTheAlertSeverity() throws Exception {
    monitor = start(false);

    assertThat(monitor.ready()).isTrue();
    assertThat(status(PRIVILEGED, "Deployment/team/web")).isEqualTo(FindingStatus.OPEN);
    assertThat(status("unisolated-workloads", "Deployment/team/web"))
        .isEqualTo(FindingStatus.OPEN);
    assertThat(alerts()).isNotEmpty().allSatisfy(a -> {
      assertThat(a.event().transition()).isEqualTo(Transition.NEW);
      StoredFinding f = store.finding(CLUSTER, a.event().findingId()).orElseThrow();
      assertThat(f.severity().atLeast(Severity.HIGH)).isTrue();
    });
    assertThat(alerts()).anySatisfy(a -> assertThat(a.event().findingId())
        .isEqualTo(finding(PRIVILEGED, "Deployment/team/web").orElseThrow().id()));
    assertThat(metrics.get("plumbline.scan").timer().count()).isEqualTo(1);
    monitor.close();
    assertThat(monitor.ready()).isFalse();
  }

  @Test
  void theFirstScanJudgesWhatTheWatchesListedWithoutReadingTheClusterAgain() throws Exception {
    int before = api.server.getRequestCount();
    for (int i = 0; i < before; i++) {
      api.server.takeRequest(); // what setUp sent
    }

    monitor = start(false);

    List<String> deploymentLists = new ArrayList<>();
    int sent = api.server.getRequestCount() - before;
    for (int i = 0; i < sent; i++) {
      String path = api.server.takeRequest(1, TimeUnit.SECONDS).getPath();
      if (path.startsWith("/apis/apps/v1/deployments?") && !path.contains("watch=true")) {
        deploymentLists.add(path);
      }
    }
    assertThat(deploymentLists).as("one list: the informer's").hasSize(1);
    assertThat(status(PRIVILEGED, "Deployment/team/web")).isEqualTo(FindingStatus.OPEN);
  }

  @Test
  void fixingADeploymentResolvesItsFindingAndAlertsOnResolve() throws Exception {
    monitor = start(true);
    String id = finding(PRIVILEGED, "Deployment/team/web").orElseThrow().id();

    client.apps().deployments().inNamespace("team").resource(deployment("team", "web", false))
        .update();

    await(() -> status(PRIVILEGED, "Deployment/team/web") == FindingStatus.RESOLVED);
    await(() -> alerts().stream().anyMatch(a -> a.event().findingId().equals(id)
        && a.event().transition() == Transition.RESOLVED));
    assertThat(metrics.get("plumbline.evaluation").timer().count()).isPositive();
    assertThat(metrics.get("plumbline.watch.events").tag("kind", "Deployment")
        .tag("type", "updated").counter().count()).isPositive();
    assertThat(metrics.get("plumbline.watch.lag").timer().count()).isPositive();

    // Breaking it again reopens it: a second alert for the same finding, a new occurrence.
    client.apps().deployments().inNamespace("team").resource(deployment("team", "web", true))
        .update();
    await(() -> status(PRIVILEGED, "Deployment/team/web") == FindingStatus.OPEN);
    await(() -> alerts().stream().anyMatch(a -> a.event().findingId().equals(id)
        && a.event().transition() == Transition.REOPENED));
    assertThat(finding(PRIVILEGED, "Deployment/team/web").orElseThrow().reopenCount())
        .isEqualTo(1);
  }

  @Test
  void resolvedFindingsDoNotAlertUnlessAsked() throws Exception {
    monitor = start(false);
    int before = alerts().size();

    client.apps().deployments().inNamespace("team").resource(deployment("team", "web", false))
        .update();

    await(() -> status(PRIVILEGED, "Deployment/team/web") == FindingStatus.RESOLVED);
    assertThat(alerts()).hasSize(before);
  }

  @Test
  void aNetworkPolicyResolvesTheUnisolatedFindingsOfItsNamespacesWorkloads() throws Exception {
    client.apps().deployments().inNamespace("team").resource(deployment("team", "api", false))
        .create();
    monitor = start(false);
    assertThat(status("unisolated-workloads", "Deployment/team/api"))
        .isEqualTo(FindingStatus.OPEN);
    assertThat(status("missing-default-deny-ingress", "Namespace/team"))
        .isEqualTo(FindingStatus.OPEN);

    client.network().networkPolicies().inNamespace("team").resource(denyAll("team")).create();

    await(() -> status("unisolated-workloads", "Deployment/team/web") == FindingStatus.RESOLVED
        && status("unisolated-workloads", "Deployment/team/api") == FindingStatus.RESOLVED
        && status("missing-default-deny-ingress", "Namespace/team") == FindingStatus.RESOLVED);
    // The rest of the workloads' findings are untouched.
    assertThat(status(PRIVILEGED, "Deployment/team/web")).isEqualTo(FindingStatus.OPEN);
  }

  @Test
  void aServiceAccountOrABindingChangeJudgesTheWorkloadsThatUseTheAccountAgain()
      throws Exception {
    client.serviceAccounts().inNamespace("team").resource(new ServiceAccountBuilder()
        .withNewMetadata().withName("app").withNamespace("team").endMetadata().build()).create();
    var d = deployment("team", "api", false);
    d.getSpec().getTemplate().getSpec().setServiceAccountName("app");
    client.apps().deployments().inNamespace("team").resource(d).create();
    var w = deployment("team", "worker", false);
    w.getSpec().getTemplate().getSpec().setServiceAccountName("jobs");
    client.apps().deployments().inNamespace("team").resource(w).create();
    monitor = start(false);
    String token = "automounted-service-account-tokens";
    assertThat(status(token, "Deployment/team/api")).isEqualTo(FindingStatus.OPEN);
    assertThat(status(token, "Deployment/team/worker")).isEqualTo(FindingStatus.OPEN);

    client.serviceAccounts().inNamespace("team").resource(new ServiceAccountBuilder()
        .withNewMetadata().withName("app").withNamespace("team").endMetadata()
        .withAutomountServiceAccountToken(false).build()).update();
    await(() -> status(token, "Deployment/team/api") == FindingStatus.RESOLVED);

    client.rbac().roleBindings().inNamespace("team").resource(new RoleBindingBuilder()
        .withNewMetadata().withName("jobs").withNamespace("team").endMetadata()
        .addNewSubject().withKind("ServiceAccount").withName("jobs").withNamespace("team")
        .endSubject().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
        .withKind("ClusterRole").withName("view").endRoleRef().build()).create();
    await(() -> status(token, "Deployment/team/worker") == FindingStatus.RESOLVED);
  }

  @Test
  void aLimitRangeIsJudgedWithItsNamespace() throws Exception {
    monitor = start(false);
    assertThat(status("missing-limit-ranges", "Namespace/team")).isEqualTo(FindingStatus.OPEN);

    client.limitRanges().inNamespace("team").resource(new LimitRangeBuilder().withNewMetadata()
        .withName("defaults").withNamespace("team").endMetadata().withNewSpec().addNewLimit()
        .withType("Container").addToDefault("memory", new Quantity("256Mi"))
        .addToDefault("cpu", new Quantity("500m")).addToDefaultRequest("memory",
            new Quantity("128Mi")).addToDefaultRequest("cpu", new Quantity("100m"))
        .endLimit().endSpec().build()).create();

    await(() -> status("missing-limit-ranges", "Namespace/team") == FindingStatus.RESOLVED);
  }

  @Test
  void deletingAnObjectResolvesItsFindings() throws Exception {
    monitor = start(false);
    assertThat(findings()).anyMatch(f -> f.resource().display().equals("Deployment/team/web"));

    client.apps().deployments().inNamespace("team").withName("web").delete();

    await(() -> findings().stream()
        .filter(f -> f.resource().display().equals("Deployment/team/web"))
        .allMatch(f -> f.status() == FindingStatus.RESOLVED));
  }

  @Test
  void objectsOwnedByAKnownControllerAreJudgedThroughIt() throws Exception {
    monitor = start(false);
    var rs = new ReplicaSetBuilder().withNewMetadata().withName("web-5d8f").withNamespace("team")
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1")
            .withKind("Deployment").withName("web").withUid("u1").withController(true).build())
        .endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "web")
        .endSelector().withTemplate(deployment("team", "web", true).getSpec().getTemplate())
        .endSpec().build();
    client.apps().replicaSets().inNamespace("team").resource(rs).create();
    client.pods().inNamespace("team").resource(new PodBuilder().withNewMetadata()
        .withName("web-5d8f-x1").withNamespace("team")
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1")
            .withKind("ReplicaSet").withName("web-5d8f").withUid("u2").withController(true)
            .build()).endMetadata()
        .withSpec(deployment("team", "web", true).getSpec().getTemplate().getSpec()).build())
        .create();
    // A standalone privileged pod, created last, shows when the batch has been judged.
    client.pods().inNamespace("team").resource(new PodBuilder().withNewMetadata()
        .withName("debug").withNamespace("team").endMetadata()
        .withSpec(deployment("team", "debug", true).getSpec().getTemplate().getSpec()).build())
        .create();

    await(() -> status(PRIVILEGED, "Pod/team/debug") == FindingStatus.OPEN);
    assertThat(findings()).noneMatch(f -> f.resource().name().startsWith("web-5d8f"));

    // Without its ReplicaSet, the pod is judged on its own.
    client.apps().replicaSets().inNamespace("team").withName("web-5d8f").delete();
    await(() -> status(PRIVILEGED, "Pod/team/web-5d8f-x1") == FindingStatus.OPEN);
  }

  @Test
  void aRestartOnTheSameStoreStoresNoDuplicateFindingsOrAlerts() throws Exception {
    monitor = start(true);
    List<StoredFinding> first = findings();
    int alerts = alerts().size();
    int events = events().size();
    monitor.close();

    monitor = start(true);

    assertThat(findings()).containsExactlyInAnyOrderElementsOf(first.stream()
        .map(f -> findings().stream().filter(g -> g.id().equals(f.id())).findFirst()
            .orElseThrow()).toList());
    assertThat(findings()).hasSameSizeAs(first);
    assertThat(findings()).extracting(StoredFinding::revision)
        .containsExactlyInAnyOrderElementsOf(first.stream().map(StoredFinding::revision)
            .toList());
    assertThat(alerts()).hasSize(alerts);
    assertThat(events()).hasSize(events);

    // What changed while it was down is caught by the first scan after the restart.
    monitor.close();
    client.apps().deployments().inNamespace("team").withName("web").delete();
    monitor = start(true);
    assertThat(status(PRIVILEGED, "Deployment/team/web")).isEqualTo(FindingStatus.RESOLVED);
    assertThat(alerts().stream().filter(a -> a.event().transition() == Transition.RESOLVED))
        .isNotEmpty();
  }

  @Test
  void aRelistDeliversEverythingAgainWithoutDuplicatesAndTheResyncCatchesMissedEvents()
      throws Exception {
    monitor = start(false);
    int alerts = alerts().size();
    int events = events().size();
    long evaluated = metrics.get("plumbline.evaluation").timer().count();

    monitor.dropWatch();
    client.apps().deployments().inNamespace("team").withName("web").delete(); // missed
    client.apps().deployments().inNamespace("team").resource(deployment("team", "api", true))
        .create();
    monitor.rewatch(); // a fresh list, as after 410 Gone

    await(() -> status(PRIVILEGED, "Deployment/team/api") == FindingStatus.OPEN);
    // Only the new object was judged: the others came again with their resourceVersion.
    assertThat(metrics.get("plumbline.evaluation").timer().count())
        .isLessThanOrEqualTo(evaluated + 1);
    assertThat(status(PRIVILEGED, "Deployment/team/web")).isEqualTo(FindingStatus.OPEN);

    monitor.resyncNow();

    assertThat(status(PRIVILEGED, "Deployment/team/web")).isEqualTo(FindingStatus.RESOLVED);
    assertThat(status(PRIVILEGED, "Deployment/team/api")).isEqualTo(FindingStatus.OPEN);
    // One NEW alert for api's privileged finding, none again for what was already stored.
    String api = finding(PRIVILEGED, "Deployment/team/api").orElseThrow().id();
    assertThat(alerts().stream().filter(a -> a.event().findingId().equals(api))).hasSize(1);
    assertThat(alerts().size()).isGreaterThan(alerts);
    int afterResync = alerts().size();
    int eventsAfterResync = events().size();
    assertThat(eventsAfterResync).isGreaterThan(events);
    monitor.resyncNow(); // nothing changed: nothing stored, nothing sent
    assertThat(alerts()).hasSize(afterResync);
    assertThat(events()).hasSize(eventsAfterResync);
  }

  @Test
  void aWatchThatIsGoneIsRelistedAndWhatChangedMeanwhileIsReconciled() throws Exception {
    String listed = client.apps().deployments().inAnyNamespace().list().getMetadata()
        .getResourceVersion();
    // The Deployment watch, from the list's resourceVersion, gets no events for a while (the
    // deletion below is missed), then is told that the version is too old: 410 Gone, as after
    // etcd compaction.
    api.server.expect().get().withPath("/apis/apps/v1/deployments?allowWatchBookmarks=true"
            + "&resourceVersion=" + listed + "&timeoutSeconds=600&watch=true")
        .andUpgradeToWebSocket().open()
        .waitFor(1500).andEmit(new WatchEvent(new StatusBuilder().withStatus("Failure")
            .withCode(410).withReason("Expired").withMessage("too old resource version: "
                + listed).build(), "ERROR"))
        .done().once();
    monitor = start(false);
    int alerts = alerts().size();
    assertThat(status(PRIVILEGED, "Deployment/team/web")).isEqualTo(FindingStatus.OPEN);

    client.apps().deployments().inNamespace("team").withName("web").delete();

    // The informer lists again; the object missing from the new list is a deletion.
    await(() -> status(PRIVILEGED, "Deployment/team/web") == FindingStatus.RESOLVED,
        Duration.ofSeconds(20));
    // And it watches again: later changes arrive.
    client.apps().deployments().inNamespace("team").resource(deployment("team", "api", true))
        .create();
    await(() -> status(PRIVILEGED, "Deployment/team/api") == FindingStatus.OPEN);
    String api = finding(PRIVILEGED, "Deployment/team/api").orElseThrow().id();
    assertThat(alerts()).anyMatch(a -> a.event().findingId().equals(api));
    // Nothing about the objects listed again was queued twice.
    assertThat(alerts().stream().filter(a -> !a.event().payload().contains("\"name\":\"api\"")))
        .hasSize(alerts);
  }

  @Test
  void storedExceptionsApplyToTheNextEvaluation() throws Exception {
    monitor = start(false);
    store.createException(new ExceptionSpec(List.of(CLUSTER), List.of(PRIVILEGED),
        List.of("team"), List.of(), List.of(), Map.of(), "debugging an incident", "sre",
        LocalDate.now().plusDays(30)), "alice", Instant.now());


    // Applied to every object once the monitor notices, without a change in the cluster.
    await(() -> status(PRIVILEGED, "Deployment/team/web") == FindingStatus.SUPPRESSED);
    assertThat(finding(PRIVILEGED, "Deployment/team/web").orElseThrow().exceptionId())
        .isEqualTo(store.exceptions().get(0).id());
    // And to objects judged after a change.
    client.apps().deployments().inNamespace("team").resource(deployment("team", "other", true))
        .create();
    await(() -> status(PRIVILEGED, "Deployment/team/other") == FindingStatus.SUPPRESSED);

    store.deleteException(store.exceptions().get(0).id(), "alice", Instant.now());
    await(() -> status(PRIVILEGED, "Deployment/team/web") == FindingStatus.OPEN);
  }

  @Test
  void resyncsAndSnapshotsRunOnTheirSchedules() throws Exception {
    MonitorSettings settings = new MonitorSettings(CLUSTER, Set.of(), Duration.ofMillis(300),
        Duration.ofMillis(300), Severity.HIGH, false, List.of(), Duration.ofMillis(50));
    monitor = new Monitor(settings, client, store, Fixtures.options(), metrics,
        Clock.systemUTC());
    monitor.start();
    int events = events().size();

    await(() -> metrics.get("plumbline.scan").timer().count() >= 3
        && store.postureTrend(CLUSTER, Instant.EPOCH, Instant.now().plusSeconds(60)).size() >= 3);
    assertThat(events()).hasSize(events); // nothing changed, nothing stored
  }

  @Test
  void aSnapshotRecordsThePostureWithNamespaces() throws Exception {
    monitor = start(false);

    monitor.snapshotNow();

    assertThat(store.postureTrend(CLUSTER, Instant.EPOCH, Instant.now().plusSeconds(60)))
        .hasSize(1);
    assertThat(store.trend(CLUSTER, "pss-baseline", Instant.EPOCH,
        Instant.now().plusSeconds(60))).hasSize(1);
    assertThat(store.namespacePosture(CLUSTER, Instant.now().plusSeconds(1)))
        .containsKey("team");
  }
}
