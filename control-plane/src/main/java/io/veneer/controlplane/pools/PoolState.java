package io.veneer.controlplane.pools;

/** Whether a pool serves desktops, is being emptied, or is gone (its name free again). */
public enum PoolState {
  ACTIVE,
  DELETING,
  DELETED
}
