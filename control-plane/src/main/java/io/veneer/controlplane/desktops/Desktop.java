package io.veneer.controlplane.desktops;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A desktop: desired spec (pool, owner, golden version, power) with a generation that increases on
 * every spec change, and observed state (lifecycle state, host, failure reason). The JPA version is
 * the aggregate version of its events.
 */
@Entity
@Table(name = "desktop")
public class Desktop {

  @Id private UUID id;

  @Column(name = "pool_id", nullable = false)
  private UUID poolId;

  private String owner;

  @Column(name = "spec_generation", nullable = false)
  private long specGeneration;

  @Column(name = "os_disk_generation", nullable = false)
  private long osDiskGeneration;

  @Column(name = "golden_version", nullable = false)
  private String goldenVersion;

  @Enumerated(EnumType.STRING)
  @Column(name = "desired_power", nullable = false)
  private PowerState desiredPower;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private DesktopState state;

  @Column(name = "host_id")
  private String hostId;

  @Column(name = "restart_pending", nullable = false)
  private boolean restartPending;

  @Column(name = "failure_reason")
  private String failureReason;

  // A wrapper, so that Spring Data sees a new entity (null version) and persists, not merges.
  @Version private Long version;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  /** Transitions made since the last {@link #drainTransitions}; each becomes one event. */
  @Transient private List<Transition> pending = new ArrayList<>();

  /**
   * One change worth an event: a lifecycle move, or a hand-over to or from a user (then {@code
   * from} equals {@code to}); {@code from} is null when the desktop was just created.
   */
  public record Transition(Kind kind, DesktopState from, DesktopState to, Instant at) {

    /** What happened. */
    public enum Kind {
      REQUESTED,
      STATE_CHANGED,
      ASSIGNED,
      RELEASED
    }
  }

  protected Desktop() {}

  public Desktop(UUID id, UUID poolId, String owner, String goldenVersion, PowerState power) {
    this.id = id;
    this.poolId = poolId;
    this.owner = owner;
    this.goldenVersion = goldenVersion;
    this.desiredPower = power;
    this.state = DesktopState.REQUESTED;
    this.specGeneration = 1;
    this.osDiskGeneration = 1;
    this.createdAt = Instant.now();
    this.updatedAt = createdAt;
    this.pending.add(
        new Transition(Transition.Kind.REQUESTED, null, DesktopState.REQUESTED, createdAt));
  }

  /** Moves the desktop through the lifecycle. @throws IllegalTransitionException if not allowed */
  public void moveTo(DesktopState next) {
    DesktopLifecycle.check(id, state, next);
    record(new Transition(Transition.Kind.STATE_CHANGED, state, next, Instant.now()));
    state = next;
    if (next != DesktopState.FAILED) {
      failureReason = null;
    }
    updatedAt = Instant.now();
  }

  public void fail(String reason) {
    moveTo(DesktopState.FAILED);
    failureReason = reason;
  }

  /** Placed on a host: REQUESTED to SCHEDULED. */
  public void scheduleOn(String host) {
    moveTo(DesktopState.SCHEDULED);
    hostId = host;
    specGeneration++;
  }

  /** Placement found no host; the desktop stays REQUESTED and says why. */
  public void markUnschedulable(String reason) {
    failureReason = reason;
    updatedAt = Instant.now();
  }

  public void desirePower(PowerState power) {
    if (power == PowerState.OFF) {
      // A stop asked for after a restart wins: the desktop stays off.
      restartPending = false;
    }
    if (desiredPower != power) {
      desiredPower = power;
      specGeneration++;
      updatedAt = Instant.now();
    }
  }

  /**
   * A reboot: powered off now, and on again once the agent reports it stopped. Its disks are kept,
   * pooled or not: a restart is not a logoff.
   */
  public void restart() {
    moveTo(DesktopState.STOPPING);
    desirePower(PowerState.OFF);
    restartPending = true;
  }

  /**
   * The agent reported the desktop stopped: a pending restart powers it on again (returns true).
   */
  public boolean resumeRestart() {
    if (!restartPending) {
      return false;
    }
    restartPending = false;
    desirePower(PowerState.ON);
    moveTo(DesktopState.STARTING);
    return true;
  }

  /** Discards the overlay: the agent recreates it from {@code golden} on the next spec. */
  public void refreshTo(String golden) {
    moveTo(DesktopState.REFRESHING);
    goldenVersion = golden;
    osDiskGeneration++;
    specGeneration++;
  }

  public void assignTo(String user) {
    owner = user;
    specGeneration++;
    updatedAt = Instant.now();
    record(
        new Transition(
            user == null ? Transition.Kind.RELEASED : Transition.Kind.ASSIGNED,
            state,
            state,
            updatedAt));
  }

  private void record(Transition transition) {
    if (pending == null) {
      pending = new ArrayList<>();
    }
    pending.add(transition);
  }

  /** Back to its pool, free for the next request. */
  public void release() {
    assignTo(null);
  }

  /** Its host no longer has it: the agent builds it again from the golden image. */
  public void rebuild(String reason) {
    moveTo(DesktopState.PROVISIONING);
    failureReason = reason;
    osDiskGeneration++;
    specGeneration++;
  }

  /** Its host is confirmed gone: placed again, elsewhere, from a fresh overlay. */
  public void reschedule(String reason) {
    moveTo(DesktopState.REQUESTED);
    hostId = null;
    failureReason = reason;
    osDiskGeneration++;
    specGeneration++;
  }

  /** Whether it is on its way out or gone. */
  public boolean leaving() {
    return !state.live();
  }

  /** The transitions not yet turned into events, oldest first; clears them. */
  public List<Transition> drainTransitions() {
    if (pending == null || pending.isEmpty()) {
      return List.of();
    }
    List<Transition> drained = List.copyOf(pending);
    pending.clear();
    return drained;
  }

  public UUID id() {
    return id;
  }

  public UUID poolId() {
    return poolId;
  }

  public Optional<String> owner() {
    return Optional.ofNullable(owner);
  }

  public long specGeneration() {
    return specGeneration;
  }

  public long osDiskGeneration() {
    return osDiskGeneration;
  }

  public String goldenVersion() {
    return goldenVersion;
  }

  public PowerState desiredPower() {
    return desiredPower;
  }

  public DesktopState state() {
    return state;
  }

  public Optional<String> hostId() {
    return Optional.ofNullable(hostId);
  }

  public Optional<String> failureReason() {
    return Optional.ofNullable(failureReason);
  }

  public long version() {
    return version == null ? 0 : version;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant updatedAt() {
    return updatedAt;
  }
}
