package io.veneer.agent.converge;

import io.veneer.agent.hypervisor.GuestState;
import io.veneer.agent.hypervisor.Observation;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesktopRemoval;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.ObservedState;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything the agent holds about one desktop, replaced on every change and touched only by the
 * converger's loop thread.
 *
 * @param id the desktop's id
 * @param desired what the control plane wants, or null (an orphan, or removed)
 * @param removal the removal that ended it, or null; kept until the next full desired set, so an
 *     older upsert arriving late cannot bring the desktop back
 * @param startAttemptedAt the spec generation of the last start: a failed guest is started again
 *     only when asked with a newer one
 * @param observed what its driver last saw, or null before the first look
 * @param problem why the last converge failed, empty when it did not
 * @param awaitingImages whether one of its blobs is still being fetched
 * @param busySince when the driver call in flight for it on its worker began, or null for none
 * @param reported the last status sent, or null when none was (or after a reconnect)
 */
record LocalDesktop(
    String id,
    DesiredDesktop desired,
    DesktopRemoval removal,
    long startAttemptedAt,
    Observation observed,
    String problem,
    boolean awaitingImages,
    Instant busySince,
    DesktopStatus reported) {

  /** A desktop the host holds and nobody has asked about yet (found on disk, or an orphan). */
  static LocalDesktop held(String id) {
    return new LocalDesktop(id, null, null, 0, null, "", false, null, null);
  }

  LocalDesktop desire(DesiredDesktop wanted) {
    return new LocalDesktop(
        id, wanted, null, startAttemptedAt, observed, problem, awaitingImages, busySince, reported);
  }

  LocalDesktop remove(DesktopRemoval ended) {
    return new LocalDesktop(
        id, null, ended, startAttemptedAt, observed, problem, false, busySince, reported);
  }

  /** No longer desired, without a removal: an orphan, destroyed on the next pass. */
  LocalDesktop orphan() {
    return new LocalDesktop(
        id, null, null, startAttemptedAt, observed, problem, false, busySince, reported);
  }

  LocalDesktop working(boolean awaiting, Instant now) {
    return new LocalDesktop(
        id, desired, removal, startAttemptedAt, observed, problem, awaiting, now, reported);
  }

  LocalDesktop finished(Observation seen, String failure, long startedAt) {
    return new LocalDesktop(
        id, desired, removal, startedAt, seen, failure, awaitingImages, null, reported);
  }

  /** Whether a driver call for it is in flight on its worker. */
  boolean busy() {
    return busySince != null;
  }

  /**
   * Whether it is desired and its driver call has run past {@code stuckAfter}: a hung stop, a guest
   * that does not answer. Removals are left out: they are reported once their call returns.
   */
  boolean stuck(Instant now, Duration stuckAfter) {
    return desired != null
        && busySince != null
        && observed != null
        && busySince.plus(stuckAfter).isBefore(now);
  }

  LocalDesktop withReported(DesktopStatus status) {
    return new LocalDesktop(
        id,
        desired,
        removal,
        startAttemptedAt,
        observed,
        problem,
        awaitingImages,
        busySince,
        status);
  }

  /** The generation its reports carry: the desired spec's, the removal's, or 0 for an orphan. */
  long specGeneration() {
    if (desired != null) {
      return desired.getSpecGeneration();
    }
    return removal == null ? 0 : removal.getSpecGeneration();
  }

  /** Whether the control plane has said anything about it (desired or removed). */
  boolean known() {
    return desired != null || removal != null;
  }

  /** Whether its driver last saw nothing of it. */
  boolean absent() {
    return observed != null && observed.state() == GuestState.ABSENT;
  }

  /**
   * Whether it is on its way somewhere (being built, starting, stopping, refreshing): then it is
   * worth looking again soon, since whoever waits for it waits for this agent to notice.
   */
  boolean settling() {
    if (reported == null) {
      return false;
    }
    ObservedState state = reported.getState();
    return state == ObservedState.OBSERVED_STATE_PROVISIONING
        || state == ObservedState.OBSERVED_STATE_STARTING
        || state == ObservedState.OBSERVED_STATE_STOPPING
        || state == ObservedState.OBSERVED_STATE_REFRESHING;
  }
}
