package io.veneer.controlplane.pools;

/**
 * The minimum size and warm spares the pool controller keeps a pool at right now, and why (its
 * schedule's period, or its own numbers).
 */
public record PoolSizing(int minSize, int warmSpares, String reason) {}
