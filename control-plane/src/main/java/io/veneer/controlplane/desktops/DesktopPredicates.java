package io.veneer.controlplane.desktops;

/**
 * The desktop predicates every query, trigger and rule uses, over a desktop's spec and status. Each
 * is the Java face of the SQL function of the same name (V14), held to the same answer by {@code
 * DesktopPredicatesTest}.
 */
public final class DesktopPredicates {

  private DesktopPredicates() {}

  /**
   * Wanted, and not on its way out nor gone by its agent's account: it counts towards its pool's
   * size. SQL: {@code desktop_live(delete_requested_at, state)}.
   */
  public static boolean live(boolean deletionRequested, DesktopState phase) {
    return !deletionRequested && phase != DesktopState.DELETING && phase != DesktopState.DELETED;
  }

  /**
   * Its agent has seen an OS disk that the spec has replaced since (a logoff, a rollout). SQL:
   * {@code desktop_refreshing(os_disk_generation, seen_os_disk_generation)}.
   */
  public static boolean refreshing(long osDiskGeneration, long seenOsDiskGeneration) {
    return seenOsDiskGeneration > 0 && seenOsDiskGeneration < osDiskGeneration;
  }

  /**
   * Nobody's, live, and ready to be handed to the next person or on its way to being ready: never
   * before its agent has replaced the last user's disk. SQL: {@code desktop_free(owner,
   * delete_requested_at, state, os_disk_generation, seen_os_disk_generation)}.
   */
  public static boolean free(
      boolean owned,
      boolean deletionRequested,
      DesktopState phase,
      long osDiskGeneration,
      long seenOsDiskGeneration) {
    return !owned
        && live(deletionRequested, phase)
        && phase != DesktopState.FAILED
        && phase != DesktopState.REFRESHING
        && !refreshing(osDiskGeneration, seenOsDiskGeneration);
  }
}
