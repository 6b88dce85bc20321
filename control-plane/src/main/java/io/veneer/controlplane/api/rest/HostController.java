package io.veneer.controlplane.api.rest;

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

  /**
   * Confirms the host is gone (powered off or isolated); its desktops are placed again elsewhere.
   * Never fence a host that may still run guests: its desktops would run twice.
   */
  @PostMapping("/{id}/fence")
  HostView fence(JwtAuthenticationToken token, @PathVariable String id) {
    return fencing.fence(SecurityConfiguration.callerOf(token), id);
  }

  /** No new desktops; those running stay (for host upkeep that does not stop guests). */
  @PostMapping("/{id}/maintenance")
  HostView maintenance(JwtAuthenticationToken token, @PathVariable String id) {
    return hosts.order(SecurityConfiguration.callerOf(token), id, HostStatus.MAINTENANCE, "");
  }

  /** No new desktops, and free desktops move elsewhere; assigned ones leave at logoff. */
  @PostMapping("/{id}/drain")
  HostView drain(JwtAuthenticationToken token, @PathVariable String id) {
    return hosts.order(SecurityConfiguration.callerOf(token), id, HostStatus.DRAINING, "");
  }

  /** Back in service after maintenance or a drain. */
  @PostMapping("/{id}/resume")
  HostView resume(JwtAuthenticationToken token, @PathVariable String id) {
    return hosts.order(SecurityConfiguration.callerOf(token), id, HostStatus.UP, "");
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  HostView register(JwtAuthenticationToken token, @RequestBody HostRegistration registration) {
    return hosts.view(hosts.register(SecurityConfiguration.callerOf(token), registration));
  }

  /** Issues a new agent token for the host (shown once; only its SHA-256 is kept). */
  @PostMapping("/{id}/agent-token")
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, String> issueAgentToken(JwtAuthenticationToken token, @PathVariable String id) {
    return Map.of(
        "hostId", id, "agentToken", credentials.issue(SecurityConfiguration.callerOf(token), id));
  }

  @GetMapping
  List<HostView> list(JwtAuthenticationToken token) {
    SecurityConfiguration.callerOf(token).requireAdmin("Listing hosts");
    return hosts.views();
  }

  @GetMapping("/{id}")
  HostView get(JwtAuthenticationToken token, @PathVariable String id) {
    SecurityConfiguration.callerOf(token).requireAdmin("Reading a host");
    return hosts.view(hosts.get(id));
  }
}
