package io.veneer.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConsoleGrantTest {

  private static final KeyPair CONTROL_PLANE = ed25519();
  private final ConsoleGrant grant =
      ConsoleGrant.of(UUID.randomUUID(), "host-1", "alice", Instant.ofEpochSecond(1_800_000_000));

  @Test
  void aGrantSignedByTheControlPlaneReadsBackWhole() throws Exception {
    String wire = grant.signedWith(CONTROL_PLANE.getPrivate());

    assertThat(ConsoleGrant.verified(wire, CONTROL_PLANE.getPublic())).isEqualTo(grant);
    assertThat(wire).startsWith("v1.").hasSizeLessThan(ConsoleGrant.MAX_LENGTH);
  }

  @Test
  void aGrantSignedByAnotherKeyOrAlteredIsRefused() {
    String forged = grant.signedWith(ed25519().getPrivate());
    String wire = grant.signedWith(CONTROL_PLANE.getPrivate());
    String[] parts = wire.split("\\.");
    String otherHost =
        new ConsoleGrant(grant.desktopId(), "host-2", "alice", grant.expiresAt(), grant.nonce())
            .signedWith(CONTROL_PLANE.getPrivate())
            .split("\\.")[1];

    for (String refused :
        new String[] {
          forged, parts[0] + "." + otherHost + "." + parts[2], "v1..", "garbage", "", wire + "x"
        }) {
      assertThatThrownBy(() -> ConsoleGrant.verified(refused, CONTROL_PLANE.getPublic()))
          .as(refused)
          .isInstanceOf(ConsoleGrant.Refused.class);
    }
  }

  @Test
  void fieldsThatWouldChangeTheLinesOfThePayloadAreRefused() {
    assertThatThrownBy(
            () -> ConsoleGrant.of(grant.desktopId(), "host-1", "alice\nhost-2", Instant.now()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Base64.getUrlDecoder().decode(grant.nonce())).hasSize(16);
  }

  private static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
