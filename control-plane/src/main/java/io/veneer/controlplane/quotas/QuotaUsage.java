package io.veneer.controlplane.quotas;

/** What a holder holds now: live desktops handed to them and the size of those desktops. */
public record QuotaUsage(long desktops, long vcpus, long memoryMib) {}
