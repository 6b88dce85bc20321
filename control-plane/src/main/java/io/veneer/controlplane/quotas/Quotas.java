package io.veneer.controlplane.quotas;

import io.veneer.controlplane.audit.AuditLog;
import io.veneer.controlplane.common.NotFoundException;
import io.veneer.controlplane.events.QuotaEvents;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Quotas: admins set what a user, or a group's members together, may hold at once, and see it
 * against what they hold; a hand-out is {@link #admit admitted} against every quota of its holder.
 */
@Service
public class Quotas {

  private static final Logger log = LoggerFactory.getLogger(Quotas.class);

  private static final String COLUMNS = "kind, name, max_desktops, max_vcpus, max_memory_mib";

  /** What live desktops held cost, by their pools' desktop size. */
  private static final String USAGE =
      "SELECT count(*), COALESCE(sum(p.vcpus), 0), COALESCE(sum(p.memory_mib), 0)"
          + " FROM desktop d JOIN pool p ON p.id = d.pool_id"
          + " WHERE d.owner IS NOT NULL AND desktop_live(d.delete_requested_at, d.state) AND ";

  private final JdbcTemplate jdbc;
  private final AuditLog audit;
  private final QuotaEvents events;

  Quotas(JdbcTemplate jdbc, AuditLog audit, QuotaEvents events) {
    this.jdbc = jdbc;
    this.audit = audit;
    this.events = events;
  }

  /**
   * Sets (creates or replaces) the quota of {@code holder}; a change is one event on {@code
   * veneer.quotas.v1} saying how, setting the same limits again none.
   */
  @Transactional
  public QuotaView set(Caller caller, QuotaHolder holder, QuotaLimits limits) {
    caller.requireAdmin("Setting a quota");
    QuotaLimits before = lockedLimits(holder);
    jdbc.update(
        "INSERT INTO quota ("
            + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (kind, name) DO UPDATE SET max_desktops = excluded.max_desktops,"
            + " max_vcpus = excluded.max_vcpus, max_memory_mib = excluded.max_memory_mib,"
            + " updated_at = now()",
        holder.kind().key(),
        holder.name(),
        limits.maxDesktops(),
        limits.maxVcpus(),
        limits.maxMemoryMib());
    audit.record(caller, "quota.set", "quota", holder, describe(limits));
    log.info("event=quota.set quota=\"{}\" limits=\"{}\"", holder, describe(limits));
    publish(caller, new QuotaChange(holder, before, limits));
    return get(caller, holder);
  }

  /** The holder's limits now, locked until the transaction ends; null without a quota. */
  private QuotaLimits lockedLimits(QuotaHolder holder) {
    return jdbc
        .query(
            "SELECT " + COLUMNS + " FROM quota WHERE kind = ? AND name = ? FOR UPDATE",
            (rs, row) -> limits(rs),
            holder.kind().key(),
            holder.name())
        .stream()
        .findFirst()
        .orElse(null);
  }

  private void publish(Caller caller, QuotaChange change) {
    change
        .kind()
        .ifPresent(
            kind -> {
              Long version =
                  jdbc.queryForObject(
                      "INSERT INTO quota_version (kind, name, version) VALUES (?, ?, 1)"
                          + " ON CONFLICT (kind, name)"
                          + " DO UPDATE SET version = quota_version.version + 1"
                          + " RETURNING version",
                      Long.class,
                      change.holder().kind().key(),
                      change.holder().name());
              events.changed(change, kind, version, caller.subject(), Instant.now());
            });
  }

  @Transactional
  public void delete(Caller caller, QuotaHolder holder) {
    caller.requireAdmin("Removing a quota");
    QuotaLimits before = lockedLimits(holder);
    if (before == null) {
      throw new NotFoundException("Quota", holder);
    }
    jdbc.update(
        "DELETE FROM quota WHERE kind = ? AND name = ?", holder.kind().key(), holder.name());
    publish(caller, new QuotaChange(holder, before, null));
    audit.record(caller, "quota.delete", "quota", holder, "");
    log.info("event=quota.deleted quota=\"{}\"", holder);
  }

  @Transactional(readOnly = true)
  public QuotaView get(Caller caller, QuotaHolder holder) {
    caller.requireAdmin("Reading quotas");
    return jdbc
        .query(
            "SELECT " + COLUMNS + ", updated_at FROM quota WHERE kind = ? AND name = ?",
            this::view,
            holder.kind().key(),
            holder.name())
        .stream()
        .findFirst()
        .orElseThrow(() -> new NotFoundException("Quota", holder));
  }

  /** Every quota with its usage, users first, by name. */
  @Transactional(readOnly = true)
  public List<QuotaView> list(Caller caller) {
    caller.requireAdmin("Reading quotas");
    return jdbc.query(
        "SELECT " + COLUMNS + ", updated_at FROM quota ORDER BY kind DESC, name", this::view);
  }

  /**
   * Locks the quotas of {@code user} (in {@code groups}) for the rest of the transaction, in key
   * order: a second hand-out to the same holder waits here for the first's commit and then counts
   * its desktop, so two requests racing for the last unit of a quota cannot both pass. Call it
   * inside the hand-out's transaction, before looking for the desktop the holder may already have.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public Locked lock(String user, Set<String> groups) {
    return new Locked(
        jdbc.query(
            "SELECT "
                + COLUMNS
                + " FROM quota"
                + " WHERE (kind = 'user' AND name = ?) OR (kind = 'group' AND name = ANY (?))"
                + " ORDER BY kind, name FOR UPDATE",
            (rs, row) -> new Limited(holder(rs), limits(rs)),
            user,
            groups.toArray(String[]::new)));
  }

  /** The quotas of one holder, locked by {@link #lock}. */
  public final class Locked {

    private final List<Limited> quotas;

    private Locked(List<Limited> quotas) {
      this.quotas = quotas;
    }

    /**
     * Refuses one more desktop of {@code size} past any of the locked quotas.
     *
     * @throws QuotaExceededException naming the first quota the desktop would exceed
     */
    public void admit(Resources size) {
      for (Limited quota : quotas) {
        QuotaUsage usage = usage(quota.holder());
        QuotaLimits limits = quota.limits();
        check(quota.holder(), "desktops", limits.maxDesktops(), usage.desktops(), 1);
        check(quota.holder(), "vcpus", limits.maxVcpus(), usage.vcpus(), size.vcpus());
        check(
            quota.holder(),
            "memoryMib",
            limits.maxMemoryMib(),
            usage.memoryMib(),
            size.memoryMib());
      }
    }
  }

  private record Limited(QuotaHolder holder, QuotaLimits limits) {}

  private static void check(
      QuotaHolder holder, String measure, Number limit, long usage, long requested) {
    if (limit != null && usage + requested > limit.longValue()) {
      log.info(
          "event=quota.refused quota=\"{}\" measure={} limit={} usage={} requested={}",
          holder,
          measure,
          limit,
          usage,
          requested);
      throw new QuotaExceededException(holder, measure, limit.longValue(), usage, requested);
    }
  }

  private QuotaUsage usage(QuotaHolder holder) {
    String which =
        switch (holder.kind()) {
          case USER -> "d.owner = ?";
          case GROUP -> "d.holder_groups @> ARRAY[?]::text[]";
        };
    return jdbc.queryForObject(
        USAGE + which,
        (rs, row) -> new QuotaUsage(rs.getLong(1), rs.getLong(2), rs.getLong(3)),
        holder.name());
  }

  private QuotaView view(ResultSet rs, int row) throws SQLException {
    QuotaHolder holder = holder(rs);
    return new QuotaView(
        holder.kind(),
        holder.name(),
        limits(rs),
        usage(holder),
        rs.getTimestamp("updated_at").toInstant());
  }

  private static QuotaHolder holder(ResultSet rs) throws SQLException {
    return new QuotaHolder(QuotaHolder.Kind.of(rs.getString("kind")), rs.getString("name"));
  }

  private static QuotaLimits limits(ResultSet rs) throws SQLException {
    return new QuotaLimits(
        rs.getObject("max_desktops", Integer.class),
        rs.getObject("max_vcpus", Integer.class),
        rs.getObject("max_memory_mib", Long.class));
  }

  private static String describe(QuotaLimits limits) {
    return "maxDesktops="
        + limits.maxDesktops()
        + " maxVcpus="
        + limits.maxVcpus()
        + " maxMemoryMib="
        + limits.maxMemoryMib();
  }
}
