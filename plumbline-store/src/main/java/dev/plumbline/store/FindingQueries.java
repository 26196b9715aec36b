package dev.plumbline.store;

import dev.plumbline.control.Severity;
import dev.plumbline.resource.ResourceRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The reads of the API and dashboard: finding lists, counts, one resource's history. */
final class FindingQueries {
  private final Db db;
  private final Rows.Controls controls;

  FindingQueries(Db db, Rows.Controls controls) {
    this.db = db;
    this.controls = controls;
  }

  /** A WHERE clause and its parameters. */
  private record Where(String sql, List<Object> params) {
    void bind(PreparedStatement ps, int from) throws SQLException {
      for (int i = 0; i < params.size(); i++) {
        Object p = params.get(i);
        if (p instanceof Integer n) {
          ps.setInt(from + i, n);
        } else {
          ps.setString(from + i, (String) p);
        }
      }
    }
  }

  /** A control version: what framework filters become before a query runs. */
  record ControlVersion(String id, int version) {}

  /** The control versions that map to any of a query's frameworks (null without the filter). */
  static List<ControlVersion> frameworkControls(Connection c, FindingQuery q)
      throws SQLException {
    if (q.frameworks().isEmpty()) {
      return null;
    }
    List<ControlVersion> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT control_id, control_version "
        + "FROM control_frameworks WHERE framework IN (" + Rows.placeholders(q.frameworks().size())
        + ") ORDER BY control_id, control_version")) {
      int i = 1;
      for (String f : q.frameworks().stream().sorted().toList()) {
        ps.setString(i++, f);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ControlVersion(rs.getString(1), rs.getInt(2)));
        }
      }
    }
    return out;
  }

  /**
   * The WHERE clause of a query's filters over a table with the filter columns (findings,
   * finding_search, finding_counts) under an alias; free text only when {@code text} (and then
   * only finding_search has the column).
   */
  static Where where(FindingQuery q, String alias, boolean text, List<ControlVersion> mapped) {
    String a = alias + ".";
    StringBuilder sql = new StringBuilder(" WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (q.cluster() != null) {
      sql.append(" AND ").append(a).append("cluster = ?");
      params.add(q.cluster());
    }
    if (!q.statuses().isEmpty()) {
      in(sql, params, a + "status", q.statuses().stream().map(Enum::name).sorted().toList());
    }
    if (!q.severities().isEmpty()) {
      in(sql, params, a + "severity_rank",
          q.severities().stream().map(Enum::ordinal).sorted().map(Object.class::cast).toList());
    }
    if (!q.namespaces().isEmpty()) {
      in(sql, params, a + "namespace", q.namespaces().stream().sorted().toList());
    }
    if (!q.controls().isEmpty()) {
      in(sql, params, a + "control_id", q.controls().stream().sorted().toList());
    }
    if (mapped != null) {
      // The control versions are listed, not joined: the planners then estimate from the
      // statistics of control_id, and keep reading the order's index.
      if (mapped.isEmpty()) {
        sql.append(" AND 1 = 0");
      } else {
        sql.append(" AND ").append(a).append("control_id IN (")
            .append(Rows.placeholders((int) mapped.stream().map(ControlVersion::id).distinct()
                .count())).append(") AND (");
        mapped.stream().map(ControlVersion::id).distinct().forEach(params::add);
        for (int i = 0; i < mapped.size(); i++) {
          sql.append(i == 0 ? "" : " OR ").append(a).append("control_id = ? AND ").append(a)
              .append("control_version = ?");
          params.add(mapped.get(i).id());
          params.add(mapped.get(i).version());
        }
        sql.append(')');
      }
    }
    if (text && q.text() != null) {
      for (String word : q.text().toLowerCase(Locale.ROOT).split("\\s+")) {
        sql.append(" AND ").append(a).append("search_text LIKE ? ESCAPE '!'");
        params.add("%" + word.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
      }
    }
    return new Where(sql.toString(), params);
  }

  private static void in(StringBuilder sql, List<Object> params, String column,
      List<?> values) {
    if (values.size() == 1) {
      sql.append(" AND ").append(column).append(" = ?");
    } else {
      sql.append(" AND ").append(column).append(" IN (")
          .append(Rows.placeholders(values.size())).append(')');
    }
    params.addAll(values);
  }

  /**
   * The ORDER BY of a query: its sort, then the finding id (and cluster), so pages are stable.
   * Columns that the query fixes (one cluster, one status) come first: that changes no order, and
   * lets H2 read the matching index in order (it only does when ORDER BY starts with the index's
   * columns) and stop after the page.
   */
  static String orderBy(FindingQuery q) {
    List<String> columns = new ArrayList<>();
    if (q.cluster() != null) {
      columns.add("f.cluster");
    }
    // Across clusters, the severity order reads (severity_rank, finding_id, cluster) whatever the
    // status; within a cluster, the indexes start with (cluster, status).
    boolean oneStatus = q.cluster() != null && q.statuses().size() == 1;
    switch (q.sort()) {
      case SEVERITY -> {
        if (oneStatus) {
          columns.add("f.status");
        }
        columns.add("f.severity_rank");
      }
      case FIRST_SEEN -> {
        if (oneStatus) {
          columns.add("f.status");
        }
        columns.add("f.first_seen");
      }
      case LAST_SEEN -> {
        if (oneStatus) {
          columns.add("f.status");
        }
        columns.add("f.last_seen");
      }
      case CONTROL -> {
        if (oneStatus) {
          columns.add("f.status");
        }
        columns.add("f.control_id");
      }
      case RESOURCE -> {
        if (oneStatus) {
          columns.add("f.status");
        }
        columns.addAll(List.of("f.namespace", "f.kind", "f.name", "f.api_group"));
      }
    }
    columns.add("f.finding_id");
    if (q.cluster() == null) {
      columns.add("f.cluster");
    }
    String direction = q.descending() ? " DESC" : "";
    return " ORDER BY " + String.join(direction + ", ", columns) + direction;
  }

  /** Up to this many free-text matches are read by id and ordered here; more, by the database. */
  volatile int textMatchesReadById = 2_000;

  Page<StoredFinding> find(FindingQuery q) {
    return q.text() == null ? findFiltered(q) : findText(q);
  }

  /** Without free text: the total from finding_counts, the page straight from an index. */
  private Page<StoredFinding> findFiltered(FindingQuery q) {
    return db.read("querying findings", c -> {
      Where where = where(q, "f", true, frameworkControls(c, q));
      long total;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COALESCE(SUM(f.n), 0) FROM finding_counts f" + where.sql())) {
        where.bind(ps, 1);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      List<StoredFinding> items = List.of();
      if (q.offset() < total) {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.FINDING_COLUMNS
            + " FROM findings f" + where.sql() + orderBy(q) + " LIMIT ? OFFSET ?")) {
          where.bind(ps, 1);
          ps.setInt(where.params().size() + 1, q.limit());
          ps.setInt(where.params().size() + 2, q.offset());
          items = Rows.findings(c, controls, ps);
        }
      }
      return new Page<>(items, total, q.offset(), q.limit());
    });
  }

  /**
   * With free text: one scan of the narrow finding_search table finds the matches (and so the
   * total). A few matches are read by id and ordered here; many are paged by the database, which
   * then finds them densely along the order's index.
   */
  private Page<StoredFinding> findText(FindingQuery q) {
    return db.read("searching findings", c -> {
      List<ControlVersion> mapped = frameworkControls(c, q);
      Where search = where(q, "s", true, mapped);
      Map<String, List<String>> idsByCluster = new java.util.TreeMap<>();
      long total = 0;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT s.cluster, s.finding_id FROM finding_search s" + search.sql())) {
        search.bind(ps, 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            total++;
            if (total <= textMatchesReadById) {
              idsByCluster.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                  .add(rs.getString(2));
            }
          }
        }
      }
      List<StoredFinding> items = List.of();
      if (q.offset() >= total) {
        return new Page<>(items, total, q.offset(), q.limit());
      }
      if (total <= textMatchesReadById) {
        List<StoredFinding> all = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : idsByCluster.entrySet()) {
          all.addAll(Rows.findings(c, controls, e.getKey(), e.getValue()));
        }
        all.sort(order(q));
        items = all.subList(q.offset(), Math.min(all.size(), q.offset() + q.limit()));
      } else {
        Where filters = where(q, "f", false, mapped);
        String sql = "SELECT " + Rows.FINDING_COLUMNS + " FROM findings f" + filters.sql()
            + " AND f.finding_id IN (SELECT s.finding_id FROM finding_search s" + search.sql()
            + ")" + orderBy(q) + " LIMIT ? OFFSET ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          filters.bind(ps, 1);
          int next = filters.params().size() + 1;
          search.bind(ps, next);
          next += search.params().size();
          ps.setInt(next, q.limit());
          ps.setInt(next + 1, q.offset());
          items = Rows.findings(c, controls, ps);
        }
      }
      return new Page<>(items, total, q.offset(), q.limit());
    });
  }

  /** The order of {@link #orderBy}, for findings ordered here. */
  static Comparator<StoredFinding> order(FindingQuery q) {
    Comparator<StoredFinding> sort = switch (q.sort()) {
      case SEVERITY -> Comparator.comparing(StoredFinding::severity);
      case FIRST_SEEN -> Comparator.comparing(StoredFinding::firstSeen);
      case LAST_SEEN -> Comparator.comparing(StoredFinding::lastSeen);
      case CONTROL -> Comparator.comparing(StoredFinding::controlId);
      case RESOURCE -> Comparator.comparing((StoredFinding f) -> f.resource().namespace())
          .thenComparing(f -> f.resource().kind())
          .thenComparing(f -> f.resource().name())
          .thenComparing(f -> f.resource().group());
    };
    Comparator<StoredFinding> all = sort.thenComparing(StoredFinding::id)
        .thenComparing(StoredFinding::cluster);
    return q.descending() ? all.reversed() : all;
  }

  /**
   * Counts of the findings a query matches (its order and page are ignored), largest first; for
   * severity and status every value is present, in their own order.
   */
  Map<String, Long> count(FindingQuery q, FindingQuery.GroupBy by) {
    return count(q, by, q.text() != null || by == FindingQuery.GroupBy.KIND);
  }

  /** Counts from finding_counts, or (when it cannot answer, and in tests) from findings. */
  Map<String, Long> count(FindingQuery q, FindingQuery.GroupBy by, boolean fromFindings) {
    boolean text = q.text() != null;
    String column = switch (by) {
      case SEVERITY -> "f.severity_rank";
      case STATUS -> "f.status";
      case NAMESPACE -> "f.namespace";
      case CONTROL -> "f.control_id";
      case KIND -> "f.kind";
      case CLUSTER -> "f.cluster";
    };
    String from = text ? "COUNT(*) FROM finding_search f"
        : fromFindings ? "COUNT(*) FROM findings f" : "SUM(f.n) FROM finding_counts f";
    return db.read("counting findings", c -> {
      Where where = where(q, "f", true, frameworkControls(c, q));
      Map<String, Long> counts = new LinkedHashMap<>();
      if (by == FindingQuery.GroupBy.SEVERITY) {
        for (Severity s : Severity.values()) {
          counts.put(s.label(), 0L);
        }
      } else if (by == FindingQuery.GroupBy.STATUS) {
        for (FindingStatus s : FindingStatus.values()) {
          counts.put(s.name().toLowerCase(Locale.ROOT), 0L);
        }
      }
      List<Map.Entry<String, Long>> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + column + ", " + from
          + where.sql() + " GROUP BY " + column)) {
        where.bind(ps, 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String key = by == FindingQuery.GroupBy.SEVERITY
                ? Severity.values()[rs.getInt(1)].label()
                : by == FindingQuery.GroupBy.STATUS
                    ? rs.getString(1).toLowerCase(Locale.ROOT) : rs.getString(1);
            rows.add(Map.entry(key, rs.getLong(2)));
          }
        }
      }
      if (counts.isEmpty()) {
        rows.sort(Map.Entry.<String, Long>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey()));
      }
      rows.forEach(e -> counts.put(e.getKey(), e.getValue()));
      return counts;
    });
  }

  Optional<StoredFinding> finding(String cluster, String id) {
    return db.read("reading finding " + id, c -> {
      List<StoredFinding> found = Rows.findings(c, controls, cluster, List.of(id));
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    });
  }

  List<FindingEvent> history(String cluster, String findingId) {
    return db.read("reading the history of finding " + findingId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM finding_events WHERE "
          + "cluster = ? AND finding_id = ? ORDER BY revision")) {
        ps.setString(1, cluster);
        ps.setString(2, findingId);
        return events(ps);
      }
    });
  }

  /** The lifecycle events of a cluster in a time range, newest first. */
  List<FindingEvent> events(String cluster, Instant from, Instant to, int limit) {
    return db.read("reading finding events of cluster '" + cluster + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM finding_events WHERE "
          + "cluster = ? AND occurred_at >= ? AND occurred_at < ? ORDER BY occurred_at DESC, "
          + "finding_id, revision DESC LIMIT ?")) {
        ps.setString(1, cluster);
        Db.setInstant(ps, 2, from);
        Db.setInstant(ps, 3, to);
        ps.setInt(4, limit);
        return events(ps);
      }
    });
  }

  Map<Transition, Long> countEvents(String cluster, Instant from, Instant to) {
    return db.read("counting finding events of cluster '" + cluster + "'", c -> {
      Map<Transition, Long> counts = new java.util.EnumMap<>(Transition.class);
      for (Transition t : Transition.values()) {
        counts.put(t, 0L);
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT transition, COUNT(*) FROM "
          + "finding_events WHERE cluster = ? AND occurred_at >= ? AND occurred_at < ? "
          + "GROUP BY transition")) {
        ps.setString(1, cluster);
        Db.setInstant(ps, 2, from);
        Db.setInstant(ps, 3, to);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            counts.put(Transition.valueOf(rs.getString(1)), rs.getLong(2));
          }
        }
      }
      return counts;
    });
  }

  ResourceHistory resource(String cluster, ResourceRef ref) {
    Reconciler.Key k = Reconciler.Key.of(ref);
    String match = " WHERE f.cluster = ? AND f.namespace = ? AND f.kind = ? AND f.name = ? "
        + "AND f.api_group = ?";
    return db.read("reading the findings of " + ref, c -> {
      List<StoredFinding> findings;
      try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.FINDING_COLUMNS
          + " FROM findings f" + match)) {
        bindKey(ps, cluster, k);
        findings = new ArrayList<>(Rows.findings(c, controls, ps));
      }
      findings.sort(Comparator.comparing(StoredFinding::status)
          .thenComparing(StoredFinding::severity).thenComparing(StoredFinding::id));
      List<FindingEvent> events;
      try (PreparedStatement ps = c.prepareStatement("SELECT e.* FROM finding_events e JOIN "
          + "findings f ON f.cluster = e.cluster AND f.finding_id = e.finding_id" + match
          + " ORDER BY e.occurred_at, e.finding_id, e.revision")) {
        bindKey(ps, cluster, k);
        events = events(ps);
      }
      return new ResourceHistory(cluster, ref, findings, events);
    });
  }

  private static void bindKey(PreparedStatement ps, String cluster, Reconciler.Key k)
      throws SQLException {
    ps.setString(1, cluster);
    ps.setString(2, k.namespace());
    ps.setString(3, k.kind());
    ps.setString(4, k.name());
    ps.setString(5, k.group());
  }

  private static List<FindingEvent> events(PreparedStatement ps) throws SQLException {
    List<FindingEvent> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(Rows.event(rs));
      }
    }
    return out;
  }

  /** The clusters the store knows. */
  List<String> clusters() {
    return db.read("listing clusters", c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT cluster FROM clusters ORDER BY cluster");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    });
  }
}
