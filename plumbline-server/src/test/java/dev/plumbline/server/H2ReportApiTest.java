package dev.plumbline.server;

import dev.plumbline.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Reports of the embedded H2 store. */
class H2ReportApiTest extends ReportApiContract {
  @TempDir
  static Path dir;

  @Override
  Store newStore() {
    return Store.embedded(dir);
  }
}
