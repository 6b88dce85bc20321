package io.veneer.agent.console;

import io.veneer.api.console.ConsoleGrant;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a console grant opens a display of this host: signed with one of the control plane's keys
 * ({@link GrantKeys}: two while the grant key is rolled over, the old one and the new one), for
 * this host, unexpired, not valid for longer than {@link #LONGEST} (a grant is for one connection,
 * made seconds before it), and not seen before. Used nonces are kept until their grant expires, so
 * a grant stolen on its way opens nothing once its proxy has used it.
 */
final class GrantCheck {

  /** The longest a grant may still be valid when it arrives. */
  static final Duration LONGEST = Duration.ofSeconds(60);

  private final GrantKeys controlPlane;
  private final String hostId;
  private final Clock clock;
  private final Map<String, Instant> usedNonces = new ConcurrentHashMap<>();

  GrantCheck(GrantKeys controlPlane, String hostId, Clock clock) {
    this.controlPlane = controlPlane;
    this.hostId = hostId;
    this.clock = clock;
  }

  /** The grant {@code text} carries, used up by this call. */
  ConsoleGrant admit(String text) throws ConsoleGrant.Refused {
    ConsoleGrant grant = verified(text);
    Instant now = clock.instant();
    if (!grant.hostId().equals(hostId)) {
      throw new ConsoleGrant.Refused("the grant is for host " + grant.hostId() + ", not this one");
    }
    if (!grant.expiresAt().isAfter(now)) {
      throw new ConsoleGrant.Refused("the grant has expired");
    }
    if (grant.expiresAt().isAfter(now.plus(LONGEST))) {
      throw new ConsoleGrant.Refused(
          "the grant is valid for longer than " + LONGEST.toSeconds() + " s");
    }
    usedNonces.values().removeIf(expiry -> !expiry.isAfter(now));
    if (usedNonces.putIfAbsent(grant.nonce(), grant.expiresAt()) != null) {
      throw new ConsoleGrant.Refused("the grant was used already");
    }
    return grant;
  }

  private ConsoleGrant verified(String text) throws ConsoleGrant.Refused {
    List<PublicKey> keys = controlPlane.current();
    if (keys.isEmpty()) {
      throw new ConsoleGrant.Refused(
          "this agent holds no console grant key yet: its control plane sends them once connected");
    }
    ConsoleGrant.Refused refused = null;
    for (PublicKey key : keys) {
      try {
        return ConsoleGrant.verified(text, key);
      } catch (ConsoleGrant.Refused e) {
        refused = e;
      }
    }
    throw refused;
  }
}
