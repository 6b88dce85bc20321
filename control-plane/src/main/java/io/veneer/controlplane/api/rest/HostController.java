package io.veneer.controlplane.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veneer.controlplane.agents.AgentCredentials;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.hosts.HostStatus;
import io.veneer.controlplane.hosts.HostView;
import io.veneer.controlplane.reconcile.HostFencing;
import io.veneer.controlplane.security.SecurityConfiguration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/hosts}: admin only. */
@RestController
@Tag(name = "hosts")
@RequestMapping("/api/v1/hosts")
class HostController {

  private final HostService hosts;

  private final AgentCredentials credentials;
  private final HostFencing fencing;

  HostController(HostService hosts, AgentCredentials credentials, HostFencing fencing) {
    this.hosts = hosts;
    this.credentials = credentials;
    this.fencing = fencing;
  }

  @Operation(
      operationId = "fenceHost",
      summary = "Fences a host (admins)",
      description =
          "Confirms the host is gone (powered off or isolated); its desktops are placed "
              + "again elsewhere. Never fence a host that may still run guests: its desktops "
              + "would run twice. A fenced host stays fenced until resumed.")
  @PostMapping("/{id}/fence")
  HostView fence(JwtAuthenticationToken token, @PathVariable String id) {
    return fencing.fence(SecurityConfiguration.callerOf(token), id);
  }

  @Operation(
      operationId = "putHostInMaintenance",
      summary = "Puts a host in maintenance (admins)",
      description =
          "No new desktops are placed on it; those running stay (for host upkeep that does "
              + "not stop guests).")
  @PostMapping("/{id}/maintenance")
  HostView maintenance(JwtAuthenticationToken token, @PathVariable String id) {
    return hosts.order(SecurityConfiguration.callerOf(token), id, HostStatus.MAINTENANCE, "");
  }

  @Operation(
      operationId = "drainHost",
      summary = "Drains a host (admins)",
      description =
          "No new desktops are placed on it, and its free desktops move elsewhere; assigned"
              + " ones leave at logoff.")
  @PostMapping("/{id}/drain")
  HostView drain(JwtAuthenticationToken token, @PathVariable String id) {
    return hosts.order(SecurityConfiguration.callerOf(token), id, HostStatus.DRAINING, "");
  }

  @Operation(
      operationId = "resumeHost",
      summary = "Resumes a host (admins)",
      description = "Back in service after maintenance, a drain or a fence.")
  @PostMapping("/{id}/resume")
  HostView resume(JwtAuthenticationToken token, @PathVariable String id) {
    return hosts.order(SecurityConfiguration.callerOf(token), id, HostStatus.UP, "");
  }

  @Operation(
      operationId = "registerHost",
      summary = "Registers a host (admins)",
      description =
          "Registers a hypervisor host with its capacity, labels and zone before its agent "
              + "connects; an agent may later report less capacity, never more.")
  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  HostView register(
      JwtAuthenticationToken token,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      examples = @ExampleObject(name = "a host", value = RequestExamples.HOST)))
          @RequestBody
          HostRegistration registration) {
    return hosts.view(hosts.register(SecurityConfiguration.callerOf(token), registration));
  }

  @Operation(
      operationId = "issueAgentToken",
      summary = "Issues an agent token (admins)",
      description =
          "Issues a new token for the host's node agent, shown once in the answer (only its"
              + " SHA-256 is kept); the previous token stops working.")
  @PostMapping("/{id}/agent-token")
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, String> issueAgentToken(JwtAuthenticationToken token, @PathVariable String id) {
    return Map.of(
        "hostId", id, "agentToken", credentials.issue(SecurityConfiguration.callerOf(token), id));
  }

  @Operation(
      operationId = "listHosts",
      summary = "Lists hosts (admins)",
      description = "Every host with its state, capacity, usage and last heartbeat.")
  @GetMapping
  List<HostView> list(JwtAuthenticationToken token) {
    SecurityConfiguration.callerOf(token).requireAdmin("Listing hosts");
    return hosts.views();
  }

  @Operation(
      operationId = "getHost",
      summary = "Reads a host (admins)",
      description = "One host with its state, capacity, usage and last heartbeat.")
  @GetMapping("/{id}")
  HostView get(JwtAuthenticationToken token, @PathVariable String id) {
    SecurityConfiguration.callerOf(token).requireAdmin("Reading a host");
    return hosts.view(hosts.get(id));
  }
}
