package io.veneer.controlplane.hosts;

import io.veneer.controlplane.audit.AuditLog;
import io.veneer.controlplane.common.NotFoundException;
import io.veneer.controlplane.events.HostEvents;
import io.veneer.controlplane.placement.PlacementProperties;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.OvercommitRatios;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Registers hosts and tracks their state. */
@Service
public class HostService {

  private static final Logger log = LoggerFactory.getLogger(HostService.class);

  private final HostRepository hosts;
  private final PlacementProperties placement;
  private final Clock clock;

  private final HostEvents events;
  private final JdbcTemplate jdbc;

  private final AuditLog audit;
  private final HostUsages usages;
  private final HostHeartbeats heartbeats;
  private final Hearing hearing;

  HostService(
      HostRepository hosts,
      PlacementProperties placement,
      HostEvents events,
      JdbcTemplate jdbc,
      AuditLog audit,
      HostUsages usages,
      HostHeartbeats heartbeats,
      Hearing hearing) {
    this.hearing = hearing;
    this.audit = audit;
    this.usages = usages;
    this.heartbeats = heartbeats;
    this.hosts = hosts;
    this.placement = placement;
    this.events = events;
    this.jdbc = jdbc;
    // The system clock, not the context's: heartbeats and silence are judged on it everywhere.
    this.clock = Clock.systemUTC();
  }

  /** An admin registers a host ahead of its agent (or updates it). */
  @Transactional
  public Host register(Caller caller, HostRegistration registration) {
    caller.requireAdmin("Registering a host");
    Host host = register(registration);
    audit.record(caller, "host.register", "host", host.id(), registration.capacity().toString());
    return host;
  }

  /**
   * Creates the host or updates its capacity, labels and zone; it comes (back) UP, since an admin
   * registered it again. It then waits for its agent: not heard from until the agent's Hello, it is
   * never judged silent ({@link HostHeartbeats#SILENT_BEFORE}), however long the agent takes.
   */
  @Transactional
  public Host register(HostRegistration registration) {
    Host host =
        hosts
            .lockById(registration.hostId())
            .map(
                existing -> {
                  existing.update(
                      registration.capacity(), registration.labels(), registration.zone());
                  changeState(existing, HostLifecycle.REGISTERED, "registered again");
                  return existing;
                })
            .orElseGet(() -> registerNew(registration));
    // Its agent's grace starts at the agent's Hello, not here: an agent that takes longer to come
    // than the grace must not find its host given up before it ever spoke.
    heartbeats.forget(host.id());
    log.info("event=host.registered host={} capacity={}", host.id(), registration.capacity());
    return host;
  }

  /**
   * What a host's agent says of it in its Hello. The agent claims nothing it was not given: it may
   * report less capacity than registered (then the host has less), never more; labels and zone stay
   * the admin's; and its host's state stays as it is, so a host the control plane gave up
   * (UNREACHABLE, FENCED, DOWN) does not come back UP because an agent connects.
   */
  @Transactional
  public Host hello(HostRegistration reported) {
    Host host =
        hosts
            .findById(reported.hostId())
            .orElseThrow(() -> new NotFoundException("Host", reported.hostId()));
    // An agent that reconnects mostly reports what the host already has: then it neither locks
    // nor writes the row, so it does not wait for a placement batch holding the host.
    if (!host.cappedTo(reported.capacity()).equals(host.capacity())) {
      host = hosts.lockById(reported.hostId()).orElseThrow();
      host.reported(reported.capacity());
    }
    if (!host.capacity().equals(reported.capacity())
        || !host.labels().equals(reported.labels())
        || !host.zone().equals(reported.zone())) {
      log.warn(
          "event=host.claim-capped host={} reported={} labels={} zone={} kept={} labels={} zone={}",
          host.id(),
          reported.capacity(),
          reported.labels(),
          reported.zone(),
          host.capacity(),
          host.labels(),
          host.zone());
    }
    heartbeats.record(host.id(), clock.instant());
    return host;
  }

  private Host registerNew(HostRegistration registration) {
    // Flushed now: its heartbeat, written next in plain SQL, refers to the row.
    Host host =
        hosts.saveAndFlush(
            new Host(
                registration.hostId(),
                registration.capacity(),
                OvercommitRatios.of(
                    placement.vcpuRatio(), placement.memoryRatio(), placement.diskRatio()),
                registration.labels(),
                registration.zone(),
                clock.instant()));
    events.stateChanged(host.id(), null, HostStatus.UP, "its agent registered", 0, "agent");
    return host;
  }

  /**
   * A heartbeat: the host is alive, and its guests use this much memory of what they were given
   * (null: its agent does not say). One given up as UNREACHABLE stays so until an operator orders
   * it UP: its agent's word alone does not bring it back. One statement on a table placement does
   * not lock, in a transaction of its own: it neither waits for a placement nor holds a connection
   * longer than the statement takes. One that cannot be recorded (the database away) is dropped,
   * and the agent's stream left open: the next one will be, and meanwhile no host's silence counts
   * ({@link Hearing}).
   */
  public void heartbeat(String hostId, Instant at, Long memoryInUseMib, Long memoryOfGuestsMib) {
    try {
      heartbeats.record(hostId, at, memoryInUseMib, memoryOfGuestsMib);
    } catch (DataAccessException e) {
      hearing.interrupted(clock.instant());
      log.debug("event=host.heartbeat-dropped host={} error=\"{}\"", hostId, e.toString());
      return;
    }
    hearing.heard(clock.instant());
  }

  /** The hosts last heard from before {@code cutoff}, whatever their state. */
  public Set<String> silentBefore(Instant cutoff) {
    return heartbeats.silentBefore(cutoff);
  }

  /**
   * Hosts whose last heartbeat is older than {@code cutoff} become UNREACHABLE: they take no new
   * desktops, but theirs stay put, since a host that stopped talking may still run them. Safe in
   * every replica at once: each host changes in one statement, once.
   */
  @Transactional
  public List<String> markUnreachable(Instant cutoff) {
    HostLifecycle cause = HostLifecycle.HEARTBEATS_STOPPED;
    List<Map<String, Object>> lost =
        jdbc.queryForList(
            """
            UPDATE host SET state = ?
            FROM host AS before
            WHERE host.id = before.id AND host.state = ANY (?) AND host.id IN (%s)
            RETURNING host.id, before.state
            """
                .formatted(HostHeartbeats.SILENT_BEFORE),
            cause.to().name(),
            cause.from().stream().map(Enum::name).toArray(String[]::new),
            java.sql.Timestamp.from(cutoff));
    for (Map<String, Object> host : lost) {
      String id = (String) host.get("id");
      log.warn("event=host.unreachable host={} lastHeartbeatBefore={}", id, cutoff);
      events.stateChanged(
          id,
          HostStatus.valueOf((String) host.get("state")),
          cause.to(),
          "no heartbeat since before " + cutoff,
          0,
          "reconciler");
    }
    return lost.stream().map(host -> (String) host.get("id")).toList();
  }

  /**
   * Moves the host as {@code cause} says ({@link HostLifecycle}), with an event when that is a
   * change. Fencing also revokes the agent's token; every replica then closes the stream it had
   * opened with it.
   *
   * @throws HostStateConflictException when the cause is refused in the host's state
   */
  @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
  public void changeState(Host host, HostLifecycle cause, String reason) {
    HostStatus before = host.state();
    HostStatus next = cause.applyTo(host.id(), before).orElse(before);
    if (next == HostStatus.FENCED) {
      revokeAgentToken(host);
    }
    if (before != next) {
      host.changeState(next);
      events.stateChanged(host.id(), before, next, reason, host.generation(), "control-plane");
      log.info(
          "event=host.state host={} from={} to={} reason=\"{}\"", host.id(), before, next, reason);
    }
  }

  /**
   * The host's agent token is replaced (by {@code sha256}, null for none) and every replica told: a
   * stream opened with the old token is closed at the next look at its host, which the notification
   * on {@code veneer_host_desired} brings at once.
   */
  @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
  public void replaceAgentToken(Host host, String sha256) {
    host.setAgentTokenSha256(sha256);
    hosts.flush();
    jdbc.queryForList("SELECT pg_notify('veneer_host_desired', ?)", host.id());
  }

  private void revokeAgentToken(Host host) {
    if (host.agentTokenSha256().isPresent()) {
      replaceAgentToken(host, null);
      log.warn("event=host.agent-token-revoked host={}", host.id());
    }
  }

  /**
   * An operator's order: MAINTENANCE (no new desktops, the running ones stay), DRAINING (no new
   * desktops, and the pool controller moves free desktops away), or UP again, also for a host that
   * was UNREACHABLE (its agent reconnecting does not do that). A host FENCED or DOWN comes back
   * only when an admin registers it again and issues its agent a new token. A host ordered back UP
   * counts as heard from at the order: it gets a whole heartbeat grace for its agent to beat again,
   * rather than being given up again at the reconciler's next pass.
   *
   * @param reason why, for the host's events; may be blank
   */
  @Transactional
  public HostView order(Caller caller, String hostId, HostStatus next, String reason) {
    caller.requireAdmin("Changing a host's state");
    HostLifecycle order = HostLifecycle.orderTo(next);
    Host host = hosts.lockById(hostId).orElseThrow(() -> new NotFoundException("Host", hostId));
    HostStatus current = host.state();
    String by = "ordered by " + caller.subject();
    changeState(host, order, reason == null || reason.isBlank() ? by : by + ": " + reason);
    if (next == HostStatus.UP && current != HostStatus.UP) {
      heartbeats.record(hostId, clock.instant());
    }
    audit.record(
        caller,
        "host." + next.name().toLowerCase(java.util.Locale.ROOT),
        "host",
        hostId,
        current + " -> " + next + (reason == null || reason.isBlank() ? "" : ": " + reason));
    return view(host);
  }

  @Transactional(readOnly = true)
  public Host get(String hostId) {
    return hosts.findById(hostId).orElseThrow(() -> new NotFoundException("Host", hostId));
  }

  @Transactional(readOnly = true)
  public List<Host> all() {
    return hosts.findAll();
  }

  /** The host with what its desktops hold on it now. */
  @Transactional(readOnly = true)
  public HostView view(Host host) {
    return HostView.of(host, usages.of(host.id()), heartbeats.of(host.id()).orElse(null));
  }

  /** Every host with its usage, by id. */
  @Transactional(readOnly = true)
  public List<HostView> views() {
    Map<String, HostUsage> all = usages.all();
    Map<String, HostHeartbeats.Heard> heard = heartbeats.all();
    return hosts.findAll().stream()
        .map(
            host ->
                HostView.of(
                    host, all.getOrDefault(host.id(), HostUsage.NONE), heard.get(host.id())))
        .sorted(Comparator.comparing(HostView::id))
        .toList();
  }
}
