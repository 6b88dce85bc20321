package io.veneer.controlplane.common;

import java.util.List;

/**
 * One page of a list, ordered by id; {@code nextCursor} is null on the last page. Cursors are
 * opaque to callers (the last id seen).
 */
public record Page<T>(List<T> items, String nextCursor) {}
