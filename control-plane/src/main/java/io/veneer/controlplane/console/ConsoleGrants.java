package io.veneer.controlplane.console;

import com.google.protobuf.ByteString;
import io.veneer.agent.v1.ConsoleGrantKeys;
import io.veneer.api.console.ConsoleGrant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Signs the console grants an agent's console listener admits (one person, one desktop, one host,
 * seconds, once), with the key of {@code veneer.console.grant-key-file}, and tells agents which
 * keys to admit: its public half and those of {@code veneer.console.accepted-grant-keys-file}
 * ({@link #forAgents()}, sent on each agent stream). The files are read at start (one named but
 * unreadable stops it) and again whenever they change; none configured leaves consoles shut, saying
 * why at start and at each ticket.
 */
@Component
public class ConsoleGrants {

  private static final Logger log = LoggerFactory.getLogger(ConsoleGrants.class);

  private final GrantKeyFiles keys;
  private final int ttlSeconds;
  private final Clock clock = Clock.systemUTC();

  ConsoleGrants(ConsoleProperties properties) {
    this.ttlSeconds = properties.grantTtlSeconds();
    if (properties.grantKeyFile() == null) {
      log.warn(
          "event=console.grants-off reason=\"veneer.console.grant-key-file is not set: no"
              + " browser console can be opened\"");
      this.keys = null;
      return;
    }
    try {
      this.keys = new GrantKeyFiles(properties.grantKeyFile(), properties.acceptedGrantKeysFile());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "veneer.console.grant-key-file or accepted-grant-keys-file: "
              + e.getMessage()
              + " (make a key with openssl genpkey -algorithm ed25519, its public half with"
              + " openssl pkey -pubout)",
          e);
    }
  }

  /**
   * @throws ConsoleUnavailableException when no grant key is configured
   */
  void requireKey() {
    if (keys == null) {
      throw new ConsoleUnavailableException(
          "Browser consoles are off: the control plane has no console grant key"
              + " (veneer.console.grant-key-file)");
    }
  }

  /** A grant for {@code subject} to {@code desktopId}'s display on {@code hostId}, signed. */
  String sign(UUID desktopId, String hostId, String subject) {
    requireKey();
    return ConsoleGrant.of(desktopId, hostId, subject, clock.instant().plusSeconds(ttlSeconds))
        .signedWith(keys.current().signing());
  }

  /** The keys agents are to admit grants of, as they are sent; empty when consoles are off. */
  public Optional<ConsoleGrantKeys> forAgents() {
    if (keys == null) {
      return Optional.empty();
    }
    ConsoleGrantKeys.Builder message = ConsoleGrantKeys.newBuilder();
    keys.current()
        .published()
        .forEach(key -> message.addEd25519PublicKeys(ByteString.copyFrom(key.getEncoded())));
    return Optional.of(message.build());
  }
}
