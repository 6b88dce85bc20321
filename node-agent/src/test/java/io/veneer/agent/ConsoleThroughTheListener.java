package io.veneer.agent;

import io.veneer.agent.console.ConsoleGateway;
import io.veneer.agent.console.ConsoleSettings;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.api.console.ConsoleGrant;
import io.veneer.api.console.PemKeys;
import io.veneer.api.tls.PemTls;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import javax.net.ssl.SSLSocket;

/**
 * A desktop's display as the portal's proxy reaches it: through the agent's console listener over
 * TLS (certificates of the test's CA), with a grant signed by the CA's console grant key.
 */
public final class ConsoleThroughTheListener {

  private ConsoleThroughTheListener() {}

  /**
   * The first {@code length} bytes a fresh console connection to the desktop reads: the listener's
   * answer to the grant, then (after {@code OK}) the display's own.
   */
  public static String firstBytes(
      LocalCertificateAuthority ca, Hypervisor hypervisor, UUID desktopId, int length)
      throws Exception {
    var settings =
        new ConsoleSettings(
            new InetSocketAddress("127.0.0.1", 0),
            ca.serverCertificate(),
            ca.serverKey(),
            ca.consoleGrantPublicKey());
    try (ConsoleGateway gateway = settings.open("host-1", hypervisor, settings.grantKeys());
        SSLSocket proxy =
            (SSLSocket)
                PemTls.client(ca.caCertificate())
                    .getSocketFactory()
                    .createSocket("127.0.0.1", gateway.port())) {
      proxy.setSoTimeout(10_000);
      String grant =
          ConsoleGrant.of(desktopId, "host-1", "alice", Instant.now().plusSeconds(30))
              .signedWith(PemKeys.ed25519PrivateKey(ca.consoleGrantKey()));
      proxy.getOutputStream().write((grant + "\n").getBytes(StandardCharsets.US_ASCII));
      proxy.getOutputStream().flush();
      return new String(proxy.getInputStream().readNBytes(length), StandardCharsets.US_ASCII);
    }
  }
}
