package dev.plumbline.store;

import dev.plumbline.control.Severity;
import dev.plumbline.resource.ResourceRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads stored findings and their events from result sets. */
final class Rows {
  /** The columns of a {@link StoredFinding}, from {@code findings f} joined with {@code controls c}. */
  static final String FINDING_COLUMNS = "f.cluster, f.finding_id, f.status, f.control_id, "
      + "f.control_version, c.title, f.severity, c.category, c.frameworks_json, c.remediation, "
      + "f.api_version, f.kind, f.namespace, f.name, f.field_path, f.value_json, f.message, "
      + "f.origin_file, f.origin_line, f.resource_version, f.also_json, f.exception_id, "
      + "f.first_seen, f.last_seen, f.resolved_at, f.reopen_count, f.revision";
  static final String FINDING_FROM = " FROM findings f JOIN controls c ON c.control_id = "
      + "f.control_id AND c.control_version = f.control_version";

  private Rows() {}

  /** Maps rows to stored findings, parsing each control version's frameworks once. */
  static final class FindingReader {
    private final Map<String, List<String>> frameworks = new HashMap<>();

    StoredFinding read(ResultSet rs) throws SQLException {
      String controlId = rs.getString("control_id");
      int version = rs.getInt("control_version");
      String json = rs.getString("frameworks_json");
      List<String> fw = frameworks.computeIfAbsent(controlId + "\n" + version + "\n" + json,
          k -> Json.objectMap(json).keySet().stream().sorted().toList());
      return new StoredFinding(rs.getString("cluster"), rs.getString("finding_id"),
          FindingStatus.valueOf(rs.getString("status")), controlId, version,
          rs.getString("title"), Severity.valueOf(rs.getString("severity")),
          rs.getString("category"), fw, rs.getString("remediation"),
          new ResourceRef(rs.getString("api_version"), rs.getString("kind"),
              rs.getString("namespace"), rs.getString("name")),
          rs.getString("field_path"), rs.getString("value_json"), rs.getString("message"),
          rs.getString("origin_file"), rs.getInt("origin_line"), rs.getString("resource_version"),
          Json.strings(rs.getString("also_json")), rs.getString("exception_id"),
          Db.instant(rs, "first_seen"), Db.instant(rs, "last_seen"), Db.instant(rs, "resolved_at"),
          rs.getInt("reopen_count"), rs.getInt("revision"));
    }

    List<StoredFinding> readAll(PreparedStatement ps) throws SQLException {
      List<StoredFinding> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      return out;
    }
  }

  /** The stored findings of a cluster with these ids, ordered by id. */
  static List<StoredFinding> findings(Connection c, String cluster, List<String> ids)
      throws SQLException {
    List<StoredFinding> out = new ArrayList<>();
    FindingReader reader = new FindingReader();
    int chunk = 500;
    for (int from = 0; from < ids.size(); from += chunk) {
      List<String> part = ids.subList(from, Math.min(ids.size(), from + chunk));
      String sql = "SELECT " + FINDING_COLUMNS + FINDING_FROM + " WHERE f.cluster = ? AND "
          + "f.finding_id IN (" + placeholders(part.size()) + ")";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, cluster);
        for (int i = 0; i < part.size(); i++) {
          ps.setString(i + 2, part.get(i));
        }
        out.addAll(reader.readAll(ps));
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
