package dev.plumbline.server;

import dev.plumbline.store.PostgresExtension;
import dev.plumbline.store.PostgresServer;
import dev.plumbline.store.Store;
import org.junit.jupiter.api.extension.ExtendWith;

/** The API on a real PostgreSQL server. */
@ExtendWith(PostgresExtension.class)
class PostgresApiTest extends ApiContract {
  private final PostgresServer server;

  PostgresApiTest(PostgresServer server) {
    this.server = server;
  }

  @Override
  Store newStore() {
    return Store.open(server.newDatabase(), PostgresServer.USER, "");
  }
}
