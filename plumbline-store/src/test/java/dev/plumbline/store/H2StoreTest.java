package dev.plumbline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded H2 database, plus what is particular to it. */
class H2StoreTest extends StoreContract {
  @TempDir
  Path dataDir;

  @Override
  Store newStore() {
    return Store.embedded(dataDir);
  }

  @Override
  Store reopen() {
    return Store.embedded(dataDir);
  }

  @Override
  List<String> migrations() throws Exception {
    List<String> versions = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url(), "plumbline", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT \"version\" FROM \"flyway_schema_history\" "
            + "WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
      while (rs.next()) {
        versions.add(rs.getString(1));
      }
    }
    return versions;
  }

  private String url() {
    return "jdbc:h2:file:" + dataDir.resolve("plumbline") + Db.H2_SETTINGS;
  }

  @Test
  void keepsTheDatabaseInTheDataDirectory() {
    assertThat(store.embedded()).isTrue();
    assertThat(dataDir.resolve("plumbline.mv.db")).exists();
  }

  @Test
  void opensAnH2UrlInPostgresqlMode() {
    store.close();
    store = Store.open("jdbc:h2:file:" + dataDir.resolve("plumbline"), "plumbline", "");
    assertThat(store.findings(FindingQuery.all()).total()).isZero();
    assertThatThrownBy(() -> Store.open("jdbc:h2:mem:x;MODE=MySQL", "sa", ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PostgreSQL mode");
    assertThatThrownBy(() -> Store.open("jdbc:mysql://localhost/x?password=secret", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported JDBC URL 'jdbc:mysql://localhost/x'")
        .hasMessageNotContaining("secret");
  }

  @Test
  void failsClearlyWhenTheDataDirectoryIsUnusable() throws Exception {
    Path file = Files.writeString(dataDir.resolve("not-a-directory"), "x");
    assertThatThrownBy(() -> Store.embedded(file))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not-a-directory");
  }

  @Test
  void reportsADatabaseThatWasShutDownAndRecovers() throws Exception {
    var a = Fixtures.privileged(Fixtures.pod("web", "a"), 0);
    store.reconcile(PROD, Scope.cluster(), List.of(a), Fixtures.t(0));
    try (Connection c = DriverManager.getConnection(url(), "plumbline", "");
        Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }

    var b = Fixtures.hostNetwork(Fixtures.pod("web", "b"));
    StoreException e = null;
    // The pool hands out connections to the closed database until it notices.
    for (int i = 0; i < 8 && e == null; i++) {
      try {
        store.reconcile(PROD, Scope.cluster(), List.of(a, b), Fixtures.t(1));
      } catch (StoreException thrown) {
        e = thrown;
      }
    }
    assertThat(e).isNotNull();
    assertThat(e.unavailable()).isTrue();
    assertThat(e.getMessage()).startsWith("reconcile of cluster 'prod' (cluster) failed: the "
        + "database at jdbc:h2:file:").contains("is unavailable");

    store.close();
    store = reopen();
    assertThat(store.finding(PROD, a.id())).isPresent();
  }
}
