package io.veneer.controlplane.audit;

import java.time.Instant;

/** One state-changing call: {@code actor} did {@code action} to an object, at {@code at}. */
public record AuditEntry(
    long id,
    Instant at,
    String actor,
    String action,
    String objectType,
    String objectId,
    String detail) {}
