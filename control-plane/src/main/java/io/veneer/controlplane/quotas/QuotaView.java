package io.veneer.controlplane.quotas;

import java.time.Instant;

/** A quota as admins see it: its limits beside what its holder holds now. */
public record QuotaView(
    QuotaHolder.Kind kind, String name, QuotaLimits limits, QuotaUsage usage, Instant updatedAt) {}
