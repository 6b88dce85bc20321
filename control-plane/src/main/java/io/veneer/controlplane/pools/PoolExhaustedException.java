package io.veneer.controlplane.pools;

/** A request found no free desktop in a pool that is already at its maximum size. */
public class PoolExhaustedException extends RuntimeException {

  /**
   * What PostgreSQL answers when a new desktop would take its pool past the maximum (the live-count
   * trigger of V8).
   */
  public static final String SQL_STATE = "VN001";

  public PoolExhaustedException(String poolName, int maxSize) {
    super(
        "Pool '"
            + poolName
            + "' has no free desktop: all "
            + maxSize
            + " desktops of its maximum size are in use. Try again when someone logs off, or ask"
            + " an administrator to raise the pool's maximum size.");
  }
}
