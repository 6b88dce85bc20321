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
   * Not on its way out nor gone: it counts towards its pool's size. SQL: {@code
   * desktop_live(state)}, held to the same answer by {@code DesktopPredicatesTest}.
   */
  public boolean live() {
    return this != DELETING && this != DELETED;
  }

  /**
   * Not yet gone: it still holds its host (a desktop being deleted does, until its agent removed
   * it). SQL: {@code desktop_present(state)}, held to the same answer by {@code
   * DesktopPredicatesTest}.
   */
  public boolean present() {
    return this != DELETED;
  }

  /**
   * Whether a desktop in this state, owned by nobody, may be handed to the next person: it is ready
   * or on its way to being ready. SQL: {@code desktop_free(owner, state)}.
   */
  public boolean handsOut() {
    return live() && this != FAILED && this != REFRESHING;
  }
}
