package dev.plumbline.store;

import dev.plumbline.control.Severity;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.Suppressed;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The history store of continuous monitoring: findings with their lifecycle, posture snapshots,
 * exceptions with their audit trail, and the alert outbox, for any number of clusters.
 *
 * <p>It runs embedded ({@link #embedded(Path)}: an H2 database in a data directory, nothing to
 * install) or on PostgreSQL ({@link #open(String, String, String)}); the schema is the same and
 * is migrated on open. Every method is one transaction: it happens whole or not at all. When the
 * database cannot be reached or goes away, methods throw {@link StoreException}. The store is
 * safe to use from several threads; reconciles of one cluster run one at a time.
 *
 * <p>Times are stored with microsecond precision.
 */
public final class Store implements AutoCloseable {
  private final Db db;
  private final Outbox outbox;
  private final Reconciler reconciler;
  private final Snapshots snapshots;
  private final ExceptionStore exceptions;
  private final FindingQueries queries;
  private final AdmissionEvents admission;

  private Store(Db db) {
    this.db = db;
    Rows.Controls controls = new Rows.Controls();
    this.outbox = new Outbox(db);
    this.reconciler = new Reconciler(db, outbox, controls);
    this.snapshots = new Snapshots(db);
    this.exceptions = new ExceptionStore(db);
    this.queries = new FindingQueries(db, controls);
    this.admission = new AdmissionEvents(db);
  }

  /**
   * Opens a store on a JDBC URL ({@code jdbc:postgresql://host/db} or {@code jdbc:h2:...}) and
   * brings its schema up to date.
   *
   * @throws StoreException when the database cannot be reached or migrated
   * @throws IllegalArgumentException for a URL of another database
   */
  public static Store open(String jdbcUrl, String user, String password) {
    return new Store(Db.open(jdbcUrl, user, password));
  }

  /**
   * Opens (or creates) the embedded store in a data directory: the H2 database
   * {@code <dataDir>/plumbline.mv.db}. One process at a time may hold it.
   *
   * @throws StoreException when the directory cannot be used (for one, another process holds it)
   */
  public static Store embedded(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new StoreException("cannot create the data directory " + dir + ": " + e, e, false);
    }
    String file = dir.resolve("plumbline").toString().replace('\\', '/');
    return open("jdbc:h2:file:" + file, "plumbline", "");
  }

  // Findings

  /**
   * Brings the stored findings of a scope in line with an evaluation. Within the scope: findings
   * not stored yet are new (first seen now); stored ones are seen again (last seen now); stored
   * open or suppressed findings that are absent are resolved; resolved findings that reappear are
   * reopened (first seen kept, reopen count up). Findings outside the scope are untouched.
   * Reconciling the same findings again changes no status.
   *
   * @param cluster the cluster
   * @param scope what was evaluated
   * @param open the open findings of the scope
   * @param suppressed the findings of the scope that exceptions cover (stored as suppressed, under
   *     the exception's name, which is the id of a stored exception)
   * @param at when the evaluation ran; should not go backwards for a cluster
   * @throws IllegalArgumentException when a finding is outside the scope or reported twice
   */
  public ReconcileResult reconcile(String cluster, Scope scope, List<Finding> open,
      List<Suppressed> suppressed, Instant at) {
    return reconciler.reconcile(cluster, scope, open, suppressed, at, null);
  }

  /**
   * Reconciles (see {@link #reconcile(String, Scope, List, List, Instant)}) and queues the alerts
   * that {@code alerts} makes of the result, in the same transaction: either both are stored or
   * neither is, so a restart loses no alert.
   */
  public ReconcileResult reconcile(String cluster, Scope scope, List<Finding> open,
      List<Suppressed> suppressed, Instant at,
      Function<ReconcileResult, List<AlertEvent>> alerts) {
    return reconciler.reconcile(cluster, scope, open, suppressed, at, alerts);
  }

  /** Reconciles open findings only (nothing suppressed). */
  public ReconcileResult reconcile(String cluster, Scope scope, List<Finding> open, Instant at) {
    return reconcile(cluster, scope, open, List.of(), at);
  }

  /** A page of findings, with the number of findings that match. */
  public Page<StoredFinding> findings(FindingQuery query) {
    return queries.find(query);
  }

  /** Finding counts of a query's filter, grouped. */
  public Map<String, Long> countFindings(FindingQuery filter, FindingQuery.GroupBy by) {
    return queries.count(filter, by);
  }

  /** Counts straight from the findings table, for tests of finding_counts. */
  Map<String, Long> countFromFindings(FindingQuery filter, FindingQuery.GroupBy by) {
    return queries.count(filter, by, true);
  }

  /** One finding of a cluster. */
  public Optional<StoredFinding> finding(String cluster, String id) {
    return queries.finding(cluster, id);
  }

  /** A finding's lifecycle events, oldest first. */
  public List<FindingEvent> findingHistory(String cluster, String id) {
    return queries.history(cluster, id);
  }

  /** A cluster's lifecycle events with {@code from <= at < to}, newest first. */
  public List<FindingEvent> events(String cluster, Instant from, Instant to, int limit) {
    return queries.events(cluster, from, to, limit);
  }

  /**
   * How many lifecycle events of each transition a cluster had with {@code from <= at < to}
   * (every transition present, 0 when none).
   */
  public Map<Transition, Long> countEvents(String cluster, Instant from, Instant to) {
    return queries.countEvents(cluster, from, to);
  }

  /** One resource's findings (every status) and their events. */
  public ResourceHistory resourceHistory(String cluster, ResourceRef resource) {
    return queries.resource(cluster, resource);
  }

  /** The clusters the store has seen, sorted. */
  public List<String> clusters() {
    return queries.clusters();
  }

  // Posture

  /** Records a posture snapshot; returns its id. */
  public long recordSnapshot(String cluster, Instant at, Posture posture) {
    return snapshots.record(cluster, at, posture);
  }

  /**
   * A framework's score over time, with open findings per severity, for snapshots with
   * {@code from <= taken < to}, oldest first.
   */
  public List<TrendPoint> trend(String cluster, String framework, Instant from, Instant to) {
    return snapshots.trend(cluster, java.util.Objects.requireNonNull(framework, "framework"),
        from, to);
  }

  /** The posture score over time (see {@link #trend}). */
  public List<TrendPoint> postureTrend(String cluster, Instant from, Instant to) {
    return snapshots.trend(cluster, null, from, to);
  }

  /** Open findings per namespace and severity in the latest snapshot taken at or before a time. */
  public Map<String, Map<Severity, Integer>> namespacePosture(String cluster, Instant at) {
    return snapshots.namespacesAt(cluster, at);
  }

  // Exceptions

  /** Creates an exception; the audit trail records who did. */
  public StoredException createException(ExceptionSpec spec, String actor, Instant at) {
    return exceptions.create(spec, actor, at);
  }

  /**
   * Replaces what an exception covers.
   *
   * @throws java.util.NoSuchElementException when there is no such exception
   */
  public StoredException updateException(String id, ExceptionSpec spec, String actor,
      Instant at) {
    return exceptions.update(id, spec, actor, at);
  }

  /**
   * Ends an exception now: its expiry becomes the day before {@code at} (UTC). An exception
   * that has already expired is left as it is.
   *
   * @throws java.util.NoSuchElementException when there is no such exception
   */
  public StoredException expireException(String id, String actor, Instant at) {
    return exceptions.expire(id, actor, at);
  }

  /**
   * Deletes an exception; its audit trail stays.
   *
   * @throws java.util.NoSuchElementException when there is no such exception
   */
  public void deleteException(String id, String actor, Instant at) {
    exceptions.delete(id, actor, at);
  }

  public Optional<StoredException> exception(String id) {
    return exceptions.get(id);
  }

  /** Every stored exception, oldest first. */
  public List<StoredException> exceptions() {
    return exceptions.all();
  }

  /** An exception's audit trail (every exception's when id is null), oldest first. */
  public List<AuditEntry> exceptionAudit(String id) {
    return exceptions.audit(id);
  }

  /**
   * The stored exceptions that apply to a cluster, for {@link
   * dev.plumbline.scan.ScanOptions#withExceptions}. Expired ones are included, as in an
   * exceptions file: the engine applies those that have not expired on its clock's date and
   * reports the others as expired. Each is named by its id, so a suppressed finding names it.
   */
  public ExceptionSet exceptionSet(String cluster) {
    return new ExceptionSet(exceptions.all().stream()
        .filter(e -> e.appliesTo(cluster))
        .map(StoredException::toPolicyException)
        .toList());
  }

  // Admission

  /** Records admission events in one transaction; returns how many. */
  public int recordAdmissionEvents(List<AdmissionEvent> events) {
    return admission.record(events);
  }

  /**
   * A page of admission events, newest first; each filter may be null for any.
   *
   * @param action AUDIT, WARN, ENFORCE or MUTATE
   */
  public Page<AdmissionEvent> admissionEvents(String cluster, String action, String namespace,
      String controlId, int offset, int limit) {
    return admission.page(cluster, action, namespace, controlId, offset, limit);
  }

  // Alerts

  /**
   * Queues alerts in a transaction of their own; an alert already queued (same sink, cluster,
   * finding, transition and occurrence) is not queued again. Returns how many were new. To
   * queue the alerts of a reconcile, use {@link #reconcile(String, Scope, List, List, Instant,
   * Function)}, which stores both at once.
   */
  public int enqueueAlerts(List<AlertEvent> events, Instant at) {
    return outbox.enqueue(events, at);
  }

  /**
   * Claims up to {@code limit} alerts of a sink that are due at {@code now}, oldest due first.
   * A claim lasts five minutes: alerts of a sender that died holding them become due again.
   */
  public List<Alert> claimDue(String sink, int limit, Instant now) {
    return outbox.claimDue(sink, limit, now);
  }

  /** Settles an alert as delivered. */
  public void markDelivered(long alertId, Instant at) {
    outbox.markDelivered(alertId, at);
  }

  /**
   * Settles a failed attempt.
   *
   * @param attempt how many attempts have failed, this one included
   * @param nextAttemptAt when to try again (the sender's backoff); null to give up (dead)
   * @param error what went wrong
   */
  public void markFailed(long alertId, int attempt, Instant nextAttemptAt, String error) {
    outbox.markFailed(alertId, attempt, nextAttemptAt, error);
  }

  /** The latest alerts, newest first; sink and state may be null for any. */
  public List<Alert> alerts(String sink, Alert.State state, int limit) {
    return outbox.alerts(sink, state, limit);
  }

  /** How many alerts are in each state (of one sink, or of all when sink is null). */
  public Map<Alert.State, Long> alertCounts(String sink) {
    return outbox.counts(sink);
  }

  /** Test hook: how many free-text matches are ordered in memory rather than by the database. */
  void textMatchesReadById(int n) {
    queries.textMatchesReadById = n;
  }

  /** Test hook: runs inside every write transaction just before it commits. */
  void beforeCommit(Runnable hook) {
    db.beforeCommit(hook);
  }

  /** Whether the store runs on the embedded H2 database. */
  boolean embedded() {
    return db.h2();
  }

  /** Closes the connection pool (and the embedded database). */
  @Override
  public void close() {
    db.close();
  }
}
