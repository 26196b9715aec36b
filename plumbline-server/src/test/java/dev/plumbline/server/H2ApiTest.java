package dev.plumbline.server;

import dev.plumbline.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The API on the embedded H2 store. */
class H2ApiTest extends ApiContract {
  @TempDir
  static Path dir;

  @Override
  Store newStore() {
    return Store.embedded(dir);
  }
}
