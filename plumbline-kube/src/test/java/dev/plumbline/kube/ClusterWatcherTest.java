package dev.plumbline.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.resource.Resource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClusterWatcherTest {
  private static final Duration START = Duration.ofSeconds(30);

  private MockCluster cluster;
  private KubernetesClient client;
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final List<Resource> seen = new ArrayList<>();
  private ClusterWatcher watcher;

  private final ClusterWatcher.Listener listener = new ClusterWatcher.Listener() {
    @Override
    public void added(Resource r) {
      record("added", r);
    }

    @Override
    public void updated(Resource r) {
      record("updated", r);
    }

    @Override
    public void deleted(Resource r) {
      record("deleted", r);
    }
  };

  private synchronized void record(String event, Resource r) {
    seen.add(r);
    events.add(event + " " + r.ref().display() + "@" + r.origin().resourceVersion());
  }

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    client = cluster.client();
  }

  @AfterEach
  void stop() {
    // The mock server first: when a client closes a watch, the mock's watch listener blocks the
    // server's event loop, and the server often fails to stop within its 10 s (a fabric8 mock
    // server bug, see MockCluster.close; a real API server does not care).
    cluster.close();
    if (watcher != null) {
      watcher.close();
    }
  }

  private Pod create(String namespace, String name) {
    return client.pods().inNamespace(namespace)
        .resource(ClusterReaderTest.pod(namespace, name)).create();
  }

  private String next() throws InterruptedException {
    String event = events.poll(20, TimeUnit.SECONDS);
    assertThat(event).as("an event within 20 s").isNotNull();
    return event;
  }

  @Test
  void deliversAddsUpdatesAndDeletes() throws Exception {
    Pod a = create("team-a", "a");
    watcher = new ClusterWatcher(client, listener, Duration.ZERO);
    watcher.start(Set.of("Pod"), Set.of(), START);
    assertThat(next()).isEqualTo("added Pod/team-a/a@"
        + a.getMetadata().getResourceVersion());

    Pod b = create("team-a", "b");
    assertThat(next()).isEqualTo("added Pod/team-a/b@" + b.getMetadata().getResourceVersion());

    Pod labelled = client.pods().inNamespace("team-a").withName("b")
        .edit(p -> {
          p.getMetadata().setLabels(Map.of("tier", "web"));
          return p;
        });
    assertThat(next()).isEqualTo("updated Pod/team-a/b@"
        + labelled.getMetadata().getResourceVersion());

    client.pods().inNamespace("team-a").withName("a").delete();
    assertThat(next()).startsWith("deleted Pod/team-a/a@");
    assertThat(watcher.errors()).isEmpty();
    assertThat(cluster.listsOf("/api/v1/pods")).first().asString()
        .contains("limit=500");
  }

  @Test
  void deliversPlainStrippedResources() throws Exception {
    Pod p = ClusterReaderTest.pod("team-a", "api");
    p.getMetadata().setAnnotations(Map.of(ListPage.LAST_APPLIED, "{}", "team", "payments"));
    client.pods().inNamespace("team-a").resource(p).create();
    watcher = new ClusterWatcher(client, listener, Duration.ZERO);
    watcher.start(Set.of("Pod"), Set.of(), START);
    next();

    Resource r;
    synchronized (this) {
      r = seen.get(0);
    }
    assertThat(r.kind()).isEqualTo("Pod");
    assertThat(r.ref().apiVersion()).isEqualTo("v1");
    assertThat(ClusterReaderTest.path(r.object(), "metadata", "annotations"))
        .isEqualTo(Map.of("team", "payments"));
    assertThat(ClusterReaderTest.path(r.object(), "spec", "containers", 0, "ports", 0,
        "containerPort")).isEqualTo(8080L);
  }

  @Test
  void resyncDeliversEveryObjectAgain() throws Exception {
    Pod a = create("team-a", "a");
    watcher = new ClusterWatcher(client, listener, Duration.ofMillis(500));
    watcher.start(Set.of("Pod"), Set.of(), START);
    next();

    assertThat(next()).isEqualTo("updated Pod/team-a/a@" + a.getMetadata().getResourceVersion());
  }

  @Test
  void relistsWhenTheWatchIsGone() throws Exception {
    create("team-a", "a");
    String listed = client.pods().inAnyNamespace().list().getMetadata().getResourceVersion();
    // The first watch, from the list's resourceVersion, is told at once that the version is too
    // old, as an API server says it after etcd compaction: an ERROR event with a 410 Status.
    cluster.server().expect().get().withPath("/api/v1/pods?allowWatchBookmarks=true"
            + "&resourceVersion=" + listed + "&timeoutSeconds=600&watch=true")
        .andUpgradeToWebSocket().open()
        .immediately().andEmit(new WatchEvent(new StatusBuilder().withStatus("Failure")
            .withCode(410).withReason("Expired").withMessage("too old resource version: "
                + listed).build(), "ERROR"))
        .done().once();
    watcher = new ClusterWatcher(client, listener, Duration.ZERO);
    watcher.start(Set.of("Pod"), Set.of(), START);
    next();

    // The informer lists again and watches again from the new list.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (cluster.watchesOf("/api/v1/pods").size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(cluster.listsOf("/api/v1/pods")).filteredOn(p -> p.contains("limit=500"))
        .hasSize(2);
    assertThat(cluster.watchesOf("/api/v1/pods")).hasSize(2);
    Pod b = create("team-a", "b");
    assertThat(next()).isEqualTo("added Pod/team-a/b@" + b.getMetadata().getResourceVersion());
    assertThat(events).isEmpty(); // pod a was not delivered twice
  }

  @Test
  void reportsKindsItCannotWatchAndWatchesTheRest() throws Exception {
    create("team-a", "a");
    cluster.fail("/apis/rbac.authorization.k8s.io/v1/clusterroles", 403);
    cluster.fail("/apis/gateway.networking.k8s.io/v1/gateways", 404);
    watcher = new ClusterWatcher(client, listener, Duration.ZERO);

    watcher.start(Set.of("Pod", "ClusterRole", "Gateway", "Secret"), Set.of(), START);

    assertThat(next()).startsWith("added Pod/team-a/a@");
    assertThat(watcher.errors()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo("/apis/rbac.authorization.k8s.io/v1/clusterroles");
      assertThat(e.message()).startsWith("ClusterRole not watched: forbidden: the credentials "
          + "lack the RBAC verbs 'list' and 'watch' on resource 'clusterroles'");
    });
    assertThat(watcher.notes()).extracting(n -> n.file()).containsExactly(
        "/api/v1/secrets", "/apis/gateway.networking.k8s.io/v1/gateways");
    assertThat(cluster.requests()).noneMatch(r -> r.getPath().contains("secrets"));
  }
}
