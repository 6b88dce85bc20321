package io.veneer.controlplane.pools;

/** Pooled desktops are non-persistent and shared; dedicated ones belong to one user and persist. */
public enum PoolKind {
  POOLED,
  DEDICATED
}
