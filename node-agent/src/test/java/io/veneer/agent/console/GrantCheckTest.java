package io.veneer.agent.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rollover of the grant key: while the agent's file holds both public keys, both sign. */
class GrantCheckTest {

  @TempDir Path dir;

  private final KeyPair old = ed25519();
  private final KeyPair next = ed25519();

  @Test
  void duringARolloverGrantsOfTheOldAndTheNewKeyAreAdmittedAndNoOthers() throws Exception {
    Path file = dir.resolve("grant.pub");
    Files.writeString(file, pem(old.getPublic()) + pem(next.getPublic()));
    GrantCheck check = new GrantCheck(PemKeys.ed25519PublicKeys(file), "host-1", Clock.systemUTC());

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
    GrantCheck check = new GrantCheck(PemKeys.ed25519PublicKeys(file), "host-1", Clock.systemUTC());

    assertThatThrownBy(() -> check.admit(grant().signedWith(old.getPrivate())))
        .isInstanceOf(ConsoleGrant.Refused.class);
    assertThat(check.admit(grant().signedWith(next.getPrivate())).hostId()).isEqualTo("host-1");
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
