package io.veneer.images.catalogue;

import java.util.UUID;

/** A version was asked to move where its lifecycle does not go; answered with 409. */
public class IllegalTransitionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient VersionState current;

  public IllegalTransitionException(UUID version, VersionState current, VersionState wanted) {
    super(
        "Version "
            + version
            + " is "
            + current
            + " and cannot become "
            + wanted
            + (current == VersionState.PUBLISHED && wanted == VersionState.DELETED
                ? ": deprecate it first"
                : ""));
    this.current = current;
  }

  /** A change the version's state does not allow, in the caller's words. */
  public IllegalTransitionException(String message, VersionState current) {
    super(message);
    this.current = current;
  }

  public VersionState current() {
    return current;
  }
}
