package io.veneer.controlplane.console;

import io.veneer.api.console.ConsoleGrant;
import io.veneer.api.console.PemKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Signs the console grants an agent's console listener admits (one person, one desktop, one host,
 * seconds, once), with the key of {@code veneer.console.grant-key-file}, read at start: a key that
 * is named but unreadable stops the control plane; none configured leaves consoles shut, saying why
 * at start and at each ticket.
 */
@Component
class ConsoleGrants {

  private static final Logger log = LoggerFactory.getLogger(ConsoleGrants.class);

  private final PrivateKey key;
  private final int ttlSeconds;
  private final Clock clock = Clock.systemUTC();

  ConsoleGrants(ConsoleProperties properties) {
    this.ttlSeconds = properties.grantTtlSeconds();
    if (properties.grantKeyFile() == null) {
      log.warn(
          "event=console.grants-off reason=\"veneer.console.grant-key-file is not set: no"
              + " browser console can be opened\"");
      this.key = null;
      return;
    }
    try {
      this.key = PemKeys.ed25519PrivateKey(properties.grantKeyFile());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "veneer.console.grant-key-file: "
              + e.getMessage()
              + " (make one with openssl genpkey -algorithm ed25519)",
          e);
    }
  }

  /**
   * @throws ConsoleUnavailableException when no grant key is configured
   */
  void requireKey() {
    if (key == null) {
      throw new ConsoleUnavailableException(
          "Browser consoles are off: the control plane has no console grant key"
              + " (veneer.console.grant-key-file)");
    }
  }

  /** A grant for {@code subject} to {@code desktopId}'s display on {@code hostId}, signed. */
  String sign(UUID desktopId, String hostId, String subject) {
    requireKey();
    return ConsoleGrant.of(desktopId, hostId, subject, clock.instant().plusSeconds(ttlSeconds))
        .signedWith(key);
  }
}
