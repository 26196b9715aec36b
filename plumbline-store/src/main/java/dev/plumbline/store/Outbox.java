package dev.plumbline.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The alert outbox: alerts are queued in the transaction that produced them, then claimed by
 * senders, and settled as delivered, or failed (to be retried at a later time, or given up).
 */
final class Outbox {
  private static final String COLUMNS = "alert_id, sink, cluster, finding_id, transition, "
      + "occurrence, payload, state, attempts, created_at, next_attempt_at, delivered_at, "
      + "last_error";
  /** How long a claim lasts: a sender that died holding it gives it back after this. */
  static final Duration CLAIM = Duration.ofMinutes(5);

  private final Db db;

  Outbox(Db db) {
    this.db = db;
  }

  /** Queues alerts in the caller's transaction; returns how many were new. */
  int enqueue(Connection c, List<AlertEvent> events, Instant at) throws SQLException {
    return Db.insertRows(c, "INSERT INTO alert_outbox (sink, cluster, finding_id, transition, "
        + "occurrence, payload, state, attempts, created_at, next_attempt_at) VALUES ",
        "(?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?)", 8, " ON CONFLICT DO NOTHING", events,
        (ps, i, e) -> {
          ps.setString(i, e.sink());
          ps.setString(i + 1, e.cluster());
          ps.setString(i + 2, e.findingId());
          ps.setString(i + 3, e.transition().name());
          ps.setInt(i + 4, e.occurrence());
          ps.setString(i + 5, e.payload());
          Db.setInstant(ps, i + 6, at);
          Db.setInstant(ps, i + 7, at);
        });
  }

  int enqueue(List<AlertEvent> events, Instant at) {
    if (events.isEmpty()) {
      return 0;
    }
    return db.write("queueing " + events.size() + " alert(s)", c -> enqueue(c, events, at));
  }

  List<Alert> claimDue(String sink, int limit, Instant now) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    return db.write("claiming alerts of sink '" + sink + "'", c -> {
      String due = "sink = ? AND (state = 'PENDING' AND next_attempt_at <= ? "
          + "OR state = 'CLAIMED' AND claimed_until <= ?)";
      List<Alert> claimed = new ArrayList<>();
      // A concurrent sender may take candidates first; look again, a few times, for others.
      for (int round = 0; round < 4 && claimed.size() < limit; round++) {
        List<Alert> candidates = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
            + " FROM alert_outbox WHERE " + due + " ORDER BY next_attempt_at, alert_id LIMIT ?")) {
          ps.setString(1, sink);
          Db.setInstant(ps, 2, now);
          Db.setInstant(ps, 3, now);
          ps.setInt(4, limit - claimed.size());
          candidates.addAll(read(ps));
        }
        if (candidates.isEmpty()) {
          break;
        }
        int before = claimed.size();
        try (PreparedStatement ps = c.prepareStatement("UPDATE alert_outbox SET state = "
            + "'CLAIMED', claimed_until = ? WHERE alert_id = ? AND " + due)) {
          for (Alert a : candidates) {
            Db.setInstant(ps, 1, now.plus(CLAIM));
            ps.setLong(2, a.id());
            ps.setString(3, sink);
            Db.setInstant(ps, 4, now);
            Db.setInstant(ps, 5, now);
            if (ps.executeUpdate() == 1) {
              claimed.add(new Alert(a.id(), a.event(), Alert.State.CLAIMED, a.attempts(),
                  a.createdAt(), a.nextAttemptAt(), null, a.lastError()));
            }
          }
        }
        if (claimed.size() - before == candidates.size()) {
          break;
        }
      }
      return claimed;
    });
  }

  void markDelivered(long id, Instant at) {
    db.write("marking alert " + id + " delivered", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE alert_outbox SET state = "
          + "'DELIVERED', delivered_at = ?, claimed_until = NULL WHERE alert_id = ?")) {
        Db.setInstant(ps, 1, at);
        ps.setLong(2, id);
        requireOne(ps.executeUpdate(), id);
      }
      return null;
    });
  }

  void markFailed(long id, int attempt, Instant nextAttemptAt, String error) {
    db.write("marking alert " + id + " failed", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE alert_outbox SET state = ?, "
          + "attempts = ?, next_attempt_at = COALESCE(?, next_attempt_at), claimed_until = NULL,"
          + " last_error = ? WHERE alert_id = ? AND state <> 'DELIVERED'")) {
        ps.setString(1, nextAttemptAt == null ? "DEAD" : "PENDING");
        ps.setInt(2, attempt);
        Db.setInstant(ps, 3, nextAttemptAt);
        Db.setString(ps, 4, error == null ? null : Reconciler.clip(error, 4096));
        ps.setLong(5, id);
        requireOne(ps.executeUpdate(), id);
      }
      return null;
    });
  }

  List<Alert> alerts(String sink, Alert.State state, int limit) {
    return db.read("listing alerts", c -> {
      StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM alert_outbox WHERE 1 = 1");
      if (sink != null) {
        sql.append(" AND sink = ?");
      }
      if (state != null) {
        sql.append(" AND state = ?");
      }
      sql.append(" ORDER BY alert_id DESC LIMIT ?");
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int i = 1;
        if (sink != null) {
          ps.setString(i++, sink);
        }
        if (state != null) {
          ps.setString(i++, state.name());
        }
        ps.setInt(i, limit);
        return read(ps);
      }
    });
  }

  Map<Alert.State, Long> counts(String sink) {
    return db.read("counting alerts", c -> {
      Map<Alert.State, Long> counts = new EnumMap<>(Alert.State.class);
      for (Alert.State s : Alert.State.values()) {
        counts.put(s, 0L);
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*) FROM alert_outbox"
          + (sink == null ? "" : " WHERE sink = ?") + " GROUP BY state")) {
        if (sink != null) {
          ps.setString(1, sink);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            counts.put(Alert.State.valueOf(rs.getString(1)), rs.getLong(2));
          }
        }
      }
      return counts;
    });
  }

  private static void requireOne(int updated, long id) {
    if (updated != 1) {
      throw new java.util.NoSuchElementException("no alert " + id + " to settle");
    }
  }

  private static List<Alert> read(PreparedStatement ps) throws SQLException {
    List<Alert> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        AlertEvent e = new AlertEvent(rs.getString("sink"), rs.getString("cluster"),
            rs.getString("finding_id"), Transition.valueOf(rs.getString("transition")),
            rs.getInt("occurrence"), rs.getString("payload"));
        out.add(new Alert(rs.getLong("alert_id"), e, Alert.State.valueOf(rs.getString("state")),
            rs.getInt("attempts"), Db.instant(rs, "created_at"), Db.instant(rs, "next_attempt_at"),
            Db.instant(rs, "delivered_at"), rs.getString("last_error")));
      }
    }
    return out;
  }
}
