package io.veneer.controlplane.agents;

import io.veneer.controlplane.audit.AuditLog;
import io.veneer.controlplane.hosts.Host;
import io.veneer.controlplane.hosts.HostRepository;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.security.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Per-host agent tokens: issued once by an admin, stored only as a SHA-256, presented by the agent
 * in the {@code x-veneer-agent-token} gRPC metadata.
 */
@Component
public class AgentCredentials {

  private final HostRepository hosts;
  private final HostService hostService;
  private final AuditLog audit;
  private final SecureRandom random = new SecureRandom();

  AgentCredentials(HostRepository hosts, HostService hostService, AuditLog audit) {
    this.hosts = hosts;
    this.hostService = hostService;
    this.audit = audit;
  }

  /** An admin issues a new token for the host's agent; the old one stops working at once. */
  @Transactional
  public String issue(Caller caller, String hostId) {
    caller.requireAdmin("Issuing an agent token");
    String token = issue(hostId);
    audit.record(caller, "host.agent-token", "host", hostId, "new agent token issued");
    return token;
  }

  /**
   * A new token for the host's agent, replacing any earlier one: streams opened with that one are
   * closed, on every replica.
   */
  @Transactional
  public String issue(String hostId) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    hostService.replaceAgentToken(
        hosts
            .findById(hostId)
            .orElseThrow(() -> new io.veneer.controlplane.common.NotFoundException("Host", hostId)),
        sha256(token));
    return token;
  }

  /** The SHA-256 of each host's current agent token; a host without one (or unknown) is absent. */
  @Transactional(readOnly = true)
  public Map<String, String> tokensOf(Collection<String> hostIds) {
    return hosts.agentTokensOf(hostIds).stream()
        .collect(
            Collectors.toMap(HostRepository.AgentToken::id, HostRepository.AgentToken::sha256));
  }

  /** Whether {@code token} is the agent token of {@code hostId}. */
  @Transactional(readOnly = true)
  public boolean admits(String hostId, String token) {
    if (token == null || token.isEmpty()) {
      return false;
    }
    return same(hosts.findById(hostId).flatMap(Host::agentTokenSha256).orElse(null), sha256(token));
  }

  /** Whether a stored token hash (null: none) is {@code presentedSha256}, in constant time. */
  static boolean same(String storedSha256, String presentedSha256) {
    return storedSha256 != null
        && MessageDigest.isEqual(
            storedSha256.getBytes(StandardCharsets.US_ASCII),
            presentedSha256.getBytes(StandardCharsets.US_ASCII));
  }

  static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
