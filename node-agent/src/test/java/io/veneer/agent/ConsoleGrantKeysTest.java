package io.veneer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.hypervisor.simulated.SimulatedHypervisor;
import io.veneer.api.console.ConsoleGrant;
import io.veneer.api.tls.PemTls;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console grant keys an agent admits are the ones its control plane sent on the stream: none
 * before (and no file given), kept while the stream is down and across a reconnect, replaced by the
 * next set. Grants go to the agent's real console listener; one whose key the agent holds gets past
 * the key check to the display's lookup, which the simulated driver, showing no display, refuses.
 */
class ConsoleGrantKeysTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PAST_THE_KEY_CHECK =
      "REFUSED the desktop shows no display on this host";

  @TempDir Path data;
  private final KeyPair old = ed25519();
  private final KeyPair next = ed25519();
  private FakeControlPlane controlPlane;
  private NodeAgent agent;
  private int consolePort;

  @BeforeEach
  void start() throws Exception {
    controlPlane = new FakeControlPlane();
    Map<String, String> env = new HashMap<>(controlPlane.dialSettings());
    env.put("VENEER_HOST_ID", "host-1");
    env.put("VENEER_AGENT_TOKEN", "secret-1");
    env.put("VENEER_DATA_DIR", data.toString());
    env.put("VENEER_DRIVER", "simulated");
    env.put("VENEER_CONSOLE_LISTEN", "127.0.0.1:0");
    env.put("VENEER_CONSOLE_TLS_CERT", FakeControlPlane.CA.serverCertificate().toString());
    env.put("VENEER_CONSOLE_TLS_KEY", FakeControlPlane.CA.serverKey().toString());
    agent =
        new NodeAgent(
            AgentSettings.fromEnvironment(env),
            new SimulatedHypervisor(
                Clock.systemUTC(), Duration.ofMillis(50), Duration.ofMillis(20)));
    agent.start();
    consolePort = controlPlane.awaitHello().getConsolePort();
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
    controlPlane.close();
  }

  @Test
  void keysSentOnTheStreamAreAdmittedKeptAcrossAReconnectAndReplacedByTheNextSet()
      throws Exception {
    assertThat(answerTo(old))
        .as("nothing sent yet, no file")
        .startsWith("REFUSED this agent holds no console grant key yet");

    controlPlane.sendGrantKeys(old.getPublic());
    awaitAnswer(old, PAST_THE_KEY_CHECK);

    int attempts = controlPlane.connectionAttempts();
    controlPlane.refuseNextConnections(1);
    controlPlane.dropStream();
    controlPlane.await(
        () -> controlPlane.connectionAttempts() > attempts, "a refused reconnection", WAIT);
    assertThat(answerTo(old)).as("kept while the stream is down").isEqualTo(PAST_THE_KEY_CHECK);
    controlPlane.awaitHello();
    assertThat(answerTo(old)).as("kept on the new stream").isEqualTo(PAST_THE_KEY_CHECK);

    controlPlane.sendGrantKeys(next.getPublic());
    awaitAnswer(next, PAST_THE_KEY_CHECK);
    assertThat(answerTo(old))
        .as("a key no longer sent")
        .isEqualTo("REFUSED the grant is not signed by the control plane");
  }

  /** The console listener's answer to a fresh grant for this host signed with {@code key}. */
  private String answerTo(KeyPair key) throws Exception {
    try (SSLSocket proxy =
        (SSLSocket)
            PemTls.client(FakeControlPlane.CA.caCertificate())
                .getSocketFactory()
                .createSocket("127.0.0.1", consolePort)) {
      proxy.setSoTimeout(10_000);
      String grant =
          ConsoleGrant.of(UUID.randomUUID(), "host-1", "alice", Instant.now().plusSeconds(30))
              .signedWith(key.getPrivate());
      proxy.getOutputStream().write((grant + "\n").getBytes(StandardCharsets.US_ASCII));
      proxy.getOutputStream().flush();
      return new BufferedReader(
              new InputStreamReader(proxy.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  /** The keys reach the listener after the stream's message: waits for them to. */
  private void awaitAnswer(KeyPair key, String answer) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String last = answerTo(key);
    while (!answer.equals(last) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      last = answerTo(key);
    }
    assertThat(last).isEqualTo(answer);
  }

  private static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
