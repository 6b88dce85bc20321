package io.veneer.controlplane.api.rest;

import io.veneer.controlplane.common.Page;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.security.SecurityConfiguration;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/desktops}: a user's own desktops; an admin's view of all. */
@RestController
@RequestMapping("/api/v1/desktops")
class DesktopController {

  private final DesktopService desktops;

  DesktopController(DesktopService desktops) {
    this.desktops = desktops;
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  DesktopView create(
      JwtAuthenticationToken token,
      @RequestBody DesktopService.CreateDesktop request,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    return desktops.create(SecurityConfiguration.callerOf(token), request, idempotencyKey);
  }

  @GetMapping
  Page<DesktopView> list(
      JwtAuthenticationToken token,
      @RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "50") int limit) {
    return desktops.list(SecurityConfiguration.callerOf(token), cursor, limit);
  }

  @GetMapping("/{id}")
  DesktopView get(JwtAuthenticationToken token, @PathVariable UUID id) {
    return desktops.get(SecurityConfiguration.callerOf(token), id);
  }

  @PostMapping("/{id}/start")
  DesktopView start(JwtAuthenticationToken token, @PathVariable UUID id) {
    return desktops.start(SecurityConfiguration.callerOf(token), id);
  }

  /** Stops and starts the desktop again, keeping its disks; 409 unless it is RUNNING. */
  @PostMapping("/{id}/restart")
  DesktopView restart(JwtAuthenticationToken token, @PathVariable UUID id) {
    return desktops.restart(SecurityConfiguration.callerOf(token), id);
  }

  @PostMapping("/{id}/stop")
  DesktopView stop(JwtAuthenticationToken token, @PathVariable UUID id) {
    return desktops.stop(SecurityConfiguration.callerOf(token), id);
  }

  /** The user is done: a pooled desktop is refreshed and goes back to its pool. */
  @PostMapping("/{id}/logoff")
  DesktopView logoff(JwtAuthenticationToken token, @PathVariable UUID id) {
    return desktops.logoff(SecurityConfiguration.callerOf(token), id);
  }

  @DeleteMapping("/{id}")
  DesktopView delete(JwtAuthenticationToken token, @PathVariable UUID id) {
    return desktops.delete(SecurityConfiguration.callerOf(token), id);
  }
}
