package io.veneer.controlplane.pools;

/** A request found no free desktop in a pool that is already at its maximum size. */
public class PoolExhaustedException extends RuntimeException {

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
