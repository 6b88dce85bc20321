package io.veneer.controlplane.audit;

/** Which entries to list; null fields do not filter. */
public record AuditQuery(String actor, String objectType, String objectId) {}
