package dev.plumbline.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: a throw-away cluster made with {@code initdb} in a temporary
 * directory, started with {@code pg_ctl} on a free loopback port, trusted local login as user
 * {@code plumbline}. PostgreSQL refuses to run as root, so as root the server runs as the
 * {@code postgres} user (through {@code runuser}).
 *
 * <p>It fails, loudly, when the server binaries are missing: tests that need PostgreSQL must not
 * pass by skipping. Binaries are looked for in {@code $PLUMBLINE_PG_BIN}, in
 * {@code /usr/lib/postgresql/<version>/bin} (Debian's {@code postgresql} package; the newest
 * version wins) and on the PATH.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "plumbline";
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final Path log;
  private final String runAs;
  private int port;
  private boolean running;

  private PostgresServer(Path bin, Path dir, String runAs) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.log = dir.resolve("server.log");
    this.runAs = runAs;
  }

  /** Makes and starts a new server. */
  public static PostgresServer start() {
    Path bin = binaries();
    String runAs = isRoot() ? "postgres" : null;
    Path dir;
    try {
      dir = Files.createTempDirectory("plumbline-pg-");
      if (runAs != null) {
        UserPrincipal owner;
        try {
          owner = dir.getFileSystem().getUserPrincipalLookupService()
              .lookupPrincipalByName(runAs);
        } catch (IOException e) {
          throw new IllegalStateException("running as root, and there is no user '" + runAs
              + "' to run PostgreSQL as (PostgreSQL refuses to run as root); installing "
              + "Debian's postgresql package creates it", e);
        }
        Files.setOwner(dir, owner);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PostgresServer server = new PostgresServer(bin, dir, runAs);
    server.run(120, bin.resolve("initdb").toString(), "-D", server.data.toString(), "-A",
        "trust", "-U", USER, "-E", "UTF8", "--locale=C", "--no-sync");
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      server.port = freePort();
      try {
        server.startProcess();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stopQuietly,
            "stop-test-postgres"));
        return server;
      } catch (IllegalStateException e) {
        last = e; // the port was taken in between: try another
      }
    }
    throw last;
  }

  private void startProcess() {
    run(120, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(),
        "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1"
            + " -c fsync=off -c max_connections=100", "start");
    running = true;
  }

  /**
   * Starts the server again after {@link #crash()}, on the same port with the same data, and
   * waits until it accepts connections (crash recovery may still run when pg_ctl returns).
   */
  public void restart() {
    if (running) {
      return;
    }
    startProcess();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, "")) {
        if (c.isValid(5)) {
          return;
        }
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("PostgreSQL did not accept connections after a "
              + "restart: " + e.getMessage(), e);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(interrupted);
        }
      }
    }
  }

  /** Stops the server at once, as a crash would (immediate shutdown, no checkpoint). */
  public void crash() {
    run(60, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w",
        "stop");
    running = false;
  }

  public int port() {
    return port;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Creates a new empty database; returns its JDBC URL. */
  public String newDatabase() {
    String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
    }
    return jdbcUrl(name);
  }

  @Override
  public void close() {
    stopQuietly();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Left in the temporary directory.
    }
  }

  private synchronized void stopQuietly() {
    if (running) {
      try {
        run(60, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w",
            "stop");
      } catch (RuntimeException e) {
        // Already stopped.
      }
      running = false;
    }
  }

  private void run(int timeoutSeconds, String... command) {
    List<String> full = new ArrayList<>();
    if (runAs != null) {
      full.addAll(List.of("runuser", "-u", runAs, "--"));
    }
    full.addAll(List.of(command));
    try {
      Path out = Files.createTempFile("plumbline-pg-cmd-", ".log");
      try {
        Process p = new ProcessBuilder(full).redirectErrorStream(true)
            .redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("timed out: " + String.join(" ", full));
        }
        if (p.exitValue() != 0) {
          String serverLog = Files.exists(log) ? tail(Files.readString(log)) : "";
          throw new IllegalStateException("failed (exit " + p.exitValue() + "): "
              + String.join(" ", full) + "\n" + Files.readString(out, StandardCharsets.UTF_8)
              + serverLog);
        }
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", full) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", full), e);
    }
  }

  private static String tail(String text) {
    return text.length() < 4000 ? text : text.substring(text.length() - 4000);
  }

  /** The directory with initdb, pg_ctl and postgres; fails when there is none. */
  public static Path binaries() {
    List<Path> candidates = new ArrayList<>();
    String configured = System.getenv("PLUMBLINE_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        versions.filter(p -> p.getFileName().toString().matches("\\d+(\\.\\d+)?"))
            .sorted(Comparator.comparing((Path p) -> Double.parseDouble(
                p.getFileName().toString())).reversed())
            .forEach(p -> candidates.add(p.resolve("bin")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!entry.isEmpty()) {
        candidates.add(Path.of(entry));
      }
    }
    for (Path dir : candidates) {
      if (Stream.of("initdb", "pg_ctl", "postgres")
          .allMatch(name -> Files.isExecutable(dir.resolve(name)))) {
        return dir;
      }
    }
    throw new IllegalStateException("PostgreSQL server binaries (initdb, pg_ctl, postgres) not "
        + "found in $PLUMBLINE_PG_BIN, /usr/lib/postgresql/*/bin or the PATH. The store's "
        + "PostgreSQL tests need a real server and are not skipped: install Debian's package "
        + "(apt-get install -y postgresql; .ci/run does this) or point PLUMBLINE_PG_BIN at the "
        + "binaries.");
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
