package io.veneer.controlplane.pools;

/**
 * How far a pool's desktops are on its current golden version: where a roll to a new version
 * stands. Desktops being deleted are not counted; each other desktop is in exactly one of the four
 * counts after {@code desktops}.
 *
 * @param desktops the pool's desktops
 * @param current those on the pool's golden version and not being rebuilt
 * @param refreshing those being rebuilt on it now (at most the pool's "refresh at once")
 * @param waitingForLogoff those on an older version that someone is using: they follow at logoff
 * @param queued free desktops on an older version, refreshed as others finish
 */
public record PoolRollout(
    int desktops, int current, int refreshing, int waitingForLogoff, int queued) {

  public static final PoolRollout EMPTY = new PoolRollout(0, 0, 0, 0, 0);

  /** Every desktop is on the pool's golden version (also true of a pool without desktops). */
  public boolean complete() {
    return current == desktops;
  }
}
