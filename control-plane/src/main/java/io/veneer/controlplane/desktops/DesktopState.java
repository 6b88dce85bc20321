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
  FAILED
}
