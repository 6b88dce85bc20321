package io.veneer.agent.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.veneer.agent.v1.ConsoleGrantKeys;
import io.veneer.api.console.ConsoleGrant;
import io.veneer.api.console.PemKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which keys sign the grants an agent admits: during a rollover both the old and the new; the set
 * the control plane sent, in place of the file's or an earlier set's; none before any arrived.
 */
class GrantCheckTest {

  @TempDir Path dir;

  private final KeyPair old = ed25519();
  private final KeyPair next = ed25519();

  @Test
  void duringARolloverGrantsOfTheOldAndTheNewKeyAreAdmittedAndNoOthers() throws Exception {
    Path file = dir.resolve("grant.pub");
    Files.writeString(file, pem(old.getPublic()) + pem(next.getPublic()));
    GrantCheck check = checkWith(new GrantKeys(PemKeys.ed25519PublicKeys(file)));

    assertThat(check.admit(grant().signedWith(old.getPrivate())).hostId()).isEqualTo("host-1");
    assertThat(check.admit(grant().signedWith(next.getPrivate())).hostId()).isEqualTo("host-1");
    assertThatThrownBy(() -> check.admit(grant().signedWith(ed25519().getPrivate())))
        .isInstanceOf(ConsoleGrant.Refused.class)
        .hasMessageContaining("not signed by the control plane");
  }

  @Test
  void afterTheRolloverTheOldKeySignsNothing() throws Exception {
    Path file = dir.resolve("grant.pub");
    Files.writeString(file, pem(next.getPublic()));
    GrantCheck check = checkWith(new GrantKeys(PemKeys.ed25519PublicKeys(file)));

    assertThatThrownBy(() -> check.admit(grant().signedWith(old.getPrivate())))
        .isInstanceOf(ConsoleGrant.Refused.class);
    assertThat(check.admit(grant().signedWith(next.getPrivate())).hostId()).isEqualTo("host-1");
  }

  @Test
  void theSetTheControlPlaneSentReplacesTheFilesAndAKeyNoLongerSentSignsNothing() throws Exception {
    Path file = dir.resolve("grant.pub");
    Files.writeString(file, pem(old.getPublic()));
    GrantKeys keys = new GrantKeys(PemKeys.ed25519PublicKeys(file));
    GrantCheck check = checkWith(keys);
    assertThat(check.admit(grant().signedWith(old.getPrivate())).hostId()).isEqualTo("host-1");

    keys.sent(sent(next.getPublic()));

    assertThatThrownBy(() -> check.admit(grant().signedWith(old.getPrivate())))
        .isInstanceOf(ConsoleGrant.Refused.class)
        .hasMessageContaining("not signed by the control plane");
    assertThat(check.admit(grant().signedWith(next.getPrivate())).hostId()).isEqualTo("host-1");
  }

  @Test
  void beforeAnySetArrivedAnAgentWithoutAFileRefusesEveryGrantSayingWhy() {
    GrantKeys keys = new GrantKeys(List.of());

    assertThatThrownBy(() -> checkWith(keys).admit(grant().signedWith(old.getPrivate())))
        .isInstanceOf(ConsoleGrant.Refused.class)
        .hasMessageContaining("holds no console grant key yet");
  }

  @Test
  void anEmptySetOrOneWithAKeyThatIsNotEd25519IsNotTakenAndTheKeysHeldStay() throws Exception {
    GrantKeys keys = new GrantKeys(List.of());
    keys.sent(sent(old.getPublic()));
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();

    keys.sent(ConsoleGrantKeys.getDefaultInstance());
    keys.sent(sent(next.getPublic(), rsa.getPublic()));

    assertThat(checkWith(keys).admit(grant().signedWith(old.getPrivate())).hostId())
        .isEqualTo("host-1");
    assertThatThrownBy(() -> checkWith(keys).admit(grant().signedWith(next.getPrivate())))
        .isInstanceOf(ConsoleGrant.Refused.class);
  }

  private static GrantCheck checkWith(GrantKeys keys) {
    return new GrantCheck(keys, "host-1", Clock.systemUTC());
  }

  private static ConsoleGrantKeys sent(PublicKey... keys) {
    ConsoleGrantKeys.Builder message = ConsoleGrantKeys.newBuilder();
    for (PublicKey key : keys) {
      message.addEd25519PublicKeys(ByteString.copyFrom(key.getEncoded()));
    }
    return message.build();
  }

  private static ConsoleGrant grant() {
    return ConsoleGrant.of(UUID.randomUUID(), "host-1", "alice", Instant.now().plusSeconds(30));
  }

  private static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  private static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
