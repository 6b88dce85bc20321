package io.veneer.controlplane.desktops;

import java.util.UUID;

/** A request asked a desktop to move somewhere its current state does not allow (HTTP 409). */
public class IllegalTransitionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final UUID desktopId;
  private final DesktopState current;
  private final DesktopState requested;

  public IllegalTransitionException(UUID desktopId, DesktopState current, DesktopState requested) {
    super(
        "Desktop "
            + desktopId
            + " is "
            + current
            + " and cannot go to "
            + requested
            + "; from "
            + current
            + " it can go to "
            + DesktopLifecycle.allowedFrom(current));
    this.desktopId = desktopId;
    this.current = current;
    this.requested = requested;
  }

  public UUID desktopId() {
    return desktopId;
  }

  public DesktopState current() {
    return current;
  }

  public DesktopState requested() {
    return requested;
  }
}
