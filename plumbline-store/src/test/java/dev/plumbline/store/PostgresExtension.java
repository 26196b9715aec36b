package dev.plumbline.store;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real PostgreSQL server ({@link PostgresServer}): one per test run, started on
 * first use and stopped when the run ends. Declare a {@code PostgresServer} parameter (of a
 * {@code @BeforeAll} method, say). There is no skipping: without PostgreSQL binaries the tests
 * fail and say how to install them.
 */
public final class PostgresExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PostgresExtension.class);

  /** Stops the shared server when the test run ends. */
  private record Shared(PostgresServer server) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PostgresServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent("server", k -> new Shared(PostgresServer.start()), Shared.class)
        .server();
  }
}
