package io.veneer.controlplane.desktops;

import io.veneer.grpc.TraceParent;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.OptimisticLock;
import org.hibernate.annotations.OptimisticLockType;
import org.hibernate.annotations.OptimisticLocking;
import org.springframework.data.domain.Persistable;

/**
 * A desktop, in two halves with two writers, as Kubernetes splits an object's spec and status.
 *
 * <p>The <b>spec</b> is what people, placement and the pool controller want: pool, owner, golden
 * version, desired power, host, generations, whether it is to be deleted; {@code version} counts
 * its writes. The <b>status</b> is what the desktop's agent last saw: its phase in the lifecycle
 * ({@link DesktopLifecycle}), the OS disk it has seen and the failure reason; {@code statusVersion}
 * counts its writes. Its {@link #state} as people see it is made of both: DELETING from the moment
 * its deletion is asked for until its agent reports it gone. Every change bumps the version of the
 * half it touches, and a write checks only the columns it changes (optimistic locking on dirty
 * columns), so a person's request and an agent's report on the same desktop never make each other
 * retry, while two writers of one half still do.
 */
@Entity
@Table(name = "desktop")
@DynamicUpdate
@OptimisticLocking(type = OptimisticLockType.DIRTY)
public class Desktop implements Persistable<UUID> {

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

  /** When its deletion was asked for; null while it is wanted. */
  @Column(name = "delete_requested_at")
  private Instant deleteRequestedAt;

  /** The OS disk its agent last reported; 0 before any report. */
  @Column(name = "seen_os_disk_generation", nullable = false)
  private long seenOsDiskGeneration;

  /** The OS disk its agent last reported it RUNNING on; 0 before that. */
  @Column(name = "ran_os_disk_generation", nullable = false)
  private long ranOsDiskGeneration;

  /**
   * The OS disk its host last came back without (0: never); while that is its OS disk, the pool
   * controller has yet to build it again ({@link #awaitingRebuild}).
   */
  @Column(name = "missing_os_disk_generation", nullable = false)
  private long missingOsDiskGeneration;

  /** The user-data disk its agent attaches (V46); null for none. */
  @Column(name = "user_data_disk_id")
  private UUID userDataDiskId;

  /** The traceparent of the request that last asked for it (V21); null when untraced. */
  @Column(name = "trace_parent")
  private String traceParent;

  /**
   * The groups its holder was in when it was handed to them (V27), for group quotas. Left out of
   * the dirty-column check: PostgreSQL has no {@code text[] = varchar[]} for its old value, and the
   * owner written with it is checked already.
   */
  @OptimisticLock(excluded = true)
  @Column(name = "holder_groups", nullable = false)
  private String[] holderGroups = new String[0];

  @Column(nullable = false)
  private long version;

  @Column(name = "status_version", nullable = false)
  private long statusVersion;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  // Times are no part of the write checks: the versions are, and a time read back at PostgreSQL's
  // microseconds need not equal the one written.
  /** When the spec last changed. */
  @Column(name = "updated_at", nullable = false)
  @OptimisticLock(excluded = true)
  private Instant updatedAt;

  /** When the status last changed. */
  @Column(name = "observed_at", nullable = false)
  @OptimisticLock(excluded = true)
  private Instant observedAt;

  /** Not yet in the database: Spring Data persists it rather than merging it. */
  @Transient private boolean fresh;

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
    // Its creation is the spec's first write.
    this.version = 1;
    this.createdAt = Instant.now();
    this.updatedAt = createdAt;
    this.observedAt = createdAt;
    this.fresh = true;
    this.pending.add(
        new Transition(Transition.Kind.REQUESTED, null, DesktopState.REQUESTED, createdAt));
  }

  @PostLoad
  @PostPersist
  void stored() {
    fresh = false;
  }

  @Override
  public boolean isNew() {
    return fresh;
  }

  /**
   * Moves the desktop's observed phase through the lifecycle: a status change.
   *
   * @throws IllegalTransitionException if not allowed
   */
  public void moveTo(DesktopState next) {
    DesktopLifecycle.check(id, state, next);
    DesktopState shownBefore = state();
    state = next;
    if (next != DesktopState.FAILED) {
      failureReason = null;
    }
    if (next == DesktopState.RUNNING) {
      ranOsDiskGeneration = seenOsDiskGeneration;
    }
    statusChanged();
    if (state() != shownBefore) {
      record(new Transition(Transition.Kind.STATE_CHANGED, shownBefore, state(), observedAt));
    }
  }

  public void fail(String reason) {
    moveTo(DesktopState.FAILED);
    failureReason = reason;
  }

  private void specChanged() {
    version++;
    updatedAt = Instant.now();
  }

  private void statusChanged() {
    statusVersion++;
    observedAt = Instant.now();
  }

  /**
   * Its agent reported it on OS disk {@code generation}, after any move the report made: a change
   * of its status. A disk seen while it is RUNNING is one it ran on.
   */
  public void sawOsDisk(long generation) {
    if (generation != seenOsDiskGeneration) {
      seenOsDiskGeneration = generation;
      if (state == DesktopState.RUNNING) {
        ranOsDiskGeneration = generation;
      }
      statusChanged();
    }
  }

  /**
   * Asks for its deletion: a change of its spec only; its agent removes it and reports it gone.
   * From now on it is DELETING to people and no longer live. A no-op when already asked.
   */
  public void requestDeletion() {
    if (deleteRequestedAt != null) {
      return;
    }
    DesktopState shownBefore = state();
    deleteRequestedAt = Instant.now();
    specGeneration++;
    specChanged();
    record(new Transition(Transition.Kind.STATE_CHANGED, shownBefore, state(), deleteRequestedAt));
  }

  /** Placed on a host: REQUESTED to SCHEDULED. */
  public void scheduleOn(String host) {
    moveTo(DesktopState.SCHEDULED);
    hostId = host;
    specGeneration++;
    specChanged();
  }

  /** Placement found no host; the desktop stays REQUESTED and says why. */
  public void markUnschedulable(String reason) {
    failureReason = reason;
    statusChanged();
  }

  public void desirePower(PowerState power) {
    if (power == PowerState.OFF) {
      // A stop asked for after a restart wins: the desktop stays off.
      restartPending = false;
    }
    if (desiredPower != power) {
      desiredPower = power;
      specGeneration++;
      specChanged();
    }
  }

  /**
   * A person wants it on or off: a change of its spec only, which its agent carries out and
   * reports. Refused once it is on its way out.
   *
   * @throws IllegalTransitionException when it is being deleted or gone
   */
  public void wantPower(PowerState power) {
    if (leaving()) {
      throw new IllegalTransitionException(
          id, state(), power == PowerState.ON ? DesktopState.STARTING : DesktopState.STOPPING);
    }
    desirePower(power);
  }

  /**
   * A reboot: powered off now, and on again once the agent reports it stopped. Its disks are kept,
   * pooled or not: a restart is not a logoff. Only a desktop whose phase may move to STOPPING can
   * restart.
   *
   * @throws IllegalTransitionException when its phase cannot stop
   */
  public void restart() {
    if (leaving()) {
      throw new IllegalTransitionException(id, state(), DesktopState.STOPPING);
    }
    DesktopLifecycle.check(id, state, DesktopState.STOPPING);
    desirePower(PowerState.OFF);
    restartPending = true;
    specChanged();
  }

  /**
   * Takes a pending restart its next step from what its agent last saw, as the pool controller
   * does: stopped, it is wanted on again; running again, the restart is over. Returns whether the
   * spec changed.
   */
  public boolean advanceRestart() {
    if (!restartPending) {
      return false;
    }
    if (desiredPower == PowerState.OFF && state == DesktopState.STOPPED) {
      desiredPower = PowerState.ON;
      specGeneration++;
      specChanged();
      return true;
    }
    if (desiredPower == PowerState.ON && state == DesktopState.RUNNING) {
      restartPending = false;
      specChanged();
      return true;
    }
    return false;
  }

  /**
   * Whether its agent saw it stop after use: stopped on the OS disk it last ran on, not in the
   * middle of a restart (which keeps its disks), and not on its way out. A pooled desktop's overlay
   * is then discarded ({@link #replaceOsDisk}), after which this no longer holds.
   */
  public boolean stoppedAfterUse() {
    return state == DesktopState.STOPPED
        && ranOsDiskGeneration == osDiskGeneration
        && !restartPending
        && live();
  }

  /**
   * Discards the overlay: a change of its spec only, a new OS disk the agent recreates from {@code
   * golden}; it is {@link #refreshing} until its agent reports the new disk.
   */
  public void replaceOsDisk(String golden) {
    goldenVersion = golden;
    osDiskGeneration++;
    specGeneration++;
    specChanged();
  }

  /** Hands it to {@code user}, who is in {@code groups} (the groups whose quotas it counts in). */
  public void assignTo(String user, Set<String> groups) {
    owner = user;
    heldIn(user == null ? Set.of() : groups);
    specGeneration++;
    specChanged();
    record(
        new Transition(
            user == null ? Transition.Kind.RELEASED : Transition.Kind.ASSIGNED,
            state(),
            state(),
            updatedAt));
  }

  /**
   * Attaches its holder's user-data disk: a change of its spec only. A guest already up gets it at
   * a reboot ({@link #restart}), as no driver adds a disk to a running guest.
   */
  public void attachUserData(UUID diskId) {
    userDataDiskId = diskId;
    specGeneration++;
    specChanged();
    if (state == DesktopState.RUNNING || state == DesktopState.STARTING) {
      restart();
    }
  }

  /** The user-data disk its holder's files are on, if its pool gives one. */
  public Optional<UUID> userDataDiskId() {
    return Optional.ofNullable(userDataDiskId);
  }

  /** The groups of its holder, whose quotas it counts in. */
  public void heldIn(Set<String> groups) {
    holderGroups = groups.stream().sorted().toArray(String[]::new);
  }

  private void record(Transition transition) {
    if (pending == null) {
      pending = new ArrayList<>();
    }
    pending.add(transition);
  }

  /** The trace of the request that last asked for it, which its agent logs its work under. */
  public Optional<TraceParent> traceParent() {
    return TraceParent.parse(traceParent);
  }

  public void tracedBy(TraceParent trace) {
    traceParent = trace.toString();
  }

  /** Back to its pool, free for the next request, without its holder's user-data disk. */
  public void release() {
    userDataDiskId = null;
    assignTo(null, Set.of());
  }

  /**
   * Its host came back without it: a change of its status only. It is to be provisioned again, on a
   * fresh OS disk that the pool controller asks for ({@link #rebuild}).
   */
  public void wentMissing(String reason) {
    moveTo(DesktopState.PROVISIONING);
    failureReason = reason;
    missingOsDiskGeneration = osDiskGeneration;
  }

  /**
   * Whether its host came back without its current OS disk and it is still wanted: the pool
   * controller then rebuilds it. Its agent is not sent it meanwhile, so that it is built once, on
   * the fresh disk.
   */
  public boolean awaitingRebuild() {
    return missingOsDiskGeneration == osDiskGeneration && live();
  }

  /** Built again from the golden image on a fresh OS disk: a change of its spec only. */
  public void rebuild() {
    osDiskGeneration++;
    specGeneration++;
    specChanged();
  }

  /** Its host is confirmed gone: placed again, elsewhere, from a fresh overlay. */
  public void reschedule(String reason) {
    moveTo(DesktopState.REQUESTED);
    hostId = null;
    failureReason = reason;
    osDiskGeneration++;
    specGeneration++;
    specChanged();
  }

  /**
   * Its host was fenced but holds its disk, which nothing else may replace: it stays placed there,
   * waiting for its host, and says so. A change of its status only.
   */
  public void awaitHost(String reason) {
    failureReason = reason;
    statusChanged();
  }

  /** Whether it is on its way out or gone. */
  public boolean leaving() {
    return !live();
  }

  /** {@link DesktopPredicates#live}. */
  public boolean live() {
    return DesktopPredicates.live(deleteRequestedAt != null, state);
  }

  /** {@link DesktopPredicates#refreshing}. */
  public boolean refreshing() {
    return DesktopPredicates.refreshing(osDiskGeneration, seenOsDiskGeneration);
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

  @Override
  public UUID getId() {
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

  /** Its state as people see it: its phase, or DELETING once its deletion is asked for. */
  public DesktopState state() {
    if (deleteRequestedAt != null && state != DesktopState.DELETED) {
      return DesktopState.DELETING;
    }
    return state;
  }

  /** Its phase: where its agent last saw it in the lifecycle. */
  public DesktopState phase() {
    return state;
  }

  /** The OS disk its agent last reported; 0 before any report. */
  public long seenOsDiskGeneration() {
    return seenOsDiskGeneration;
  }

  public Optional<String> hostId() {
    return Optional.ofNullable(hostId);
  }

  public Optional<String> failureReason() {
    return Optional.ofNullable(failureReason);
  }

  /** The spec's version: how often the spec was written. */
  public long version() {
    return version;
  }

  /** The status's version: how often the status was written. */
  public long statusVersion() {
    return statusVersion;
  }

  /** The version of the whole desktop: it grows with every write of either half. */
  public long aggregateVersion() {
    return version + statusVersion;
  }

  public Instant createdAt() {
    return createdAt;
  }

  /** When the spec last changed. */
  public Instant updatedAt() {
    return updatedAt;
  }

  /** When the status last changed. */
  public Instant observedAt() {
    return observedAt;
  }
}
