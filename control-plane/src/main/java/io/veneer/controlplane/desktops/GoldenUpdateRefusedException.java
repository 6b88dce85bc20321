package io.veneer.controlplane.desktops;

import java.util.UUID;

/**
 * A desktop cannot take its pool's golden version on request now (HTTP 409, gRPC
 * FAILED_PRECONDITION), and {@link #reason} says why, in a word a client can switch on.
 */
public class GoldenUpdateRefusedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why the update was refused. */
  public enum Reason {
    /** Pooled desktops take the pool's version at logoff; there is nothing to ask for. */
    POOLED,
    /** It is on (or on its way on): rebuilding would replace the disk under a running guest. */
    IN_USE,
    /** It is being deleted. */
    LEAVING
  }

  private final UUID desktopId;
  private final Reason reason;

  public GoldenUpdateRefusedException(UUID desktopId, Reason reason, String message) {
    super(message);
    this.desktopId = desktopId;
    this.reason = reason;
  }

  public UUID desktopId() {
    return desktopId;
  }

  public Reason reason() {
    return reason;
  }
}
