package io.veneer.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.veneer.agent.v1.AgentMessage;
import io.veneer.agent.v1.ConsoleGrantKeys;
import io.veneer.api.console.PemKeys;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTls;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console grant keys a control plane sends follow its key files as they change, to agents
 * already connected, at the next resync and without a restart: a key added to {@code
 * veneer.console.accepted-grant-keys-file} is sent beside the signing key's public half, and one
 * taken out of it is sent no more. (Its own control plane for that setting; the signing key is the
 * shared one of {@link TestTls}, which other tests verify grants with, so {@code GrantKeyFilesTest}
 * shows a change of the signing key itself.)
 */
class ConsoleGrantKeyRotationTest extends ControlPlaneSpringTest {

  private static final Path KEYS = temporaryFolder();
  private static final LocalCertificateAuthority OLD = keys("old");
  private static final LocalCertificateAuthority NEXT = keys("next");
  private static final Path ACCEPTED = KEYS.resolve("accepted.pem");

  static {
    copy(OLD.consoleGrantPublicKey(), ACCEPTED);
  }

  @DynamicPropertySource
  static void acceptedGrantKeys(DynamicPropertyRegistry registry) {
    registry.add("veneer.console.accepted-grant-keys-file", ACCEPTED::toString);
  }

  @Autowired HostService hosts;
  @Autowired AgentCredentials credentials;
  @Autowired AgentGrpcServer server;
  @Autowired AgentSessions sessions;

  @Test
  void aKeyAddedOrTakenOutReachesAConnectedAgentAtTheNextResync() throws Exception {
    String host = "rotation-host";
    hosts.register(new HostRegistration(host, new Resources(4, 8_192, 100), Map.of(), ""));
    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(host))) {
      agent.send(AgentMessage.newBuilder().setHello(AgentMessages.hello(host)).build());
      assertThat(agent.nextGrantKeys())
          .as("the signing key's public half, then the accepted one")
          .isEqualTo(keysOf(TestTls.CA, OLD));

      copy(NEXT.consoleGrantPublicKey(), ACCEPTED);
      sessions.refreshAll();

      assertThat(agent.nextGrantKeys())
          .as("the old key taken out, the next one in")
          .isEqualTo(keysOf(TestTls.CA, NEXT));
    }
  }

  private static ConsoleGrantKeys keysOf(LocalCertificateAuthority... owners) throws IOException {
    ConsoleGrantKeys.Builder keys = ConsoleGrantKeys.newBuilder();
    for (LocalCertificateAuthority owner : owners) {
      keys.addEd25519PublicKeys(
          ByteString.copyFrom(
              PemKeys.ed25519PublicKey(owner.consoleGrantPublicKey()).getEncoded()));
    }
    return keys.build();
  }

  /** Replaced as a Secret's update replaces it: a new file, so a new modification time. */
  private static void copy(Path from, Path to) {
    try {
      Path next = Files.createTempFile(to.getParent(), "next", ".pem");
      Files.copy(from, next, StandardCopyOption.REPLACE_EXISTING);
      Files.move(next, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path temporaryFolder() {
    try {
      Path folder = Files.createTempDirectory("veneer-grant-keys");
      folder.toFile().deleteOnExit();
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static LocalCertificateAuthority keys(String name) {
    try {
      return new LocalCertificateAuthority(KEYS.resolve(name)).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
