package io.veneer.controlplane.console;

import io.veneer.controlplane.audit.AuditLog;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.desktops.PowerState;
import io.veneer.controlplane.security.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Console tickets: a user (or admin) asks for one to a running desktop they may use; the console
 * proxy, with the portal's service credential, redeems it for the person it says presented it and
 * gets where its host's agent relays to the display and a grant the agent admits. A ticket works
 * once, for one desktop and one person, only until it expires, and only while the desktop is still
 * handed to whom it was when the ticket was issued (same owner, same OS disk: not after a logoff's
 * refresh or once it went to someone else); only its SHA-256 is stored.
 */
@Service
public class ConsoleTickets {

  private final JdbcTemplate jdbc;
  private final DesktopService desktops;
  private final AuditLog audit;
  private final ConsoleProperties properties;
  private final ConsoleGrants grants;
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final ConsoleUse consoleUse;

  ConsoleTickets(
      JdbcTemplate jdbc,
      DesktopService desktops,
      AuditLog audit,
      ConsoleProperties properties,
      ConsoleGrants grants,
      Clock clock,
      ConsoleUse consoleUse) {
    this.consoleUse = consoleUse;
    this.clock = clock;
    this.jdbc = jdbc;
    this.desktops = desktops;
    this.audit = audit;
    this.properties = properties;
    this.grants = grants;
  }

  /**
   * @throws ConsoleUnavailableException when the desktop is not running or reports no display
   */
  @Transactional
  public ConsoleTicket issue(Caller caller, UUID desktopId) {
    DesktopView desktop = desktops.get(caller, desktopId);
    grants.requireKey();
    // Wanted off, it is on its way down: its agent has just not said so yet.
    if (desktop.state() != DesktopState.RUNNING || desktop.desiredPower() != PowerState.ON) {
      throw new ConsoleUnavailableException(
          "Desktop "
              + desktopId
              + " is "
              + desktop.state()
              + ", wanted "
              + desktop.desiredPower()
              + "; start it to open its console");
    }
    Integer hasDisplay =
        jdbc.queryForObject(
            "SELECT count(*) FROM desktop d JOIN host h ON h.id = d.host_id WHERE d.id = ?"
                + " AND d.console_display AND h.agent_address IS NOT NULL"
                + " AND h.console_port IS NOT NULL",
            Integer.class,
            desktopId);
    if (hasDisplay == null || hasDisplay == 0) {
      throw new ConsoleUnavailableException(
          "Desktop "
              + desktopId
              + " has no display to show: its agent reported none, or runs no console listener;"
              + " its pool's golden image needs a display for the browser console");
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Instant expires = clock.instant().plusSeconds(properties.ticketTtlSeconds());
    jdbc.update(
        "INSERT INTO console_ticket (ticket_sha256, desktop_id, subject, expires_at,"
            + " desktop_owner, os_disk_generation) VALUES (?, ?, ?, ?, ?, ?)",
        sha256(ticket),
        desktopId,
        caller.subject(),
        Timestamp.from(expires),
        desktop.owner(),
        desktop.osDiskGeneration());
    jdbc.update("DELETE FROM console_ticket WHERE expires_at < now() - interval '1 hour'");
    consoleUse.used(desktopId);
    audit.record(caller, "desktop.console-ticket", "desktop", desktopId, "expires " + expires);
    return new ConsoleTicket(ticket, desktopId, expires);
  }

  /**
   * Uses up the ticket and says where its desktop's display is reached: its host agent's console
   * listener, with a grant signed for this person, desktop and host. Only the console proxy calls
   * this (the security configuration lets no one else reach it).
   *
   * @param subject the person who presented the ticket to the proxy (their token's {@code sub})
   * @throws TicketRefusedException unless the ticket is that person's, unused, unexpired, and its
   *     desktop still running and handed to the same owner on the same OS disk; a ticket presented
   *     by someone else is burnt all the same (hence no rollback for the refusal)
   */
  @Transactional(noRollbackFor = TicketRefusedException.class)
  public ConsoleAccess redeem(String subject, String ticket) {
    if (subject == null || subject.isBlank() || ticket == null || ticket.isBlank()) {
      throw new TicketRefusedException();
    }
    List<ConsoleAccess> opened =
        jdbc.query(
            """
            WITH used AS (
              UPDATE console_ticket SET redeemed_at = now()
              WHERE ticket_sha256 = ? AND redeemed_at IS NULL AND expires_at > now()
              RETURNING desktop_id, subject, desktop_owner, os_disk_generation)
            SELECT d.id, d.host_id, h.agent_address, h.console_port, used.subject
            FROM used JOIN desktop d ON d.id = used.desktop_id AND d.state = 'RUNNING'
              AND d.desired_power = 'ON'
              AND d.owner IS NOT DISTINCT FROM used.desktop_owner
              AND d.os_disk_generation = used.os_disk_generation
            JOIN host h ON h.id = d.host_id AND h.console_port IS NOT NULL
            """,
            (row, n) -> {
              if (!subject.equals(row.getString("subject"))) {
                return null;
              }
              UUID id = row.getObject("id", UUID.class);
              String hostId = row.getString("host_id");
              return new ConsoleAccess(
                  id,
                  hostId,
                  row.getString("agent_address"),
                  row.getInt("console_port"),
                  grants.sign(id, hostId, subject),
                  "vnc");
            },
            sha256(ticket));
    if (opened.isEmpty() || opened.getFirst() == null) {
      throw new TicketRefusedException();
    }
    consoleUse.used(opened.getFirst().desktopId());
    return opened.getFirst();
  }

  private static String sha256(String ticket) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(ticket.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
