package dev.plumbline.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

/** Exceptions managed through the API, each change audited in the same transaction. */
final class ExceptionStore {
  private static final String COLUMNS = "exception_id, clusters_json, controls_json, "
      + "namespaces_json, kinds_json, names_json, labels_json, reason, owner, expires, "
      + "created_at, created_by, updated_at, updated_by, revision";

  private final Db db;

  ExceptionStore(Db db) {
    this.db = db;
  }

  StoredException create(ExceptionSpec spec, String actor, Instant at) {
    String who = actor(actor);
    Instant when = Db.micros(at);
    StoredException created = new StoredException(UUID.randomUUID().toString(), spec, when, who,
        when, who, 1);
    return db.write("creating an exception", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO policy_exceptions (" + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, created.id());
        int i = setSpec(ps, 2, spec);
        Db.setInstant(ps, i++, when);
        ps.setString(i++, who);
        Db.setInstant(ps, i++, when);
        ps.setString(i++, who);
        ps.setInt(i, 1);
        ps.executeUpdate();
      }
      audit(c, created.id(), "CREATE", who, when, null, created);
      return created;
    });
  }

  StoredException update(String id, ExceptionSpec spec, String actor, Instant at) {
    String who = actor(actor);
    Instant when = Db.micros(at);
    return db.write("updating exception " + id, c -> {
      StoredException before = lock(c, id);
      StoredException after = new StoredException(id, spec, before.createdAt(),
          before.createdBy(), when, who, before.revision() + 1);
      write(c, after);
      audit(c, id, "UPDATE", who, when, before, after);
      return after;
    });
  }

  StoredException expire(String id, String actor, Instant at) {
    String who = actor(actor);
    Instant when = Db.micros(at);
    LocalDate yesterday = LocalDate.ofInstant(when, ZoneOffset.UTC).minusDays(1);
    return db.write("expiring exception " + id, c -> {
      StoredException before = lock(c, id);
      if (before.spec().expires().isBefore(yesterday.plusDays(1))) {
        return before;
      }
      ExceptionSpec s = before.spec();
      ExceptionSpec expired = new ExceptionSpec(s.clusters(), s.controls(), s.namespaces(),
          s.kinds(), s.names(), s.labels(), s.reason(), s.owner(), yesterday);
      StoredException after = new StoredException(id, expired, before.createdAt(),
          before.createdBy(), when, who, before.revision() + 1);
      write(c, after);
      audit(c, id, "EXPIRE", who, when, before, after);
      return after;
    });
  }

  void delete(String id, String actor, Instant at) {
    String who = actor(actor);
    Instant when = Db.micros(at);
    db.write("deleting exception " + id, c -> {
      StoredException before = lock(c, id);
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM policy_exceptions WHERE exception_id = ?")) {
        ps.setString(1, id);
        ps.executeUpdate();
      }
      audit(c, id, "DELETE", who, when, before, null);
      return null;
    });
  }

  Optional<StoredException> get(String id) {
    return db.read("reading exception " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM policy_exceptions WHERE exception_id = ?")) {
        ps.setString(1, id);
        List<StoredException> found = read(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  List<StoredException> all() {
    return db.read("listing exceptions", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM policy_exceptions ORDER BY created_at, exception_id")) {
        return read(ps);
      }
    });
  }

  List<AuditEntry> audit(String exceptionId) {
    return db.read("reading the exception audit", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT audit_id, exception_id, action, "
          + "actor, occurred_at, before_json, after_json FROM exception_audit"
          + (exceptionId == null ? "" : " WHERE exception_id = ?") + " ORDER BY audit_id")) {
        if (exceptionId != null) {
          ps.setString(1, exceptionId);
        }
        List<AuditEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new AuditEntry(rs.getLong(1), rs.getString(2), rs.getString(3),
                rs.getString(4), Db.instant(rs, "occurred_at"), rs.getString(6),
                rs.getString(7)));
          }
        }
        return out;
      }
    });
  }

  private static String actor(String actor) {
    if (actor == null || actor.isBlank()) {
      throw new IllegalArgumentException("an actor (who makes the change) is required");
    }
    return actor.strip();
  }

  private static StoredException lock(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
        + " FROM policy_exceptions WHERE exception_id = ? FOR UPDATE")) {
      ps.setString(1, id);
      List<StoredException> found = read(ps);
      if (found.isEmpty()) {
        throw new NoSuchElementException("no exception " + id);
      }
      return found.get(0);
    }
  }

  private static void write(Connection c, StoredException e) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE policy_exceptions SET "
        + "clusters_json = ?, controls_json = ?, namespaces_json = ?, kinds_json = ?, "
        + "names_json = ?, labels_json = ?, reason = ?, owner = ?, expires = ?, updated_at = ?, "
        + "updated_by = ?, revision = ? WHERE exception_id = ?")) {
      int i = setSpec(ps, 1, e.spec());
      Db.setInstant(ps, i++, e.updatedAt());
      ps.setString(i++, e.updatedBy());
      ps.setInt(i++, e.revision());
      ps.setString(i, e.id());
      ps.executeUpdate();
    }
  }

  private static int setSpec(PreparedStatement ps, int i, ExceptionSpec s) throws SQLException {
    ps.setString(i++, Json.write(s.clusters()));
    ps.setString(i++, Json.write(s.controls()));
    ps.setString(i++, Json.write(s.namespaces()));
    ps.setString(i++, Json.write(s.kinds()));
    ps.setString(i++, Json.write(s.names()));
    ps.setString(i++, Json.write(s.labels()));
    ps.setString(i++, s.reason());
    ps.setString(i++, s.owner());
    ps.setObject(i++, s.expires());
    return i;
  }

  private static void audit(Connection c, String id, String action, String actor, Instant at,
      StoredException before, StoredException after) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO exception_audit (exception_id, "
        + "action, actor, occurred_at, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, id);
      ps.setString(2, action);
      ps.setString(3, actor);
      Db.setInstant(ps, 4, at);
      Db.setString(ps, 5, before == null ? null : Json.write(toMap(before)));
      Db.setString(ps, 6, after == null ? null : Json.write(toMap(after)));
      ps.executeUpdate();
    }
  }

  /** An exception as audit JSON. */
  static Map<String, Object> toMap(StoredException e) {
    ExceptionSpec s = e.spec();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("clusters", s.clusters());
    m.put("controls", s.controls());
    m.put("namespaces", s.namespaces());
    m.put("kinds", s.kinds());
    m.put("names", s.names());
    m.put("labels", s.labels());
    m.put("reason", s.reason());
    m.put("owner", s.owner());
    m.put("expires", s.expires().toString());
    m.put("revision", e.revision());
    return m;
  }

  private static List<StoredException> read(PreparedStatement ps) throws SQLException {
    List<StoredException> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ExceptionSpec spec = new ExceptionSpec(Json.strings(rs.getString("clusters_json")),
            Json.strings(rs.getString("controls_json")),
            Json.strings(rs.getString("namespaces_json")),
            Json.strings(rs.getString("kinds_json")), Json.strings(rs.getString("names_json")),
            Json.stringMap(rs.getString("labels_json")), rs.getString("reason"),
            rs.getString("owner"), rs.getObject("expires", LocalDate.class));
        out.add(new StoredException(rs.getString("exception_id"), spec,
            Db.instant(rs, "created_at"), rs.getString("created_by"),
            Db.instant(rs, "updated_at"), rs.getString("updated_by"), rs.getInt("revision")));
      }
    }
    return out;
  }
}
