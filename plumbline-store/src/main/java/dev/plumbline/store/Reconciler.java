package dev.plumbline.store;

import dev.plumbline.control.Control;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.Suppressed;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Brings the stored findings of a scope in line with an evaluation: new findings are inserted,
 * seen ones touched, absent ones resolved, resolved ones that reappear reopened, and every change
 * of status is recorded as an event. All in one transaction, with the alerts it produced.
 */
final class Reconciler {
  /** Longest identity field (Kubernetes names and namespaces are at most 253 characters). */
  static final int NAME_MAX = 253;
  /** Longest offending value kept, in characters of JSON. */
  static final int VALUE_MAX = 16_384;
  /** Longest message or path kept. */
  static final int TEXT_MAX = 16_384;

  private final Db db;
  private final Outbox outbox;
  private final Rows.Controls controls;
  /** Control versions known to be stored (committed). */
  private final Set<String> storedControls = ConcurrentHashMap.newKeySet();

  Reconciler(Db db, Outbox outbox, Rows.Controls controls) {
    this.db = db;
    this.outbox = outbox;
    this.controls = controls;
  }

  /** A resource's identity in the store: what finding ids are made of. */
  record Key(String group, String kind, String namespace, String name) {
    static Key of(ResourceRef r) {
      return new Key(clip(r.group(), NAME_MAX), clip(r.kind(), NAME_MAX),
          clip(r.namespace(), NAME_MAX), clip(r.name(), NAME_MAX));
    }
  }

  /** A finding to store, with the status the evaluation gives it. */
  private record Incoming(Finding finding, FindingStatus status, String exceptionId, Key key,
      String valueJson, String alsoJson, String hash) {}

  /** What the store holds for a finding of the scope. */
  private record Stored(StoredFinding row, String hash, Count count) {
    String id() {
      return row.id();
    }

    FindingStatus status() {
      return row.status();
    }

    int reopenCount() {
      return row.reopenCount();
    }

    int revision() {
      return row.revision();
    }
  }

  /** A row of finding_counts: one status, severity, namespace and control version. */
  record Count(FindingStatus status, int severityRank, String namespace, String controlId,
      int controlVersion) {
    static Count of(Incoming in) {
      Finding f = in.finding();
      return new Count(in.status(), f.severity().ordinal(), in.key().namespace(), f.controlId(),
          f.control().version());
    }

    Count with(FindingStatus s) {
      return new Count(s, severityRank, namespace, controlId, controlVersion);
    }
  }

  private record Event(String id, int revision, Transition transition, FindingStatus status,
      String exceptionId) {}

  ReconcileResult reconcile(String cluster, Scope scope, List<Finding> open,
      List<Suppressed> suppressed, Instant at,
      Function<ReconcileResult, List<AlertEvent>> alerts) {
    checkCluster(cluster);
    Instant when = Db.micros(java.util.Objects.requireNonNull(at, "at"));
    Map<String, Incoming> incoming = incoming(scope, open, suppressed);
    Set<String> newControls = new HashSet<>();
    ReconcileResult result = db.write("reconcile of cluster '" + cluster + "' (" + scope + ")",
        c -> {
          newControls.clear();
          lockCluster(c, cluster, when, scope.isCluster());
          newControls.addAll(storeControls(c, incoming.values(), when));
          ReconcileResult r = apply(c, cluster, scope, incoming, when);
          if (alerts != null) {
            List<AlertEvent> events = alerts.apply(r);
            if (events != null && !events.isEmpty()) {
              outbox.enqueue(c, events, when);
            }
          }
          return r;
        });
    storedControls.addAll(newControls);
    return result;
  }

  static void checkCluster(String cluster) {
    if (cluster == null || cluster.isBlank() || cluster.length() > NAME_MAX) {
      throw new IllegalArgumentException("a cluster name of 1 to 253 characters is required");
    }
  }

  private static Map<String, Incoming> incoming(Scope scope, List<Finding> open,
      List<Suppressed> suppressed) {
    Set<Key> keys = new HashSet<>();
    scope.resourceSet().forEach(r -> keys.add(Key.of(r)));
    Map<String, Incoming> byId = new LinkedHashMap<>();
    List<Object[]> all = new ArrayList<>();
    open.forEach(f -> all.add(new Object[] {f, null}));
    suppressed.forEach(s -> all.add(new Object[] {s.finding(), exceptionRef(s)}));
    for (Object[] pair : all) {
      Finding f = (Finding) pair[0];
      String exceptionId = (String) pair[1];
      Key key = Key.of(f.resource());
      if (!scope.isCluster() && !keys.contains(key)) {
        throw new IllegalArgumentException("finding " + f.id() + " (" + f.controlId() + " on "
            + f.resource() + ") is outside the scope of the reconcile");
      }
      String valueJson = f.value() == null ? null : valueJson(f.value());
      String alsoJson = Json.write(f.also());
      FindingStatus status = exceptionId == null ? FindingStatus.OPEN : FindingStatus.SUPPRESSED;
      Incoming in = new Incoming(f, status, exceptionId, key, valueJson, alsoJson,
          hash(f, valueJson, alsoJson, exceptionId));
      if (byId.putIfAbsent(f.id(), in) != null) {
        throw new IllegalArgumentException("finding " + f.id() + " (" + f.controlId() + " on "
            + f.resource() + " at " + f.path() + ") is reported twice");
      }
    }
    return byId;
  }

  /** The id an exception is stored under: a store exception's name is its id. */
  private static String exceptionRef(Suppressed s) {
    var e = s.exception();
    String ref = e.name() != null && !e.name().isBlank() ? e.name()
        : e.file() == null ? "unnamed" : e.file() + ":" + e.line();
    return clip(ref, NAME_MAX);
  }

  private static String valueJson(Object value) {
    String json = Json.write(value);
    if (json.length() <= VALUE_MAX) {
      return json;
    }
    return Json.write(json.substring(0, VALUE_MAX - 64) + "... (" + json.length()
        + " characters, truncated)");
  }

  private static String hash(Finding f, String valueJson, String alsoJson, String exceptionId) {
    StringBuilder b = new StringBuilder();
    for (Object part : new Object[] {f.control().version(), f.severity(),
        f.resource().apiVersion(), f.path(), valueJson, f.message(), f.origin().file(),
        f.line(), f.origin().resourceVersion(), alsoJson, exceptionId}) {
      b.append(part).append('\u0000');
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Creates the cluster's row if needed and locks it: reconciles of a cluster run in turn. */
  private static void lockCluster(Connection c, String cluster, Instant at, boolean resync)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO clusters (cluster, created_at) "
        + "VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, cluster);
      Db.setInstant(ps, 2, at);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT cluster FROM clusters WHERE cluster = ? FOR UPDATE")) {
      ps.setString(1, cluster);
      ps.executeQuery().close();
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE clusters SET last_reconcile_at = ?"
        + (resync ? ", last_resync_at = ?" : "") + " WHERE cluster = ?")) {
      Db.setInstant(ps, 1, at);
      if (resync) {
        Db.setInstant(ps, 2, at);
      }
      ps.setString(resync ? 3 : 2, cluster);
      ps.executeUpdate();
    }
  }

  /** Stores the metadata of control versions not stored yet; returns their keys. */
  private Set<String> storeControls(Connection c, Iterable<Incoming> incoming, Instant at)
      throws SQLException {
    Map<String, Control> missing = new TreeMap<>();
    for (Incoming in : incoming) {
      Control control = in.finding().control();
      String key = control.id() + "\n" + control.version();
      if (!storedControls.contains(key)) {
        missing.putIfAbsent(key, control);
      }
    }
    if (missing.isEmpty()) {
      return Set.of();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO controls (control_id, "
        + "control_version, title, category, remediation, frameworks_json, first_seen) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
        PreparedStatement fw = c.prepareStatement("INSERT INTO control_frameworks (framework, "
            + "control_id, control_version) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (Control control : missing.values()) {
        ps.setString(1, control.id());
        ps.setInt(2, control.version());
        ps.setString(3, nullToEmpty(control.title()));
        ps.setString(4, nullToEmpty(control.category()));
        ps.setString(5, control.remediation() == null ? ""
            : nullToEmpty(control.remediation().text()));
        ps.setString(6, Json.write(new TreeMap<>(control.frameworks())));
        Db.setInstant(ps, 7, at);
        ps.addBatch();
        for (String framework : new TreeMap<>(control.frameworks()).keySet()) {
          fw.setString(1, framework);
          fw.setString(2, control.id());
          fw.setInt(3, control.version());
          fw.addBatch();
        }
      }
      ps.executeBatch();
      fw.executeBatch();
    }
    return missing.keySet();
  }

  private ReconcileResult apply(Connection c, String cluster, Scope scope,
      Map<String, Incoming> incoming, Instant at) throws SQLException {
    Map<String, Stored> stored = loadStored(c, cluster, scope);
    List<Incoming> inserts = new ArrayList<>();
    List<Incoming> updates = new ArrayList<>();
    List<Stored> resolves = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    Map<Transition, List<StoredFinding>> changed = new LinkedHashMap<>();
    for (Transition t : Transition.values()) {
      changed.put(t, new ArrayList<>());
    }
    int unchanged = 0;
    Map<String, Integer> revisions = new HashMap<>();
    Map<String, Integer> reopens = new HashMap<>();
    Map<Count, Long> counts = new HashMap<>();
    for (Incoming in : incoming.values()) {
      String id = in.finding().id();
      Stored s = stored.get(id);
      if (s == null) {
        counts.merge(Count.of(in), 1L, Long::sum);
        inserts.add(in);
        events.add(new Event(id, 1, Transition.NEW, in.status(), in.exceptionId()));
        changed.get(Transition.NEW).add(stored(c, cluster, in, at, at, 0, 1));
        continue;
      }
      Transition t = null;
      if (s.status() == FindingStatus.RESOLVED) {
        t = Transition.REOPENED;
      } else if (s.status() != in.status()) {
        t = in.status() == FindingStatus.SUPPRESSED ? Transition.SUPPRESSED
            : Transition.UNSUPPRESSED;
      }
      int revision = s.revision() + (t == null ? 0 : 1);
      int reopenCount = s.reopenCount() + (t == Transition.REOPENED ? 1 : 0);
      if (t != null) {
        events.add(new Event(id, revision, t, in.status(), in.exceptionId()));
        changed.get(t).add(stored(c, cluster, in, s.row().firstSeen(), at, reopenCount,
            revision));
      }
      if (t != null || !s.hash().equals(in.hash())) {
        counts.merge(s.count(), -1L, Long::sum);
        counts.merge(Count.of(in), 1L, Long::sum);
        updates.add(in);
        revisions.put(id, revision);
        reopens.put(id, reopenCount);
      } else {
        unchanged++;
      }
    }
    for (Stored s : stored.values()) {
      if (s.status() != FindingStatus.RESOLVED && !incoming.containsKey(s.id())) {
        counts.merge(s.count(), -1L, Long::sum);
        counts.merge(s.count().with(FindingStatus.RESOLVED), 1L, Long::sum);
        resolves.add(s);
        events.add(new Event(s.id(), s.revision() + 1, Transition.RESOLVED,
            FindingStatus.RESOLVED, null));
        StoredFinding r = s.row();
        changed.get(Transition.RESOLVED).add(new StoredFinding(r.cluster(), r.id(),
            FindingStatus.RESOLVED, r.controlId(), r.controlVersion(), r.title(), r.severity(),
            r.category(), r.frameworks(), r.remediation(), r.resource(), r.path(), r.valueJson(),
            r.message(), r.originFile(), r.line(), r.resourceVersion(), r.also(), null,
            r.firstSeen(), r.lastSeen(), at, r.reopenCount(), r.revision() + 1));
      }
    }
    // In key order: each index whose key starts with the finding id (or with a few values and
    // then the id) grows at a few places instead of at random ones, so the database rewrites
    // and reads back far fewer index pages while a large reconcile is still open.
    inserts.sort(java.util.Comparator.comparing(in -> in.finding().id()));
    events.sort(java.util.Comparator.comparing(Event::id).thenComparingInt(Event::revision));
    insert(c, cluster, inserts, at);
    search(c, cluster, inserts, updates, resolves);
    update(c, cluster, updates, revisions, reopens, at);
    resolve(c, cluster, resolves, at);
    if (unchanged > 0) {
      // Only findings seen again unchanged can have an older last_seen: the others were just
      // written (inserted or updated with last_seen = at) or resolved.
      touch(c, cluster, scope, at);
    }
    recordEvents(c, cluster, events, at);
    storeResources(c, cluster, scope, incoming.values(), at);
    storeCounts(c, cluster, counts);

    Map<Transition, List<StoredFinding>> found = new LinkedHashMap<>();
    for (Map.Entry<Transition, List<StoredFinding>> e : changed.entrySet()) {
      List<StoredFinding> list = new ArrayList<>(e.getValue());
      list.sort(java.util.Comparator.comparing(StoredFinding::id));
      found.put(e.getKey(), list);
    }
    return new ReconcileResult(cluster, at, found.get(Transition.NEW),
        found.get(Transition.REOPENED), found.get(Transition.RESOLVED),
        found.get(Transition.SUPPRESSED), found.get(Transition.UNSUPPRESSED), unchanged);
  }

  /** The stored findings of the scope, whole (a resolved one is reported as it was stored). */
  private Map<String, Stored> loadStored(Connection c, String cluster, Scope scope)
      throws SQLException {
    Map<String, Stored> stored = new HashMap<>();
    String select = "SELECT " + Rows.FINDING_COLUMNS + ", f.evidence_hash, f.severity_rank "
        + "FROM findings f WHERE f.cluster = ?";
    if (scope.isCluster()) {
      try (PreparedStatement ps = c.prepareStatement(select)) {
        ps.setString(1, cluster);
        readStored(c, ps, stored);
      }
      return stored;
    }
    try (PreparedStatement ps = c.prepareStatement(select
        + " AND f.namespace = ? AND f.kind = ? AND f.name = ? AND f.api_group = ?")) {
      for (ResourceRef r : scope.resourceSet()) {
        Key k = Key.of(r);
        ps.setString(1, cluster);
        ps.setString(2, k.namespace());
        ps.setString(3, k.kind());
        ps.setString(4, k.name());
        ps.setString(5, k.group());
        readStored(c, ps, stored);
      }
    }
    return stored;
  }

  private void readStored(Connection c, PreparedStatement ps, Map<String, Stored> into)
      throws SQLException {
    Map<String, String> hashes = new HashMap<>();
    for (StoredFinding f : Rows.findings(c, controls, ps, hashes)) {
      into.put(f.id(), new Stored(f, hashes.get(f.id()), new Count(f.status(),
          f.severity().ordinal(), f.resource().namespace(), f.controlId(), f.controlVersion())));
    }
  }

  /** A finding as this reconcile stores it. */
  private StoredFinding stored(Connection c, String cluster, Incoming in, Instant firstSeen,
      Instant at, int reopenCount, int revision) throws SQLException {
    Finding f = in.finding();
    Rows.ControlMeta meta = controls.get(c, f.controlId(), f.control().version());
    Key k = in.key();
    return new StoredFinding(cluster, f.id(), in.status(), f.controlId(), f.control().version(),
        meta.title(), f.severity(), meta.category(), meta.frameworks(), meta.remediation(),
        new ResourceRef(clip(f.resource().apiVersion(), NAME_MAX), k.kind(), k.namespace(),
            k.name()),
        clip(f.path().toString(), TEXT_MAX), in.valueJson(), clip(nullToEmpty(f.message()),
            TEXT_MAX), f.origin().file() == null ? null : clip(f.origin().file(), TEXT_MAX),
        line(f), f.origin().resourceVersion() == null ? null
            : clip(f.origin().resourceVersion(), NAME_MAX),
        f.also(), in.exceptionId(), firstSeen, at, null, reopenCount, revision);
  }

  private static int line(Finding f) {
    return f.line() > 0 ? f.line() : Math.max(0, f.origin().line());
  }

  private static final String EVIDENCE_COLUMNS = "status, control_id, control_version, severity, "
      + "severity_rank, api_group, api_version, kind, namespace, name, field_path, value_json, "
      + "message, origin_file, origin_line, resource_version, also_json, exception_id, "
      + "evidence_hash, last_seen";

  /** Sets the evidence columns from index {@code i}; returns the next index. */
  private static int setEvidence(PreparedStatement ps, int i, Incoming in, Instant at)
      throws SQLException {
    Finding f = in.finding();
    Key k = in.key();
    ps.setString(i++, in.status().name());
    ps.setString(i++, f.controlId());
    ps.setInt(i++, f.control().version());
    ps.setString(i++, f.severity().name());
    ps.setInt(i++, f.severity().ordinal());
    ps.setString(i++, k.group());
    ps.setString(i++, clip(f.resource().apiVersion(), NAME_MAX));
    ps.setString(i++, k.kind());
    ps.setString(i++, k.namespace());
    ps.setString(i++, k.name());
    ps.setString(i++, clip(f.path().toString(), TEXT_MAX));
    Db.setString(ps, i++, in.valueJson());
    ps.setString(i++, clip(nullToEmpty(f.message()), TEXT_MAX));
    Db.setString(ps, i++, f.origin().file() == null ? null : clip(f.origin().file(), TEXT_MAX));
    ps.setInt(i++, line(f));
    Db.setString(ps, i++, f.origin().resourceVersion() == null ? null
        : clip(f.origin().resourceVersion(), NAME_MAX));
    ps.setString(i++, in.alsoJson());
    Db.setString(ps, i++, in.exceptionId());
    ps.setString(i++, in.hash());
    Db.setInstant(ps, i++, at);
    return i;
  }

  /** What free-text search looks in: lower-case control, title, resource, message and path. */
  private static String searchText(Incoming in) {
    Finding f = in.finding();
    Key k = in.key();
    String text = String.join(" ", f.controlId(), nullToEmpty(f.control().title()),
        k.namespace() + "/" + k.kind() + "/" + k.name(), nullToEmpty(f.message()),
        f.path().toString());
    return clip(text.toLowerCase(Locale.ROOT), TEXT_MAX);
  }

  private static void insert(Connection c, String cluster, List<Incoming> inserts, Instant at)
      throws SQLException {
    Db.insertRows(c, "INSERT INTO findings (cluster, finding_id, " + EVIDENCE_COLUMNS
        + ", first_seen, resolved_at, reopen_count, revision) VALUES ",
        "(?, ?, " + Rows.placeholders(20) + ", ?, NULL, 0, 1)", 23, "", inserts,
        (ps, i, in) -> {
          ps.setString(i, cluster);
          ps.setString(i + 1, in.finding().id());
          int next = setEvidence(ps, i + 2, in, at);
          Db.setInstant(ps, next, at);
        });
  }

  /** Keeps finding_search in step: new rows, changed rows, resolved rows. */
  private static void search(Connection c, String cluster, List<Incoming> inserts,
      List<Incoming> updates, List<Stored> resolves) throws SQLException {
    Db.insertRows(c, "INSERT INTO finding_search (status, severity_rank, control_version, "
        + "search_text, namespace, kind, control_id, finding_id, cluster) VALUES ",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?)", 9, "", inserts, (ps, i, in) -> {
          Finding f = in.finding();
          ps.setString(i, in.status().name());
          ps.setInt(i + 1, f.severity().ordinal());
          ps.setInt(i + 2, f.control().version());
          ps.setString(i + 3, searchText(in));
          ps.setString(i + 4, in.key().namespace());
          ps.setString(i + 5, in.key().kind());
          ps.setString(i + 6, f.controlId());
          ps.setString(i + 7, f.id());
          ps.setString(i + 8, cluster);
        });
    if (!updates.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE finding_search SET status = ?, "
          + "severity_rank = ?, control_version = ?, search_text = ? WHERE finding_id = ? AND "
          + "cluster = ?")) {
        batchSearch(ps, cluster, updates);
      }
    }
    if (!resolves.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE finding_search SET status = "
          + "'RESOLVED' WHERE finding_id = ? AND cluster = ?")) {
        int n = 0;
        for (Stored s : resolves) {
          ps.setString(1, s.id());
          ps.setString(2, cluster);
          ps.addBatch();
          if (++n % 1000 == 0) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
    }
  }

  private static void batchSearch(PreparedStatement ps, String cluster, List<Incoming> rows)
      throws SQLException {
    int n = 0;
    for (Incoming in : rows) {
      Finding f = in.finding();
      int i = 1;
      ps.setString(i++, in.status().name());
      ps.setInt(i++, f.severity().ordinal());
      ps.setInt(i++, f.control().version());
      ps.setString(i++, searchText(in));
      ps.setString(i++, f.id());
      ps.setString(i, cluster);
      ps.addBatch();
      if (++n % 1000 == 0) {
        ps.executeBatch();
      }
    }
    ps.executeBatch();
  }

  private static void update(Connection c, String cluster, List<Incoming> updates,
      Map<String, Integer> revisions, Map<String, Integer> reopens, Instant at)
      throws SQLException {
    if (updates.isEmpty()) {
      return;
    }
    StringBuilder set = new StringBuilder();
    for (String column : EVIDENCE_COLUMNS.split(", ")) {
      set.append(column).append(" = ?, ");
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE findings SET " + set
        + "resolved_at = NULL, reopen_count = ?, revision = ? WHERE cluster = ? AND "
        + "finding_id = ?")) {
      int n = 0;
      for (Incoming in : updates) {
        String id = in.finding().id();
        int i = setEvidence(ps, 1, in, at);
        ps.setInt(i++, reopens.get(id));
        ps.setInt(i++, revisions.get(id));
        ps.setString(i++, cluster);
        ps.setString(i, id);
        ps.addBatch();
        if (++n % 1000 == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
  }

  private static void resolve(Connection c, String cluster, List<Stored> resolves, Instant at)
      throws SQLException {
    if (resolves.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE findings SET status = 'RESOLVED', "
        + "exception_id = NULL, resolved_at = ?, revision = ? WHERE cluster = ? AND "
        + "finding_id = ?")) {
      int n = 0;
      for (Stored s : resolves) {
        Db.setInstant(ps, 1, at);
        ps.setInt(2, s.revision() + 1);
        ps.setString(3, cluster);
        ps.setString(4, s.id());
        ps.addBatch();
        if (++n % 1000 == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
  }

  /** Sets last_seen of the scope's findings that were seen again unchanged. */
  private static void touch(Connection c, String cluster, Scope scope, Instant at)
      throws SQLException {
    String sql = "UPDATE findings SET last_seen = ? WHERE cluster = ? AND status <> 'RESOLVED' "
        + "AND last_seen < ?";
    if (scope.isCluster()) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        Db.setInstant(ps, 1, at);
        ps.setString(2, cluster);
        Db.setInstant(ps, 3, at);
        ps.executeUpdate();
      }
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql
        + " AND namespace = ? AND kind = ? AND name = ? AND api_group = ?")) {
      for (ResourceRef r : scope.resourceSet()) {
        Key k = Key.of(r);
        Db.setInstant(ps, 1, at);
        ps.setString(2, cluster);
        Db.setInstant(ps, 3, at);
        ps.setString(4, k.namespace());
        ps.setString(5, k.kind());
        ps.setString(6, k.name());
        ps.setString(7, k.group());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void recordEvents(Connection c, String cluster, List<Event> events, Instant at)
      throws SQLException {
    Db.insertRows(c, "INSERT INTO finding_events (cluster, finding_id, revision, transition, "
        + "occurred_at, status, exception_id) VALUES ", "(?, ?, ?, ?, ?, ?, ?)", 7, "", events,
        (ps, i, e) -> {
          ps.setString(i, cluster);
          ps.setString(i + 1, e.id());
          ps.setInt(i + 2, e.revision());
          ps.setString(i + 3, e.transition().name());
          Db.setInstant(ps, i + 4, at);
          ps.setString(i + 5, e.status().name());
          Db.setString(ps, i + 6, e.exceptionId());
        });
  }

  /** Adds the changes of finding counts to finding_counts. */
  private static void storeCounts(Connection c, String cluster, Map<Count, Long> deltas)
      throws SQLException {
    List<Map.Entry<Count, Long>> changed = deltas.entrySet().stream()
        .filter(e -> e.getValue() != 0).toList();
    if (changed.isEmpty()) {
      return;
    }
    String key = " WHERE cluster = ? AND status = ? AND severity_rank = ? AND namespace = ? AND "
        + "control_id = ? AND control_version = ?";
    List<Map.Entry<Count, Long>> missing = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("UPDATE finding_counts SET n = n + ?" + key)) {
      for (Map.Entry<Count, Long> e : changed) {
        ps.setLong(1, e.getValue());
        setCount(ps, 2, cluster, e.getKey());
        ps.addBatch();
      }
      int[] updated = ps.executeBatch();
      for (int i = 0; i < updated.length; i++) {
        if (updated[i] == 0) {
          missing.add(changed.get(i));
        }
      }
    }
    if (!missing.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO finding_counts (n, cluster, "
          + "status, severity_rank, namespace, control_id, control_version) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (Map.Entry<Count, Long> e : missing) {
          ps.setLong(1, e.getValue());
          setCount(ps, 2, cluster, e.getKey());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    if (changed.stream().anyMatch(e -> e.getValue() < 0)) {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM finding_counts WHERE cluster = ? AND n = 0")) {
        ps.setString(1, cluster);
        ps.executeUpdate();
      }
    }
  }

  private static void setCount(PreparedStatement ps, int i, String cluster, Count k)
      throws SQLException {
    ps.setString(i, cluster);
    ps.setString(i + 1, k.status().name());
    ps.setInt(i + 2, k.severityRank());
    ps.setString(i + 3, k.namespace());
    ps.setString(i + 4, k.controlId());
    ps.setInt(i + 5, k.controlVersion());
  }

  /** A resource's row: its latest apiVersion and resourceVersion and its finding counts. */
  private record ResourceRow(String apiVersion, String resourceVersion, int open,
      int suppressed) {}

  /**
   * Brings the resources of the scope up to date: each resource with findings, each resource
   * named by the scope, and (for a full resync) each stored resource that now has none.
   */
  private static void storeResources(Connection c, String cluster, Scope scope,
      Iterable<Incoming> incoming, Instant at) throws SQLException {
    Map<Key, ResourceRow> wanted = new HashMap<>();
    for (ResourceRef r : scope.resourceSet()) {
      wanted.put(Key.of(r), new ResourceRow(clip(r.apiVersion(), NAME_MAX), null, 0, 0));
    }
    for (Incoming in : incoming) {
      Finding f = in.finding();
      ResourceRow old = wanted.get(in.key());
      String rv = f.origin().resourceVersion() == null ? null
          : clip(f.origin().resourceVersion(), NAME_MAX);
      int open = (old == null ? 0 : old.open()) + (in.status() == FindingStatus.OPEN ? 1 : 0);
      int supp = (old == null ? 0 : old.suppressed())
          + (in.status() == FindingStatus.SUPPRESSED ? 1 : 0);
      wanted.put(in.key(), new ResourceRow(clip(f.resource().apiVersion(), NAME_MAX),
          rv != null ? rv : old == null ? null : old.resourceVersion(), open, supp));
    }
    Map<Key, ResourceRow> existing = new HashMap<>();
    String select = "SELECT api_group, kind, namespace, name, api_version, resource_version, "
        + "open_findings, suppressed_findings FROM resources WHERE cluster = ?";
    if (scope.isCluster()) {
      try (PreparedStatement ps = c.prepareStatement(select)) {
        ps.setString(1, cluster);
        readResources(ps, existing);
      }
      for (Map.Entry<Key, ResourceRow> e : existing.entrySet()) {
        if (!wanted.containsKey(e.getKey())) {
          ResourceRow old = e.getValue();
          wanted.put(e.getKey(), new ResourceRow(old.apiVersion(), old.resourceVersion(), 0, 0));
        }
      }
    } else {
      try (PreparedStatement ps = c.prepareStatement(select
          + " AND api_group = ? AND kind = ? AND namespace = ? AND name = ?")) {
        for (Key k : wanted.keySet()) {
          ps.setString(1, cluster);
          ps.setString(2, k.group());
          ps.setString(3, k.kind());
          ps.setString(4, k.namespace());
          ps.setString(5, k.name());
          readResources(ps, existing);
        }
      }
    }
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO resources (cluster, "
        + "api_group, kind, namespace, name, api_version, resource_version, open_findings, "
        + "suppressed_findings, first_seen, last_evaluated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
        + "?, ?)");
        PreparedStatement update = c.prepareStatement("UPDATE resources SET api_version = ?, "
            + "resource_version = ?, open_findings = ?, suppressed_findings = ?, "
            + "last_evaluated = ? WHERE cluster = ? AND api_group = ? AND kind = ? AND "
            + "namespace = ? AND name = ?")) {
      for (Map.Entry<Key, ResourceRow> e : wanted.entrySet()) {
        Key k = e.getKey();
        ResourceRow row = e.getValue();
        ResourceRow old = existing.get(k);
        if (old == null) {
          insert.setString(1, cluster);
          insert.setString(2, k.group());
          insert.setString(3, k.kind());
          insert.setString(4, k.namespace());
          insert.setString(5, k.name());
          insert.setString(6, row.apiVersion());
          Db.setString(insert, 7, row.resourceVersion());
          insert.setInt(8, row.open());
          insert.setInt(9, row.suppressed());
          Db.setInstant(insert, 10, at);
          Db.setInstant(insert, 11, at);
          insert.addBatch();
        } else if (!scope.isCluster() || !old.equals(row)) {
          update.setString(1, row.apiVersion());
          Db.setString(update, 2, row.resourceVersion());
          update.setInt(3, row.open());
          update.setInt(4, row.suppressed());
          Db.setInstant(update, 5, at);
          update.setString(6, cluster);
          update.setString(7, k.group());
          update.setString(8, k.kind());
          update.setString(9, k.namespace());
          update.setString(10, k.name());
          update.addBatch();
        }
      }
      insert.executeBatch();
      update.executeBatch();
    }
  }

  private static void readResources(PreparedStatement ps, Map<Key, ResourceRow> into)
      throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        into.put(new Key(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
            new ResourceRow(rs.getString(5), rs.getString(6), rs.getInt(7), rs.getInt(8)));
      }
    }
  }

  static String clip(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    int end = max;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
