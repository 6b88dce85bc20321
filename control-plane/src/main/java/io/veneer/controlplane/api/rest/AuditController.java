package io.veneer.controlplane.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veneer.controlplane.audit.AuditEntry;
import io.veneer.controlplane.audit.AuditLog;
import io.veneer.controlplane.audit.AuditQuery;
import io.veneer.controlplane.common.Page;
import io.veneer.controlplane.security.SecurityConfiguration;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/audit}: who changed what and when, newest first (admins). */
@RestController
@Tag(name = "audit")
@RequestMapping("/api/v1/audit")
class AuditController {

  private final AuditLog audit;

  AuditController(AuditLog audit) {
    this.audit = audit;
  }

  @Operation(
      operationId = "listAuditEntries",
      summary = "Reads the audit log (admins)",
      description =
          "Who changed what and when, newest first, filtered by actor, object type and "
              + "object id (each optional, exact), a page at a time: pass the previous page's "
              + "nextCursor as cursor.")
  @GetMapping
  Page<AuditEntry> list(
      JwtAuthenticationToken token,
      @RequestParam(required = false) String actor,
      @RequestParam(required = false) String objectType,
      @RequestParam(required = false) String objectId,
      @RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "50") int limit) {
    return audit.list(
        SecurityConfiguration.callerOf(token),
        new AuditQuery(actor, objectType, objectId),
        cursor,
        limit);
  }
}
