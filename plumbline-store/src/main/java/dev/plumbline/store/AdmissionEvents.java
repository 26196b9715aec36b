package dev.plumbline.store;

import dev.plumbline.resource.ResourceRef;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The admission_events table: written in batches, read newest first. */
final class AdmissionEvents {
  private static final String COLUMNS = "event_id, occurred_at, cluster, review_uid, operation, "
      + "api_version, kind, namespace, name, user_name, action, allowed, control_id, path, "
      + "message";
  private static final int MAX_TEXT = 4000;

  private final Db db;

  AdmissionEvents(Db db) {
    this.db = db;
  }

  int record(List<AdmissionEvent> events) {
    if (events.isEmpty()) {
      return 0;
    }
    return db.write("recording " + events.size() + " admission event(s)", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO admission_events (occurred_at,"
          + " cluster, review_uid, operation, api_version, kind, namespace, name, user_name,"
          + " action, allowed, control_id, path, message)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (AdmissionEvent e : events) {
          ResourceRef r = e.resource();
          Db.setInstant(ps, 1, e.at());
          ps.setString(2, e.cluster());
          ps.setString(3, e.reviewUid());
          ps.setString(4, e.operation());
          ps.setString(5, r.apiVersion() == null ? "" : r.apiVersion());
          ps.setString(6, r.kind() == null ? "" : r.kind());
          ps.setString(7, r.namespace() == null ? "" : r.namespace());
          ps.setString(8, r.name() == null ? "" : r.name());
          Db.setString(ps, 9, e.user());
          ps.setString(10, e.action());
          ps.setBoolean(11, e.allowed());
          ps.setString(12, e.controlId());
          Db.setString(ps, 13, e.path());
          ps.setString(14, cut(e.message()));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return events.size();
    });
  }

  Page<AdmissionEvent> page(String cluster, String action, String namespace, String controlId,
      int offset, int limit) {
    if (limit < 1 || offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0 and limit >= 1");
    }
    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    List<String> args = new ArrayList<>();
    for (String[] f : new String[][] {{"cluster", cluster}, {"action", action},
        {"namespace", namespace}, {"control_id", controlId}}) {
      if (f[1] != null) {
        where.append(" AND ").append(f[0]).append(" = ?");
        args.add(f[1]);
      }
    }
    return db.read("reading admission events", c -> {
      long total;
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM admission_events"
          + where)) {
        for (int i = 0; i < args.size(); i++) {
          ps.setString(i + 1, args.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      List<AdmissionEvent> items = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM admission_events" + where
          + " ORDER BY occurred_at DESC, event_id DESC LIMIT ? OFFSET ?")) {
        int i = 1;
        for (String a : args) {
          ps.setString(i++, a);
        }
        ps.setInt(i++, limit);
        ps.setInt(i, offset);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            items.add(read(rs));
          }
        }
      }
      return new Page<>(items, total, offset, limit);
    });
  }

  private static AdmissionEvent read(ResultSet rs) throws SQLException {
    String ns = rs.getString("namespace");
    return new AdmissionEvent(rs.getLong("event_id"), Db.instant(rs, "occurred_at"),
        rs.getString("cluster"), rs.getString("review_uid"), rs.getString("operation"),
        new ResourceRef(rs.getString("api_version"), rs.getString("kind"),
            ns.isEmpty() ? null : ns, rs.getString("name")),
        rs.getString("user_name"), rs.getString("action"), rs.getBoolean("allowed"),
        rs.getString("control_id"), rs.getString("path"), rs.getString("message"));
  }

  private static String cut(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "…";
  }
}
