package dev.plumbline.store;

import dev.plumbline.control.Severity;
import dev.plumbline.resource.ResourceRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads stored findings and their events. Finding queries read the findings table alone (one
 * table, so both databases pick its indexes); the metadata of control versions, which never
 * changes once stored, comes from a cache.
 */
final class Rows {
  /** The columns of a finding row, from {@code findings f}. */
  static final String FINDING_COLUMNS = "f.cluster, f.finding_id, f.status, f.control_id, "
      + "f.control_version, f.severity, f.api_version, f.kind, f.namespace, f.name, "
      + "f.field_path, f.value_json, f.message, f.origin_file, f.origin_line, "
      + "f.resource_version, f.also_json, f.exception_id, f.first_seen, f.last_seen, "
      + "f.resolved_at, f.reopen_count, f.revision";

  private Rows() {}

  /** A control version's metadata. */
  record ControlMeta(String title, String category, String remediation, List<String> frameworks) {}

  /** The metadata of control versions, read from the controls table once each. */
  static final class Controls {
    private final Map<String, ControlMeta> cache = new ConcurrentHashMap<>();

    ControlMeta get(Connection c, String id, int version) throws SQLException {
      String key = id + "\n" + version;
      ControlMeta meta = cache.get(key);
      if (meta != null) {
        return meta;
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT title, category, remediation, "
          + "frameworks_json FROM controls WHERE control_id = ? AND control_version = ?")) {
        ps.setString(1, id);
        ps.setInt(2, version);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new SQLException("no metadata for control " + id + " version " + version);
          }
          meta = new ControlMeta(rs.getString(1), rs.getString(2), rs.getString(3),
              Json.objectMap(rs.getString(4)).keySet().stream().sorted().toList());
        }
      }
      cache.put(key, meta);
      return meta;
    }
  }

  private record Raw(String cluster, String id, FindingStatus status, String controlId,
      int controlVersion, Severity severity, ResourceRef resource, String path, String valueJson,
      String message, String originFile, int line, String resourceVersion, String alsoJson,
      String exceptionId, Instant firstSeen, Instant lastSeen, Instant resolvedAt,
      int reopenCount, int revision) {}

  /** Runs a query of {@link #FINDING_COLUMNS} and maps the rows, in order. */
  static List<StoredFinding> findings(Connection c, Controls controls, PreparedStatement ps)
      throws SQLException {
    return findings(c, controls, ps, null);
  }

  /**
   * Runs a query of {@link #FINDING_COLUMNS} and maps the rows, in order; when {@code hashes} is
   * given the query also selects {@code evidence_hash}, which goes there by finding id.
   */
  static List<StoredFinding> findings(Connection c, Controls controls, PreparedStatement ps,
      Map<String, String> hashes) throws SQLException {
    List<Raw> raws = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (hashes != null) {
          hashes.put(rs.getString("finding_id"), rs.getString("evidence_hash"));
        }
        raws.add(new Raw(rs.getString("cluster"), rs.getString("finding_id"),
            FindingStatus.valueOf(rs.getString("status")), rs.getString("control_id"),
            rs.getInt("control_version"), Severity.valueOf(rs.getString("severity")),
            new ResourceRef(rs.getString("api_version"), rs.getString("kind"),
                rs.getString("namespace"), rs.getString("name")),
            rs.getString("field_path"), rs.getString("value_json"), rs.getString("message"),
            rs.getString("origin_file"), rs.getInt("origin_line"),
            rs.getString("resource_version"), rs.getString("also_json"),
            rs.getString("exception_id"), Db.instant(rs, "first_seen"),
            Db.instant(rs, "last_seen"), Db.instant(rs, "resolved_at"),
            rs.getInt("reopen_count"), rs.getInt("revision")));
      }
    }
    List<StoredFinding> out = new ArrayList<>(raws.size());
    for (Raw r : raws) {
      ControlMeta m = controls.get(c, r.controlId(), r.controlVersion());
      out.add(new StoredFinding(r.cluster(), r.id(), r.status(), r.controlId(),
          r.controlVersion(), m.title(), r.severity(), m.category(), m.frameworks(),
          m.remediation(), r.resource(), r.path(), r.valueJson(), r.message(), r.originFile(),
          r.line(), r.resourceVersion(), Json.strings(r.alsoJson()), r.exceptionId(),
          r.firstSeen(), r.lastSeen(), r.resolvedAt(), r.reopenCount(), r.revision()));
    }
    return out;
  }

  /** The stored findings of a cluster with these ids, ordered by id. */
  static List<StoredFinding> findings(Connection c, Controls controls, String cluster,
      List<String> ids) throws SQLException {
    List<StoredFinding> out = new ArrayList<>();
    int chunk = 100;
    for (int from = 0; from < ids.size(); from += chunk) {
      List<String> part = ids.subList(from, Math.min(ids.size(), from + chunk));
      String sql = "SELECT " + FINDING_COLUMNS + " FROM findings f WHERE f.cluster = ? AND "
          + "f.finding_id IN (" + placeholders(part.size()) + ")";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, cluster);
        for (int i = 0; i < part.size(); i++) {
          ps.setString(i + 2, part.get(i));
        }
        out.addAll(findings(c, controls, ps));
      }
    }
    out.sort(java.util.Comparator.comparing(StoredFinding::id));
    return out;
  }

  static FindingEvent event(ResultSet rs) throws SQLException {
    return new FindingEvent(rs.getString("cluster"), rs.getString("finding_id"),
        rs.getInt("revision"), Transition.valueOf(rs.getString("transition")),
        Db.instant(rs, "occurred_at"), FindingStatus.valueOf(rs.getString("status")),
        rs.getString("exception_id"));
  }

  static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }
}
