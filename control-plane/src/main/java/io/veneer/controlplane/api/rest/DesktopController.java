package io.veneer.controlplane.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veneer.controlplane.common.Page;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.security.SecurityConfiguration;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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
@Tag(name = "desktops")
@RequestMapping("/api/v1/desktops")
class DesktopController {

  private final DesktopService desktops;

  DesktopController(DesktopService desktops) {
    this.desktops = desktops;
  }

  @Operation(
      operationId = "requestDesktop",
      summary = "Requests a desktop",
      description =
          "Gives the caller (or, for an admin, owner) a desktop of an entitled pool: the "
              + "one they already have there, else a free one (a running warm spare first), else "
              + "a new one while the pool is below its maximum size, which is then placed on a "
              + "host. The same Idempotency-Key answers the same desktop.")
  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  DesktopView create(
      JwtAuthenticationToken token,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      examples =
                          @ExampleObject(
                              name = "a desktop of a pool",
                              value = RequestExamples.DESKTOP)))
          @RequestBody
          DesktopService.CreateDesktop request,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    return desktops.create(SecurityConfiguration.callerOf(token), request, idempotencyKey);
  }

  @Operation(
      operationId = "listDesktops",
      summary = "Lists desktops",
      description =
          "The caller's own desktops (admins: all), a page at a time: pass the previous "
              + "page's nextCursor as cursor.")
  @GetMapping
  Page<DesktopView> list(
      JwtAuthenticationToken token,
      @RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "50") int limit) {
    return desktops.list(SecurityConfiguration.callerOf(token), cursor, limit);
  }

  @Operation(
      operationId = "getDesktop",
      summary = "Reads a desktop",
      description =
          "One desktop with its desired spec and observed status (state, host, failure "
              + "reason); 404 when it is not the caller's.")
  @GetMapping("/{id}")
  DesktopView get(JwtAuthenticationToken token, @PathVariable UUID id) {
    return desktops.get(SecurityConfiguration.callerOf(token), id);
  }

  @Operation(
      operationId = "startDesktop",
      summary = "Starts a desktop",
      description = "Asks for the desktop to run; 409 when its state does not allow it.")
  @PostMapping("/{id}/start")
  DesktopView start(JwtAuthenticationToken token, @PathVariable UUID id) {
    return desktops.start(SecurityConfiguration.callerOf(token), id);
  }

  @Operation(
      operationId = "restartDesktop",
      summary = "Restarts a desktop",
      description =
          "Stops the desktop and starts it again, keeping its disks; 409 unless it is RUNNING.")
  @PostMapping("/{id}/restart")
  DesktopView restart(JwtAuthenticationToken token, @PathVariable UUID id) {
    return desktops.restart(SecurityConfiguration.callerOf(token), id);
  }

  @Operation(
      operationId = "stopDesktop",
      summary = "Stops a desktop",
      description =
          "Asks for the desktop to be powered off, keeping its disks; 409 when its state "
              + "does not allow it.")
  @PostMapping("/{id}/stop")
  DesktopView stop(JwtAuthenticationToken token, @PathVariable UUID id) {
    return desktops.stop(SecurityConfiguration.callerOf(token), id);
  }

  @Operation(
      operationId = "logoffDesktop",
      summary = "Logs off a desktop",
      description =
          "The user is done: a pooled desktop is refreshed from its pool's golden version "
              + "and goes back to the pool; a dedicated one stays its owner's.")
  @PostMapping("/{id}/logoff")
  DesktopView logoff(JwtAuthenticationToken token, @PathVariable UUID id) {
    return desktops.logoff(SecurityConfiguration.callerOf(token), id);
  }

  @Operation(
      operationId = "deleteDesktop",
      summary = "Deletes a desktop",
      description = "Asks for the desktop to be stopped and deleted with its disks.")
  @DeleteMapping("/{id}")
  DesktopView delete(JwtAuthenticationToken token, @PathVariable UUID id) {
    return desktops.delete(SecurityConfiguration.callerOf(token), id);
  }
}
