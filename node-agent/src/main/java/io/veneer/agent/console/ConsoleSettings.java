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
import java.util.Map;
import java.util.Optional;

/**
 * The console listener's settings ({@code VENEER_CONSOLE_*}, node-agent/README.md); all of them or
 * none (no listener).
 *
 * @param listen where the listener binds, {@code host:port}
 * @param certificateFile PEM certificate chain of the host, from the operator's CA
 * @param privateKeyFile its PKCS#8 key
 * @param grantKeyFile the control plane's Ed25519 public keys (PEM), which sign console grants
 */
public record ConsoleSettings(
    InetSocketAddress listen, Path certificateFile, Path privateKeyFile, Path grantKeyFile) {

  private static final String[] NAMES = {
    "VENEER_CONSOLE_LISTEN",
    "VENEER_CONSOLE_TLS_CERT",
    "VENEER_CONSOLE_TLS_KEY",
    "VENEER_CONSOLE_GRANT_KEY"
  };

  /** The settings {@code env} gives, or null when it gives none. */
  public static ConsoleSettings fromEnvironment(Map<String, String> env) {
    int given = 0;
    for (String name : NAMES) {
      given += env.getOrDefault(name, "").isBlank() ? 0 : 1;
    }
    if (given == 0) {
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
          Path.of(env.get("VENEER_CONSOLE_GRANT_KEY")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "VENEER_CONSOLE_LISTEN must be host:port (e.g. 0.0.0.0:5900), not '" + listen + "'");
    }
  }

  /** The listener of {@code hostId}, relaying to the displays {@code hypervisor} shows. */
  public ConsoleGateway open(String hostId, Hypervisor hypervisor) throws IOException {
    return new ConsoleGateway(
        listen,
        PemTls.server(certificateFile, privateKeyFile),
        new GrantCheck(PemKeys.ed25519PublicKeys(grantKeyFile), hostId, Clock.systemUTC()),
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
