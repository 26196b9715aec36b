package dev.plumbline.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The connection pool, the schema migrations and the transaction helper. Every operation of the
 * store runs in one transaction: it commits whole or not at all, and a failure becomes a
 * {@link StoreException} that names the operation and says whether anything was written.
 */
final class Db implements AutoCloseable {
  /** H2 settings that make it accept the schema and queries written for PostgreSQL. */
  static final String H2_SETTINGS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
      + "DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=30000";

  /** H2 error codes that mean the database is closed, gone or held by another process. */
  private static final Set<Integer> H2_UNAVAILABLE = Set.of(90020, 90028, 90067, 90098, 90121,
      90135);

  /** Work done with a connection inside a transaction. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final HikariDataSource pool;
  private final String target;
  private final boolean h2;
  /** Test hook: runs inside each write transaction, just before its commit. */
  private volatile Runnable beforeCommit = () -> {};

  private Db(HikariDataSource pool, String target, boolean h2) {
    this.pool = pool;
    this.target = target;
    this.h2 = h2;
  }

  /**
   * Opens a pool on a JDBC URL and applies the migrations.
   *
   * @throws StoreException when the database cannot be reached or migrated
   * @throws IllegalArgumentException for an unsupported URL
   */
  static Db open(String jdbcUrl, String user, String password) {
    String url = normalize(jdbcUrl);
    boolean h2 = url.startsWith("jdbc:h2:");
    String target = redact(url);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setPoolName("plumbline-store");
    config.setMaximumPoolSize(h2 ? 4 : 8);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(5_000);
    config.setValidationTimeout(2_000);
    config.setInitializationFailTimeout(1);
    config.setAutoCommit(true);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StoreException("cannot open the store at " + target + ": " + describe(cause),
          cause, !(cause instanceof SQLException s) || unavailable(s));
    }
    Db db = new Db(pool, target, h2);
    try {
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (FlywayException e) {
      pool.close();
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new StoreException("cannot migrate the store schema at " + target + ": "
          + e.getMessage(), e, root instanceof SQLException s && unavailable(s));
    }
    return db;
  }

  /** Adds the PostgreSQL compatibility settings to an H2 URL, checks the URL's database. */
  static String normalize(String jdbcUrl) {
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      throw new IllegalArgumentException("a JDBC URL is required (jdbc:postgresql://... or "
          + "jdbc:h2:file:...)");
    }
    String url = jdbcUrl.strip();
    if (url.startsWith("jdbc:h2:")) {
      String upper = url.toUpperCase(Locale.ROOT);
      if (upper.contains(";MODE=") && !upper.contains(";MODE=POSTGRESQL")) {
        throw new IllegalArgumentException("the store needs H2 in PostgreSQL mode: remove MODE "
            + "from " + url);
      }
      return upper.contains(";MODE=") ? url : url + H2_SETTINGS;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return url;
    }
    throw new IllegalArgumentException("unsupported JDBC URL '" + redact(url)
        + "': the store runs on PostgreSQL (jdbc:postgresql:) or H2 (jdbc:h2:)");
  }

  /** The URL without query parameters, which may carry a password. */
  static String redact(String url) {
    int q = url.indexOf('?');
    String base = q < 0 ? url : url.substring(0, q);
    int semi = base.startsWith("jdbc:h2:") ? base.indexOf(';') : -1;
    return semi < 0 ? base : base.substring(0, semi);
  }

  boolean h2() {
    return h2;
  }

  String target() {
    return target;
  }

  void beforeCommit(Runnable hook) {
    this.beforeCommit = hook == null ? () -> {} : hook;
  }

  /** Runs work in a read-write transaction. */
  <T> T write(String what, Work<T> work) {
    return transaction(what, false, work);
  }

  /** Runs work in a read-only transaction (a consistent view for a page and its total). */
  <T> T read(String what, Work<T> work) {
    return transaction(what, true, work);
  }

  /**
   * Runs work in a transaction. When a pooled connection turns out to be broken (the server
   * restarted since it was opened) before the commit, the work runs again on a new connection:
   * nothing of the first try was committed.
   */
  private <T> T transaction(String what, boolean readOnly, Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return attempt(what, readOnly, work);
      } catch (BrokenConnection e) {
        if (attempt == RETRIES + 1) {
          throw failure(what, e.cause, false, readOnly);
        }
      }
    }
  }

  /** How many times work is retried on a new connection after a broken one. */
  private static final int RETRIES = 2;

  /** A connection that broke before the commit: the work may run again. */
  private static final class BrokenConnection extends Exception {
    private static final long serialVersionUID = 1L;
    final transient SQLException cause;

    BrokenConnection(SQLException cause) {
      super(cause.getMessage(), null, false, false);
      this.cause = cause;
    }
  }

  private <T> T attempt(String what, boolean readOnly, Work<T> work) throws BrokenConnection {
    Connection c;
    try {
      c = pool.getConnection();
    } catch (SQLException e) {
      throw failure(what, e, false, readOnly);
    }
    boolean committing = false;
    try {
      try {
        c.setAutoCommit(false);
        c.setReadOnly(readOnly);
        T result = work.run(c);
        if (!readOnly) {
          beforeCommit.run();
        }
        committing = true;
        c.commit();
        return result;
      } catch (SQLException e) {
        rollback(c);
        if (!committing && unavailable(e)) {
          throw new BrokenConnection(e);
        }
        throw failure(what, e, committing, readOnly);
      } catch (RuntimeException | Error e) {
        rollback(c);
        throw e;
      }
    } finally {
      try {
        c.setReadOnly(false);
        c.setAutoCommit(true);
      } catch (SQLException ignored) {
        // A broken connection: the pool evicts it.
      }
      try {
        c.close();
      } catch (SQLException ignored) {
        // Nothing more to do with it.
      }
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is broken: the server rolls back an uncommitted transaction itself.
    }
  }

  private StoreException failure(String what, SQLException e, boolean committing,
      boolean readOnly) {
    boolean unavailable = unavailable(e);
    String happened = unavailable
        ? "the database at " + target + " is unavailable (" + describe(e) + ")"
        : "the database at " + target + " refused it (" + describe(e) + ")";
    String written;
    if (readOnly) {
      written = "";
    } else if (committing) {
      written = "; the connection broke during the commit, so whether it was written is "
          + "unknown (repeating it is safe)";
    } else {
      written = "; nothing was written";
    }
    return new StoreException(what + " failed: " + happened + written, e, unavailable);
  }

  static boolean unavailable(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      String state = s.getSQLState();
      if (s instanceof SQLTransientConnectionException
          || s instanceof SQLNonTransientConnectionException
          || state != null && (state.startsWith("08") || state.startsWith("57P"))
          || H2_UNAVAILABLE.contains(s.getErrorCode())) {
        return true;
      }
      if (s.getCause() instanceof SQLException cause && cause != s) {
        return unavailable(cause);
      }
    }
    return false;
  }

  private static String describe(Throwable e) {
    if (e instanceof SQLTransientConnectionException && e.getCause() != null) {
      e = e.getCause(); // the pool timed out: say why it could not connect
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }

  @Override
  public void close() {
    pool.close();
  }

  // JDBC helpers shared by the parts of the store.

  /** Instants are stored with microseconds, the precision of both databases. */
  static Instant micros(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
  }

  static void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(index, OffsetDateTime.ofInstant(micros(t), ZoneOffset.UTC));
    }
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /** Sets the parameters of one row from {@code index}. */
  interface RowBinder<T> {
    void bind(PreparedStatement ps, int index, T row) throws SQLException;
  }

  /** Rows per multi-row INSERT: few statements, well under PostgreSQL's 32,767 parameters. */
  static final int ROWS_PER_INSERT = 100;

  /**
   * Inserts rows with multi-row statements ({@code INSERT ... VALUES (...), (...), ...}) of
   * {@link #ROWS_PER_INSERT} rows, the last one fewer: each database does one statement's work
   * per hundred rows rather than per row. Returns how many rows were inserted: fewer than given
   * only when {@code tail} is {@code ON CONFLICT DO NOTHING} and some were there; without a
   * tail, a count short of the rows fails the transaction.
   *
   * @param head {@code INSERT INTO table (columns) VALUES }
   * @param row one row's values, with {@code params} placeholders: {@code (?, ?, NULL)}
   * @param tail what follows the values, or ""
   */
  static <T> int insertRows(Connection c, String head, String row, int params, String tail,
      java.util.List<T> rows, RowBinder<T> binder) throws SQLException {
    int inserted = 0;
    PreparedStatement full = null;
    try {
      for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
        int n = Math.min(ROWS_PER_INSERT, rows.size() - from);
        PreparedStatement ps;
        if (n == ROWS_PER_INSERT) {
          if (full == null) {
            full = c.prepareStatement(insertSql(head, row, tail, n));
          }
          ps = full;
        } else {
          ps = c.prepareStatement(insertSql(head, row, tail, n));
        }
        try {
          for (int i = 0; i < n; i++) {
            binder.bind(ps, 1 + i * params, rows.get(from + i));
          }
          inserted += ps.executeUpdate();
        } finally {
          if (ps != full) {
            ps.close();
          }
        }
      }
    } finally {
      if (full != null) {
        full.close();
      }
    }
    if (tail.isEmpty() && inserted != rows.size()) {
      throw new SQLException("inserted " + inserted + " of " + rows.size() + " rows: " + head);
    }
    return inserted;
  }

  private static String insertSql(String head, String row, String tail, int n) {
    StringBuilder sql = new StringBuilder(head.length() + n * (row.length() + 2) + tail.length());
    sql.append(head);
    for (int i = 0; i < n; i++) {
      sql.append(i == 0 ? "" : ", ").append(row);
    }
    return sql.append(tail).toString();
  }

  static void setString(PreparedStatement ps, int index, String s) throws SQLException {
    if (s == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, s);
    }
  }
}
