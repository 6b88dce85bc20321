package io.veneer.controlplane.desktops;

/** Where a desktop is in its lifecycle; {@link DesktopLifecycle} says which moves are allowed. */
public enum DesktopState {
  REQUESTED,
  SCHEDULED,
  PROVISIONING,
  STARTING,
  RUNNING,
  STOPPING,
  STOPPED,
  REFRESHING,
  DELETING,
  DELETED,
  FAILED;

  /**
   * Not yet gone: it still holds its host (a desktop being deleted does, until its agent removed
   * it). SQL: {@code desktop_present(state)}, held to the same answer by {@code
   * DesktopPredicatesTest}.
   */
  public boolean present() {
    return this != DELETED;
  }
}
