package io.veneer.agent.hypervisor;

/** What a driver sees of a guest, in its own terms; the agent maps it onto the wire. */
public enum GuestState {
  /** Neither disks nor a guest. */
  ABSENT,
  /** The guest was started and is booting (or has not printed its ready line yet). */
  STARTING,
  /** The guest runs and is usable. */
  RUNNING,
  /** A power-off is in progress. */
  STOPPING,
  /** Disks exist; no guest runs. */
  STOPPED,
  /** The guest ended or cannot run; the observation says why. */
  FAILED
}
