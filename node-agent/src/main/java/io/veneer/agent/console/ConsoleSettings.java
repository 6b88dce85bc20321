package io.veneer.agent.console;

import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.v1.ConsoleEndpoint;
import io.veneer.api.console.PemKeys;
import io.veneer.api.tls.PemTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console listener's settings ({@code VENEER_CONSOLE_*}, node-agent/README.md): the listen
 * address, certificate and key, all three or none (no listener); and optionally a file of grant
 * keys.
 *
 * @param listen where the listener binds, {@code host:port}
 * @param certificateFile PEM certificate chain of the host, from the operator's CA
 * @param privateKeyFile its PKCS#8 key
 * @param grantKeyFile the control plane's Ed25519 public keys (PEM) admitted until the control
 *     plane sends its own on the agent's stream, or null
 */
public record ConsoleSettings(
    InetSocketAddress listen, Path certificateFile, Path privateKeyFile, Path grantKeyFile) {

  private static final String[] NAMES = {
    "VENEER_CONSOLE_LISTEN", "VENEER_CONSOLE_TLS_CERT", "VENEER_CONSOLE_TLS_KEY"
  };
  private static final String GRANT_KEY = "VENEER_CONSOLE_GRANT_KEY";

  /** The settings {@code env} gives, or null when it gives none. */
  public static ConsoleSettings fromEnvironment(Map<String, String> env) {
    int given = 0;
    for (String name : NAMES) {
      given += env.getOrDefault(name, "").isBlank() ? 0 : 1;
    }
    String grantKey = env.getOrDefault(GRANT_KEY, "");
    if (given == 0) {
      if (!grantKey.isBlank()) {
        throw new IllegalArgumentException(
            GRANT_KEY
                + " is set but there is no console listener ("
                + String.join(", ", NAMES)
                + ")");
      }
      return null;
    }
    if (given < NAMES.length) {
      throw new IllegalArgumentException(
          "The console listener needs all of " + String.join(", ", NAMES) + ", or none of them");
    }
    String listen = env.get("VENEER_CONSOLE_LISTEN");
    int colon = listen.lastIndexOf(':');
    try {
      return new ConsoleSettings(
          new InetSocketAddress(
              listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1))),
          Path.of(env.get("VENEER_CONSOLE_TLS_CERT")),
          Path.of(env.get("VENEER_CONSOLE_TLS_KEY")),
          grantKey.isBlank() ? null : Path.of(grantKey));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "VENEER_CONSOLE_LISTEN must be host:port (e.g. 0.0.0.0:5900), not '" + listen + "'");
    }
  }

  /** The grant keys admitted from the start: those of the grant key file, if any. */
  public GrantKeys grantKeys() throws IOException {
    return new GrantKeys(
        grantKeyFile == null ? List.of() : PemKeys.ed25519PublicKeys(grantKeyFile));
  }

  /**
   * The listener of {@code hostId}, relaying to the displays {@code hypervisor} shows when a grant
   * is signed with one of {@code keys}.
   */
  public ConsoleGateway open(String hostId, Hypervisor hypervisor, GrantKeys keys)
      throws IOException {
    return new ConsoleGateway(
        listen,
        PemTls.server(certificateFile, privateKeyFile),
        new GrantCheck(keys, hostId, Clock.systemUTC()),
        desktopId -> display(hypervisor, desktopId));
  }

  private static Optional<SocketAddress> display(Hypervisor hypervisor, String desktopId) {
    // Every driver serves displays on unix sockets; none on TCP.
    ConsoleEndpoint console = hypervisor.observe(desktopId).console();
    return console == null || console.getUnixSocket().isBlank()
        ? Optional.empty()
        : Optional.of(UnixDomainSocketAddress.of(console.getUnixSocket()));
  }
}
