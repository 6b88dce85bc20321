package io.veneer.portal.desktops;

import io.veneer.portal.backend.ControlPlaneViews.Pool;

/**
 * What a desktop's row needs of its pool: its name, and for a dedicated pool its golden version,
 * which the desktop's owner takes only when they ask ("Update").
 */
record ShownPool(String name, String goldenVersion, boolean dedicated) {

  static ShownPool of(Pool pool) {
    return new ShownPool(
        pool.spec().name(), pool.spec().goldenVersion(), "DEDICATED".equals(pool.spec().kind()));
  }

  /** A pool the portal does not know (yet): named by its id, offering nothing. */
  static ShownPool unknown(String id) {
    return new ShownPool(id, "", false);
  }

  /** Whether a desktop of this pool on {@code version} may ask for the pool's newer one. */
  boolean offersUpdateFrom(String version) {
    return dedicated && !version.isEmpty() && !goldenVersion.equals(version);
  }
}
