package io.veneer.controlplane.audit;

import io.veneer.controlplane.common.Page;
import io.veneer.controlplane.security.Caller;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audit trail of state-changing calls. Entries are written inside the caller's transaction
 * (hence MANDATORY): a change and its entry commit together or not at all.
 */
@Component
public class AuditLog {

  private final JdbcTemplate jdbc;

  AuditLog(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records that {@code caller} did {@code action} (e.g. {@code desktop.stop}) to the object.
   *
   * @param detail what else helps a reader later (the new state, the pool asked for); may be empty
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void record(
      Caller caller, String action, String objectType, Object objectId, String detail) {
    jdbc.update(
        "INSERT INTO audit_entry (actor, action, object_type, object_id, detail)"
            + " VALUES (?, ?, ?, ?, ?)",
        caller.subject(),
        action,
        objectType,
        String.valueOf(objectId),
        detail == null ? "" : detail);
  }

  /** Entries matching {@code query}, newest first, after the cursor (the last id seen). */
  @Transactional(readOnly = true)
  public Page<AuditEntry> list(Caller caller, AuditQuery query, String cursor, int limit) {
    caller.requireAdmin("Reading the audit log");
    long before;
    try {
      before = cursor == null || cursor.isBlank() ? Long.MAX_VALUE : Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "cursor '" + cursor + "' is not one this API gave out; start again without it");
    }
    int size = Math.clamp(limit, 1, 500);
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, at, actor, action, object_type, object_id, detail FROM audit_entry"
                + " WHERE id < ?");
    List<Object> args = new ArrayList<>(List.of(before));
    filter(sql, args, "actor", query.actor());
    filter(sql, args, "object_type", query.objectType());
    filter(sql, args, "object_id", query.objectId());
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(size + 1);
    List<AuditEntry> rows =
        jdbc.query(
            sql.toString(),
            (row, n) ->
                new AuditEntry(
                    row.getLong("id"),
                    row.getTimestamp("at").toInstant(),
                    row.getString("actor"),
                    row.getString("action"),
                    row.getString("object_type"),
                    row.getString("object_id"),
                    row.getString("detail")),
            args.toArray());
    List<AuditEntry> items = rows.stream().limit(size).toList();
    return new Page<>(items, rows.size() > size ? Long.toString(items.getLast().id()) : null);
  }

  private static void filter(StringBuilder sql, List<Object> args, String column, String value) {
    if (value != null && !value.isBlank()) {
      sql.append(" AND ").append(column).append(" = ?");
      args.add(value);
    }
  }
}
