package dev.plumbline.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store contract on a real PostgreSQL server. */
@ExtendWith(PostgresExtension.class)
class PostgresStoreTest extends StoreContract {
  static PostgresServer server;
  String url;

  @BeforeAll
  static void server(PostgresServer shared) {
    server = shared;
  }

  @Override
  Store newStore() {
    url = server.newDatabase();
    return Store.open(url, PostgresServer.USER, "");
  }

  @Override
  Store reopen() {
    return Store.open(url, PostgresServer.USER, "");
  }

  @Override
  List<String> migrations() throws Exception {
    List<String> versions = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, PostgresServer.USER, "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL "
                + "ORDER BY installed_rank")) {
      while (rs.next()) {
        versions.add(rs.getString(1));
      }
    }
    return versions;
  }
}
