package io.veneer.controlplane.console;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Browser console settings ({@code veneer.console.*}).
 *
 * @param ticketTtlSeconds how long a console ticket may wait to be redeemed (default 60)
 * @param grantKeyFile the Ed25519 private key (PKCS#8 PEM) console grants are signed with; its
 *     public half is sent to every agent on its stream. Without it no console opens. Read again
 *     when it changes.
 * @param acceptedGrantKeysFile Ed25519 public keys (PEM) agents are also to accept, beside the
 *     signing key's: during a rollover across replicas, the next key, then the previous one. Read
 *     again when it changes; only with {@code grantKeyFile}.
 * @param grantTtlSeconds how long a console grant is good for (default 30, at most 60: agents
 *     refuse longer ones)
 */
@ConfigurationProperties("veneer.console")
public record ConsoleProperties(
    @DefaultValue("60") int ticketTtlSeconds,
    Path grantKeyFile,
    Path acceptedGrantKeysFile,
    @DefaultValue("30") int grantTtlSeconds) {

  public ConsoleProperties {
    if (ticketTtlSeconds < 1) {
      throw new IllegalArgumentException(
          "veneer.console.ticket-ttl-seconds must be at least 1, was " + ticketTtlSeconds);
    }
    if (acceptedGrantKeysFile != null && grantKeyFile == null) {
      throw new IllegalArgumentException(
          "veneer.console.accepted-grant-keys-file is set without veneer.console.grant-key-file:"
              + " with no key to sign grants, agents would be sent none");
    }
    if (grantTtlSeconds < 1 || grantTtlSeconds > 60) {
      throw new IllegalArgumentException(
          "veneer.console.grant-ttl-seconds must be 1-60 (agents refuse longer grants), was "
              + grantTtlSeconds);
    }
  }
}
