package dev.plumbline.store;

import dev.plumbline.control.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Posture snapshots and the trends drawn from them. */
final class Snapshots {
  private final Db db;

  Snapshots(Db db) {
    this.db = db;
  }

  long record(String cluster, Instant at, Posture posture) {
    Reconciler.checkCluster(cluster);
    return db.write("recording a posture snapshot of cluster '" + cluster + "'", c -> {
      ensureCluster(c, cluster, at);
      long id;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO snapshots (cluster, taken_at, "
          + "posture_score, open_critical, open_high, open_medium, open_low, suppressed) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, cluster);
        Db.setInstant(ps, 2, at);
        setScore(ps, 3, posture.score());
        setCounts(ps, 4, posture.open());
        ps.setInt(8, posture.suppressed());
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          id = keys.getLong(1);
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO snapshot_frameworks "
          + "(snapshot_id, framework, score, passed, failed, not_applicable, manual) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (Map.Entry<String, Posture.FrameworkPoint> e : posture.frameworks().entrySet()) {
          Posture.FrameworkPoint p = e.getValue();
          ps.setLong(1, id);
          ps.setString(2, e.getKey());
          setScore(ps, 3, p.score());
          ps.setInt(4, p.passed());
          ps.setInt(5, p.failed());
          ps.setInt(6, p.notApplicable());
          ps.setInt(7, p.manual());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO snapshot_namespaces "
          + "(snapshot_id, namespace, open_critical, open_high, open_medium, open_low) "
          + "VALUES (?, ?, ?, ?, ?, ?)")) {
        for (Map.Entry<String, Map<Severity, Integer>> e : posture.namespaces().entrySet()) {
          ps.setLong(1, id);
          ps.setString(2, Reconciler.clip(e.getKey(), Reconciler.NAME_MAX));
          setCounts(ps, 3, e.getValue());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return id;
    });
  }

  static void ensureCluster(Connection c, String cluster, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO clusters (cluster, created_at) "
        + "VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, cluster);
      Db.setInstant(ps, 2, at);
      ps.executeUpdate();
    }
  }

  /** Points of a framework's score (or the posture score when framework is null). */
  List<TrendPoint> trend(String cluster, String framework, Instant from, Instant to) {
    return db.read("reading the trend of cluster '" + cluster + "'", c -> {
      String sql = framework == null
          ? "SELECT s.taken_at, s.posture_score AS score, s.open_critical, s.open_high, "
              + "s.open_medium, s.open_low, s.suppressed FROM snapshots s WHERE s.cluster = ? "
              + "AND s.taken_at >= ? AND s.taken_at < ? ORDER BY s.taken_at, s.snapshot_id"
          : "SELECT s.taken_at, f.score AS score, s.open_critical, s.open_high, s.open_medium, "
              + "s.open_low, s.suppressed FROM snapshots s JOIN snapshot_frameworks f ON "
              + "f.snapshot_id = s.snapshot_id AND f.framework = ? WHERE s.cluster = ? AND "
              + "s.taken_at >= ? AND s.taken_at < ? ORDER BY s.taken_at, s.snapshot_id";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        if (framework != null) {
          ps.setString(i++, framework);
        }
        ps.setString(i++, cluster);
        Db.setInstant(ps, i++, from);
        Db.setInstant(ps, i, to);
        List<TrendPoint> points = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            double score = rs.getDouble("score");
            if (rs.wasNull()) {
              score = Double.NaN;
            }
            points.add(new TrendPoint(Db.instant(rs, "taken_at"), score, counts(rs),
                rs.getInt("suppressed")));
          }
        }
        return points;
      }
    });
  }

  /** Open findings per namespace and severity in the latest snapshot at or before a time. */
  Map<String, Map<Severity, Integer>> namespacesAt(String cluster, Instant at) {
    return db.read("reading namespace counts of cluster '" + cluster + "'", c -> {
      Map<String, Map<Severity, Integer>> out = new java.util.TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT n.namespace, n.open_critical, "
          + "n.open_high, n.open_medium, n.open_low FROM snapshot_namespaces n WHERE "
          + "n.snapshot_id = (SELECT s.snapshot_id FROM snapshots s WHERE s.cluster = ? AND "
          + "s.taken_at <= ? ORDER BY s.taken_at DESC, s.snapshot_id DESC LIMIT 1)")) {
        ps.setString(1, cluster);
        Db.setInstant(ps, 2, at);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString("namespace"), counts(rs));
          }
        }
      }
      return out;
    });
  }

  private static Map<Severity, Integer> counts(ResultSet rs) throws SQLException {
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    counts.put(Severity.CRITICAL, rs.getInt("open_critical"));
    counts.put(Severity.HIGH, rs.getInt("open_high"));
    counts.put(Severity.MEDIUM, rs.getInt("open_medium"));
    counts.put(Severity.LOW, rs.getInt("open_low"));
    return counts;
  }

  private static void setCounts(PreparedStatement ps, int i, Map<Severity, Integer> counts)
      throws SQLException {
    ps.setInt(i, counts.getOrDefault(Severity.CRITICAL, 0));
    ps.setInt(i + 1, counts.getOrDefault(Severity.HIGH, 0));
    ps.setInt(i + 2, counts.getOrDefault(Severity.MEDIUM, 0));
    ps.setInt(i + 3, counts.getOrDefault(Severity.LOW, 0));
  }

  private static void setScore(PreparedStatement ps, int i, double score) throws SQLException {
    if (Double.isFinite(score)) {
      ps.setDouble(i, score);
    } else {
      ps.setNull(i, Types.DOUBLE);
    }
  }
}
