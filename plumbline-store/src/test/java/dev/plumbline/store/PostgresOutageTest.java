package dev.plumbline.store;

import static dev.plumbline.store.Fixtures.hostNetwork;
import static dev.plumbline.store.Fixtures.pod;
import static dev.plumbline.store.Fixtures.privileged;
import static dev.plumbline.store.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.scan.Finding;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL server that goes away: the store says so clearly, loses nothing it committed, and
 * works again when the server is back. This class crashes its own server (not the shared one).
 */
class PostgresOutageTest {
  static PostgresServer server;
  Store store;
  String url;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void open() {
    server.restart();
    url = server.newDatabase();
    store = Store.open(url, PostgresServer.USER, "");
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void keepsWhatWasCommittedWhenTheServerCrashesAndRecovers() {
    Finding a = privileged(pod("web", "a"), 0);
    Finding b = hostNetwork(pod("web", "b"));
    store.reconcile("prod", Scope.cluster(), List.of(a), List.of(), t(0),
        StoreContract.alertsTo("webhook"));

    server.crash();

    assertThatThrownBy(() -> store.reconcile("prod", Scope.cluster(), List.of(a, b), t(1)))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.unavailable()).isTrue();
          assertThat(e.getMessage())
              .startsWith("reconcile of cluster 'prod' (cluster) failed: the database at "
                  + url + " is unavailable (");
        });
    assertThatThrownBy(() -> store.findings(FindingQuery.all()))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.unavailable()).isTrue())
        .hasMessageStartingWith("querying findings failed: the database at " + url);

    server.restart();

    assertThat(store.findings(FindingQuery.all()).items()).extracting(StoredFinding::id)
        .containsExactly(a.id());
    assertThat(store.alerts("webhook", Alert.State.PENDING, 10)).hasSize(1);
    ReconcileResult r = store.reconcile("prod", Scope.cluster(), List.of(a, b), t(1));
    assertThat(Fixtures.ids(r.created())).containsExactly(b.id());
  }

  @Test
  void aReconcileCutOffByTheServerGoingAwayLeavesNoTrace() {
    Finding a = privileged(pod("web", "a"), 0);
    Finding b = hostNetwork(pod("web", "b"));
    store.reconcile("prod", Scope.cluster(), List.of(a), List.of(), t(0),
        StoreContract.alertsTo("webhook"));

    // Everything is written, the commit is next: the server dies.
    store.beforeCommit(server::crash);
    assertThatThrownBy(() -> store.reconcile("prod", Scope.cluster(), List.of(b), List.of(),
        t(1), StoreContract.alertsTo("webhook")))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.unavailable()).isTrue();
          assertThat(e.getMessage()).contains("is unavailable").contains("repeating it is safe");
        });
    store.beforeCommit(null);
    server.restart();

    StoredFinding stored = store.finding("prod", a.id()).orElseThrow();
    assertThat(stored.status()).isEqualTo(FindingStatus.OPEN);
    assertThat(stored.lastSeen()).isEqualTo(t(0));
    assertThat(store.finding("prod", b.id())).isEmpty();
    assertThat(store.alerts(null, null, 10)).hasSize(1);

    ReconcileResult retry = store.reconcile("prod", Scope.cluster(), List.of(b), List.of(),
        t(1), StoreContract.alertsTo("webhook"));
    assertThat(Fixtures.ids(retry.created())).containsExactly(b.id());
    assertThat(Fixtures.ids(retry.resolved())).containsExactly(a.id());
    assertThat(store.alerts(null, null, 10)).hasSize(3);
  }

  @Test
  void cannotOpenAStoreOnAServerThatIsDown() {
    server.crash();
    assertThatThrownBy(() -> Store.open(url, PostgresServer.USER, ""))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.unavailable()).isTrue())
        .hasMessageStartingWith("cannot open the store at " + url + ": ");
  }
}
