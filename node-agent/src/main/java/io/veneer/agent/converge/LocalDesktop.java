package io.veneer.agent.converge;

import io.veneer.agent.hypervisor.GuestState;
import io.veneer.agent.hypervisor.Observation;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesktopRemoval;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.ObservedState;

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
 * @param busy whether a driver call for it is in flight on its worker
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
    boolean busy,
    DesktopStatus reported) {

  /** A desktop the host holds and nobody has asked about yet (found on disk, or an orphan). */
  static LocalDesktop held(String id) {
    return new LocalDesktop(id, null, null, 0, null, "", false, false, null);
  }

  LocalDesktop desire(DesiredDesktop wanted) {
    return new LocalDesktop(
        id, wanted, null, startAttemptedAt, observed, problem, awaitingImages, busy, reported);
  }

  LocalDesktop remove(DesktopRemoval ended) {
    return new LocalDesktop(
        id, null, ended, startAttemptedAt, observed, problem, false, busy, reported);
  }

  /** No longer desired, without a removal: an orphan, destroyed on the next pass. */
  LocalDesktop orphan() {
    return new LocalDesktop(
        id, null, null, startAttemptedAt, observed, problem, false, busy, reported);
  }

  LocalDesktop working(boolean awaiting) {
    return new LocalDesktop(
        id, desired, removal, startAttemptedAt, observed, problem, awaiting, true, reported);
  }

  LocalDesktop finished(Observation seen, String failure, long startedAt) {
    return new LocalDesktop(
        id, desired, removal, startedAt, seen, failure, awaitingImages, false, reported);
  }

  LocalDesktop withReported(DesktopStatus status) {
    return new LocalDesktop(
        id, desired, removal, startAttemptedAt, observed, problem, awaitingImages, busy, status);
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
