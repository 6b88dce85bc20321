package io.veneer.portal.desktops;

import io.veneer.portal.web.PortalRefusal;
import java.util.Set;

/** What a person may do to their desktop, in which states, and what they confirm first. */
public enum DesktopAction {
  START("start", "Start", Set.of("STOPPED"), ""),
  RESTART(
      "restart",
      "Restart",
      Set.of("RUNNING"),
      "Restart this desktop? Programs in it are closed; files on its disks are kept."),
  STOP(
      "stop",
      "Stop",
      Set.of("RUNNING"),
      "Stop this desktop? Programs in it are closed and unsaved work is lost."),
  LOGOFF(
      "logoff",
      "Log off",
      Set.of("RUNNING", "STOPPED"),
      "Log off? A pooled desktop is refreshed and everything on it is discarded; a dedicated"
          + " desktop is powered off and keeps its disk."),
  /** Offered only to a dedicated desktop whose pool has another golden version. */
  UPDATE(
      "golden-update",
      "Update",
      Set.of("STOPPED"),
      "Update this desktop to its pool's new golden version? Its system disk is rebuilt and"
          + " what you changed on it is lost; your user-data disk is kept.");

  private final String path;
  private final String label;
  private final Set<String> allowedIn;
  private final String confirmation;

  DesktopAction(String path, String label, Set<String> allowedIn, String confirmation) {
    this.path = path;
    this.label = label;
    this.allowedIn = allowedIn;
    this.confirmation = confirmation;
  }

  /** The control plane's path segment, e.g. {@code logoff}. */
  public String path() {
    return path;
  }

  public String label() {
    return label;
  }

  /** Empty when the action needs no confirmation. */
  public String confirmation() {
    return confirmation;
  }

  public boolean allowedIn(String state) {
    return allowedIn.contains(state);
  }

  static DesktopAction ofPath(String path) {
    for (DesktopAction action : values()) {
      if (action.path.equals(path)) {
        return action;
      }
    }
    throw new PortalRefusal(
        404,
        "No such action",
        "Desktops can be started, restarted, stopped, logged off or updated, not \""
            + path
            + "\".");
  }
}
