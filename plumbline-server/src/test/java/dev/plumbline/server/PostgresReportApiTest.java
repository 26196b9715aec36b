package dev.plumbline.server;

import dev.plumbline.store.PostgresExtension;
import dev.plumbline.store.PostgresServer;
import dev.plumbline.store.Store;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reports of a real PostgreSQL store. */
@ExtendWith(PostgresExtension.class)
class PostgresReportApiTest extends ReportApiContract {
  private final PostgresServer server;

  PostgresReportApiTest(PostgresServer server) {
    this.server = server;
  }

  @Override
  Store newStore() {
    return Store.open(server.newDatabase(), PostgresServer.USER, "");
  }
}
